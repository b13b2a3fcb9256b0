/**
 * Pure operations on the stored conversations (no `browser.*`): merging what a scan decided to keep, pruning by
 * age and size, deleting. Flagged evidence and conversations the user saved are never pruned automatically: only the
 * user deletes them (report page).
 *
 * Merging never replaces a stored message: a later text under the same id is kept as an edit (`mergeMessage`), and
 * each conversation stays within its budget (`CONVERSATION_BUDGET_BYTES`: past it, its new flagged messages are
 * refused and counted, never stored ones removed).
 *
 * Storage policy, in order (the background applies it after every scan report it stores, at start and daily):
 *   1. Retention (`settings.retentionDays`, default 30): conversations without flagged messages that were not
 *      updated within it are removed; in the others, plain context messages older than it are removed.
 *   2. Size cap (`STORAGE_CAP_BYTES`): while the stored conversations are larger, the oldest plain context messages
 *      go first, from whichever conversation is largest at that moment (those the user did not save before saved
 *      ones); conversations left with no message and no evidence go too. Flagged messages are never removed, so
 *      storage can stay above the cap when it holds nothing but evidence: the report page then says so and suggests
 *      exporting and deleting.
 */
import { levelRank, type RiskLevel } from '../engine/taxonomy';
import type { ConversationRisk } from '../engine/types';
import { pictureHistory } from './pictures';
import { MAX_EDITS, MAX_TITLES, type ConversationRef, type StoredConversation, type StoredMessage, type TitleChange } from './schema';

export type ConversationMap = Record<string, StoredConversation>;

/**
 * What a scan decided is worth keeping about one conversation (lib/background/session.ts): new or changed messages
 * (flagged ones and their context) and the conversation's risk now.
 */
export interface ScanReport {
  conversation: ConversationRef;
  messages: StoredMessage[];
  risk: ConversationRisk;
  /** The fingerprint of the picture the chat's header showed for this read (name-keyed conversations only). */
  picture?: string;
}

/** Plain context messages kept per conversation at most (flagged messages are never dropped for size). */
export const MAX_CONTEXT_PER_CONVERSATION = 300;

function higher(a: RiskLevel, b: RiskLevel): RiskLevel {
  return levelRank(a) >= levelRank(b) ? a : b;
}

/** A message with warning signs in any of its versions (the first one or a later edit). */
export function isFlagged(message: Pick<StoredMessage, 'findings' | 'edits'>): boolean {
  return message.findings.length > 0 || (message.edits?.some((edit) => edit.findings.length > 0) ?? false);
}

/** The findings of every version of a message, the first version's first. */
export function allFindings(message: Pick<StoredMessage, 'findings' | 'edits'>): StoredMessage['findings'] {
  return message.edits?.length ? [...message.findings, ...message.edits.flatMap((edit) => edit.findings)] : message.findings;
}

type Version = Pick<StoredMessage, 'text' | 'original'>;

/** Two reads show the same version of a message: the same text (or, for excerpts, the same whole text). */
function sameVersion(a: Version, b: Version): boolean {
  if (a.original && b.original) return a.original.sha256 === b.original.sha256 && a.original.length === b.original.length;
  // A whole text stored before excerpts existed (storage v2) against an excerpt of it.
  const [whole, cut] = a.original ? [b, a] : [a, b];
  if (cut.original) return whole.text.length === cut.original.length && whole.text.startsWith(cut.text, cut.original.start);
  return a.text === b.text;
}

/**
 * A stored message read again. The same version: its findings are kept unless the new read found some (a message
 * that had findings is never downgraded). Another text under the same id (the chat partner edited the message, or
 * the app "recalled" it): the new text is added to `edits`, the first one stays; only a bounded number of versions
 * is kept, never dropping the first, the latest or a version with findings while a plain one can go instead.
 */
function mergeMessage(old: StoredMessage, read: StoredMessage): StoredMessage {
  const edits = old.edits ?? [];
  const latest: Version = edits.at(-1) ?? old;
  if (sameVersion(latest, read)) {
    if (read.findings.length === 0) return old;
    if (edits.length === 0) return { ...old, findings: read.findings };
    return { ...old, edits: [...edits.slice(0, -1), { ...edits[edits.length - 1], findings: read.findings }] };
  }
  const next = [
    ...edits,
    { text: read.text, findings: read.findings, seenAt: read.seenAt, ...(read.original ? { original: read.original } : {}), ...(read.picture ? { picture: read.picture } : {}) },
  ];
  while (next.length > MAX_EDITS) {
    const plain = next.findIndex((edit, i) => i < next.length - 1 && edit.findings.length === 0);
    next.splice(plain >= 0 ? plain : 0, 1);
  }
  return { ...old, edits: next };
}

/** The titles a conversation was shown under, with `title` added when it is new (first and latest always kept). */
function titleHistory(previous: StoredConversation | undefined, title: string, now: number): TitleChange[] {
  const titles: TitleChange[] = previous?.titles?.length ? [...previous.titles] : previous ? [{ title: previous.title, at: previous.firstSeen }] : [];
  if (titles.at(-1)?.title !== title) titles.push({ title, at: now });
  while (titles.length > MAX_TITLES) titles.splice(1, 1);
  return titles;
}

/**
 * Each conversation's share of storage: above it, its own oldest plain context goes first, then new messages with
 * warning signs are refused (counted in `overBudget`, which the report shows). A flood of long flagged messages in
 * one chat cannot push another conversation's evidence or context out (tests/unit/storage-flood.test.ts).
 */
export const CONVERSATION_BUDGET_BYTES = 1024 * 1024;

function withinBudget(conversation: StoredConversation, newIds: ReadonlySet<string>, now: number, budget: number): StoredConversation {
  let size = jsonSize(conversation);
  if (size <= budget) return conversation;
  const drop = new Set<StoredMessage>();
  const plain = conversation.messages.filter((m) => !isFlagged(m)).sort((a, b) => a.seenAt - b.seenAt);
  for (const message of plain) {
    if (size <= budget) break;
    drop.add(message);
    size -= jsonSize(message) + 1;
  }
  let refused = 0;
  for (const message of [...conversation.messages].reverse()) {
    if (size <= budget) break;
    if (!newIds.has(message.id) || drop.has(message)) continue;
    drop.add(message);
    size -= jsonSize(message) + 1;
    refused++;
  }
  const messages = conversation.messages.filter((m) => !drop.has(m));
  if (refused === 0) return { ...conversation, messages };
  const overBudget = { messages: (conversation.overBudget?.messages ?? 0) + refused, since: conversation.overBudget?.since ?? now };
  return { ...conversation, messages, overBudget };
}

/** Merge a scan report into the map; returns a new map (inputs are not mutated). */
export function mergeScanReport(conversations: ConversationMap, report: ScanReport, now: number, budget: number = CONVERSATION_BUDGET_BYTES): ConversationMap {
  const { messages, risk } = report;
  // Only the reference's own fields: whatever else the caller's object carries (a page's picture address) is not stored.
  const conversation: ConversationRef = { key: report.conversation.key, site: report.conversation.site, title: report.conversation.title, url: report.conversation.url };
  const previous = conversations[conversation.key];
  const byId = new Map<string, StoredMessage>();
  for (const message of previous?.messages ?? []) byId.set(message.id, message);
  const newIds = new Set<string>();
  for (const message of messages) {
    const old = byId.get(message.id);
    if (!old) newIds.add(message.id);
    byId.set(message.id, old ? mergeMessage(old, message) : message);
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
    titles: titleHistory(previous, conversation.title, now),
    ...(report.picture || previous?.pictures?.length ? { pictures: pictureHistory(previous?.pictures, report.picture, now) } : {}),
    ...(previous?.overBudget ? { overBudget: previous.overBudget } : {}),
    messages: capContext(merged),
  };
  return { ...conversations, [conversation.key]: withinBudget(next, newIds, now, budget) };
}

function capContext(messages: StoredMessage[]): StoredMessage[] {
  const context = messages.filter((m) => !isFlagged(m)).length;
  if (context <= MAX_CONTEXT_PER_CONVERSATION) return messages;
  let drop = context - MAX_CONTEXT_PER_CONVERSATION;
  return messages.filter((m) => {
    if (drop > 0 && !isFlagged(m)) {
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
    const hasEvidence = conversation.messages.some(isFlagged);
    if (conversation.updatedAt < cutoff && !conversation.saved && !hasEvidence) continue;
    out[key] = {
      ...conversation,
      messages: conversation.messages.filter((m) => isFlagged(m) || conversation.saved || m.seenAt >= cutoff),
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

/**
 * Apply the size cap (see the file comment). Returns a new map; the input is not mutated. Plain context goes from
 * whichever conversation (not saved before saved) takes the most space at that moment, oldest first: one chat that
 * grew large cannot push out the context of the others.
 */
export function enforceSizeCap(conversations: ConversationMap, maxBytes: number = STORAGE_CAP_BYTES): SizeCapResult {
  let bytes = jsonSize(conversations);
  if (bytes <= maxBytes) return { value: conversations, prunedMessages: 0, overCap: false, bytes };
  interface Pool {
    key: string;
    saved: boolean;
    size: number;
    plain: Array<{ id: string; size: number }>;
  }
  const pools: Pool[] = Object.entries(conversations).map(([key, conversation]) => ({
    key,
    saved: conversation.saved,
    size: jsonSize(conversation),
    plain: conversation.messages
      .filter((m) => !isFlagged(m))
      .sort((a, b) => b.seenAt - a.seenAt)
      .map((m) => ({ id: m.id, size: jsonSize(m) + 1 })),
  }));
  const drop = new Map<string, Set<string>>();
  let pruned = 0;
  while (bytes > maxBytes) {
    let pool: Pool | undefined;
    for (const p of pools) {
      if (p.plain.length === 0) continue;
      if (!pool || Number(p.saved) < Number(pool.saved) || (p.saved === pool.saved && p.size > pool.size)) pool = p;
    }
    if (!pool) break;
    const message = pool.plain.pop()!;
    let ids = drop.get(pool.key);
    if (!ids) drop.set(pool.key, (ids = new Set()));
    ids.add(message.id);
    pool.size -= message.size;
    bytes -= message.size;
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
    .filter((c) => c.messages.some(isFlagged))
    .sort((a, b) => levelRank(b.risk.level) - levelRank(a.risk.level) || b.updatedAt - a.updatedAt);
}
