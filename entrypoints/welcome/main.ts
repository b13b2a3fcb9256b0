/**
 * The welcome page, opened once when the extension is installed (entrypoints/background.ts, `runtime.onInstalled`
 * reason "install"): what Not Alone watches and what it never does, pinning the icon, an example warning (the real
 * banner with made-up chat words), a path for the teen or student and one for a parent (straight to the PIN and the
 * policy on the settings page), and that the project is independent of the police campaign of the same name.
 * In the browser's language, switchable; switching also sets the extension's language when settings are not locked.
 */
import { browser } from 'wxt/browser';
import { showBanner, BANNER_SHORTCUT } from '../../lib/content/banner';
import type { Finding } from '../../lib/engine/types';
import { pickLanguage, t, type StringKey, type UiLanguage } from '../../lib/i18n';
import { button, el } from '../../lib/popup/dom';
import { loadPinLock, loadPolicy, loadUserSettings, updateSettings } from '../../lib/storage/items';

let language: UiLanguage = 'en';
let teenOpen = false;
const tr = (key: StringKey, values?: Record<string, string | number>): string => t(language, key, values);

/** The example warning: the fake-police script, as the banner shows it for a real chat. */
function exampleFindings(): Finding[] {
  const phrases: [StringKey, Finding['category']][] = [
    ['welcomeDemoPhrase1', 'impersonation'],
    ['welcomeDemoPhrase2', 'secrecy'],
    ['welcomeDemoPhrase3', 'money'],
  ];
  return phrases.map(([key, category]) => {
    const matched = tr(key);
    return { ruleId: `example-${category}`, category, language, weight: 3, start: 0, end: matched.length, matched, adviceKey: category, selfCompliance: false };
  });
}

function section(id: string, title: string, ...children: Array<Node | null>): HTMLElement {
  return el('section', { attrs: { 'aria-labelledby': `${id}-title` }, testid: id }, el('h2', { text: title, attrs: { id: `${id}-title` } }), ...children);
}

function list(keys: StringKey[]): HTMLElement {
  return el('ul', {}, ...keys.map((key) => el('li', tr(key))));
}

async function switchLanguage(next: UiLanguage): Promise<void> {
  language = next;
  draw();
  // The choice becomes the extension's language too, unless a PIN or the administrator guards the settings.
  const [{ lock }, { value: policy }] = await Promise.all([loadPinLock(), loadPolicy()]);
  if (!lock && !policy.lockSettings && policy.uiLanguage === undefined) await updateSettings(() => ({ uiLanguage: next }));
}

function draw(): void {
  const app = document.getElementById('app');
  if (!app) return;
  document.documentElement.lang = language;
  document.title = tr('welcomeTitle');
  const languages = el('div', { className: 'language', attrs: { role: 'group', 'aria-label': tr('welcomeLanguage') } });
  for (const [code, name] of [['en', 'English'], ['vi', 'Tiếng Việt']] as const) {
    const choice = button(name, () => switchLanguage(code), undefined, `language-${code}`);
    choice.lang = code;
    choice.setAttribute('aria-pressed', String(language === code));
    languages.append(choice);
  }

  const demo = button(tr('welcomeDemoButton'), () => {
    showBanner(document, {
      language,
      risk: { level: 'critical', score: 12, alert: true, categories: ['impersonation', 'secrecy', 'money'], reasons: [] },
      findings: exampleFindings(),
      // An example: nothing is recorded or saved.
      onDismiss: () => undefined,
      onSave: () => undefined,
    });
  }, 'primary', 'show-example');

  const teenPanel = el('div', { attrs: { id: 'teen-path' }, testid: 'teen-path' }, el('h3', tr('welcomeTeenTitle')), list(['welcomeTeen1', 'helpPolice', 'welcomeTeen3']), el('p', {}, el('a', { text: tr('openReport'), attrs: { href: browser.runtime.getURL('/report.html') } })));
  teenPanel.hidden = !teenOpen;
  const teen = button(tr('welcomeTeen'), () => {
    teenOpen = !teenOpen;
    draw();
    document.querySelector<HTMLElement>('[data-testid="teen-path"] h3')?.focus();
  }, undefined, 'path-teen');
  teen.setAttribute('aria-expanded', String(teenOpen));
  teen.setAttribute('aria-controls', 'teen-path');
  // The parent path goes straight to the PIN (the policy is at the end of the same page).
  const parent = el('a', { text: tr('welcomeParent'), className: 'button primary', attrs: { href: browser.runtime.getURL('/options.html#pin') }, testid: 'path-parent' });

  app.replaceChildren(
    el('header', { className: 'page-header' }, el('h1', tr('welcomeTitle')), el('p', { text: tr('welcomeIntro'), className: 'intro' })),
    languages,
    section('who', tr('welcomeWhoTitle'), el('div', { className: 'paths' }, teen, parent), el('p', { text: tr('welcomeParentNote'), className: 'hint' }), teenPanel),
    section('watches', tr('welcomeWatchesTitle'), list(['welcomeWatches1', 'welcomeWatches2'])),
    section('never', tr('welcomeNeverTitle'), list(['welcomeNever1', 'welcomeNever2', 'welcomeNever3'])),
    section('pin-icon', tr('welcomePinTitle'), el('p', tr('welcomePinText'))),
    section('demo', tr('welcomeDemoTitle'), el('p', tr('welcomeDemoText')), el('p', { text: tr('welcomeShortcut', { shortcut: BANNER_SHORTCUT.label }), className: 'hint' }), el('div', { className: 'actions' }, demo)),
    el('section', { className: 'independent', testid: 'independent' }, el('p', tr('welcomeIndependent'))),
    el('p', { text: tr('privacyNote'), className: 'hint' }),
  );
  const heading = document.querySelector<HTMLElement>('[data-testid="teen-path"] h3');
  if (heading) heading.tabIndex = -1;
}

void (async () => {
  const [{ value: settings }, { value: policy }] = await Promise.all([loadUserSettings(), loadPolicy()]);
  const setting = policy.uiLanguage ?? settings.uiLanguage;
  language = setting === 'auto' ? pickLanguage(navigator.languages) : setting;
  draw();
})();
