import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import { createMessageHandler, type MessageSender } from '../lib/background/handler';
import { createBundledEngine } from '../lib/extension/bundled-engine';
import { nativeLocalStorageArea, restrictToExtension } from '../lib/extension/storage-access';
import { READ_AGAIN_MESSAGE, SETTINGS_CHANGED_MESSAGE } from '../lib/protocol-limits';
import { browserWatchDeps, CONTENT_SCRIPT_FILE, syncWatchedSites } from '../lib/extension/watch-site';
import { customRulesItem, loadCustomRules } from '../lib/storage/custom-rules';
import { loadConversations, loadSettings, recordDismissal, saveConversations, setTabState, settingsItem } from '../lib/storage/items';

const MAINTENANCE_ALARM = 'not-alone-storage-maintenance';

export default defineBackground(() => {
  // First run only (not on updates or service-worker restarts): what Not Alone does and never does, and the setup paths.
  browser.runtime.onInstalled.addListener(({ reason }) => {
    if (reason === 'install') void browser.tabs.create({ url: browser.runtime.getURL('/welcome.html') });
  });
  // Content scripts get what they need from here, never from storage.local itself (lib/extension/storage-access.ts).
  void restrictToExtension(nativeLocalStorageArea()).then((result) => {
    if (result === 'failed') console.error('Not Alone: could not restrict storage to the extension');
  });
  const handle = createMessageHandler({
    extensionId: browser.runtime.id,
    extensionPageUrl: browser.runtime.getURL('/'),
    loadConversations: async () => (await loadConversations()).value,
    saveConversations,
    retentionDays: async () => (await loadSettings()).value.retentionDays,
    setBadge: async (tabId, text, color) => {
      await browser.action.setBadgeText({ tabId, text });
      if (text) await browser.action.setBadgeBackgroundColor({ tabId, color });
    },
    setTabState,
    now: () => Date.now(),
    // The chat launcher asks for the content script when Instagram, Facebook or Discord open a chat without a page
    // load (entrypoints/chat-launcher.content.ts).
    startContentScript: async (tabId, frameId) => {
      await browser.scripting.executeScript({ target: { tabId, frameIds: [frameId] }, files: [CONTENT_SCRIPT_FILE] });
    },
    // Top frames only (the chat apps run there); the tab's URL follows history.pushState.
    frameUrl: async (tabId, frameId) => (frameId === 0 ? (await browser.tabs.get(tabId)).url : undefined),
    // The detection engine runs here, not in the chat page (lib/background/analysis.ts): built on the first request
    // from the settings in effect (the administrator's policy applied) and the imported rules.
    analysis: {
      engineInputs: async () => {
        const [{ value: settings }, customRules] = await Promise.all([loadSettings(), loadCustomRules()]);
        return { settings, customRules };
      },
      createEngine: ({ settings, customRules }) => createBundledEngine(settings, customRules),
      // New settings or rules: the open chats are read again now, so their badge and warning follow at once.
      askToReadAgain: (tabId, frameId) => {
        browser.tabs.sendMessage(tabId, READ_AGAIN_MESSAGE, { frameId }).catch(() => {
          // The tab was closed or navigated away: nothing to read again.
        });
      },
    },
    onStoreError: (error) => console.error('Not Alone: not saved', error),
    contentSettings: async () => {
      const { value } = await loadSettings();
      return { uiLanguage: value.uiLanguage, pausedSites: value.pausedSites, watchedSites: value.watchedSites };
    },
    recordDismissal,
  });
  const { analysis } = handle;
  // Retention also without new scans (lib/background/handler.ts maintainStorage): at every start and once a day.
  const maintain = (): void => void handle.maintainStorage().catch((error: unknown) => console.error('Not Alone: storage maintenance', error));
  maintain();
  void browser.alarms.create(MAINTENANCE_ALARM, { periodInMinutes: 24 * 60 });
  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === MAINTENANCE_ALARM) maintain();
  });
  // For `npm run bench:page` (bench/page.spec.ts reads it in the service worker).
  (globalThis as { notAloneDiagnostics?: unknown }).notAloneDiagnostics = analysis?.diagnostics;
  // webextension-polyfill sends the resolved value of a returned promise as the response.
  // eslint-disable-next-line @typescript-eslint/no-misused-promises
  browser.runtime.onMessage.addListener((message: unknown, sender: MessageSender) => handle(message, sender));
  browser.tabs.onRemoved.addListener((tabId) => {
    analysis?.dropTab(tabId);
    void setTabState(tabId, null);
  });
  // New settings or imported rules: a new engine, and every content script reads its conversation again.
  const engineInputsChanged = (): void => void analysis?.settingsChanged();
  // Content scripts cannot watch storage: tell each that the settings changed (it asks for them again).
  const tellContentScripts = async (): Promise<void> => {
    for (const tab of await browser.tabs.query({})) {
      if (tab.id === undefined) continue;
      browser.tabs.sendMessage(tab.id, SETTINGS_CHANGED_MESSAGE).catch(() => {
        // No content script in that tab.
      });
    }
  };
  const settingsChanged = (): void => {
    engineInputsChanged();
    void tellContentScripts();
  };
  settingsItem.watch(settingsChanged);
  customRulesItem.watch(engineInputsChanged);
  browser.storage.onChanged.addListener((_changes, area) => {
    if (area === 'managed') settingsChanged();
  });

  // "Watch this site" (lib/extension/watch-site.ts): keep the registered content script in step with the granted sites.
  const watch = browserWatchDeps();
  let watchQueue: Promise<unknown> = Promise.resolve();
  const syncWatch = (added: readonly string[] = []): void => {
    watchQueue = watchQueue.then(() => syncWatchedSites(watch, added)).catch((error: unknown) => console.error('Not Alone: watched sites', error));
  };
  syncWatch();
  browser.permissions.onAdded.addListener((permissions) => syncWatch(permissions.origins ?? []));
  browser.permissions.onRemoved.addListener(() => syncWatch());
});
