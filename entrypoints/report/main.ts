// Minimal report page: lists stored flagged conversations with highlighted words. Filters and exports: issue 5.
import { pickLanguage, levelName, t } from '../../lib/i18n';
import { flaggedConversations } from '../../lib/storage/conversations';
import { loadConversations, loadSettings } from '../../lib/storage/items';

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

async function render(): Promise<void> {
  const [{ value: settings }, { value: conversations }] = await Promise.all([loadSettings(), loadConversations()]);
  const language = settings.uiLanguage === 'auto' ? pickLanguage(navigator.languages) : settings.uiLanguage;
  const app = document.getElementById('app');
  if (!app) return;
  app.replaceChildren(el('h1', t(language, 'reportTitle')));
  for (const conversation of flaggedConversations(conversations)) {
    const section = el('section');
    section.dataset.conversation = conversation.key;
    section.append(el('h2', conversation.title), el('p', `${t(language, 'levelLabel')}: ${levelName(language, conversation.risk.level)}`));
    for (const message of conversation.messages) {
      const div = el('div', undefined, message.findings.length ? 'message flagged' : 'message');
      const when = message.ts ? new Date(message.ts).toLocaleString(language) + ' · ' : '';
      div.append(el('small', `${when}${message.sender ?? message.from}: `));
      let cursor = 0;
      for (const finding of [...message.findings].sort((a, b) => a.start - b.start)) {
        if (finding.start < cursor) continue;
        div.append(document.createTextNode(message.text.slice(cursor, finding.start)), el('mark', message.text.slice(finding.start, finding.end)));
        cursor = finding.end;
      }
      div.append(document.createTextNode(message.text.slice(cursor)));
      section.append(div);
    }
    app.append(section);
  }
}

void render();
