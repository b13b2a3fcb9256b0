/**
 * Pure operations on the stored conversations (no `browser.*`): merging what a content script reported, pruning by
 * age and size. Flagged evidence and conversations the user saved are never pruned automatically.
 */
import { levelRank, type RiskLevel } from '../engine/taxonomy';
import type { ScanReport } from '../protocol';
import type { StoredConversation, StoredMessage } from './schema';

export type ConversationMap = Record<string, StoredConversation>;

/** Plain context messages kept per conversation at most (flagged messages are never dropped for size). */
export const MAX_CONTEXT_PER_CONVERSATION = 300;

function higher(a: RiskLevel, b: RiskLevel): RiskLevel {
  return levelRank(a) >= levelRank(b) ? a : b;
}

/** Merge a scan report into the map; returns a new map (inputs are not mutated). */
export function mergeScanReport(conversations: ConversationMap, report: ScanReport, now: number): ConversationMap {
  const { conversation, messages, risk } = report;
  const previous = conversations[conversation.key];
  const byId = new Map<string, StoredMessage>();
  for (const message of previous?.messages ?? []) byId.set(message.id, message);
  for (const message of messages) {
    const old = byId.get(message.id);
    byId.set(message.id, old ? { ...message, seenAt: old.seenAt } : message);
  }
  const merged = [...byId.values()].sort((a, b) => (a.ts ?? a.seenAt) - (b.ts ?? b.seenAt));
  const next: StoredConversation = {
    ...conversation,
    firstSeen: previous?.firstSeen ?? now,
    updatedAt: now,
    risk,
    peakLevel: higher(previous?.peakLevel ?? 'none', risk.level),
    saved: previous?.saved ?? false,
    messages: capContext(merged),
  };
  return { ...conversations, [conversation.key]: next };
}

function capContext(messages: StoredMessage[]): StoredMessage[] {
  const context = messages.filter((m) => m.findings.length === 0).length;
  if (context <= MAX_CONTEXT_PER_CONVERSATION) return messages;
  let drop = context - MAX_CONTEXT_PER_CONVERSATION;
  return messages.filter((m) => {
    if (drop > 0 && m.findings.length === 0) {
      drop--;
      return false;
    }
    return true;
  });
}

/**
 * Retention: conversations not updated for `retentionDays` are removed unless saved or holding flagged evidence;
 * of those with evidence, plain context messages older than retention are removed first.
 */
export function applyRetention(conversations: ConversationMap, retentionDays: number, now: number): ConversationMap {
  const cutoff = now - retentionDays * 86_400_000;
  const out: ConversationMap = {};
  for (const [key, conversation] of Object.entries(conversations)) {
    const hasEvidence = conversation.messages.some((m) => m.findings.length > 0);
    if (conversation.updatedAt < cutoff && !conversation.saved && !hasEvidence) continue;
    out[key] = {
      ...conversation,
      messages: conversation.messages.filter((m) => m.findings.length > 0 || conversation.saved || m.seenAt >= cutoff),
    };
  }
  return out;
}

export function markSaved(conversations: ConversationMap, key: string): ConversationMap {
  const conversation = conversations[key];
  if (!conversation) return conversations;
  return { ...conversations, [key]: { ...conversation, saved: true } };
}

/** Conversations with warning signs, most serious and most recent first (for the popup and report). */
export function flaggedConversations(conversations: ConversationMap): StoredConversation[] {
  return Object.values(conversations)
    .filter((c) => c.messages.some((m) => m.findings.length > 0))
    .sort((a, b) => levelRank(b.risk.level) - levelRank(a.risk.level) || b.updatedAt - a.updatedAt);
}
