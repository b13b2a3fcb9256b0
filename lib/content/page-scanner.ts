/**
 * DOM glue of the content script. The MutationObserver callback only marks the page dirty; the scan itself runs
 * batched when the browser is idle (uBlock Origin's pattern), so typing in a busy chat never waits for us.
 * It never changes the chat's DOM: the only thing added to the page is the banner's own host element.
 */
import type { ConversationRisk, Finding } from '../engine/types';
import { MAX_MESSAGES_PER_REPORT, type ProtocolMessage } from '../protocol';
import type { SiteAdapter } from '../sites/types';
import type { ChatSession } from './session';

export interface PageScannerOptions {
  doc: Document;
  adapter: SiteAdapter;
  session: ChatSession;
  send(message: ProtocolMessage): void;
  warn(conversationKey: string, risk: ConversationRisk, findings: Finding[]): void;
  /** Aborted when the extension reloads or the page goes away. */
  signal: AbortSignal;
  /** Delay before a batched scan (ms). */
  batchDelay?: number;
}

export interface PageScanner {
  /** Scan now (tests and the first scan). */
  scanNow(): void;
  readonly scans: number;
}

export function startPageScanner(options: PageScannerOptions): PageScanner {
  const { doc, adapter, session, signal } = options;
  let scheduled = false;
  let scans = 0;
  let shownKey: string | null | undefined;

  const scanNow = (): void => {
    scheduled = false;
    if (signal.aborted) return;
    scans++;
    const url = new URL(doc.location.href);
    const conversation = adapter.conversation(doc, url);
    if (!conversation) {
      if (shownKey !== null) options.send({ type: 'conversation-shown', conversationKey: null, risk: null });
      shownKey = null;
      return;
    }
    const key = `${adapter.id}:${conversation.id}`;
    const root = adapter.messageRoot(doc) ?? doc.body;
    const messages = [];
    for (const element of adapter.messageElements(root)) {
      const message = adapter.extract(element);
      if (message) messages.push(message);
    }
    const ref = { key, site: adapter.id, title: conversation.title.slice(0, 300), url: url.href.slice(0, 2000) };
    const update = session.process(ref, messages);
    if (update.report) {
      for (let i = 0; i < Math.max(1, update.report.messages.length); i += MAX_MESSAGES_PER_REPORT) {
        options.send({ ...update.report, messages: update.report.messages.slice(i, i + MAX_MESSAGES_PER_REPORT) });
      }
    } else if (shownKey !== key) {
      options.send({ type: 'conversation-shown', conversationKey: key, risk: update.risk });
    }
    shownKey = key;
    if (update.warn) {
      const findings = update.flagged.flatMap((f) => f.findings).sort((a, b) => b.weight - a.weight);
      options.warn(key, update.risk, findings);
    }
  };

  const schedule = (): void => {
    if (scheduled || signal.aborted) return;
    scheduled = true;
    const delay = options.batchDelay ?? 150;
    const win = doc.defaultView;
    if (win && 'requestIdleCallback' in win) {
      const timer = win.setTimeout(() => win.requestIdleCallback(scanNow, { timeout: 500 }), delay);
      signal.addEventListener('abort', () => win.clearTimeout(timer), { once: true });
    } else {
      setTimeout(scanNow, delay);
    }
  };

  const observer = new MutationObserver(schedule);
  observer.observe(doc.documentElement, { childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ['hidden'] });
  signal.addEventListener('abort', () => observer.disconnect(), { once: true });
  doc.defaultView?.addEventListener('popstate', schedule, { signal });
  scanNow();
  return {
    scanNow,
    get scans() {
      return scans;
    },
  };
}
