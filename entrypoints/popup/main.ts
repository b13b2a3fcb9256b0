import { browser } from 'wxt/browser';
import { BANNER_SHORTCUT } from '../../lib/content/banner';
import { pickLanguage, t, type UiLanguage } from '../../lib/i18n';
import { button, el } from '../../lib/popup/dom';
import { buildPopupModel, type PopupModel } from '../../lib/popup/model';
import { pinPrompt } from '../../lib/popup/pin-prompt';
import { defaultTimeZone } from '../../lib/report/build';
import { activePauses, PAUSE_MS } from '../../lib/settings/sites';
import { patternHost, withdrawnChatSites } from '../../lib/sites/hosts';
import { requestWatchSite } from '../../lib/extension/watch-site';
import { loadConversations, loadPinLock, loadPolicy, loadSettings, loadTabStates, updateSettings } from '../../lib/storage/items';
import type { PinLock } from '../../lib/storage/schema';

type Action = 'report' | 'pause' | 'resume' | 'watch' | 'settings' | 'restore-access';

interface State {
  model: PopupModel;
  language: UiLanguage;
  lock: PinLock | null;
  /** Chat-site match patterns whose access was withdrawn in the browser. */
  withdrawn: string[];
  /** The PIN form is open for this action. */
  asking: Action | null;
  message: string | null;
}

let state: State | null = null;

async function load(): Promise<State> {
  const [{ value: settings }, { value: conversations }, tabStates, [tab], { lock }, { value: policy }] = await Promise.all([
    loadSettings(),
    loadConversations(),
    loadTabStates(),
    browser.tabs.query({ active: true, currentWindow: true }),
    loadPinLock(),
    loadPolicy(),
  ]);
  const withdrawn = await withdrawnChatSites((pattern) => browser.permissions.contains({ origins: [pattern] }));
  const language = settings.uiLanguage === 'auto' ? pickLanguage(navigator.languages) : settings.uiLanguage;
  document.documentElement.lang = language;
  document.title = t(language, 'popupTitle');
  const model = buildPopupModel({
    language,
    tabUrl: tab?.url,
    tabState: tab?.id !== undefined ? tabStates[String(tab.id)] : undefined,
    conversations,
    settings,
    now: Date.now(),
    pinLocked: lock !== null,
    policyLocked: policy.lockSettings === true,
    timeZone: defaultTimeZone(),
    withdrawnHosts: [...new Set(withdrawn.map(patternHost))],
  });
  return { model, language, lock, withdrawn, asking: null, message: state?.message ?? null };
}

async function perform(action: Action): Promise<void> {
  if (!state) return;
  const { model, language } = state;
  if (action === 'report') {
    await browser.tabs.create({ url: browser.runtime.getURL('/report.html') });
    window.close();
    return;
  }
  if (action === 'settings') {
    await browser.runtime.openOptionsPage();
    window.close();
    return;
  }
  if (action === 'restore-access') {
    // Runs straight from the click: browsers only show the permission prompt during a user gesture.
    const granted = await browser.permissions.request({ origins: state.withdrawn }).catch(() => false);
    state.message = t(language, granted ? 'popupReloadNote' : 'popupWatchDenied');
    state = { ...(await load()), message: state.message };
    draw();
    return;
  }
  if (!model.host) return;
  const host = model.host;
  if (action === 'pause') {
    await updateSettings((s) => ({ pausedSites: { ...activePauses(s.pausedSites, Date.now()), [host]: Date.now() + PAUSE_MS } }));
    state.message = t(language, 'popupPausedNote');
  }
  if (action === 'resume') {
    await updateSettings((s) => {
      const pausedSites = { ...s.pausedSites };
      delete pausedSites[host];
      return { pausedSites };
    });
    state.message = t(language, 'popupReloadNote');
  }
  if (action === 'watch' && model.origin) {
    // Runs straight from the click: browsers only show the permission prompt during a user gesture.
    const result = await requestWatchSite(model.origin);
    state.message = t(language, result.ok ? 'popupWatchAdded' : 'popupWatchDenied');
  }
  state = { ...(await load()), message: state.message };
  draw();
}

function act(action: Action): void {
  if (!state) return;
  const guarded = action === 'pause' || action === 'resume';
  if (guarded && state.model.needsPin && state.lock) {
    state.asking = action;
    draw();
    return;
  }
  void perform(action);
}

function draw(): void {
  const app = document.getElementById('app');
  if (!app || !state) return;
  const { model, language } = state;
  const status = el('section', { className: 'status', testid: 'status', attrs: { 'aria-label': t(language, 'popupStatusLabel') } });
  status.dataset.status = model.status;
  status.append(el('div', { text: model.statusText, className: 'status-text' }));
  if (model.host) status.append(el('div', { text: model.host, className: 'meta host' }));
  if (model.pausedText) status.append(el('div', { text: model.pausedText, className: 'meta' }));
  if (model.current) {
    status.append(
      el('div', { testid: 'current-level', className: 'current' }, el('span', t(language, 'popupCurrentLabel') + ' '), el('span', { text: model.current.levelText, className: `level level-${model.current.level}` })),
    );
    const pattern = model.current.pattern;
    if (pattern) {
      // The named script and the advice that fits it come first: they say more than the list of warning signs.
      status.append(
        el(
          'div',
          { testid: 'pattern', className: 'pattern' },
          el('p', { text: pattern.headline, className: 'pattern-headline', testid: 'pattern-headline' }),
          el('h2', { text: t(language, 'patternAdviceTitle'), className: 'pattern-title' }),
          el('ol', { className: 'pattern-advice', testid: 'pattern-advice' }, ...pattern.advice.map((line) => el('li', line))),
          el('h2', { text: t(language, 'patternStepsSeen'), className: 'pattern-title' }),
          el('ol', { className: 'pattern-steps', testid: 'pattern-steps' }, ...pattern.steps.map((name) => el('li', name))),
        ),
      );
    }
  }

  if (model.ordinaryContextText) status.append(el('div', { text: model.ordinaryContextText, className: 'meta', testid: 'ordinary-context' }));
  if (model.accessText) status.append(el('div', { text: model.accessText, className: 'meta', testid: 'access-withdrawn' }));
  if (model.truncatedText) status.append(el('div', { text: model.truncatedText, className: 'meta', testid: 'truncated' }));
  if (model.picturesText) status.append(el('div', { text: model.picturesText, className: 'meta', testid: 'pictures' }));

  const list = el('ul', { testid: 'recent', className: 'recent' });
  if (model.recent.length === 0) list.append(el('li', { text: model.emptyText, className: 'meta empty' }));
  for (const item of model.recent) {
    const open = el(
      'a',
      { className: 'item', attrs: { href: browser.runtime.getURL(`/report.html#c=${encodeURIComponent(item.key)}`), target: '_blank' } },
      el('span', { text: item.title, className: 'title' }),
      el('span', { text: item.levelText, className: `level level-${item.level}` }),
      el('span', { text: item.reasons, className: 'reasons' }),
      el('span', { text: `${item.flaggedCount} · ${item.site} · ${item.when}`, className: 'meta' }),
    );
    const li = el('li', {}, open);
    li.dataset.conversation = item.key;
    list.append(li);
  }

  const actions = el('div', { className: 'actions' });
  actions.append(button(t(language, 'openReport'), () => act('report'), 'primary', 'open-report'));
  if (model.canPause) actions.append(button(t(language, 'pauseHour'), () => act('pause'), undefined, 'pause'));
  if (model.canResume) actions.append(button(t(language, 'resume'), () => act('resume'), undefined, 'resume'));
  if (model.canWatch) actions.append(button(t(language, 'watchSite'), () => act('watch'), undefined, 'watch'));
  if (model.canRestoreAccess) actions.append(button(t(language, 'popupRestoreAccess'), () => act('restore-access'), 'primary', 'restore-access'));
  actions.append(button(t(language, 'popupSettings'), () => act('settings'), 'link', 'settings'));

  const children: Node[] = [
    el('header', {}, el('h1', t(language, 'popupTitle')), el('p', { text: t(language, 'tagline'), className: 'tagline' })),
    status,
    el('h2', t(language, 'recentTitle')),
    list,
    actions,
  ];
  if (state.asking && state.lock) {
    const asking = state.asking;
    children.push(
      pinPrompt({
        language,
        lock: state.lock,
        purpose: t(language, asking === 'pause' ? 'pinToPause' : 'pinToResume'),
        submitText: t(language, asking === 'pause' ? 'pauseHour' : 'resume'),
        onSuccess: () => perform(asking),
        onCancel: () => {
          if (state) state.asking = null;
          draw();
        },
      }),
    );
  }
  if (state.message) children.push(el('p', { text: state.message, className: 'note', testid: 'message' }));
  if (model.lockText) children.push(el('p', { text: model.lockText, className: 'lock-note', testid: 'lock-note' }));
  children.push(
    el('p', { text: t(language, 'popupShortcut', { shortcut: BANNER_SHORTCUT.label }), className: 'privacy', testid: 'shortcut' }),
    el('p', { text: t(language, 'privacyNote'), className: 'privacy' }),
    el('p', { className: 'privacy' }, el('a', { text: t(language, 'popupWelcome'), attrs: { href: browser.runtime.getURL('/welcome.html'), target: '_blank' }, testid: 'welcome-link' })),
  );
  app.replaceChildren(...children);
  announce([model.statusText, state.message].filter(Boolean).join('. '));
}

/** Put `text` in the live region only when it changed, so a redraw does not make screen readers repeat it. */
function announce(text: string): void {
  const live = document.getElementById('live');
  if (live && live.textContent !== text) live.textContent = text;
}

void (async () => {
  state = await load();
  draw();
})();
