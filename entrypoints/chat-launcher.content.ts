import { browser } from 'wxt/browser';
import { defineContentScript } from 'wxt/utils/define-content-script';
import { CHAT_SITE_MATCHES, LAUNCHER_MATCHES, launcherWantsChat } from '../lib/sites/hosts';

/**
 * The chat launcher: a few hundred bytes on the pages of Instagram, Facebook and Discord that are not chats (the
 * feed, a profile). Those apps open their messages without a page load, so the manifest never injects the chat
 * content script there; this one watches the address and, when it becomes a chat, asks the background to start the
 * content script (lib/protocol.ts 'start-content-script'). It reads nothing from the page.
 */
export default defineContentScript({
  matches: LAUNCHER_MATCHES,
  // Chat pages get the real content script from the manifest.
  excludeMatches: CHAT_SITE_MATCHES.filter((pattern) => LAUNCHER_MATCHES.some((site) => new URL(site.replace('/*', '/')).host === new URL(pattern.replace('/*', '/')).host)),
  runAt: 'document_idle',
  main(ctx) {
    let asked = false;
    const check = (): void => {
      if (asked || !launcherWantsChat(new URL(location.href))) return;
      asked = true;
      browser.runtime.sendMessage({ type: 'start-content-script' }).catch(() => {
        asked = false;
      });
    };
    // The event comes as the navigation starts, before the new address is committed (and the background checks the
    // committed one): look a moment later.
    ctx.addEventListener(window, 'wxt:locationchange', () => ctx.setTimeout(check, 0));
    check();
  },
});
