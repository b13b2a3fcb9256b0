/**
 * Who "you" are in an export, so each message gets the right direction (the engine weighs what the other party says
 * far more than what you say). In order:
 *   1. `--self NAME` (case-insensitive exact match on a sender's name or account id);
 *   2. the export's own owner information (Telegram `personal_information`, Saved Messages);
 *   3. the author of "You deleted this message" (WhatsApp writes it under the owner's name);
 *   4. in a two-person chat named after one of them (WhatsApp "Chat with Anna", Telegram personal chat, Messenger
 *      thread title, Discord DM), the other one;
 *   5. the one person in every conversation of the export (Messenger/Instagram inbox, several WhatsApp chats);
 *   6. the most frequent sender, when there are at least two (the CLI then checks, in a two-person chat, that this
 *      is not the sender whose messages carry more warning signs: cli/commands/scan-files.ts `saferGuess`).
 * With a single sender and no stronger sign, nobody is taken as you: treating the only (possibly risky) sender as you
 * would hide their messages' risk.
 */
import type { ExportConversationInfo } from './types';

export interface SenderStat {
  name: string;
  id?: string;
  count: number;
}

export interface SelfChoice {
  name?: string;
  id?: string;
  /** Why: printed as `Taking "X" as you (REASON; use --self to change).` */
  reason: string;
  explicit: boolean;
}

/** Marks that never show: direction marks, embeddings, isolates, byte-order marks, zero-width space, word joiner. */
export const INVISIBLE_MARKS = /[\u061C\u200B\u200E\u200F\u202A-\u202E\u2060\u2066-\u2069\uFEFF]/g;

/** A name as shown: without invisible marks (WhatsApp wraps phone numbers in U+202A…U+202C), spaces collapsed. */
export function visibleName(name: string): string {
  return name.replace(INVISIBLE_MARKS, '').replace(/\s+/g, ' ').trim();
}

/** The same person's name: compared as shown (no invisible marks), in NFC, ignoring case. */
export function sameName(a: string, b: string): boolean {
  return visibleName(a.normalize('NFC')).toLocaleLowerCase() === visibleName(b.normalize('NFC')).toLocaleLowerCase();
}

/** Count messages by sender (name + id). */
export function senderStats(messages: Iterable<{ sender: string; senderId?: string }>): SenderStat[] {
  const stats = new Map<string, SenderStat>();
  for (const m of messages) {
    const key = `${m.senderId ?? ''}\u0000${m.sender}`;
    const stat = stats.get(key);
    if (stat) stat.count++;
    else stats.set(key, { name: m.sender, id: m.senderId, count: 1 });
  }
  return [...stats.values()];
}

/** The sender `--self NAME` designates, or undefined. */
export function matchSelf(name: string, senders: readonly SenderStat[]): SenderStat | undefined {
  return senders.find((s) => sameName(s.name, name) || (s.id !== undefined && sameName(s.id, name)));
}

/** Names that appear as senders (or listed participants) in every one of several conversations. */
export function commonNames(conversations: ReadonlyArray<{ senders: readonly SenderStat[]; participants: readonly string[] }>): string[] {
  if (conversations.length < 2) return [];
  const key = (name: string): string => visibleName(name.normalize('NFC')).toLocaleLowerCase();
  let common: Map<string, string> | undefined;
  for (const c of conversations) {
    const names = new Map<string, string>();
    for (const s of c.senders) names.set(key(s.name), s.name);
    for (const p of c.participants) names.set(key(p), p);
    common = common ? new Map([...common].filter(([k]) => names.has(k))) : names;
  }
  return [...(common?.values() ?? [])].filter(Boolean);
}

export function chooseSelf(
  info: Pick<ExportConversationInfo, 'title' | 'participants' | 'owner' | 'ownerSenders'>,
  senders: readonly SenderStat[],
  common: readonly string[] = [],
): SelfChoice | undefined {
  if (info.owner && (info.owner.id || info.owner.name)) {
    const byId = info.owner.id ? senders.find((s) => s.id === info.owner!.id) : undefined;
    return { id: info.owner.id, name: byId?.name ?? info.owner.name, reason: info.owner.reason, explicit: false };
  }
  const owners = (info.ownerSenders ?? []).filter((name) => senders.some((s) => s.name === name));
  if (owners.length === 1) return { name: owners[0], reason: 'wrote "You deleted this message"', explicit: false };

  const people = info.participants.length === 2 ? info.participants : senders.length === 2 ? senders.map((s) => s.name) : [];
  if (people.length === 2 && info.title) {
    const index = people.findIndex((name) => sameName(name, info.title));
    if (index !== -1 && !sameName(people[0], people[1])) {
      return { name: people[1 - index], reason: `the other person in the chat named "${info.title}"`, explicit: false };
    }
  }
  const shared = common.filter((name) => senders.some((s) => sameName(s.name, name)));
  if (shared.length === 1) return { name: shared[0], reason: 'the one person in every conversation of the export', explicit: false };
  if (senders.length >= 2) {
    const top = [...senders].sort((a, b) => b.count - a.count)[0];
    return { name: top.name, id: top.id, reason: 'the most frequent sender', explicit: false };
  }
  return undefined;
}

/** Whether a message was written by the chosen self. */
export function isSelf(message: { sender: string; senderId?: string }, self: SelfChoice | undefined): boolean {
  if (!self) return false;
  if (self.id !== undefined && message.senderId !== undefined) return message.senderId === self.id;
  return self.name !== undefined && sameName(message.sender, self.name);
}
