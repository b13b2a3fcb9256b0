/**
 * Messenger (www.messenger.com and www.facebook.com/messages). Facts from ../shared/reference/chat-apps-dom.md.
 * Class names are hashed atomic CSS (x1n2onr6) and are never used; ARIA is what the page keeps stable: the log's
 * label names the conversation and each message's label reads "At <time>, <Sender>: <text>". Messages have no id
 * in the DOM, so ids are hashes of sender, time label and text (the scanner separates true duplicates).
 */
import { chain, hashId, pathAfter, textOf } from './dom';
import { FACEBOOK_HOSTS } from './hosts';
import { clockOnDay, parseDayLabel } from './time';
import type { ConversationInfo, ExtractContext, ExtractedMessage, SiteAdapter } from './types';

export const MESSENGER_SELECTORS = {
  log: chain(
    { selector: '[role="log"][aria-label^="Messages in conversation"]', seen: '2026-05-01' },
    { selector: '[role="grid"][aria-label^="Messages in conversation"]', seen: '2024-06-01', note: 'older layout' },
    { selector: '[role="main"] [role="log"]', seen: '2026-05-01', note: 'other UI languages: the label is translated' },
  ),
  message: chain(
    { selector: '[aria-roledescription="message"]', seen: '2026-05-01' },
    { selector: '[role="log"] [role="row"]', seen: '2025-06-01' },
    { selector: '[role="grid"] [role="row"]', seen: '2024-06-01' },
  ),
  text: 'div[dir="auto"]',
  /** A reply shows the replied-to message above its own text. */
  quote: '[aria-label^="Reply to" i], [aria-label^="Original message" i], [data-quote]',
  /** Accessibility heading Messenger prints before each bubble group: "You sent" / "Minh sent". */
  heading: 'h4, h5, h6, [role="heading"]',
  title: chain(
    { selector: '[role="main"] [role="banner"] h2', seen: '2026-05-01', note: 'unconfirmed' },
    { selector: '[role="main"] h2', seen: '2025-06-01', note: 'unconfirmed' },
  ),
} as const;

/** "You" in the labels, in the UI languages we expect. */
const SELF_NAMES = new Set(['you', 'bạn']);
const SELF_SENT = /^(you sent|bạn đã gửi)\b/i;
/** "At 12:19, Minh Anh: text", "At May 10, 2026, 8:05 PM, Minh: text", "Lúc 12:19, Minh: …". */
const ARIA_MESSAGE = /^(?:at|lúc|vào lúc)\s+(.*?\d{1,2}:\d{2}(?:\s?(?:am|pm|sa|ch))?),\s+([^:]{1,120}?):\s([\s\S]*)$/i;
const LOG_LABEL = /^(?:Messages in conversation (?:with|titled)|Tin nhắn trong cuộc trò chuyện (?:với)?)\s*/i;

export function parseMessengerLabel(label: string): { time: string; sender: string; text: string } | undefined {
  const match = ARIA_MESSAGE.exec(label.trim());
  if (!match) return undefined;
  return { time: match[1], sender: match[2].trim(), text: match[3] };
}

function lastText(element: Element): string {
  const candidates = [...element.querySelectorAll(MESSENGER_SELECTORS.text)].filter(
    (d) => !d.closest(MESSENGER_SELECTORS.quote) && !d.querySelector(MESSENGER_SELECTORS.text),
  );
  const last = candidates.at(-1);
  return last ? textOf(last) : '';
}

export function threadIdOf(url: URL): string | undefined {
  return pathAfter(url, 't');
}

export const messengerAdapter: SiteAdapter = {
  id: 'messenger',
  hashedIds: true,
  matches: (url) =>
    url.hostname === 'www.messenger.com' || (FACEBOOK_HOSTS.includes(url.hostname) && url.pathname.startsWith('/messages')),
  conversation(doc, url): ConversationInfo | null {
    const thread = threadIdOf(url);
    const log = MESSENGER_SELECTORS.log.first(doc);
    if (!thread || !log) return null;
    const fromLabel = (log.getAttribute('aria-label') ?? '').replace(LOG_LABEL, '').trim();
    const header = MESSENGER_SELECTORS.title.first(doc);
    return { id: thread, title: fromLabel || (header ? textOf(header) : '') || thread };
  },
  messageRoot: (doc) => MESSENGER_SELECTORS.log.first(doc),
  messageElements: (root) => MESSENGER_SELECTORS.message.all(root),
  messagesIn: (element) => MESSENGER_SELECTORS.message.allActive(element),
  messageFor: (element) => MESSENGER_SELECTORS.message.closest(element),
  extract(element: Element, context: ExtractContext): ExtractedMessage | null {
    const label = parseMessengerLabel(element.getAttribute('aria-label') ?? '');
    const text = (label?.text.trim() ? label.text.trim() : '') || lastText(element);
    if (!text) return null;
    const heading = element.querySelector(MESSENGER_SELECTORS.heading);
    const selfByHeading = heading ? SELF_SENT.test(textOf(heading)) : false;
    const from = selfByHeading || (label && SELF_NAMES.has(label.sender.toLowerCase())) ? 'self' : 'other';
    const ts = label ? clockOnDay(label.time, parseDayLabel(label.time, context.now, context.dateOrder), context.now) : undefined;
    return {
      id: hashId(label?.sender, label?.time, text),
      text,
      from,
      sender: from === 'other' ? label?.sender : undefined,
      ts,
    };
  },
};
