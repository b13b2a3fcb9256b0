/**
 * DOM glue of the content script: finds the messages a chat page shows, hands the new ones to the analyzer (the
 * background, which runs the detection engine off the page's thread) and acts on what it answers. Built to stay out
 * of the chat's way:
 *   - the MutationObserver callback only queues the nodes it is told about (uBlock Origin's pattern); the work runs
 *     later, batched, when the browser is idle, in slices of a few milliseconds, so no task of ours is long;
 *   - only new or changed message nodes are read: a full scan happens when a conversation opens, after that each
 *     batch reads just the messages holding queued nodes; an edited message is read again;
 *   - what a batch reads goes to the analyzer in a few requests (at most `REQUEST_MESSAGES` messages each, in page
 *     order); the batch ends (marks, banner, which conversation is shown) once every reply is in, and only if its
 *     conversation is still the open one;
 *   - the background may have lost its state (Chrome stops an idle service worker) or changed its engine (new
 *     settings): it answers `resync`, and the scanner reads the whole conversation again for it;
 *   - conversation switches in single-page apps (URL or header change, pane swap) start a fresh full scan;
 *   - everything stops when `signal` aborts (the extension reloaded or was removed).
 * It never changes the chat's DOM: the banner and the markers live in the extension's own shadow hosts.
 */
import type { ConversationRisk, Finding } from '../engine/types';
import type { AnalyzeResponse, FlaggedMessage, PageConversation, ProtocolMessage } from '../protocol';
import { MAX_AVATAR_CHARS, MAX_ID_CHARS, MAX_MESSAGE_CHARS, MAX_MESSAGES_PER_REQUEST, MAX_SENDER_CHARS, MAX_TITLE_CHARS, MAX_URL_CHARS } from '../protocol-limits';
import type { ExtractContext, ExtractedMessage, SiteAdapter } from '../sites/types';

/** Elements the extension adds to pages carry this attribute; the scanner never reads them. */
export const OWN_HOST_ATTRIBUTE = 'data-not-alone';

/** Messages per request to the analyzer (the protocol allows `MAX_MESSAGES_PER_REQUEST`). */
export const REQUEST_MESSAGES = Math.min(300, MAX_MESSAGES_PER_REQUEST);
/** Characters of text per request: a request is sent once this much is read (the protocol allows 4 MB). */
export const REQUEST_CHARS = 1_000_000;
/** Resyncs in a row without an analysis before the scanner stops starting over (a confused background). */
const MAX_RESYNC_STREAK = 3;

/**
 * Analyses the messages of the open conversation: the background in the extension (lib/content/remote-analyzer.ts),
 * or a local session in tests. Answers the protocol's 'analyze-messages' reply; never rejects.
 */
export interface Analyzer {
  analyze(conversation: PageConversation, messages: readonly ExtractedMessage[]): Promise<AnalyzeResponse>;
  /** Start a new scan: the next request is its first (see lib/content/remote-analyzer.ts). */
  restart?(): void;
}

export interface WarnEvent {
  conversationKey: string;
  title: string;
  risk: ConversationRisk;
  /** The findings of the messages that made the level rise, strongest first. */
  findings: Finding[];
  flagged: FlaggedMessage[];
}

export interface PageScannerOptions {
  doc: Document;
  adapter: SiteAdapter;
  analyzer: Analyzer;
  send(message: ProtocolMessage): void;
  /** The open conversation reached a warning level higher than any warned about before. */
  warn(event: WarnEvent): void;
  /** The message elements behind the open conversation's warning, to mark (empty: remove the marks). */
  mark?(elements: readonly Element[]): void;
  /** The open conversation changed (null: none is open). */
  onConversation?(key: string | null): void;
  /** Aborted when the extension reloads or the page goes away. */
  signal: AbortSignal;
  /** Checked before each batch (WXT's `ctx.isValid`, which notices an extension reload). */
  isValid?: () => boolean;
  now?: () => number;
  dateOrder?: ExtractContext['dateOrder'];
  /** Wait after the first mutation of a batch before scanning (ms): a burst of mutations becomes one batch. */
  batchDelay?: number;
  /** Work per slice before yielding to the page (ms). */
  sliceMs?: number;
}

export interface ScanStats {
  batches: number;
  fullScans: number;
  slices: number;
  /** Message elements read (extracted). */
  extracted: number;
  /** Time spent in our slices (ms). */
  busyMs: number;
  longestSliceMs: number;
  /** Requests sent to the analyzer, messages in them, requests that got no analysis, scans started over. */
  requests: number;
  sent: number;
  failed: number;
  resyncs: number;
}

export interface PageScanner {
  /** Scan everything again (after a URL change the observer cannot see). */
  rescan(): void;
  /** Read the whole conversation again for a new scan (the background's engine changed). */
  readAgain(): void;
  /** Resolves once nothing is queued, running or waiting for the analyzer. */
  settled(): Promise<void>;
  readonly stats: Readonly<ScanStats>;
  readonly conversationKey: string | null;
}

interface Batch {
  key: string;
  /** What the seen memo holds for an element read in this batch's scan of this conversation. */
  memo: string;
  /** The address and the message root when the batch started: if both are unchanged, so is the conversation. */
  href: string;
  root: Element | null;
  ref: PageConversation;
  full: boolean;
  work: Element[];
  index: number;
  /** Messages read and not sent yet, with their elements, and their characters. */
  buffer: ExtractedMessage[];
  bufferElements: Element[];
  bufferChars: number;
  /** The replies of this batch's requests, in the order sent. */
  replies: Array<Promise<void>>;
  /** The risk after the latest reply. */
  risk: ConversationRisk | null;
  flagged: FlaggedMessage[];
  warn: boolean;
  /** The analyzer asked for everything again. */
  resync: boolean;
  /** Everything is read and sent: the batch ends when the replies are in. */
  waiting: boolean;
}

interface IdleDeadlineLike {
  timeRemaining(): number;
}

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;

/**
 * "Seen" memo: the scan and conversation an element was last read for, kept as a property of the element's JS
 * wrapper in the content script's own (isolated) world. The page cannot see it and the DOM does not change; unlike a
 * WeakMap it costs the garbage collector nothing per message.
 */
const READ_FOR = Symbol('not-alone-read-for');
type Memo = Element & { [READ_FOR]?: string };

function documentOrder(a: Element, b: Element): number {
  if (a === b) return 0;
  // DOCUMENT_POSITION_FOLLOWING = 4
  return a.compareDocumentPosition(b) & 4 ? -1 : 1;
}

/** A message as the protocol accepts it: bounded sizes, a finite time, no other field. */
function forRequest(message: ExtractedMessage, id: string): ExtractedMessage {
  const out: ExtractedMessage = {
    id: id.length > MAX_ID_CHARS ? id.slice(0, MAX_ID_CHARS) : id,
    from: message.from,
    text: message.text.length > MAX_MESSAGE_CHARS ? message.text.slice(0, MAX_MESSAGE_CHARS) : message.text,
  };
  if (typeof message.ts === 'number' && Number.isFinite(message.ts)) out.ts = message.ts;
  if (typeof message.sender === 'string') out.sender = message.sender.length > MAX_SENDER_CHARS ? message.sender.slice(0, MAX_SENDER_CHARS) : message.sender;
  return out;
}

export function startPageScanner(options: PageScannerOptions): PageScanner {
  const { doc, adapter, analyzer, signal } = options;
  const win = doc.defaultView;
  const now = options.now ?? (() => Date.now());
  const clock = (): number => (win?.performance ?? performance).now();
  const batchDelay = options.batchDelay ?? 100;
  const sliceMs = options.sliceMs ?? 8;
  const stats: ScanStats = { batches: 0, fullScans: 0, slices: 0, extracted: 0, busyMs: 0, longestSliceMs: 0, requests: 0, sent: 0, failed: 0, resyncs: 0 };

  /** Nodes the page added or changed since the last batch. */
  let pending = new Set<Node>();
  let fullScanNeeded = true;
  let scheduled: (() => void) | null = null;
  let batch: Batch | null = null;
  let currentKey: string | null | undefined;
  let shownKey: string | null | undefined;
  let observing = false;
  let waiters: Array<() => void> = [];
  /** Flagged message id → its element in the open conversation, for the marks (a handful). */
  let flaggedElements = new Map<string, WeakRef<Element>>();
  /** Hashed id → its element, to tell repeated ids apart (only for apps without message ids). */
  let hashOwners = new Map<string, WeakRef<Element>>();
  /** The open conversation's risk, from the analyzer's latest reply. */
  let risk: ConversationRisk | null = null;
  let marked = false;
  let markedElements: Element[] = [];
  /** Bumped when the analyzer asks for everything again: every element is read again. */
  let epoch = 0;
  let resyncStreak = 0;

  const isOwnNode = (node: Node): boolean =>
    node.nodeType === ELEMENT_NODE && (node as Element).hasAttribute(OWN_HOST_ATTRIBUTE);

  // The page's own constructor (the same one in a content script; happy-dom's in unit tests).
  const Observer = win?.MutationObserver ?? MutationObserver;
  const observer = new Observer((records) => {
    // Only queue: the callback runs inside the page's own tasks, so it must stay tiny.
    for (const record of records) {
      if (record.type === 'childList') {
        for (const node of record.addedNodes) if (!isOwnNode(node)) pending.add(node);
      } else if (record.type === 'characterData') {
        pending.add(record.target);
      } else if (record.attributeName === 'hidden') {
        fullScanNeeded = true;
      } else {
        pending.add(record.target);
      }
    }
    schedule();
  });

  const observe = (on: boolean): void => {
    if (on === observing) return;
    observing = on;
    if (on) {
      observer.observe(doc.documentElement, {
        childList: true,
        subtree: true,
        characterData: true,
        attributes: true,
        attributeFilter: ['hidden', 'aria-label', 'data-pre-plain-text'],
      });
    } else {
      observer.disconnect();
      pending = new Set();
    }
  };

  /** Run at idle time after `delay`; a busy page still gets it within `timeout` (ms). */
  const idle = (run: (deadline?: IdleDeadlineLike) => void, delay: number, timeout: number): (() => void) => {
    let idleId: number | undefined;
    const timer = setTimeout(() => {
      if (win && typeof win.requestIdleCallback === 'function') idleId = win.requestIdleCallback(run, { timeout });
      else run();
    }, delay);
    return () => {
      clearTimeout(timer);
      if (idleId !== undefined) win?.cancelIdleCallback(idleId);
    };
  };

  const notifySettled = (): void => {
    if (scheduled || batch || pending.size) return;
    const list = waiters;
    waiters = [];
    for (const done of list) done();
  };

  /** A new batch waits `batchDelay` (a burst of mutations becomes one batch); the next slice of a scan does not. */
  function schedule(delay = batchDelay): void {
    if (scheduled || signal.aborted) return;
    scheduled = idle(
      (deadline) => {
        scheduled = null;
        step(deadline);
      },
      delay,
      delay === 0 ? 200 : 1000,
    );
  }

  const resetConversation = (key: string | null): void => {
    currentKey = key;
    flaggedElements = new Map();
    hashOwners = new Map();
    risk = null;
    if (marked) {
      marked = false;
      options.mark?.([]);
    }
    markedElements = [];
    options.onConversation?.(key);
  };

  const send = (message: ProtocolMessage): void => {
    if (!signal.aborted) options.send(message);
  };

  const keyOf = (id: string): string => `${adapter.id}:${id}`.slice(0, 400);

  /** Start a batch: which conversation is open, and which elements to read. Null when there is nothing to do. */
  const startBatch = (): Batch | null => {
    const url = new URL(doc.location?.href ?? doc.URL);
    if (!adapter.matches(url)) {
      // Not a chat page of this app (yet): stay idle until the URL changes (see rescan).
      observe(false);
      fullScanNeeded = true;
      if (currentKey !== null) resetConversation(null);
      if (shownKey !== null) send({ type: 'conversation-shown', conversationKey: null });
      shownKey = null;
      return null;
    }
    observe(true);
    const conversation = adapter.conversation(doc, url);
    const key = conversation ? keyOf(conversation.id) : null;
    if (key !== currentKey) {
      resetConversation(key);
      fullScanNeeded = true;
    }
    if (!conversation || !key) {
      pending = new Set();
      if (shownKey !== null) send({ type: 'conversation-shown', conversationKey: null });
      shownKey = null;
      return null;
    }
    const root = adapter.messageRoot(doc) ?? doc.body;
    let work: Element[];
    const full = fullScanNeeded;
    if (full) {
      fullScanNeeded = false;
      pending = new Set();
      work = root ? adapter.messageElements(root) : [];
      stats.fullScans++;
    } else {
      const found = new Set<Element>();
      for (const node of pending) {
        const element = node.nodeType === TEXT_NODE ? node.parentElement : node.nodeType === ELEMENT_NODE ? (node as Element) : null;
        if (!element || !element.isConnected || (root && !root.contains(element))) continue;
        const holder = adapter.messageFor(element);
        if (holder) found.add(holder);
        if (node.nodeType === ELEMENT_NODE && element.firstElementChild) for (const inner of adapter.messagesIn(element)) found.add(inner);
      }
      pending = new Set();
      work = [...found];
      // Mutation order is usually page order already: check neighbours (cheap), sort only when it is not (each
      // comparison of distant nodes walks a long list of siblings).
      if (work.some((element, i) => i > 0 && documentOrder(work[i - 1], element) > 0)) work.sort(documentOrder);
    }
    if (work.length === 0 && shownKey === key) return null;
    stats.batches++;
    return {
      key,
      memo: `${epoch}\u0000${key}`,
      href: url.href,
      root: root ?? null,
      ref: {
        key,
        site: adapter.id,
        title: conversation.title.trim().slice(0, MAX_TITLE_CHARS),
        url: url.href.slice(0, MAX_URL_CHARS),
        ...(conversation.avatar ? { avatar: conversation.avatar.slice(0, MAX_AVATAR_CHARS) } : {}),
      },
      full,
      work,
      index: 0,
      buffer: [],
      bufferElements: [],
      bufferChars: 0,
      replies: [],
      risk: null,
      flagged: [],
      warn: false,
      resync: false,
      waiting: false,
    };
  };

  /** Tell repeated ids apart: the same hashed id on another element still on the page is another message. */
  const ownId = (id: string, element: Element): string => {
    if (!adapter.hashedIds) return id;
    let candidate = id;
    for (let n = 2; ; n++) {
      const owner = hashOwners.get(candidate)?.deref();
      if (!owner || owner === element || !owner.isConnected) break;
      candidate = `${id}~${n}`;
    }
    hashOwners.set(candidate, new WeakRef(element));
    return candidate;
  };

  /** Fold a reply into its batch; `elements` are those of the request's messages, in the same order. */
  const fold = (current: Batch, reply: AnalyzeResponse, messages: readonly ExtractedMessage[], elements: readonly Element[]): void => {
    if (signal.aborted) return;
    if (!reply.ok) {
      // The background restarts or the extension was reloaded: a later request finds out (resync) or nothing does.
      stats.failed++;
      return;
    }
    if ('resync' in reply) {
      if (resyncStreak >= MAX_RESYNC_STREAK) {
        stats.failed++;
        return;
      }
      // Stop reading: the whole conversation is read again for the background's new scan.
      current.resync = true;
      current.index = current.work.length;
      current.buffer = [];
      current.bufferElements = [];
      current.bufferChars = 0;
      return;
    }
    resyncStreak = 0;
    const { analysis } = reply;
    current.risk = analysis.risk;
    current.warn ||= analysis.warn;
    current.flagged.push(...analysis.flagged);
    for (const flagged of analysis.flagged) {
      const at = messages.findIndex((message) => message.id === flagged.id);
      if (at >= 0) flaggedElements.set(flagged.id, new WeakRef(elements[at]));
    }
  };

  /** Send what the batch has read and not sent yet as one request. */
  const flush = (current: Batch): void => {
    if (current.buffer.length === 0 || current.resync) return;
    const messages = current.buffer;
    const elements = current.bufferElements;
    current.buffer = [];
    current.bufferElements = [];
    current.bufferChars = 0;
    stats.requests++;
    stats.sent += messages.length;
    const reply = analyzer.analyze(current.ref, messages).catch((error: unknown): AnalyzeResponse => ({ ok: false, error: String(error) }));
    current.replies.push(reply.then((answer) => fold(current, answer, messages, elements)));
  };

  /** Read messages until the time budget is spent (checked every few messages), sending full requests on the way. */
  const runSlice = (current: Batch, budget: number): void => {
    const started = clock();
    const context: ExtractContext = { now: now(), dateOrder: options.dateOrder ?? 'dmy' };
    const { work, memo } = current;
    while (current.index < work.length) {
      const element = work[current.index++] as Memo;
      if (element.isConnected && !(current.full && element[READ_FOR] === memo)) {
        // A full scan skips what was read for this conversation already; queued (changed) nodes are always read.
        element[READ_FOR] = memo;
        stats.extracted++;
        // A page can make one message unreadable (a tree nested 100,000 deep overflows the stack): that message is
        // skipped, the scan goes on (tests/e2e/trust.spec.ts).
        let message: ExtractedMessage | null;
        try {
          message = adapter.extract(element, context);
        } catch {
          message = null;
        }
        if (message) {
          const id = ownId(message.id, element);
          const request = forRequest(message, id);
          current.buffer.push(request);
          current.bufferElements.push(element);
          current.bufferChars += request.text.length;
          // A flagged message the page rendered again: the mark follows the new element.
          if (flaggedElements.has(request.id)) flaggedElements.set(request.id, new WeakRef(element));
          if (current.buffer.length >= REQUEST_MESSAGES || current.bufferChars >= REQUEST_CHARS) {
            // Sending copies the messages on this thread too: look at the clock right after.
            flush(current);
            if (clock() - started >= budget) break;
          }
        }
      }
      if ((current.index & 7) === 0 && clock() - started >= budget) break;
    }
    const spent = clock() - started;
    stats.slices++;
    stats.busyMs += spent;
    stats.longestSliceMs = Math.max(stats.longestSliceMs, spent);
  };

  /** The batch's conversation is still the one the page shows (its replies may come after a switch). */
  const stillOpen = (current: Batch): boolean => {
    if (currentKey !== current.key) return false;
    try {
      const url = new URL(doc.location?.href ?? doc.URL);
      if (!adapter.matches(url)) return false;
      const conversation = adapter.conversation(doc, url);
      return conversation !== null && keyOf(conversation.id) === current.key;
    } catch {
      return false;
    }
  };

  /** Every reply is in: mark, warn and tell the background which conversation is shown. */
  const finishBatch = (current: Batch): void => {
    const { key } = current;
    if (current.risk) risk = current.risk;
    if (shownKey !== key) send({ type: 'conversation-shown', conversationKey: key });
    shownKey = key;
    if (options.mark) {
      const elements: Element[] = [];
      if (risk?.alert) {
        for (const id of new Set(risk.reasons.map((reason) => reason.messageId))) {
          const element = flaggedElements.get(id)?.deref();
          if (element?.isConnected) elements.push(element);
        }
      }
      // Only when the marked elements change: the overlay follows scrolling and resizing by itself.
      if (elements.length !== markedElements.length || elements.some((e, i) => e !== markedElements[i])) {
        markedElements = elements;
        marked = elements.length > 0;
        options.mark(elements);
      }
    }
    if (current.warn && current.risk) {
      const findings = current.flagged.flatMap((f) => f.findings).sort((a, b) => b.weight - a.weight);
      options.warn({ conversationKey: key, title: current.ref.title, risk: current.risk, findings, flagged: current.flagged });
    }
  };

  const endBatch = (current: Batch): void => {
    if (signal.aborted || batch !== current) return;
    batch = null;
    if (options.isValid && !options.isValid()) return;
    if (current.resync) {
      // The background lost this scan (restarted) or changed its engine: read the conversation again, all of it,
      // for a new scan. Warnings already shown are not shown again (the background knows the stored peaks).
      stats.resyncs++;
      resyncStreak++;
      epoch++;
      fullScanNeeded = true;
      schedule(0);
      return;
    }
    if (stillOpen(current)) finishBatch(current);
    else fullScanNeeded = true;
    if (pending.size || fullScanNeeded) schedule();
    else notifySettled();
  };

  function step(deadline?: IdleDeadlineLike): void {
    if (signal.aborted) return;
    if (options.isValid && !options.isValid()) return;
    if (!batch) {
      batch = startBatch();
      if (!batch) {
        notifySettled();
        return;
      }
    } else if (batch.waiting) {
      // Its replies end it, and schedule what came meanwhile.
      return;
    } else if ((doc.location?.href ?? doc.URL) !== batch.href || (batch.root && !batch.root.isConnected)) {
      // The page changed under a long scan (new address, new message list): finish with what was read, and let the
      // next batch find out which conversation is open now. (A header-only switch detaches the old messages, which
      // the slice then skips.)
      batch.index = batch.work.length;
      fullScanNeeded = true;
    }
    const budget = deadline ? Math.min(sliceMs, Math.max(3, deadline.timeRemaining())) : sliceMs;
    runSlice(batch, budget);
    if (batch.index >= batch.work.length) {
      const done = batch;
      flush(done);
      done.waiting = true;
      void Promise.all(done.replies).then(() => endBatch(done));
    } else {
      schedule(0);
    }
  }

  signal.addEventListener(
    'abort',
    () => {
      observe(false);
      scheduled?.();
      scheduled = null;
      batch = null;
      for (const done of waiters) done();
      waiters = [];
    },
    { once: true },
  );

  schedule(0);
  return {
    rescan() {
      fullScanNeeded = true;
      schedule();
    },
    readAgain() {
      if (signal.aborted) return;
      analyzer.restart?.();
      // A new memo: every element is read again (what a `resync` answer does, without a request to learn it).
      epoch++;
      fullScanNeeded = true;
      schedule(0);
    },
    settled() {
      if (signal.aborted) return Promise.resolve();
      // One task later: mutation records the page just caused are delivered first.
      return new Promise<void>((resolve) => {
        setTimeout(() => {
          waiters.push(resolve);
          notifySettled();
        }, 0);
      });
    },
    get stats() {
      return stats;
    },
    get conversationKey() {
      return currentKey ?? null;
    },
  };
}
