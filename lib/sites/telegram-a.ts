/**
 * Telegram Web A (web.telegram.org/a/). Open source (Ajaxy/telegram-tt: src/components/middle/message/Message.tsx,
 * MessageMeta.tsx, ActionMessage.tsx); facts also in ../shared/reference/chat-apps-dom.md. The time is printed as
 * "12:19" (the full date is only a hover title), so the day comes from the date group's sticky header.
 */
import { chain, textOf } from './dom';
import { clockOnDay, parseDayLabel } from './time';
import type { ConversationInfo, ExtractContext, ExtractedMessage, SiteAdapter } from './types';

export const TELEGRAM_A_SELECTORS = {
  list: chain(
    { selector: '#MiddleColumn .MessageList .messages-container', seen: '2026-05-01', note: 'telegram-tt MessageList.tsx' },
    { selector: '.MessageList .messages-container', seen: '2026-05-01' },
    { selector: '.messages-container', seen: '2025-01-01' },
  ),
  message: chain(
    { selector: '.Message.message-list-item[data-message-id]', seen: '2026-05-01', note: 'id="message-<id>"' },
    { selector: '.message-list-item[data-message-id]', seen: '2026-05-01' },
  ),
  /** Service lines ("X joined the group") are list items too. */
  action: 'ActionMessage',
  text: chain(
    { selector: '.message-content .text-content', seen: '2026-05-01' },
    { selector: '.text-content', seen: '2026-05-01' },
  ),
  /** Inside `.text-content`: the time and status, which are not part of the text. */
  textSkip: '.MessageMeta, .message-time, .Reactions, .EmbeddedMessage',
  /** Quoted (replied-to) message: has its own `.text-content`-like text. */
  quote: '.EmbeddedMessage',
  own: 'own',
  senderName: chain(
    { selector: '.message-title .message-title-name', seen: '2026-05-01' },
    { selector: '.message-title .sender-title', seen: '2025-06-01' },
    { selector: '.message-title', seen: '2024-06-01' },
  ),
  senderGroup: '.sender-group-container',
  time: '.message-time',
  dateGroup: '.message-date-group',
  dateLabel: '.sticky-date',
  title: chain(
    { selector: '.MiddleHeader .ChatInfo .fullName', seen: '2026-05-01' },
    { selector: '.MiddleHeader .ChatInfo .title h3', seen: '2025-06-01' },
    { selector: '.ChatInfo .title', seen: '2024-06-01' },
  ),
} as const;

function headerTitle(doc: Document): string | undefined {
  const title = TELEGRAM_A_SELECTORS.title.first(doc);
  return title ? textOf(title) || undefined : undefined;
}

function textElement(message: Element): Element | null {
  for (const fallback of TELEGRAM_A_SELECTORS.text.fallbacks) {
    for (const found of message.querySelectorAll(fallback.selector)) {
      if (!found.closest(TELEGRAM_A_SELECTORS.quote)) return found;
    }
  }
  return null;
}

function senderOf(message: Element, isGroupChat: boolean): string | undefined {
  const own = TELEGRAM_A_SELECTORS.senderName.first(message);
  if (own && !own.closest(TELEGRAM_A_SELECTORS.quote)) return textOf(own) || undefined;
  const group = message.closest(TELEGRAM_A_SELECTORS.senderGroup);
  if (group) {
    for (const fallback of TELEGRAM_A_SELECTORS.senderName.fallbacks) {
      for (const found of group.querySelectorAll(fallback.selector)) {
        if (!found.closest(TELEGRAM_A_SELECTORS.quote)) return textOf(found) || undefined;
      }
    }
  }
  return isGroupChat ? undefined : headerTitle(message.ownerDocument);
}

/** Group chats and channels have negative ids in the URL hash. */
function inGroupChat(doc: Document): boolean {
  try {
    return new URL(doc.URL).hash.startsWith('#-');
  } catch {
    return false;
  }
}

export const telegramAAdapter: SiteAdapter = {
  id: 'telegram-a',
  matches: (url) => url.hostname === 'web.telegram.org' && url.pathname.startsWith('/a'),
  conversation(doc, url): ConversationInfo | null {
    // "#123456789" (user), "#-100123…" (group or channel), "#-100123_42" (a topic).
    const chatId = decodeURIComponent(url.hash.replace(/^#/, '')).split('?')[0];
    if (!chatId || !TELEGRAM_A_SELECTORS.list.first(doc)) return null;
    return { id: chatId, title: headerTitle(doc) ?? chatId };
  },
  messageRoot: (doc) => TELEGRAM_A_SELECTORS.list.first(doc),
  messageElements: (root) => TELEGRAM_A_SELECTORS.message.all(root),
  messagesIn: (element) => TELEGRAM_A_SELECTORS.message.allActive(element),
  messageFor: (element) => TELEGRAM_A_SELECTORS.message.closest(element),
  extract(message: Element, context: ExtractContext): ExtractedMessage | null {
    if (message.classList.contains(TELEGRAM_A_SELECTORS.action)) return null;
    const id = message.getAttribute('data-message-id');
    const body = textElement(message);
    if (!id || !body) return null;
    const text = textOf(body, { skip: TELEGRAM_A_SELECTORS.textSkip });
    if (!text) return null;
    const from = message.classList.contains(TELEGRAM_A_SELECTORS.own) ? 'self' : 'other';
    const clock = message.querySelector(TELEGRAM_A_SELECTORS.time);
    const dayLabel = message.closest(TELEGRAM_A_SELECTORS.dateGroup)?.querySelector(TELEGRAM_A_SELECTORS.dateLabel);
    const day = dayLabel ? parseDayLabel(textOf(dayLabel), context.now, context.dateOrder) : undefined;
    return {
      id,
      text,
      from,
      sender: from === 'other' ? senderOf(message, inGroupChat(message.ownerDocument)) : undefined,
      ts: clock ? clockOnDay(textOf(clock), day, context.now) : undefined,
    };
  },
};
