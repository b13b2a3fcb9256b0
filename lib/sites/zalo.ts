/**
 * Zalo Web (chat.zalo.me). Facts from ../shared/reference/chat-apps-dom.md: messages are
 * `div.chat-message[id^="bb_msg_id_"]`, the side is marked with `.me` / `data-id="div_SentMsg_Text"`, times are
 * "HH:mm" only. The URL does not change between conversations, so the header's title is the conversation id, and the
 * header's picture tells apart two chats under one name (`avatar`).
 * The left panel (`.conv-item`) and the pinned board repeat message texts: they are never read.
 */
import { avatarAddress, chain, findBack, textOf } from './dom';
import { clockOnDay, parseDayLabel } from './time';
import { NAME_ID_PREFIX, type ConversationInfo, type ExtractContext, type ExtractedMessage, type SiteAdapter } from './types';

export const ZALO_SELECTORS = {
  list: chain(
    { selector: '#messageViewScroll .message-content-render', seen: '2026-04-01', note: 'unconfirmed container id' },
    { selector: '.message-content-render', seen: '2026-04-01' },
    { selector: '#messageViewContainer', seen: '2025-06-01', note: 'unconfirmed' },
  ),
  message: chain(
    { selector: '.message-content-render div.chat-message[id^="bb_msg_id_"]', seen: '2026-04-01' },
    { selector: 'div.chat-message[id^="bb_msg_id_"]', seen: '2026-04-01' },
    { selector: '[data-component="message-content-view"]', seen: '2025-06-01' },
  ),
  /** Places that repeat message text without being the conversation. */
  elsewhere: '.left-panel, .conv-item, .pinned-board',
  text: chain(
    { selector: '[data-component="text-container"]', seen: '2026-04-01' },
    { selector: 'span.text', seen: '2025-06-01' },
  ),
  quote: '.message-quote-fragment, [data-component="quote"], .quote-banner',
  textSkip: '.card-send-time, .card-send-time__sendTime, .message-quote-fragment, [data-component="quote"]',
  own: '.message-wrapper--me, .me, [data-id="div_SentMsg_Text"]',
  other: '[data-id="div_ReceivedMsg_Text"]',
  sender: '.message-sender-name-content',
  time: '.card-send-time__sendTime',
  /** Day separators between message items ("Hôm nay", "10/05/2026"). Unconfirmed. */
  day: '.chat-date, .message-date-separator',
  item: '.chat-item',
  title: chain(
    { selector: '.header-title', seen: '2026-04-01', note: 'unconfirmed' },
    { selector: '#header .title', seen: '2025-06-01', note: 'unconfirmed' },
  ),
  /** The chat's profile picture in the header (a chat without one shows its initials, no image). */
  avatar: chain(
    { selector: '#header .header-avatar img', seen: '2026-04-01', note: 'unconfirmed' },
    { selector: '.header-avatar img', seen: '2026-04-01', note: 'unconfirmed' },
  ),
} as const;

function isOwn(message: Element): boolean {
  if (message.closest(ZALO_SELECTORS.own) || message.querySelector(ZALO_SELECTORS.own)) return true;
  return false;
}

function itemOf(message: Element): Element {
  return message.closest(ZALO_SELECTORS.item) ?? message;
}

function headerTitle(doc: Document): string | undefined {
  const found = ZALO_SELECTORS.title.first(doc);
  return found ? textOf(found) || undefined : undefined;
}

export const zaloAdapter: SiteAdapter = {
  id: 'zalo',
  matches: (url) => url.hostname === 'chat.zalo.me',
  conversation(doc): ConversationInfo | null {
    const title = headerTitle(doc);
    if (!title || !ZALO_SELECTORS.list.first(doc)) return null;
    // Keyed by its name: the header's picture tells apart two chats under one name (lib/sites/types.ts).
    const avatar = avatarAddress(ZALO_SELECTORS.avatar.first(doc));
    return { id: `${NAME_ID_PREFIX}${title}`, title, ...(avatar ? { avatar } : {}) };
  },
  messageRoot: (doc) => ZALO_SELECTORS.list.first(doc),
  messageElements: (root) => ZALO_SELECTORS.message.all(root).filter((m) => !m.closest(ZALO_SELECTORS.elsewhere)),
  messagesIn: (element) => ZALO_SELECTORS.message.allActive(element).filter((m) => !m.closest(ZALO_SELECTORS.elsewhere)),
  messageFor(element) {
    const found = ZALO_SELECTORS.message.closest(element);
    return found && !found.closest(ZALO_SELECTORS.elsewhere) ? found : null;
  },
  extract(message: Element, context: ExtractContext): ExtractedMessage | null {
    const id = /^bb_msg_id_(.+)$/.exec(message.id)?.[1] ?? message.getAttribute('data-msg-id');
    if (!id) return null;
    const body = [...message.querySelectorAll(ZALO_SELECTORS.text.selector)].find((t) => !t.closest(ZALO_SELECTORS.quote)) ?? ZALO_SELECTORS.text.first(message);
    const text = body ? textOf(body, { skip: ZALO_SELECTORS.textSkip }) : '';
    if (!text) return null;
    const from = isOwn(message) ? 'self' : 'other';
    let sender: string | undefined;
    if (from === 'other') {
      const item = itemOf(message);
      const named = (el: Element): string | undefined => {
        const found = el.querySelector(ZALO_SELECTORS.sender);
        return found ? textOf(found) || undefined : undefined;
      };
      // Group chats name the sender on the first message of a run; a private chat only in the header.
      sender =
        named(item) ??
        findBack(item, (previous) => (previous.matches(ZALO_SELECTORS.day) || isOwn(previous) ? null : named(previous)), 50) ??
        headerTitle(message.ownerDocument);
    }
    const clock = message.querySelector(ZALO_SELECTORS.time) ?? itemOf(message).querySelector(ZALO_SELECTORS.time);
    const dayElement = findBack(itemOf(message), (previous) => (previous.matches(ZALO_SELECTORS.day) ? previous : undefined), 400);
    const day = dayElement ? parseDayLabel(textOf(dayElement), context.now, context.dateOrder) : undefined;
    return { id, text, from, sender, ts: clock ? clockOnDay(textOf(clock), day, context.now) : undefined };
  },
};
