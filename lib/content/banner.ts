/**
 * The in-page warning: a small panel in a CLOSED shadow root, so page CSS cannot break it and page scripts cannot
 * reach into it. Its words, and above all the chat words that triggered it, are never HTML and never text nodes:
 * each is a `data-text` attribute drawn by CSS generated content (`::before { content: attr(data-text) }`), which is
 * plain text by construction and which `window.find()` and the page's selection cannot see (a closed shadow root
 * alone does not hide text from `find()`). Controls carry the same words as `aria-label`; screen readers read
 * generated content.
 *
 * Accessibility: a labelled region whose heading and first lines are announced once (role="alert"), buttons in
 * reading order, Escape closes it, visible focus rings, targets of at least 32 px. It never takes the focus by itself
 * (the user may be typing in the chat: a stolen focus would send keystrokes to our buttons); Alt+Shift+N, named in
 * the banner, brings the focus to it. It never moves, blinks or plays a sound. It sits at the top right, clear of the
 * chat's message box and Send button at the bottom, and can be made smaller (only a "show" button is left, with none
 * of the warning's words in the page).
 */
import { advice, categoryName, helpLines, t, type UiLanguage } from '../i18n';
import { patternSummary } from '../i18n/script-text';
import type { CategoryId, ConversationRisk, Finding } from '../engine/types';
import type { DismissalKind } from '../storage/limits';
import { OWN_HOST_ATTRIBUTE } from './page-scanner';

export const BANNER_HOST_ATTRIBUTE = 'data-not-alone-banner';
/** A custom element name: page rules written for `div` or `section` do not reach the host. */
const HOST_TAG = 'not-alone-banner';
/** The keyboard shortcut to the banner (by key position, so any keyboard layout or input method works). */
export const BANNER_SHORTCUT = { code: 'KeyN', label: 'Alt+Shift+N' } as const;

export interface BannerOptions {
  language: UiLanguage;
  risk: ConversationRisk;
  /** The findings that made the level rise, strongest first. */
  findings: readonly Finding[];
  /** The warning was closed, and how ("I'm OK", ×, Escape): the report page shows it back as what it was. */
  onDismiss(kind: Exclude<DismissalKind, 'unknown'>): void;
  onSave(): void;
  /**
   * For the accessibility test only (tests/e2e/a11y.spec.ts): an open shadow root and text nodes, so axe-core can
   * check names and contrast. The content script never sets it.
   */
  inspectable?: boolean;
}

const STYLE = `
:host { all: initial; }
[data-text]::before { content: attr(data-text); }
.panel { position: fixed; right: 16px; top: 72px; z-index: 2147483647; width: min(380px, calc(100vw - 32px));
  box-sizing: border-box; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2937;
  background: #fffbeb; border: 1px solid #f59e0b; border-left: 6px solid #d97706; border-radius: 10px;
  padding: 14px 84px 14px 16px; box-shadow: 0 6px 24px rgba(0,0,0,.18); max-height: calc(100vh - 180px); overflow: auto; }
.panel.compact { width: auto; padding: 4px; border-left-width: 6px; }
h2 { font: 600 15px/1.3 inherit; margin: 0 0 6px; color: #92400e; }
p { margin: 0 0 8px; }
.words { font-style: italic; overflow-wrap: anywhere; unicode-bidi: plaintext; }
.actions { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 10px; }
button { font: inherit; border-radius: 6px; border: 1px solid #b45309; background: #fff; color: #7c2d12; padding: 5px 10px; min-height: 32px; cursor: pointer; }
button.primary { background: #b45309; color: #fff; }
button:disabled { cursor: default; opacity: .8; }
button:focus-visible, a:focus-visible { outline: 3px solid #1d4ed8; outline-offset: 2px; }
.help { border-top: 1px solid #fcd34d; margin-top: 10px; padding-top: 8px; }
.help[hidden] { display: none; }
.help h3 { font: 600 14px/1.3 inherit; margin: 0 0 6px; }
.help ul { margin: 4px 0 8px; padding-left: 18px; }
.help li { margin: 4px 0; }
.help a { color: #1d4ed8; font-weight: 600; display: inline-block; min-width: 24px; min-height: 24px; }
.status { font-size: 13px; color: #166534; margin: 8px 0 0; }
.status:not([data-text]), .status[data-text=""] { display: none; }
.privacy { font-size: 12px; color: #4b5563; margin: 8px 0 0; }
.corner { position: absolute; top: 6px; border: none; background: transparent; font-size: 20px; line-height: 1; padding: 0; width: 32px; height: 32px; color: #92400e; }
.minimise { right: 42px; }
.close { right: 6px; }
.show { font-weight: 600; }
@media (prefers-color-scheme: dark) {
  .panel { background: #1f1a0e; color: #f3f4f6; border-color: #b45309; }
  h2, .corner { color: #fbbf24; }
  button { background: #111827; color: #fde68a; }
  .corner { background: transparent; }
  button.primary { background: #d97706; color: #111827; }
  .privacy { color: #d1d5db; }
  .status { color: #86efac; }
  .help a { color: #93c5fd; }
}
`;

/** An element showing `text` as generated content (or as a text node in an inspectable banner). */
function make<K extends keyof HTMLElementTagNameMap>(doc: Document, inspectable: boolean, tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const node = doc.createElement(tag);
  if (text !== undefined) setText(node, text, inspectable);
  if (className) node.className = className;
  return node;
}

function setText(node: HTMLElement, text: string, inspectable: boolean): void {
  if (inspectable) node.textContent = text;
  else node.dataset.text = text;
}

export interface BannerHandle {
  host: HTMLElement;
  remove(): void;
}

/** The chat words behind the warning (distinct, a phrase inside another one not repeated, at most three), each with its category. */
function quotedPhrases(findings: readonly Finding[]): { text: string; category: CategoryId }[] {
  const phrases = findings.map((f) => ({ text: f.matched.replace(/\s+/g, ' ').trim(), category: f.category })).filter((p) => p.text);
  const quoted: { text: string; category: CategoryId }[] = [];
  for (const phrase of phrases) {
    const lower = phrase.text.toLowerCase();
    if (phrases.some((other) => other.text.length > phrase.text.length && other.text.toLowerCase().includes(lower))) continue;
    const short = phrase.text.length > 80 ? `${phrase.text.slice(0, 79)}…` : phrase.text;
    if (!quoted.some((q) => q.text.toLowerCase() === short.toLowerCase())) quoted.push({ text: short, category: phrase.category });
    if (quoted.length === 3) break;
  }
  return quoted;
}

export function triggerWords(findings: readonly Finding[]): string[] {
  return quotedPhrases(findings).map((p) => p.text);
}

/**
 * The patterns to name: the category of every phrase the banner quotes (so it never quotes words without saying what
 * they are a sign of), or, with no phrase to quote, the conversation's first two.
 */
export function bannerCategories(risk: ConversationRisk, findings: readonly Finding[]): CategoryId[] {
  const quoted = [...new Set(quotedPhrases(findings).map((p) => p.category))];
  return quoted.length ? quoted : [...new Set(risk.categories)].slice(0, 2);
}

export function showBanner(doc: Document, options: BannerOptions): BannerHandle {
  doc.querySelectorAll(`[${BANNER_HOST_ATTRIBUTE}]`).forEach((old) => old.remove());
  const { language } = options;
  const inspectable = options.inspectable === true;
  const el = <K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] =>
    make(doc, inspectable, tag, text, className);
  const host = doc.createElement(HOST_TAG);
  host.setAttribute(BANNER_HOST_ATTRIBUTE, '');
  host.setAttribute(OWN_HOST_ATTRIBUTE, '');
  // Inline !important beats any page rule: the host cannot be hidden or moved by the page's CSS.
  host.style.setProperty('all', 'initial', 'important');
  host.style.setProperty('display', 'block', 'important');
  const root = host.attachShadow({ mode: inspectable ? 'open' : 'closed' });
  const style = doc.createElement('style');
  style.textContent = STYLE;
  const panel = el('section', undefined, 'panel');
  panel.setAttribute('role', 'region');
  panel.setAttribute('aria-label', t(language, 'bannerTitle'));
  panel.lang = language;
  panel.dir = 'ltr';

  const categories = bannerCategories(options.risk, options.findings);
  const top = options.findings[0];
  const announce = el('div');
  announce.setAttribute('role', 'alert');
  const title = el('h2', t(language, 'bannerTitle'));
  title.setAttribute('aria-label', t(language, 'bannerTitle'));
  // A conversation that follows a known script (rules/scripts) is named as it, with the advice that fits it first
  // ("real police never investigate by video call…"); otherwise the categories seen and the strongest cue's advice.
  const named = options.risk.pattern ? patternSummary(language, options.risk.pattern) : undefined;
  const pattern = (categories.length ? categories : (['secrecy'] as CategoryId[])).map((c) => categoryName(language, c)).join(', ');
  announce.append(title, el('p', named ? named.headline : t(language, 'bannerIntro', { pattern })));
  const words = triggerWords(options.findings);
  const wordsLine = words.length ? el('p', t(language, 'bannerWords', { words: words.join('”, “') }), 'words') : null;
  const adviceLines = named ? named.advice.map((line) => el('p', line, 'advice')) : [el('p', advice(language, top?.adviceKey ?? categories[0] ?? 'general'))];

  const help = el('div', undefined, 'help');
  help.hidden = true;
  help.id = 'na-help';
  help.append(el('h3', t(language, 'helpTitle')));
  help.lastElementChild?.setAttribute('aria-label', t(language, 'helpTitle'));
  help.append(el('p', t(language, 'helpNotYourFault')), el('p', t(language, 'helpPolice')), el('p', t(language, 'helpSteps')));
  help.append(el('strong', t(language, 'helpCall')));
  const list = el('ul');
  for (const line of helpLines(language)) {
    const item = el('li');
    if (line.number) {
      const call = el('a', line.number);
      call.href = `tel:${line.number}`;
      call.setAttribute('aria-label', `${line.number}: ${line.label}`);
      item.append(call, el('span', `: ${line.label} (${line.note})`));
    } else {
      item.append(el('span', `${line.label}: ${line.note}`));
    }
    list.append(item);
  }
  help.append(list);

  const status = el('p', undefined, 'status');
  status.setAttribute('role', 'status');

  let removed = false;
  const remove = (): void => {
    if (removed) return;
    removed = true;
    doc.removeEventListener('keydown', onShortcut, true);
    host.remove();
  };
  const dismiss = (kind: Exclude<DismissalKind, 'unknown'>): void => {
    options.onDismiss(kind);
    remove();
  };
  const button = (text: string, className?: string, label = text): HTMLButtonElement => {
    const b = el('button', text, className);
    b.type = 'button';
    b.setAttribute('aria-label', label);
    return b;
  };
  // At the danger level the main action is getting help; "I'm OK" stays, plain and last.
  const danger = options.risk.level === 'critical';
  const ok = button(t(language, 'bannerOk'), danger ? undefined : 'primary');
  ok.addEventListener('click', () => dismiss('ok'));
  const helpButton = button(t(language, 'bannerHelp'), danger ? 'primary' : undefined);
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
    setText(status, t(language, 'bannerSaved'), inspectable);
  });
  const minimise = button('–', 'corner minimise', t(language, 'bannerMinimise'));
  const close = button('×', 'corner close', t(language, 'bannerClose'));
  close.addEventListener('click', () => dismiss('close'));
  panel.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      dismiss('escape');
    }
  });

  const actions = el('div', undefined, 'actions');
  actions.append(...(danger ? [helpButton, save, ok] : [ok, helpButton, save]));
  const details: HTMLElement[] = [announce];
  if (named) details.push(...adviceLines.splice(0));
  if (wordsLine) details.push(wordsLine);
  // The corner buttons come last in the DOM (and the focus order) but sit in the top corner.
  details.push(...adviceLines, actions, help, status, el('p', t(language, 'bannerPrivacy', { shortcut: BANNER_SHORTCUT.label }), 'privacy'), minimise, close);

  // Smaller: only a "show the warning" button is left, and none of the warning's words stay in the page.
  const show = button(t(language, 'bannerShow'), 'show', t(language, 'bannerShow'));
  show.setAttribute('aria-expanded', 'false');
  const expand = (): void => {
    panel.classList.remove('compact');
    panel.replaceChildren(...details);
  };
  show.addEventListener('click', () => {
    expand();
    ok.focus();
  });
  minimise.addEventListener('click', () => {
    panel.classList.add('compact');
    panel.replaceChildren(show);
    show.focus();
  });
  function onShortcut(event: KeyboardEvent): void {
    if (event.code !== BANNER_SHORTCUT.code || !event.altKey || !event.shiftKey || event.ctrlKey || event.metaKey) return;
    event.preventDefault();
    event.stopPropagation();
    if (panel.classList.contains('compact')) expand();
    actions.querySelector('button')?.focus();
  }
  doc.addEventListener('keydown', onShortcut, true);

  expand();
  root.append(style, panel);
  (doc.body ?? doc.documentElement).append(host);
  return { host, remove };
}
