import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import { createMessageHandler, type MessageSender } from '../lib/background/handler';
import { loadConversations, loadSettings, saveConversations, setTabState } from '../lib/storage/items';

export default defineBackground(() => {
  const handle = createMessageHandler({
    extensionId: browser.runtime.id,
    loadConversations: async () => (await loadConversations()).value,
    saveConversations,
    retentionDays: async () => (await loadSettings()).value.retentionDays,
    setBadge: async (tabId, text, color) => {
      await browser.action.setBadgeText({ tabId, text });
      if (text) await browser.action.setBadgeBackgroundColor({ tabId, color });
    },
    setTabState,
    now: () => Date.now(),
  });
  // webextension-polyfill sends the resolved value of a returned promise as the response.
  // eslint-disable-next-line @typescript-eslint/no-misused-promises
  browser.runtime.onMessage.addListener((message: unknown, sender: MessageSender) => handle(message, sender));
  browser.tabs.onRemoved.addListener((tabId) => void setTabState(tabId, null));
});
