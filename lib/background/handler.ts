/**
 * The background's message handling, with its effects injected so it can be tested without a browser.
 * Content scripts run inside pages we do not control: every message is validated, the sender must be one of this
 * extension's own content scripts in a tab, and anything else is dropped.
 */
import type { SentenceFacts } from '../engine/grammar';
import { levelRank, type RiskLevel } from '../engine/taxonomy';
import { ProtocolMessageSchema, type ProtocolResponse, type ScanReport } from '../protocol';
import { adapterFor } from '../sites';
import { applyStoragePolicy, deleteConversations, markSaved, mergeScanReport, type ConversationMap } from '../storage/conversations';

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
   * The sentence parser for grammar checks (lib/engine/sentences.ts, compromise), for 'parse-sentences': content
   * scripts do not load it themselves, it would stall the chat page.
   */
  parseSentences?: (text: string) => SentenceFacts[];
}

export interface TabState {
  conversationKey: string;
  risk: ScanReport['risk'];
}

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

export function createMessageHandler(deps: BackgroundDeps) {
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

  return async function handle(raw: unknown, sender: MessageSender): Promise<ProtocolResponse> {
    if (sender.id !== deps.extensionId) return { ok: false, error: 'unknown sender' };
    const tabId = sender.tab?.id;
    if (tabId === undefined) return { ok: false, error: 'messages are accepted from tabs only' };
    const parsed = ProtocolMessageSchema.safeParse(raw);
    if (!parsed.success) return { ok: false, error: 'invalid message' };
    const message = parsed.data;
    switch (message.type) {
      case 'scan-report': {
        let saveError: unknown;
        await serialised(async () => {
          const now = deps.now();
          const merged = mergeScanReport(await deps.loadConversations(), message, now);
          await deps.saveConversations(applyStoragePolicy(merged, await deps.retentionDays(), now));
        }).catch((error: unknown) => {
          saveError = error;
        });
        // The badge warns even when storage failed (full): saveConversations has told the report page what was lost.
        await showTabState(tabId, { conversationKey: message.conversation.key, risk: message.risk });
        return saveError === undefined ? { ok: true } : { ok: false, error: `not saved: ${String((saveError as Error)?.message ?? saveError)}` };
      }
      case 'conversation-shown': {
        const state = message.conversationKey && message.risk ? { conversationKey: message.conversationKey, risk: message.risk } : null;
        await showTabState(tabId, state);
        return { ok: true };
      }
      case 'save-for-report': {
        await serialised(async () => deps.saveConversations(markSaved(await deps.loadConversations(), message.conversationKey, deps.now())));
        return { ok: true };
      }
      case 'delete-conversations': {
        // Deleting evidence is for the report page, never for a content script running inside a chat page.
        if (!deps.extensionPageUrl || !sender.url?.startsWith(deps.extensionPageUrl)) return { ok: false, error: 'not allowed from this sender' };
        await serialised(async () => deps.saveConversations(deleteConversations(await deps.loadConversations(), message.keys)));
        return { ok: true };
      }
      case 'parse-sentences': {
        // Texts the page already shows to this content script; parsed here, answered to it, never stored.
        const parse = deps.parseSentences;
        if (!parse) return { ok: false, error: 'no sentence parser' };
        try {
          return { ok: true, sentences: message.texts.map((text) => parse(text)) };
        } catch (error) {
          return { ok: false, error: `not parsed: ${String((error as Error)?.message ?? error)}` };
        }
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
  };
}
