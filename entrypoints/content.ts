import { browser } from 'wxt/browser';
import { defineContentScript } from 'wxt/utils/define-content-script';
import { showBanner, type BannerHandle } from '../lib/content/banner';
import { createMarks } from '../lib/content/marks';
import { startPageScanner, type PageScanner } from '../lib/content/page-scanner';
import { createRemoteAnalyzer } from '../lib/content/remote-analyzer';
import { pickLanguage, type UiLanguage } from '../lib/i18n';
import type { ProtocolMessage } from '../lib/protocol';
import { adapterForPage } from '../lib/sites';
import { CONTENT_SCRIPT_MATCHES } from '../lib/sites/hosts';
import { dateOrderFor } from '../lib/sites/time';
import { isReadAgainMessage } from '../lib/protocol-limits';
import { loadContentSettings, recordDismissal, watchContentSettings, type ContentSettings } from '../lib/content/storage';

export default defineContentScript({
  matches: CONTENT_SCRIPT_MATCHES,
  runAt: 'document_idle',
  async main(ctx) {
    const initial = await loadContentSettings();
    const adapter = adapterForPage(new URL(location.href), initial.watchedSites);
    if (!adapter || ctx.isInvalid) return;

    const send = (message: ProtocolMessage): void => {
      browser.runtime.sendMessage(message).catch(() => {
        // The extension was reloaded or removed: nothing to tell any more.
      });
    };
    const marks = createMarks(document);
    // Diagnostics for `npm run bench:page`, on the content script's own global: it lives in the extension's isolated
    // world, which page scripts cannot read. (The analysis itself runs in the background: lib/background/analysis.ts.)
    const diagnostics = { settled: (): Promise<void> => running?.scanner.settled() ?? Promise.resolve(), scan: (): unknown => running?.scanner.stats };
    (globalThis as { notAloneDiagnostics?: typeof diagnostics }).notAloneDiagnostics = diagnostics;
    let banner: BannerHandle | null = null;
    let running: { scanner: PageScanner; stop: AbortController } | null = null;

    const stop = (): void => {
      running?.stop.abort();
      running = null;
      banner?.remove();
      banner = null;
      marks.show([]);
    };

    // The banner speaks the language in effect when it is shown (a settings change applies at once).
    const bannerLanguage = (): UiLanguage => (latest.uiLanguage === 'auto' ? pickLanguage(navigator.languages) : latest.uiLanguage);
    const start = (): void => {
      if (ctx.isInvalid || running) return;
      const controller = new AbortController();
      ctx.onInvalidated(() => controller.abort());
      const scanner = startPageScanner({
        doc: document,
        adapter,
        // The detection engine runs in the background, off the chat page's main thread: the scanner sends it what it
        // reads and acts on its answers.
        analyzer: createRemoteAnalyzer((message) => browser.runtime.sendMessage(message)),
        send,
        signal: controller.signal,
        isValid: () => ctx.isValid,
        dateOrder: dateOrderFor(navigator.language),
        warn(event) {
          banner?.remove();
          banner = showBanner(document, {
            language: bannerLanguage(),
            risk: event.risk,
            findings: event.findings,
            onDismiss: (kind) => {
              banner = null;
              // The report page shows the warnings the user closed, and how (an × is not an "I'm OK").
              recordDismissal(event.conversationKey, event.risk.level, kind).catch(() => undefined);
            },
            onSave: () => send({ type: 'save-for-report', conversationKey: event.conversationKey }),
          });
        },
        mark: (elements) => marks.show(elements),
        onConversation() {
          // The banner speaks about the conversation it was shown for.
          banner?.remove();
          banner = null;
        },
      });
      running = { scanner, stop: controller };
    };

    const pausedUntil = (settings: ContentSettings): number => settings.pausedSites[location.host] ?? 0;
    let latest = initial;
    let resumeTimer: number | undefined;
    const apply = (settings: ContentSettings): void => {
      latest = settings;
      if (resumeTimer !== undefined) clearTimeout(resumeTimer);
      const until = pausedUntil(settings);
      if (until > Date.now()) {
        stop();
        // Resume by itself when the pause ends.
        resumeTimer = ctx.setTimeout(() => apply(latest), Math.min(until - Date.now() + 50, 2 ** 31 - 1));
        return;
      }
      // Start nothing until the address is a chat page of the app (the generic adapter takes any page).
      if (running || !adapter.matches(new URL(location.href))) return;
      start();
    };

    ctx.onInvalidated(stop);
    // The background's engine changed (settings, imported rules): read the open conversation again.
    const onBackgroundMessage = (message: unknown): undefined => {
      if (isReadAgainMessage(message)) running?.scanner.readAgain();
      return undefined;
    };
    browser.runtime.onMessage.addListener(onBackgroundMessage);
    ctx.onInvalidated(() => browser.runtime.onMessage.removeListener(onBackgroundMessage));
    ctx.onInvalidated(() => marks.destroy());
    // Single-page apps change the URL without a page load: look again (new conversation, or a chat page at last).
    // The event comes as the navigation starts, before the new address is committed: look a moment later.
    ctx.addEventListener(window, 'wxt:locationchange', () => {
      if (running) running.scanner.rescan();
      else ctx.setTimeout(() => apply(latest), 0);
    });
    ctx.onInvalidated(
      watchContentSettings((value) => {
        if (pausedUntil(value) > Date.now() || !running) apply(value);
        else latest = value;
      }),
    );
    apply(initial);
  },
});
