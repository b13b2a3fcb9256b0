/**
 * Pure operations on the stored conversations (no `browser.*`): merging what a scan decided to keep, pruning by
 * age and size, deleting. Flagged evidence and conversations the user saved are never pruned automatically: only the
 * user deletes them (report page).
 *
 * Storage policy, in order (the background applies it after every scan report it stores):
 *   1. Retention (`settings.retentionDays`, default 30): conversations without flagged messages that were not
 *      updated within it are removed; in the others, plain context messages older than it are removed.
 *   2. Size cap (`STORAGE_CAP_BYTES`): while the stored conversations are larger, the oldest plain context messages
 *      go first (those of conversations the user did not save before those of saved ones); conversations left with
 *      no message and no evidence go too. Flagged messages are never removed, so storage can stay above the cap when
 *      it holds nothing but evidence: the report page then says so and suggests exporting and deleting.
 */
import { levelRank, type RiskLevel } from '../engine/taxonomy';
import type { ConversationRisk } from '../engine/types';
import type { ConversationRef, StoredConversation, StoredMessage } from './schema';

export type ConversationMap = Record<string, StoredConversation>;

/**
 * What a scan decided is worth keeping about one conversation (lib/background/session.ts): new or changed messages
 * (flagged ones and their context) and the conversation's risk now.
 */
export interface ScanReport {
  conversation: ConversationRef;
  messages: StoredMessage[];
  risk: ConversationRisk;
}

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
    savedAt: previous?.savedAt ?? null,
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

export function markSaved(conversations: ConversationMap, key: string, now: number = Date.now()): ConversationMap {
  const conversation = conversations[key];
  if (!conversation) return conversations;
  return { ...conversations, [key]: { ...conversation, saved: true, savedAt: conversation.savedAt ?? now } };
}

/** Remove conversations by key, or every conversation with `'all'`. */
export function deleteConversations(conversations: ConversationMap, keys: readonly string[] | 'all'): ConversationMap {
  if (keys === 'all') return {};
  const out = { ...conversations };
  for (const key of keys) delete out[key];
  return out;
}

/**
 * What the stored conversations take in storage. chrome.storage.local allows 10 MB per extension; the cap leaves
 * room for settings, custom rules and the storage's own overhead.
 */
export const STORAGE_CAP_BYTES = 5 * 1024 * 1024;

const encoder = new TextEncoder();

/** UTF-8 size of a value as JSON (what storage.local counts, approximately). */
export function jsonSize(value: unknown): number {
  return encoder.encode(JSON.stringify(value)).length;
}

export interface SizeCapResult {
  value: ConversationMap;
  /** Plain context messages removed. */
  prunedMessages: number;
  /** Still above the cap after removing every plain message: only flagged evidence is left. */
  overCap: boolean;
  bytes: number;
}

/** Apply the size cap (see the file comment). Returns a new map; the input is not mutated. */
export function enforceSizeCap(conversations: ConversationMap, maxBytes: number = STORAGE_CAP_BYTES): SizeCapResult {
  let bytes = jsonSize(conversations);
  if (bytes <= maxBytes) return { value: conversations, prunedMessages: 0, overCap: false, bytes };
  const candidates: Array<{ key: string; id: string; saved: boolean; seenAt: number; size: number }> = [];
  for (const [key, conversation] of Object.entries(conversations)) {
    for (const message of conversation.messages) {
      if (message.findings.length > 0) continue;
      candidates.push({ key, id: message.id, saved: conversation.saved, seenAt: message.seenAt, size: jsonSize(message) + 1 });
    }
  }
  candidates.sort((a, b) => Number(a.saved) - Number(b.saved) || a.seenAt - b.seenAt);
  const drop = new Map<string, Set<string>>();
  let pruned = 0;
  for (const candidate of candidates) {
    if (bytes <= maxBytes) break;
    let ids = drop.get(candidate.key);
    if (!ids) drop.set(candidate.key, (ids = new Set()));
    ids.add(candidate.id);
    bytes -= candidate.size;
    pruned++;
  }
  const value: ConversationMap = {};
  for (const [key, conversation] of Object.entries(conversations)) {
    const ids = drop.get(key);
    const messages = ids ? conversation.messages.filter((m) => !ids.has(m.id)) : conversation.messages;
    if (messages.length === 0 && !conversation.saved) continue;
    value[key] = ids ? { ...conversation, messages } : conversation;
  }
  bytes = jsonSize(value);
  return { value, prunedMessages: pruned, overCap: bytes > maxBytes, bytes };
}

/** Retention, then the size cap: what the background applies after each scan report. */
export function applyStoragePolicy(conversations: ConversationMap, retentionDays: number, now: number, maxBytes: number = STORAGE_CAP_BYTES): ConversationMap {
  return enforceSizeCap(applyRetention(conversations, retentionDays, now), maxBytes).value;
}

/** Conversations with warning signs, most serious and most recent first (for the popup and report). */
export function flaggedConversations(conversations: ConversationMap): StoredConversation[] {
  return Object.values(conversations)
    .filter((c) => c.messages.some((m) => m.findings.length > 0))
    .sort((a, b) => levelRank(b.risk.level) - levelRank(a.risk.level) || b.updatedAt - a.updatedAt);
}
