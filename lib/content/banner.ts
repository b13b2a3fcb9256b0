/**
 * The in-page warning: a small panel in a CLOSED shadow root, so page CSS cannot break it and page scripts cannot
 * read it. Every string, and above all the chat words that triggered it, is set with textContent: message text is
 * untrusted and never becomes HTML.
 *
 * Accessibility: a labelled region whose heading and first lines are announced once (role="alert"), buttons in
 * reading order (I'm OK, What should I do?, Save for a report, Close), Escape closes it, visible focus rings. It
 * never takes the focus (the user may be typing in the chat: a stolen focus would send keystrokes to our buttons),
 * never moves, blinks or plays a sound.
 */
import { advice, categoryName, helpLines, t, type UiLanguage } from '../i18n';
import type { CategoryId, ConversationRisk, Finding } from '../engine/types';
import { OWN_HOST_ATTRIBUTE } from './page-scanner';

export const BANNER_HOST_ATTRIBUTE = 'data-not-alone-banner';
/** A custom element name: page rules written for `div` or `section` do not reach the host. */
const HOST_TAG = 'not-alone-banner';

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
.panel { position: fixed; right: 16px; bottom: 16px; z-index: 2147483647; width: min(380px, calc(100vw - 32px));
  box-sizing: border-box; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2937;
  background: #fffbeb; border: 1px solid #f59e0b; border-left: 6px solid #d97706; border-radius: 10px;
  padding: 14px 40px 14px 16px; box-shadow: 0 6px 24px rgba(0,0,0,.18); max-height: calc(100vh - 32px); overflow: auto; }
h2 { font: 600 15px/1.3 inherit; margin: 0 0 6px; color: #92400e; }
p { margin: 0 0 8px; }
.words { font-style: italic; overflow-wrap: anywhere; unicode-bidi: plaintext; }
.actions { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 10px; }
button { font: inherit; border-radius: 6px; border: 1px solid #b45309; background: #fff; color: #7c2d12; padding: 5px 10px; cursor: pointer; }
button.primary { background: #b45309; color: #fff; }
button:disabled { cursor: default; opacity: .8; }
button:focus-visible, a:focus-visible { outline: 3px solid #1d4ed8; outline-offset: 2px; }
.help { border-top: 1px solid #fcd34d; margin-top: 10px; padding-top: 8px; }
.help[hidden] { display: none; }
.help h3 { font: 600 14px/1.3 inherit; margin: 0 0 6px; }
.help ul { margin: 4px 0 8px; padding-left: 18px; }
.help a { color: #1d4ed8; font-weight: 600; }
.status { font-size: 13px; color: #166534; margin: 8px 0 0; }
.status:empty { display: none; }
.privacy { font-size: 12px; color: #4b5563; margin: 8px 0 0; }
.close { position: absolute; top: 6px; right: 6px; border: none; background: transparent; font-size: 20px; line-height: 1; padding: 4px 8px; color: #92400e; }
@media (prefers-color-scheme: dark) {
  .panel { background: #1f1a0e; color: #f3f4f6; border-color: #b45309; }
  h2, .close { color: #fbbf24; }
  button { background: #111827; color: #fde68a; }
  button.primary { background: #d97706; color: #111827; }
  .privacy { color: #d1d5db; }
  .help a { color: #93c5fd; }
}
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

/** The chat words behind the warning: distinct (a phrase inside another one is not repeated), at most three. */
export function triggerWords(findings: readonly Finding[]): string[] {
  const texts = findings.map((f) => f.matched.replace(/\s+/g, ' ').trim()).filter(Boolean);
  const words: string[] = [];
  for (const text of texts) {
    const lower = text.toLowerCase();
    if (texts.some((other) => other.length > text.length && other.toLowerCase().includes(lower))) continue;
    const short = text.length > 80 ? `${text.slice(0, 79)}…` : text;
    if (!words.some((w) => w.toLowerCase() === short.toLowerCase())) words.push(short);
    if (words.length === 3) break;
  }
  return words;
}

/** The patterns to name: the categories of the findings behind the warning, then the conversation's. */
export function bannerCategories(risk: ConversationRisk, findings: readonly Finding[]): CategoryId[] {
  const categories: CategoryId[] = [];
  for (const category of [...findings.map((f) => f.category), ...risk.categories]) {
    if (!categories.includes(category)) categories.push(category);
  }
  return categories.slice(0, 2);
}

export function showBanner(doc: Document, options: BannerOptions): BannerHandle {
  doc.querySelectorAll(`[${BANNER_HOST_ATTRIBUTE}]`).forEach((old) => old.remove());
  const { language } = options;
  const host = doc.createElement(HOST_TAG);
  host.setAttribute(BANNER_HOST_ATTRIBUTE, '');
  host.setAttribute(OWN_HOST_ATTRIBUTE, '');
  // Inline !important beats any page rule: the host cannot be hidden or moved by the page's CSS.
  host.style.setProperty('all', 'initial', 'important');
  host.style.setProperty('display', 'block', 'important');
  const root = host.attachShadow({ mode: 'closed' });
  const style = el(doc, 'style', STYLE);
  const panel = el(doc, 'section', undefined, 'panel');
  panel.setAttribute('role', 'region');
  panel.setAttribute('aria-labelledby', 'na-title');
  panel.lang = language;
  panel.dir = 'ltr';

  const categories = bannerCategories(options.risk, options.findings);
  const top = options.findings[0];
  const announce = el(doc, 'div');
  announce.setAttribute('role', 'alert');
  const title = el(doc, 'h2', t(language, 'bannerTitle'));
  title.id = 'na-title';
  const pattern = (categories.length ? categories : (['secrecy'] as CategoryId[])).map((c) => categoryName(language, c)).join(', ');
  const intro = el(doc, 'p', t(language, 'bannerIntro', { pattern }));
  announce.append(title, intro);
  const words = triggerWords(options.findings);
  const wordsLine = words.length ? el(doc, 'p', t(language, 'bannerWords', { words: words.join('”, “') }), 'words') : null;
  const adviceLine = el(doc, 'p', advice(language, top?.adviceKey ?? categories[0] ?? 'general'));

  const help = el(doc, 'div', undefined, 'help');
  help.hidden = true;
  help.id = 'na-help';
  help.append(el(doc, 'h3', t(language, 'helpTitle')));
  help.append(el(doc, 'p', t(language, 'helpNotYourFault')), el(doc, 'p', t(language, 'helpPolice')), el(doc, 'p', t(language, 'helpSteps')));
  help.append(el(doc, 'strong', t(language, 'helpCall')));
  const list = el(doc, 'ul');
  for (const line of helpLines(language)) {
    const item = el(doc, 'li');
    if (line.number) {
      const call = el(doc, 'a', line.number);
      call.href = `tel:${line.number}`;
      item.append(call, doc.createTextNode(`: ${line.label} (${line.note})`));
    } else {
      item.textContent = `${line.label}: ${line.note}`;
    }
    list.append(item);
  }
  help.append(list);

  const status = el(doc, 'p', '', 'status');
  status.setAttribute('role', 'status');

  let removed = false;
  const remove = (): void => {
    if (removed) return;
    removed = true;
    host.remove();
  };
  const dismiss = (): void => {
    options.onDismiss();
    remove();
  };
  const button = (text: string, className?: string): HTMLButtonElement => {
    const b = el(doc, 'button', text, className);
    b.type = 'button';
    return b;
  };
  const ok = button(t(language, 'bannerOk'), 'primary');
  ok.addEventListener('click', dismiss);
  const helpButton = button(t(language, 'bannerHelp'));
  helpButton.setAttribute('aria-expanded', 'false');
  helpButton.setAttribute('aria-controls', 'na-help');
  helpButton.addEventListener('click', () => {
    help.hidden = !help.hidden;
    helpButton.setAttribute('aria-expanded', String(!help.hidden));
  });
  const save = button(t(language, 'bannerSave'));
  save.addEventListener('click', () => {
    options.onSave();
    save.disabled = true;
    status.textContent = t(language, 'bannerSaved');
  });
  const close = button('×', 'close');
  close.setAttribute('aria-label', t(language, 'bannerClose'));
  close.addEventListener('click', dismiss);
  panel.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      dismiss();
    }
  });

  const actions = el(doc, 'div', undefined, 'actions');
  actions.append(ok, helpButton, save);
  panel.append(announce);
  if (wordsLine) panel.append(wordsLine);
  // The close button comes last in the DOM (and the focus order) but sits in the top corner.
  panel.append(adviceLine, actions, help, status, el(doc, 'p', t(language, 'bannerPrivacy'), 'privacy'), close);
  root.append(style, panel);
  (doc.body ?? doc.documentElement).append(host);
  return { host, remove };
}
