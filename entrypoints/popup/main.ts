import { browser } from 'wxt/browser';
import { pickLanguage, t } from '../../lib/i18n';
import { buildPopupModel, type PopupModel } from '../../lib/popup/model';
import { loadConversations, loadSettings, saveSettings, tabStatesItem } from '../../lib/storage/items';

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

async function render(): Promise<void> {
  const [{ value: settings }, { value: conversations }, tabStates, [tab]] = await Promise.all([
    loadSettings(),
    loadConversations(),
    tabStatesItem.getValue(),
    browser.tabs.query({ active: true, currentWindow: true }),
  ]);
  const language = settings.uiLanguage === 'auto' ? pickLanguage(navigator.languages) : settings.uiLanguage;
  document.documentElement.lang = language;
  const model = buildPopupModel({
    language,
    tabUrl: tab?.url,
    tabState: tab?.id !== undefined ? tabStates[String(tab.id)] : undefined,
    conversations,
    settings,
    now: Date.now(),
  });
  draw(model, language, async (action) => {
    if (action === 'report') await browser.tabs.create({ url: browser.runtime.getURL('/report.html') });
    if (action === 'pause' && model.host) {
      await saveSettings({ ...settings, pausedSites: { ...settings.pausedSites, [model.host]: Date.now() + 3_600_000 } });
    }
    if (action === 'resume' && model.host) {
      const pausedSites = { ...settings.pausedSites };
      delete pausedSites[model.host];
      await saveSettings({ ...settings, pausedSites });
    }
    await render();
  });
}

function draw(model: PopupModel, language: 'en' | 'vi', act: (action: 'report' | 'pause' | 'resume') => Promise<void>): void {
  const app = document.getElementById('app');
  if (!app) return;
  app.replaceChildren();
  app.append(el('h1', t(language, 'popupTitle')), el('p', t(language, 'tagline'), 'tagline'));
  const status = el('section', undefined, 'status');
  status.dataset.status = model.status;
  status.append(el('div', model.statusText));
  if (model.current) {
    const current = el('div');
    current.append(el('span', model.current.text + ' '), el('span', model.current.level, `level level-${model.current.level}`));
    current.dataset.testid = 'current-level';
    status.append(current);
  }
  app.append(status, el('h2', t(language, 'recentTitle')));
  const list = el('ul');
  list.dataset.testid = 'recent';
  if (model.recent.length === 0) list.append(el('li', model.emptyText, 'meta'));
  for (const item of model.recent) {
    const li = el('li');
    li.dataset.conversation = item.key;
    const badge = el('span', item.levelText, `level level-${item.level}`);
    li.append(el('div', item.title, 'title'), badge, el('div', `${item.reasons} · ${item.flaggedCount} · ${item.site}`, 'meta'));
    list.append(li);
  }
  app.append(list);
  const actions = el('div', undefined, 'actions');
  const report = el('button', t(language, 'openReport'), 'primary');
  report.addEventListener('click', () => void act('report'));
  actions.append(report);
  if (model.status === 'watching') {
    const pause = el('button', t(language, 'pauseHour'));
    pause.addEventListener('click', () => void act('pause'));
    actions.append(pause);
  } else if (model.status === 'paused') {
    const resume = el('button', t(language, 'resume'));
    resume.addEventListener('click', () => void act('resume'));
    actions.append(resume);
  }
  app.append(actions, el('p', t(language, 'privacyNote'), 'privacy'));
}

void render();
