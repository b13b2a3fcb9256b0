/**
 * The background's analysis service: content scripts only read the page and send the messages they find
 * ('analyze-messages', lib/protocol.ts); the detection engine runs here, off the chat page's main thread.
 * Effects are injected (like lib/background/handler.ts) so it is unit-tested without a browser.
 *
 *   - One `ChatSession` per scan a content script runs (`scanId`, per tab and frame). Requests of a frame are
 *     processed one at a time, in the order they arrived.
 *   - The first request of a scan (`seq` 0) starts a fresh session; the levels already warned about come from the
 *     stored peaks, so a reload or a restart does not warn again about the same level.
 *   - A later request (`seq` > 0) of a scan the service does not know (Chrome stopped the idle service worker and
 *     all state went with it, or the settings changed) is answered with `resync`: the content script scans again.
 *   - The engine is built on first use from the settings and imported rules, and dropped when they change
 *     (`settingsChanged`): every session goes with it, and each content script that had one is asked to read its
 *     conversation again (`askToReadAgain`; had it not heard, its next request would get `resync`).
 *   - What a scan decides is worth keeping is stored (`storeReport`: merged, with the storage policy, serialised
 *     with every other write), the tab's badge and popup state follow, and the content script gets the risk,
 *     whether to warn, and the flagged messages (for the banner and the marks).
 */
import type { Engine, Rule } from '../engine';
import type { RiskLevel } from '../engine/taxonomy';
import type { ConversationRisk } from '../engine/types';
import type { EngineSettings } from '../extension/bundled-engine';
import type { AnalyzeMessages, AnalyzeResponse } from '../protocol';
import type { ConversationMap, ScanReport } from '../storage/conversations';
import type { TabState } from '../storage/schema';
import { ChatSession, isRiskLevel } from './session';

/** What the engine is built from. */
export interface EngineInputs {
  settings: EngineSettings & { contextMessages: number };
  customRules: readonly Rule[];
}

export interface AnalysisDeps {
  /** The settings in effect and the imported rules (read when the engine is built, and on a settings change). */
  engineInputs(): Promise<EngineInputs>;
  /** Build the engine (lib/extension/bundled-engine.ts `createBundledEngine`). */
  createEngine(inputs: EngineInputs): Engine;
  /** The stored conversations, for the peaks already warned about (read in turn with the storage writes). */
  loadConversations(): Promise<ConversationMap>;
  /** Merge and store what a scan decided to keep; rejects when it could not be saved. */
  storeReport(report: ScanReport): Promise<void>;
  /** The tab's badge and what the popup shows for it. */
  showTabState(tabId: number, state: TabState | null): Promise<void>;
  now(): number;
  /** A monotonic clock (ms) for the diagnostics. */
  clock?(): number;
  /** Told when a report could not be stored (storage full: `saveConversations` has told the user). */
  onStoreError?(error: unknown): void;
  /**
   * Ask the content script of a frame to read its conversation again (`READ_AGAIN_MESSAGE`): the engine changed, and
   * without being asked it would only find out at its next request, so an open chat would keep its old risk.
   */
  askToReadAgain?(tabId: number, frameId: number): void;
}

/** Counters for `npm run bench:page`, kept on the background's global (`notAloneDiagnostics`). */
export interface AnalysisDiagnostics {
  /** Time spent building engines (ms). */
  engineMs: number;
  /** Time spent analysing messages (ms). */
  analysisMs: number;
  /** Messages received in 'analyze-messages' requests. */
  messages: number;
  requests: number;
  resyncs: number;
}

export interface AnalysisService {
  analyze(tabId: number, frameId: number, request: AnalyzeMessages): Promise<AnalyzeResponse>;
  /** The risk of a conversation as the tab's scan knows it, or null. */
  riskOf(tabId: number, frameId: number, key: string): ConversationRisk | null;
  /** The settings or imported rules may have changed: drop the engine and every session if they did. */
  settingsChanged(): Promise<void>;
  /** Drop the engine and every session (the next request of each scan gets `resync`). */
  invalidate(): void;
  /** The tab was closed. */
  dropTab(tabId: number): void;
  /** The engine the scans use (built on first use), for work on stored conversations ('risk-timelines'). */
  engine(): Promise<Engine>;
  readonly diagnostics: AnalysisDiagnostics;
}

interface BuiltEngine {
  engine: Engine;
  contextMessages: number;
  fingerprint: string;
}

interface Scan {
  scanId: string;
  session: ChatSession;
  /** The engine generation the session was built with. */
  generation: number;
  /** Stored peak levels, by conversation key, not yet given to the session. */
  peaks: Map<string, RiskLevel>;
  /** Ids of the stored messages, by conversation key, not yet given to the session. */
  storedIds: Map<string, string[]>;
}

/** Everything the engine and the sessions depend on, in a stable order. */
function fingerprintOf(inputs: EngineInputs): string {
  const { sensitivity, disabledCategories, languages, contextMessages } = inputs.settings;
  return JSON.stringify([sensitivity, [...disabledCategories].sort(), [...languages].sort(), contextMessages, inputs.customRules]);
}

const errorText = (error: unknown): string => String((error as Error)?.message ?? error);

/** Scans kept per frame (see `scans`). */
const MAX_SCANS_PER_FRAME = 2;

export function createAnalysisService(deps: AnalysisDeps): AnalysisService {
  const clock = (): number => (deps.clock ? deps.clock() : performance.now());
  const diagnostics: AnalysisDiagnostics = { engineMs: 0, analysisMs: 0, messages: 0, requests: 0, resyncs: 0 };
  let engine: Promise<BuiltEngine> | null = null;
  /** Bumped whenever the engine is dropped: sessions of an older generation are gone. */
  let generation = 0;
  /**
   * `<tab>:<frame>` → the scans of that frame by scan id, least recently used first. Normally one; a second content
   * script in the same frame (injected twice) keeps its own, and the scan of a page that reloaded is dropped when
   * `MAX_SCANS_PER_FRAME` is reached.
   */
  const scans = new Map<string, Map<string, Scan>>();
  /** `<tab>:<frame>` → the tail of its queue of requests. */
  const queues = new Map<string, Promise<unknown>>();

  const currentEngine = (): Promise<BuiltEngine> => {
    if (engine) return engine;
    const building = (async (): Promise<BuiltEngine> => {
      const inputs = await deps.engineInputs();
      const started = clock();
      const built = deps.createEngine(inputs);
      diagnostics.engineMs += clock() - started;
      return { engine: built, contextMessages: inputs.settings.contextMessages, fingerprint: fingerprintOf(inputs) };
    })();
    engine = building;
    // A failed build is tried again on the next request.
    building.catch(() => {
      if (engine === building) engine = null;
    });
    return building;
  };

  /** Run the requests of one content script one at a time, in the order they arrived. */
  const inTurn = <T>(slot: string, task: () => Promise<T>): Promise<T> => {
    const run = (queues.get(slot) ?? Promise.resolve()).then(task, task);
    const tail = run.catch(() => undefined);
    queues.set(slot, tail);
    void tail.then(() => {
      if (queues.get(slot) === tail) queues.delete(slot);
    });
    return run;
  };

  const startScan = async (slot: string, scanId: string): Promise<Scan> => {
    const at = generation;
    const built = await currentEngine();
    const peaks = new Map<string, RiskLevel>();
    const storedIds = new Map<string, string[]>();
    for (const [key, stored] of Object.entries(await deps.loadConversations())) {
      const peak = (stored as { peakLevel?: unknown } | null)?.peakLevel;
      if (isRiskLevel(peak) && peak !== 'none') peaks.set(key, peak);
      const messages = (stored as { messages?: unknown } | null)?.messages;
      if (Array.isArray(messages)) storedIds.set(key, messages.flatMap((m: { id?: unknown }) => (typeof m?.id === 'string' ? [m.id] : [])));
    }
    const scan: Scan = { scanId, session: new ChatSession(built.engine, built.contextMessages, () => deps.now()), generation: at, peaks, storedIds };
    const frame = scans.get(slot) ?? new Map<string, Scan>();
    frame.delete(scanId);
    frame.set(scanId, scan);
    while (frame.size > MAX_SCANS_PER_FRAME) frame.delete(frame.keys().next().value as string);
    scans.set(slot, frame);
    return scan;
  };

  /** The scan a request continues, if the service knows it (and marks it the frame's most recently used). */
  const knownScan = (slot: string, scanId: string): Scan | undefined => {
    const frame = scans.get(slot);
    const scan = frame?.get(scanId);
    if (!frame || !scan || scan.generation !== generation) return undefined;
    frame.delete(scanId);
    frame.set(scanId, scan);
    return scan;
  };

  const run = async (tabId: number, slot: string, request: AnalyzeMessages): Promise<AnalyzeResponse> => {
    let scan: Scan | undefined;
    if (request.seq === 0) {
      try {
        scan = await startScan(slot, request.scanId);
      } catch (error) {
        return { ok: false, error: `cannot analyse: ${errorText(error)}` };
      }
    } else {
      scan = knownScan(slot, request.scanId);
      if (!scan) {
        diagnostics.resyncs++;
        return { ok: true, resync: true };
      }
    }
    const { key } = request.conversation;
    const peak = scan.peaks.get(key);
    if (peak) {
      scan.session.seedWarnedLevel(key, peak);
      scan.peaks.delete(key);
    }
    const storedIds = scan.storedIds.get(key);
    if (storedIds) {
      scan.session.seedStored(key, storedIds);
      scan.storedIds.delete(key);
    }
    const started = clock();
    const update = await scan.session.process(request.conversation, request.messages);
    diagnostics.analysisMs += clock() - started;
    if (update.report) {
      // The content script still warns when storage failed (full): saveConversations has told the report page.
      await deps.storeReport(update.report).catch((error: unknown) => deps.onStoreError?.(error));
    }
    await deps.showTabState(tabId, { conversationKey: key, risk: update.risk, ...(update.truncated ? { truncated: update.truncated } : {}) });
    return {
      ok: true,
      analysis: { risk: update.risk, warn: update.warn, flagged: update.flagged.map((f) => ({ id: f.message.id, findings: f.findings })) },
    };
  };

  const invalidate = (): void => {
    engine = null;
    generation++;
    const frames = [...scans.keys()];
    scans.clear();
    for (const slot of frames) {
      const [tabId, frameId] = slot.split(':').map(Number);
      deps.askToReadAgain?.(tabId, frameId);
    }
  };

  return {
    analyze(tabId, frameId, request) {
      diagnostics.requests++;
      diagnostics.messages += request.messages.length;
      const slot = `${tabId}:${frameId}`;
      return inTurn(slot, () => run(tabId, slot, request));
    },
    riskOf(tabId, frameId, key) {
      // The frame's most recently used scan (the one whose content script just said which conversation is shown).
      const latest = [...(scans.get(`${tabId}:${frameId}`)?.values() ?? [])].at(-1);
      return latest && latest.generation === generation ? latest.session.riskOf(key) : null;
    },
    async settingsChanged() {
      const current = engine;
      if (!current) return;
      const [built, inputs] = await Promise.all([current, deps.engineInputs()]).catch(() => [null, null] as const);
      if (engine === current && (!built || !inputs || fingerprintOf(inputs) !== built.fingerprint)) invalidate();
    },
    invalidate,
    dropTab(tabId) {
      for (const slot of [...scans.keys()]) if (slot.startsWith(`${tabId}:`)) scans.delete(slot);
    },
    engine: async () => (await currentEngine()).engine,
    diagnostics,
  };
}
