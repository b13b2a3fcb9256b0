import { browser } from 'wxt/browser';
import { defineContentScript } from 'wxt/utils/define-content-script';
import { showBanner } from '../lib/content/banner';
import { startPageScanner } from '../lib/content/page-scanner';
import { ChatSession } from '../lib/content/session';
import { createBundledEngine } from '../lib/extension/bundled-engine';
import { pickLanguage } from '../lib/i18n';
import type { ProtocolMessage } from '../lib/protocol';
import { adapterFor } from '../lib/sites';
import { CONTENT_SCRIPT_MATCHES } from '../lib/sites/hosts';
import { loadSettings } from '../lib/storage/items';

export default defineContentScript({
  matches: CONTENT_SCRIPT_MATCHES,
  runAt: 'document_idle',
  async main(ctx) {
    const adapter = adapterFor(new URL(location.href));
    if (!adapter) return;
    const { value: settings } = await loadSettings();
    const pausedUntil = settings.pausedSites[location.host] ?? 0;
    if (pausedUntil > Date.now()) return;
    const language = settings.uiLanguage === 'auto' ? pickLanguage(navigator.languages) : settings.uiLanguage;
    const session = new ChatSession(createBundledEngine(settings), settings.contextMessages);
    const send = (message: ProtocolMessage): void => {
      browser.runtime.sendMessage(message).catch(() => {
        // The background restarts or the extension was reloaded: the next scan reports again.
      });
    };
    const controller = new AbortController();
    ctx.onInvalidated(() => controller.abort());
    startPageScanner({
      doc: document,
      adapter,
      session,
      send,
      signal: controller.signal,
      warn(conversationKey, risk, findings) {
        showBanner(document, {
          language,
          risk,
          findings,
          onDismiss: () => undefined,
          onSave: () => send({ type: 'save-for-report', conversationKey }),
        });
      },
    });
  },
});
