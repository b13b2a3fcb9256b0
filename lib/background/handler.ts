/**
 * The background's message handling, with its effects injected so it can be tested without a browser.
 * Content scripts run inside pages we do not control: every message is validated, the sender must be one of this
 * extension's own content scripts in a tab, and anything else is dropped. The messages a content script reads are
 * analysed here ('analyze-messages', lib/background/analysis.ts): the page never says what the risk is.
 */
import { levelRank, type RiskLevel } from '../engine/taxonomy';
import type { ConversationRisk } from '../engine/types';
import { SENSITIVITY_PRESETS } from '../engine/risk';
import { ProtocolMessageSchema, type ProtocolResponse } from '../protocol';
import { riskTimeline } from '../report/build';
import type { TimelinePoint } from '../report/schema';
import { adapterFor } from '../sites';
import { applyStoragePolicy, deleteConversations, jsonSize, markSaved, mergeScanReport, type ConversationMap, type ScanReport } from '../storage/conversations';
import { compactReport } from '../storage/excerpt';
import type { ContentSettings, TabState } from '../storage/schema';
import type { DismissalKind } from '../storage/limits';
import { createAnalysisService, type AnalysisDeps, type AnalysisService } from './analysis';

export interface MessageSender {
  id?: string;
  tab?: { id?: number };
  url?: string;
  frameId?: number;
}

export interface BackgroundDeps {
  extensionId: string;
  /** `browser.runtime.getURL('/')`: messages that only extension pages may send must come from under it. */
  extensionPageUrl?: string;
  loadConversations(): Promise<ConversationMap>;
  saveConversations(conversations: ConversationMap): Promise<void>;
  retentionDays(): Promise<number>;
  setBadge(tabId: number, text: string, color: string): Promise<void>;
  /** What the popup shows for a tab: the conversation open in it and its risk. */
  setTabState(tabId: number, state: TabState | null): Promise<void>;
  now(): number;
  /** Inject the chat content script into a frame (for 'start-content-script' from the chat launcher). */
  startContentScript?(tabId: number, frameId: number): Promise<void>;
  /**
   * The frame's current address as the browser knows it. `sender.url` keeps the address the document loaded
   * with; single-page apps move on with history.pushState.
   */
  frameUrl?(tabId: number, frameId: number): Promise<string | undefined>;
  /**
   * The detection engine, for 'analyze-messages' (lib/background/analysis.ts): what it is built from and how.
   * Without it, analysis requests are refused.
   */
  analysis?: Pick<AnalysisDeps, 'engineInputs' | 'createEngine' | 'clock' | 'askToReadAgain'>;
  /** Told when a report could not be stored. */
  onStoreError?(error: unknown): void;
  /** The settings a content script needs (it cannot read storage: see 'get-content-settings' in lib/protocol.ts). */
  contentSettings?(): Promise<ContentSettings>;
  /** Remember a press of "I'm OK" for the report page. */
  recordDismissal?(conversationKey: string, level: RiskLevel, kind: DismissalKind, at: number): Promise<void>;
}

/** The risk of a conversation nothing is known about yet. */
export const NO_RISK: ConversationRisk = { level: 'none', score: 0, alert: false, categories: [], reasons: [] };

export const BADGE_COLORS: Record<RiskLevel, string> = {
  none: '#00000000',
  low: '#6b7280',
  medium: '#b45309',
  high: '#c2410c',
  critical: '#b91c1c',
};

/** The badge shows a mark only when the open conversation reached a level the user is warned about. */
export function badgeFor(risk: { level: RiskLevel; alert: boolean } | null): { text: string; color: string } {
  if (!risk || !risk.alert) return { text: '', color: BADGE_COLORS.none };
  return { text: levelRank(risk.level) >= levelRank('high') ? '!!' : '!', color: BADGE_COLORS[risk.level] };
}

export type MessageHandler = ((raw: unknown, sender: MessageSender) => Promise<ProtocolResponse>) & {
  /** The analysis service (null without `deps.analysis`): settings changes, closed tabs, diagnostics. */
  readonly analysis: AnalysisService | null;
  /**
   * Apply the storage policy (retention, size cap) now, serialised with the writes; written only when something
   * changed. The background runs it at start and on a daily alarm: otherwise retention ran only when a scan stored
   * something, and a browser that never opened a chat again kept old plain context for ever.
   */
  maintainStorage(): Promise<void>;
};

export function createMessageHandler(deps: BackgroundDeps): MessageHandler {
  // Storage writes are serialised so two tabs reporting at once cannot overwrite each other.
  let queue: Promise<unknown> = Promise.resolve();
  const serialised = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task, task);
    queue = run.catch(() => undefined);
    return run;
  };

  const showTabState = async (tabId: number, state: TabState | null): Promise<void> => {
    const badge = badgeFor(state?.risk ?? null);
    await deps.setBadge(tabId, badge.text, badge.color);
    await deps.setTabState(tabId, state);
  };

  const storeReport = async (report: ScanReport): Promise<void> => {
    const compact = await compactReport(report);
    return serialised(async () => {
      const now = deps.now();
      const merged = mergeScanReport(await deps.loadConversations(), compact, now);
      await deps.saveConversations(applyStoragePolicy(merged, await deps.retentionDays(), now));
    });
  };

  const analysis = deps.analysis
    ? createAnalysisService({
        ...deps.analysis,
        // Read in turn with the writes: a scan that starts right after another one stored sees what it stored.
        loadConversations: () => serialised(() => deps.loadConversations()),
        storeReport,
        showTabState,
        now: () => deps.now(),
        onStoreError: (error) => deps.onStoreError?.(error),
      })
    : null;

  const fromExtensionPage = (sender: MessageSender): boolean => !!deps.extensionPageUrl && !!sender.url?.startsWith(deps.extensionPageUrl);

  async function handle(raw: unknown, sender: MessageSender): Promise<ProtocolResponse> {
    if (sender.id !== deps.extensionId) return { ok: false, error: 'unknown sender' };
    const tabId = sender.tab?.id;
    if (tabId === undefined) return { ok: false, error: 'messages are accepted from tabs only' };
    const parsed = ProtocolMessageSchema.safeParse(raw);
    if (!parsed.success) return { ok: false, error: 'invalid message' };
    const message = parsed.data;
    switch (message.type) {
      case 'analyze-messages': {
        // Queued before the first await: requests of a content script are analysed in the order they arrived.
        if (!analysis) return { ok: false, error: 'no analysis' };
        return analysis.analyze(tabId, sender.frameId ?? 0, message);
      }
      case 'conversation-shown': {
        const key = message.conversationKey;
        if (!key) {
          await showTabState(tabId, null);
          return { ok: true };
        }
        // The risk as this tab's scan knows it, else as stored, else nothing yet: the page cannot say.
        const risk = analysis?.riskOf(tabId, sender.frameId ?? 0, key) ?? (await serialised(() => deps.loadConversations()))[key]?.risk ?? NO_RISK;
        await showTabState(tabId, { conversationKey: key, risk });
        return { ok: true };
      }
      case 'save-for-report': {
        await serialised(async () => deps.saveConversations(markSaved(await deps.loadConversations(), message.conversationKey, deps.now())));
        return { ok: true };
      }
      case 'delete-conversations': {
        // Deleting evidence is for the report page, never for a content script running inside a chat page.
        if (!fromExtensionPage(sender)) return { ok: false, error: 'not allowed from this sender' };
        await serialised(async () => deps.saveConversations(deleteConversations(await deps.loadConversations(), message.keys)));
        return { ok: true };
      }
      case 'risk-timelines': {
        // Stored evidence is for the extension's own pages only.
        if (!fromExtensionPage(sender)) return { ok: false, error: 'not allowed from this sender' };
        if (!analysis) return { ok: false, error: 'no analysis' };
        const engine = await analysis.engine();
        const stored = await serialised(() => deps.loadConversations());
        const timelines: Record<string, TimelinePoint[]> = {};
        for (const key of message.keys) {
          if (!Object.hasOwn(stored, key)) continue;
          timelines[key] = riskTimeline(stored[key], engine.riskTracker(SENSITIVITY_PRESETS[message.sensitivity]));
        }
        return { ok: true, timelines };
      }
      case 'get-content-settings': {
        if (!deps.contentSettings) return { ok: false, error: 'no settings' };
        return { ok: true, settings: await deps.contentSettings() };
      }
      case 'record-dismissal': {
        if (!deps.recordDismissal) return { ok: false, error: 'not recorded' };
        await deps.recordDismissal(message.conversationKey, message.level, message.kind, deps.now());
        return { ok: true };
      }
      case 'start-content-script': {
        // Only for a frame whose own address (as the browser reports it, not the message) is a supported chat page.
        const frameId = sender.frameId ?? 0;
        const address = deps.frameUrl ? await deps.frameUrl(tabId, frameId) : sender.url;
        let url: URL | null = null;
        try {
          url = address ? new URL(address) : null;
        } catch {
          url = null;
        }
        if (!deps.startContentScript || !url || !adapterFor(url)) return { ok: false, error: 'not a chat page' };
        await deps.startContentScript(tabId, frameId);
        return { ok: true };
      }
    }
  }

  const maintainStorage = (): Promise<void> =>
    serialised(async () => {
      const stored = await deps.loadConversations();
      const kept = applyStoragePolicy(stored, await deps.retentionDays(), deps.now());
      if (jsonSize(kept) !== jsonSize(stored)) await deps.saveConversations(kept);
    });

  return Object.assign(handle, { analysis, maintainStorage });
}
