/**
 * Telegram Web K (web.telegram.org/k/). Open source (morethanwords/tweb, src/components/chat/bubbles.ts); facts
 * also in ../shared/reference/chat-apps-dom.md. Bubbles carry the message id, the chat's peer id and the unix time
 * as data attributes, so extraction does not depend on hashed or styling classes.
 */
import { chain, textOf } from './dom';
import { fromUnixSeconds } from './time';
import type { ConversationInfo, ExtractedMessage, SiteAdapter } from './types';

export const TELEGRAM_K_SELECTORS = {
  list: chain(
    { selector: '.bubbles .scrollable .bubbles-inner', seen: '2026-05-01', note: 'tweb bubbles.ts' },
    { selector: '.bubbles-inner', seen: '2026-05-01' },
  ),
  bubble: chain(
    { selector: '.bubbles-inner .bubble[data-mid]', seen: '2026-05-01', note: 'data-mid, data-peer-id, data-timestamp' },
    { selector: '.bubble[data-mid]', seen: '2026-05-01' },
  ),
  /** The text; `.message` also holds the time, reactions and (in older builds) the text directly. */
  text: chain(
    { selector: '.message .translatable-message', seen: '2026-05-01' },
    { selector: '.message', seen: '2024-06-01', note: 'older builds: text directly in .message, minus .time' },
  ),
  textSkip: '.time, .time-inner, .reactions, .reply, .name, .bubble-name-rank, .message-appendix',
  outgoing: 'is-out',
  service: 'service',
  /** The sender's name: first bubble of a group in group chats. */
  name: chain(
    { selector: '.name .peer-title', seen: '2026-05-01' },
    { selector: '.name', seen: '2024-06-01' },
  ),
  group: '.bubbles-group',
  title: chain(
    { selector: '.chat-info .user-title .peer-title', seen: '2026-05-01' },
    { selector: '.chat-info .peer-title', seen: '2026-05-01' },
  ),
  /** The header's peer: `data-peer-id` of the title, used when the URL has no peer. */
  titlePeer: '.chat-info .peer-title[data-peer-id]',
} as const;

function headerTitle(doc: Document): string | undefined {
  const title = TELEGRAM_K_SELECTORS.title.first(doc);
  return title ? textOf(title) || undefined : undefined;
}

function senderOf(bubble: Element, doc: Document, isGroupChat: boolean): string | undefined {
  const own = TELEGRAM_K_SELECTORS.name.first(bubble);
  if (own) return textOf(own) || undefined;
  // Follow-ups in a group of consecutive messages show no name: the group's first bubble does.
  const group = bubble.closest(TELEGRAM_K_SELECTORS.group);
  const first = group ? TELEGRAM_K_SELECTORS.name.first(group) : null;
  if (first) return textOf(first) || undefined;
  // A private chat names the other person only in the header.
  return isGroupChat ? undefined : headerTitle(doc);
}

/** The bubble's own text element: a reply's quoted text uses the same classes inside `.reply`. */
function textElementOf(bubble: Element): Element | null {
  for (const fallback of TELEGRAM_K_SELECTORS.text.fallbacks) {
    for (const found of bubble.querySelectorAll(fallback.selector)) if (!found.closest('.reply')) return found;
  }
  return null;
}

export const telegramKAdapter: SiteAdapter = {
  id: 'telegram-k',
  matches: (url) => url.hostname === 'web.telegram.org' && url.pathname.startsWith('/k'),
  conversation(doc, url): ConversationInfo | null {
    // "#@username", "#123456789" (user), "#-100123…" (group or channel); "#…?thread=" for topics.
    const fromHash = decodeURIComponent(url.hash.replace(/^#/, '')).split(/[?&]/)[0];
    const peer = fromHash || doc.querySelector(TELEGRAM_K_SELECTORS.titlePeer)?.getAttribute('data-peer-id') || '';
    if (!peer || !TELEGRAM_K_SELECTORS.list.first(doc)) return null;
    return { id: peer, title: headerTitle(doc) ?? peer };
  },
  messageRoot: (doc) => TELEGRAM_K_SELECTORS.list.first(doc),
  messageElements: (root) => TELEGRAM_K_SELECTORS.bubble.all(root),
  messagesIn: (element) => TELEGRAM_K_SELECTORS.bubble.allActive(element),
  messageFor: (element) => TELEGRAM_K_SELECTORS.bubble.closest(element),
  extract(bubble): ExtractedMessage | null {
    if (bubble.classList.contains(TELEGRAM_K_SELECTORS.service)) return null;
    const id = bubble.getAttribute('data-mid');
    const textElement = textElementOf(bubble);
    if (!id || !textElement) return null;
    const text = textOf(textElement, { skip: TELEGRAM_K_SELECTORS.textSkip });
    if (!text) return null;
    const from = bubble.classList.contains(TELEGRAM_K_SELECTORS.outgoing) ? 'self' : 'other';
    // Group chats and channels have negative peer ids in Telegram's web clients.
    const isGroupChat = (bubble.getAttribute('data-peer-id') ?? '').startsWith('-');
    return {
      id,
      text,
      from,
      sender: from === 'other' ? senderOf(bubble, bubble.ownerDocument, isGroupChat) : undefined,
      ts: fromUnixSeconds(bubble.getAttribute('data-timestamp')),
    };
  },
};
