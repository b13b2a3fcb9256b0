/**
 * DOM glue of the content script: finds the messages a chat page shows, hands the new ones to the session and acts
 * on what it decides. Built to stay out of the chat's way:
 *   - the MutationObserver callback only queues the nodes it is told about (uBlock Origin's pattern); the work runs
 *     later, batched, when the browser is idle, in slices of a few milliseconds, so no task of ours is long;
 *   - only new or changed message nodes are read: a full scan happens when a conversation opens, after that each
 *     batch reads just the messages holding queued nodes; an edited message is read again;
 *   - conversation switches in single-page apps (URL or header change, pane swap) start a fresh full scan;
 *   - everything stops when `signal` aborts (the extension reloaded or was removed);
 *   - the rare message whose grammar check needs the sentence parser (which the content script does not load) is
 *     checked again when the background has parsed it: one request at a time, after a batch, and the result takes
 *     the same way as a batch (report, marks, warning).
 * It never changes the chat's DOM: the banner and the markers live in the extension's own shadow hosts.
 */
import type { ConversationRisk, Finding } from '../engine/types';
import { MAX_MESSAGES_PER_REPORT, MAX_PARSE_TEXTS, type ProtocolMessage, type ScanReport } from '../protocol';
import type { ConversationRef } from '../storage/schema';
import type { ExtractContext, ExtractedMessage, SiteAdapter } from '../sites/types';
import type { RemoteSentences } from './remote-sentences';
import type { ChatSession, FlaggedMessage, SessionUpdate } from './session';

/** Elements the extension adds to pages carry this attribute; the scanner never reads them. */
export const OWN_HOST_ATTRIBUTE = 'data-not-alone';

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
  session: ChatSession;
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
  /**
   * Sentences parsed by the background, for grammar checks the engine left pending (the parser the session's
   * engine reads from). Without it, such checks stay pending.
   */
  sentences?: Pick<RemoteSentences, 'missingFor' | 'ready' | 'request'>;
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
}

export interface PageScanner {
  /** Scan everything again (after a URL change the observer cannot see). */
  rescan(): void;
  /** Resolves once nothing is queued or running (parse requests to the background included). */
  settled(): Promise<void>;
  readonly stats: Readonly<ScanStats>;
  readonly conversationKey: string | null;
}

interface Batch {
  key: string;
  /** The address and the message root when the batch started: if both are unchanged, so is the conversation. */
  href: string;
  root: Element | null;
  ref: ConversationRef;
  full: boolean;
  work: Element[];
  index: number;
  report: ScanReport | null;
  risk: ConversationRisk | null;
  flagged: FlaggedMessage[];
  warn: boolean;
}

interface IdleDeadlineLike {
  timeRemaining(): number;
}

/** Elements of messages waiting for a parse, kept per open conversation (such messages are rare). */
const MAX_PENDING_ELEMENTS = 1000;

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;

/**
 * "Seen" memo: the conversation an element was last read for, kept as a property of the element's JS wrapper in
 * the content script's own (isolated) world. The page cannot see it and the DOM does not change; unlike a WeakMap
 * it costs the garbage collector nothing per message.
 */
const READ_FOR = Symbol('not-alone-read-for');
type Memo = Element & { [READ_FOR]?: string };

function documentOrder(a: Element, b: Element): number {
  if (a === b) return 0;
  // DOCUMENT_POSITION_FOLLOWING = 4
  return a.compareDocumentPosition(b) & 4 ? -1 : 1;
}

export function startPageScanner(options: PageScannerOptions): PageScanner {
  const { doc, adapter, session, signal } = options;
  const win = doc.defaultView;
  const now = options.now ?? (() => Date.now());
  const clock = (): number => (win?.performance ?? performance).now();
  const batchDelay = options.batchDelay ?? 100;
  const sliceMs = options.sliceMs ?? 8;
  const stats: ScanStats = { batches: 0, fullScans: 0, slices: 0, extracted: 0, busyMs: 0, longestSliceMs: 0 };

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
  /** Hashed id → its element, to tell repeated texts apart (only for apps without message ids). */
  let hashOwners = new Map<string, WeakRef<Element>>();
  let marked = false;
  let markedElements: Element[] = [];
  /** Messages waiting for a parse → their elements, to mark them if the recheck flags them. */
  let pendingElements = new Map<string, WeakRef<Element>>();
  /** The one parse request to the background in flight, if any. */
  let parseRequest: Promise<void> | null = null;
  /** A parse answer arrived: run a batch (even with nothing new to read) so the waiting messages are checked. */
  let recheckDue = false;

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
    if (scheduled || batch || pending.size || parseRequest) return;
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
    pendingElements = new Map();
    hashOwners = new Map();
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

  /** Start a batch: which conversation is open, and which elements to read. Null when there is nothing to do. */
  const startBatch = (): Batch | null => {
    const url = new URL(doc.location?.href ?? doc.URL);
    if (!adapter.matches(url)) {
      // Not a chat page of this app (yet): stay idle until the URL changes (see rescan).
      observe(false);
      fullScanNeeded = true;
      if (currentKey !== null) resetConversation(null);
      if (shownKey !== null) send({ type: 'conversation-shown', conversationKey: null, risk: null });
      shownKey = null;
      return null;
    }
    observe(true);
    const conversation = adapter.conversation(doc, url);
    const key = conversation ? `${adapter.id}:${conversation.id}` : null;
    if (key !== currentKey) {
      resetConversation(key);
      fullScanNeeded = true;
    }
    if (!conversation || !key) {
      pending = new Set();
      if (shownKey !== null) send({ type: 'conversation-shown', conversationKey: null, risk: null });
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
    if (work.length === 0 && shownKey === key && !recheckDue) return null;
    stats.batches++;
    return {
      key,
      href: url.href,
      root: root ?? null,
      ref: { key, site: adapter.id, title: conversation.title.trim().slice(0, 300), url: url.href.slice(0, 2000) },
      full,
      work,
      index: 0,
      report: null,
      risk: null,
      flagged: [],
      warn: false,
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

  /** Fold a session update into the batch; `elementOf` finds the element of one of its messages. */
  const fold = (current: Batch, update: SessionUpdate, elementOf: (id: string) => Element | undefined): void => {
    current.risk = update.risk;
    current.flagged.push(...update.flagged);
    current.warn ||= update.warn;
    for (const flagged of update.flagged) {
      const element = elementOf(flagged.message.id);
      if (element) flaggedElements.set(flagged.message.id, new WeakRef(element));
    }
    for (const id of update.pending) {
      const element = elementOf(id);
      if (!element) continue;
      pendingElements.set(id, new WeakRef(element));
      if (pendingElements.size > MAX_PENDING_ELEMENTS) pendingElements.delete(pendingElements.keys().next().value as string);
    }
    if (update.report) {
      if (current.report) {
        current.report.messages.push(...update.report.messages);
        current.report.risk = update.report.risk;
      } else {
        current.report = { ...update.report, messages: [...update.report.messages] };
      }
    }
  };

  /** Analyse extracted messages (in page order) and fold the result into the batch. */
  const analyse = (current: Batch, messages: ExtractedMessage[], elements: Element[]): void => {
    const update = session.process(current.ref, messages);
    fold(current, update, (id) => {
      const at = messages.findIndex((message) => message.id === id);
      return at >= 0 ? elements[at] : undefined;
    });
  };

  /** Check the open conversation's waiting messages whose sentences have arrived, as part of the batch. */
  const recheckWaiting = (current: Batch): void => {
    recheckDue = false;
    const { sentences } = options;
    if (!sentences || session.pendingTexts(current.key).length === 0) return;
    const started = clock();
    const update = session.recheck(current.ref, sentences.ready);
    fold(current, update, (id) => pendingElements.get(id)?.deref());
    for (const flagged of update.flagged) pendingElements.delete(flagged.message.id);
    stats.busyMs += clock() - started;
  };

  /**
   * Ask the background to parse what the open conversation's waiting messages need: one request at a time, at
   * most `MAX_PARSE_TEXTS` texts. An answer leads to a batch that checks them again (and asks for the rest); no
   * answer leaves them waiting until the next batch asks again.
   */
  const requestParses = (key: string): void => {
    const { sentences } = options;
    if (!sentences || parseRequest || signal.aborted) return;
    const texts = sentences.missingFor(session.pendingTexts(key)).slice(0, MAX_PARSE_TEXTS);
    if (texts.length === 0) return;
    parseRequest = sentences
      .request(texts)
      .catch(() => false)
      .then((answered) => {
        parseRequest = null;
        if (signal.aborted) return;
        if (answered) {
          recheckDue = true;
          schedule(0);
        }
        notifySettled();
      });
  };

  /** Read and analyse messages until the time budget is spent (checked every few messages, analysis included). */
  const runSlice = (current: Batch, budget: number): void => {
    const started = clock();
    const context: ExtractContext = { now: now(), dateOrder: options.dateOrder ?? 'dmy' };
    let messages: ExtractedMessage[] = [];
    let elements: Element[] = [];
    const { work } = current;
    while (current.index < work.length) {
      const element = work[current.index++] as Memo;
      if (element.isConnected && !(current.full && element[READ_FOR] === current.key)) {
        // A full scan skips what was read for this conversation already; queued (changed) nodes are always read.
        element[READ_FOR] = current.key;
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
          messages.push(id === message.id ? message : { ...message, id });
          elements.push(element);
          // A flagged (or waiting) message the page rendered again: the mark follows the new element.
          if (flaggedElements.has(id)) flaggedElements.set(id, new WeakRef(element));
          if (pendingElements.has(id)) pendingElements.set(id, new WeakRef(element));
        }
      }
      if (messages.length >= 4 || (current.index & 15) === 0 || current.index >= work.length) {
        if (messages.length) analyse(current, messages, elements);
        messages = [];
        elements = [];
        if (clock() - started >= budget) break;
      }
    }
    if (messages.length) analyse(current, messages, elements);
    const spent = clock() - started;
    stats.slices++;
    stats.busyMs += spent;
    stats.longestSliceMs = Math.max(stats.longestSliceMs, spent);
  };

  const finishBatch = (current: Batch): void => {
    const { key } = current;
    if (current.report) {
      const all = current.report.messages;
      for (let i = 0; i < Math.max(1, all.length); i += MAX_MESSAGES_PER_REPORT) {
        send({ ...current.report, risk: current.risk ?? current.report.risk, messages: all.slice(i, i + MAX_MESSAGES_PER_REPORT) });
      }
    } else if (shownKey !== key) {
      send({ type: 'conversation-shown', conversationKey: key, risk: session.riskOf(key) });
    }
    shownKey = key;
    const risk = session.riskOf(key);
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
    if (current.warn && risk) {
      const findings = current.flagged.flatMap((f) => f.findings).sort((a, b) => b.weight - a.weight);
      options.warn({ conversationKey: key, title: current.ref.title, risk, findings, flagged: current.flagged });
    }
  };

  function step(deadline?: IdleDeadlineLike): void {
    if (signal.aborted) return;
    if (options.isValid && !options.isValid()) return;
    if (!batch) {
      batch = startBatch();
      if (!batch) {
        recheckDue = false;
        notifySettled();
        return;
      }
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
      batch = null;
      recheckWaiting(done);
      finishBatch(done);
      requestParses(done.key);
      if (pending.size || fullScanNeeded) schedule();
      else notifySettled();
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
