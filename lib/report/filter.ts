/** Filtering stored conversations for the report page (and the CLI's own selection options). Pure. */
import { levelRank, type CategoryId, type RiskLevel } from '../engine/taxonomy';
import { allFindings, isFlagged } from '../storage/conversations';
import type { StoredConversation } from '../storage/schema';

export interface ConversationFilter {
  /** Site id (`demo`, `whatsapp`...); empty for every site. */
  site?: string;
  /** `flagged`: conversations with flagged messages (default); `all`: everything stored; a level: at least that level. */
  level?: 'flagged' | 'all' | RiskLevel;
  category?: CategoryId | '';
  /** Inclusive bounds in ms: a conversation matches when one of its messages falls between them. */
  from?: number | null;
  to?: number | null;
}

export function hasEvidence(conversation: Pick<StoredConversation, 'messages'>): boolean {
  return conversation.messages.some(isFlagged);
}

function messageTime(message: StoredConversation['messages'][number]): number {
  return message.ts ?? message.seenAt;
}

export function matchesFilter(conversation: StoredConversation, filter: ConversationFilter): boolean {
  if (filter.site && conversation.site !== filter.site) return false;
  const level = filter.level ?? 'flagged';
  if (level === 'flagged' && !hasEvidence(conversation)) return false;
  if (level !== 'flagged' && level !== 'all' && levelRank(conversation.risk.level) < levelRank(level)) return false;
  if (filter.category) {
    const category = filter.category;
    const inRisk = conversation.risk.categories.includes(category);
    const inFindings = conversation.messages.some((m) => allFindings(m).some((f) => f.category === category));
    if (!inRisk && !inFindings) return false;
  }
  const from = filter.from ?? null;
  const to = filter.to ?? null;
  if (from !== null || to !== null) {
    const times = conversation.messages.length ? conversation.messages.map(messageTime) : [conversation.updatedAt];
    if (!times.some((time) => (from === null || time >= from) && (to === null || time <= to))) return false;
  }
  return true;
}

/** Matching conversations, most serious first, then most recently updated. */
export function filterConversations(conversations: Iterable<StoredConversation>, filter: ConversationFilter): StoredConversation[] {
  return [...conversations]
    .filter((c) => matchesFilter(c, filter))
    .sort((a, b) => levelRank(b.risk.level) - levelRank(a.risk.level) || b.updatedAt - a.updatedAt);
}

/**
 * Labels chat apps put on the user's own messages instead of a name ("You", "Bạn", "Me"): they are pronouns, and
 * hiding them would hide the same word in the messages ("if you tell anyone" → "if [name] tell anyone").
 */
const SELF_LABELS = new Set(['you', 'me', 'myself', 'bạn', 'tôi', 'mình', 'tớ', 'em', 'anh', 'chị']);

/** The names the user appears under in these conversations (senders of their own messages), for redaction. */
export function ownNames(conversations: Iterable<StoredConversation>): string[] {
  const names = new Set<string>();
  for (const conversation of conversations) {
    for (const m of conversation.messages) {
      const name = m.sender?.trim();
      if (m.from === 'self' && name && !SELF_LABELS.has(name.toLocaleLowerCase('vi'))) names.add(name);
    }
  }
  return [...names];
}
