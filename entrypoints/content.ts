import { browser } from 'wxt/browser';
import { defineContentScript } from 'wxt/utils/define-content-script';
import { showBanner, type BannerHandle } from '../lib/content/banner';
import { createMarks } from '../lib/content/marks';
import { startPageScanner, type PageScanner } from '../lib/content/page-scanner';
import { createRemoteSentences } from '../lib/content/remote-sentences';
import { ChatSession, isRiskLevel } from '../lib/content/session';
import { createBundledEngine } from '../lib/extension/bundled-engine';
import { loadCustomRules } from '../lib/storage/custom-rules';
import { pickLanguage } from '../lib/i18n';
import type { ProtocolMessage } from '../lib/protocol';
import { adapterForPage } from '../lib/sites';
import { CONTENT_SCRIPT_MATCHES } from '../lib/sites/hosts';
import { dateOrderFor } from '../lib/sites/time';
import { conversationsItem, loadSettings, recordDismissal, settingsItem } from '../lib/storage/items';
import { parseSettings } from '../lib/storage/parse';
import type { Settings } from '../lib/storage/schema';

export default defineContentScript({
  matches: CONTENT_SCRIPT_MATCHES,
  runAt: 'document_idle',
  async main(ctx) {
    const { value: initial } = await loadSettings();
    const adapter = adapterForPage(new URL(location.href), initial.watchedSites);
    if (!adapter || ctx.isInvalid) return;

    const send = (message: ProtocolMessage): void => {
      browser.runtime.sendMessage(message).catch(() => {
        // The background restarts or the extension was reloaded: the next scan reports again.
      });
    };
    const marks = createMarks(document);
    // Diagnostics for `npm run bench:page`, on the content script's own global: it lives in the extension's isolated
    // world, which page scripts cannot read.
    const diagnostics = { engineMs: 0, settled: (): Promise<void> => running?.scanner.settled() ?? Promise.resolve(), scan: (): unknown => running?.scanner.stats };
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

    const start = async (settings: Settings): Promise<void> => {
      const language = settings.uiLanguage === 'auto' ? pickLanguage(navigator.languages) : settings.uiLanguage;
      const customRules = await loadCustomRules();
      const engineStarted = performance.now();
      // The sentence parser (compromise) stays in the background: grammar checks that need it wait for its answer.
      const sentences = createRemoteSentences((message) => browser.runtime.sendMessage(message));
      const session = new ChatSession(createBundledEngine(settings, customRules, sentences.parse), settings.contextMessages);
      diagnostics.engineMs = performance.now() - engineStarted;
      // Warnings already shown before a reload are not shown again for the same level.
      const stored = await conversationsItem.getValue();
      for (const [key, value] of Object.entries(stored)) {
        const peak = (value as { peakLevel?: unknown } | null)?.peakLevel;
        if (key.startsWith(`${adapter.id}:`) && isRiskLevel(peak)) session.seedWarnedLevel(key, peak);
      }
      if (ctx.isInvalid || running) return;
      const controller = new AbortController();
      ctx.onInvalidated(() => controller.abort());
      const scanner = startPageScanner({
        doc: document,
        adapter,
        session,
        send,
        signal: controller.signal,
        isValid: () => ctx.isValid,
        sentences,
        dateOrder: dateOrderFor(navigator.language),
        warn(event) {
          banner?.remove();
          banner = showBanner(document, {
            language,
            risk: event.risk,
            findings: event.findings,
            onDismiss: () => {
              banner = null;
              // The report page shows the user's "I'm OK" presses.
              recordDismissal(event.conversationKey, event.risk.level).catch(() => undefined);
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

    const pausedUntil = (settings: Settings): number => settings.pausedSites[location.host] ?? 0;
    let latest = initial;
    let starting = false;
    let resumeTimer: number | undefined;
    const apply = async (settings: Settings): Promise<void> => {
      latest = settings;
      if (resumeTimer !== undefined) clearTimeout(resumeTimer);
      const until = pausedUntil(settings);
      if (until > Date.now()) {
        stop();
        // Resume by itself when the pause ends.
        resumeTimer = ctx.setTimeout(() => void apply(latest), Math.min(until - Date.now() + 50, 2 ** 31 - 1));
        return;
      }
      // Build nothing until the address is a chat page of the app (the generic adapter takes any page).
      if (running || starting || !adapter.matches(new URL(location.href))) return;
      starting = true;
      try {
        await start(settings);
      } finally {
        starting = false;
      }
    };

    ctx.onInvalidated(stop);
    ctx.onInvalidated(() => marks.destroy());
    // Single-page apps change the URL without a page load: look again (new conversation, or a chat page at last).
    // The event comes as the navigation starts, before the new address is committed: look a moment later.
    ctx.addEventListener(window, 'wxt:locationchange', () => {
      if (running) running.scanner.rescan();
      else ctx.setTimeout(() => void apply(latest), 0);
    });
    ctx.onInvalidated(
      settingsItem.watch((raw) => {
        const { value } = parseSettings(raw);
        if (pausedUntil(value) > Date.now() || !running) void apply(value);
        else latest = value;
      }),
    );
    await apply(initial);
  },
});
