/**
 * The in-page warning: a small panel in a CLOSED shadow root, so page CSS cannot break it and page scripts cannot
 * read it. Every string, and above all the chat words that triggered it, is set with textContent: message text is
 * untrusted and never becomes HTML.
 */
import { advice, categoryName, helpLines, t, type UiLanguage } from '../i18n';
import type { ConversationRisk, Finding } from '../engine/types';

export const BANNER_HOST_ATTRIBUTE = 'data-not-alone-banner';

export interface BannerOptions {
  language: UiLanguage;
  risk: ConversationRisk;
  /** The findings that made the level rise, strongest first. */
  findings: readonly Finding[];
  onDismiss(): void;
  onSave(): void;
}

const STYLE = `
:host { all: initial; }
.panel { position: fixed; right: 16px; bottom: 16px; z-index: 2147483647; max-width: 380px; box-sizing: border-box;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2937; background: #fffbeb;
  border: 1px solid #f59e0b; border-left: 6px solid #d97706; border-radius: 10px; padding: 14px 16px;
  box-shadow: 0 6px 24px rgba(0,0,0,.18); }
h2 { font-size: 15px; margin: 0 0 6px; color: #92400e; }
p { margin: 0 0 8px; }
.words { font-style: italic; overflow-wrap: anywhere; max-height: 4.5em; overflow: hidden; unicode-bidi: plaintext; }
.actions { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 10px; }
button { font: inherit; border-radius: 6px; border: 1px solid #d97706; background: #fff; color: #92400e; padding: 5px 10px; cursor: pointer; }
button.primary { background: #d97706; color: #fff; }
button:focus-visible { outline: 3px solid #2563eb; outline-offset: 2px; }
.help { border-top: 1px solid #fcd34d; margin-top: 10px; padding-top: 8px; }
.help ul { margin: 4px 0 8px; padding-left: 18px; }
.privacy { font-size: 12px; color: #6b7280; margin: 8px 0 0; }
.close { position: absolute; top: 6px; right: 8px; border: none; background: transparent; font-size: 18px; padding: 2px 6px; }
`;

function el<K extends keyof HTMLElementTagNameMap>(doc: Document, tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const node = doc.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

export interface BannerHandle {
  host: HTMLElement;
  remove(): void;
}

export function showBanner(doc: Document, options: BannerOptions): BannerHandle {
  doc.querySelectorAll(`[${BANNER_HOST_ATTRIBUTE}]`).forEach((old) => old.remove());
  const { language } = options;
  const host = doc.createElement('div');
  host.setAttribute(BANNER_HOST_ATTRIBUTE, '');
  const root = host.attachShadow({ mode: 'closed' });
  const style = el(doc, 'style', STYLE);
  const panel = el(doc, 'section', undefined, 'panel');
  panel.setAttribute('role', 'alert');
  panel.setAttribute('aria-labelledby', 'na-title');

  const top = options.findings[0];
  const category = top?.category ?? options.risk.categories[0] ?? 'secrecy';
  const title = el(doc, 'h2', t(language, 'bannerTitle'));
  title.id = 'na-title';
  const intro = el(doc, 'p', t(language, 'bannerIntro', { pattern: categoryName(language, category) }));
  const words = options.findings
    .slice(0, 3)
    .map((f) => f.matched.slice(0, 120))
    .join('”, “');
  const wordsLine = el(doc, 'p', t(language, 'bannerWords', { words }), 'words');
  const adviceLine = el(doc, 'p', advice(language, top?.adviceKey ?? category));

  const help = el(doc, 'div', undefined, 'help');
  help.hidden = true;
  help.id = 'na-help';
  help.append(el(doc, 'p', t(language, 'helpNotYourFault')), el(doc, 'p', t(language, 'helpPolice')), el(doc, 'p', t(language, 'helpSteps')));
  help.append(el(doc, 'strong', t(language, 'helpCall')));
  const list = el(doc, 'ul');
  for (const line of helpLines(language)) {
    list.append(el(doc, 'li', line.number ? `${line.number}: ${line.label} (${line.note})` : `${line.label}: ${line.note}`));
  }
  help.append(list);

  const remove = (): void => host.remove();
  const ok = el(doc, 'button', t(language, 'bannerOk'), 'primary');
  ok.type = 'button';
  ok.addEventListener('click', () => {
    options.onDismiss();
    remove();
  });
  const helpButton = el(doc, 'button', t(language, 'bannerHelp'));
  helpButton.type = 'button';
  helpButton.setAttribute('aria-expanded', 'false');
  helpButton.setAttribute('aria-controls', 'na-help');
  helpButton.addEventListener('click', () => {
    help.hidden = !help.hidden;
    helpButton.setAttribute('aria-expanded', String(!help.hidden));
  });
  const save = el(doc, 'button', t(language, 'bannerSave'));
  save.type = 'button';
  save.addEventListener('click', () => {
    options.onSave();
    save.disabled = true;
    save.textContent = t(language, 'bannerSaved');
  });
  const close = el(doc, 'button', '×', 'close');
  close.type = 'button';
  close.setAttribute('aria-label', t(language, 'bannerClose'));
  close.addEventListener('click', () => {
    options.onDismiss();
    remove();
  });
  panel.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      options.onDismiss();
      remove();
    }
  });

  const actions = el(doc, 'div', undefined, 'actions');
  actions.append(ok, helpButton, save);
  panel.append(close, title, intro, wordsLine, adviceLine, actions, help, el(doc, 'p', t(language, 'bannerPrivacy'), 'privacy'));
  root.append(style, panel);
  (doc.body ?? doc.documentElement).append(host);
  return { host, remove };
}
