import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import { createMessageHandler, type MessageSender } from '../lib/background/handler';
import { parseSentences } from '../lib/engine/sentences';
import { browserWatchDeps, CONTENT_SCRIPT_FILE, syncWatchedSites } from '../lib/sites/watch';
import { loadConversations, loadSettings, saveConversations, setTabState } from '../lib/storage/items';

export default defineBackground(() => {
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
    // Grammar checks for the content scripts, which do not load compromise themselves (lib/content/remote-sentences.ts).
    parseSentences,
  });
  // webextension-polyfill sends the resolved value of a returned promise as the response.
  // eslint-disable-next-line @typescript-eslint/no-misused-promises
  browser.runtime.onMessage.addListener((message: unknown, sender: MessageSender) => handle(message, sender));
  browser.tabs.onRemoved.addListener((tabId) => void setTabState(tabId, null));

  // "Watch this site" (lib/sites/watch.ts): keep the registered content script in step with the granted sites.
  const watch = browserWatchDeps();
  let watchQueue: Promise<unknown> = Promise.resolve();
  const syncWatch = (added: readonly string[] = []): void => {
    watchQueue = watchQueue.then(() => syncWatchedSites(watch, added)).catch((error: unknown) => console.error('Not Alone: watched sites', error));
  };
  syncWatch();
  browser.permissions.onAdded.addListener((permissions) => syncWatch(permissions.origins ?? []));
  browser.permissions.onRemoved.addListener(() => syncWatch());
});
