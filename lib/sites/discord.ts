/**
 * Discord (discord.com/channels/…). Facts from ../shared/reference/chat-apps-dom.md: ids are stable
 * (`chat-messages-<channel>-<message>`, `message-content-<message>`, `message-username-<message>`), class names are
 * hashed (`message_d5deea`), so only `[class*="name_"]` prefixes are used, never whole class names.
 * There is no marker for one's own messages: the author is compared with the account shown in the user panel.
 */
import { chain, findBack, textOf } from './dom';
import { DISCORD_HOSTS } from './hosts';
import { fromIso } from './time';
import type { ConversationInfo, ExtractedMessage, SiteAdapter } from './types';

export const DISCORD_SELECTORS = {
  list: chain(
    { selector: 'ol[data-list-id="chat-messages"]', seen: '2026-05-01' },
    { selector: '[data-list-id="chat-messages"]', seen: '2026-05-01' },
  ),
  message: chain(
    { selector: 'ol[data-list-id="chat-messages"] > li[id^="chat-messages-"]', seen: '2026-05-01' },
    { selector: 'li[id^="chat-messages-"]', seen: '2026-05-01' },
  ),
  /** Join messages, pins, calls: no text written by a person. */
  system: '[class*="systemMessage_"]',
  /** `#message-username-<id>`: present only on the first message of a group. */
  username: '[id^="message-username-"]',
  usernameText: '[class*="username_"]',
  /** A reply shows the replied-to message's content (with its own `message-content-<other id>`). */
  replyContext: '[id^="message-reply-context-"]',
  time: 'time[datetime]',
  /** The account panel (bottom left): the logged-in user's display name. Unconfirmed, seen in 2025-2026 builds. */
  self: chain(
    { selector: 'section[aria-label="User area"] [class*="nameTag_"] [class*="title_"]', seen: '2026-05-01', note: 'unconfirmed' },
    { selector: '[class*="panels_"] [class*="nameTag_"] [class*="title_"]', seen: '2026-05-01', note: 'unconfirmed' },
    { selector: 'section[aria-label="User area"] [class*="title_"]', seen: '2025-06-01', note: 'unconfirmed' },
  ),
  title: chain(
    { selector: 'section[aria-label="Channel header"] h1', seen: '2026-05-01', note: 'unconfirmed' },
    { selector: '[class*="titleWrapper_"] h1', seen: '2026-05-01', note: 'unconfirmed' },
    { selector: '[class*="chatContent_"] h1', seen: '2025-06-01', note: 'unconfirmed' },
  ),
} as const;

const MESSAGE_ID = /^chat-messages-(\d+)-(\d+)$/;

function messageIdOf(li: Element): string | undefined {
  return MESSAGE_ID.exec(li.id)?.[2];
}

function authorIn(li: Element): string | undefined {
  const header = li.querySelector(DISCORD_SELECTORS.username);
  if (!header || header.closest(DISCORD_SELECTORS.replyContext)) return undefined;
  const name = header.querySelector(DISCORD_SELECTORS.usernameText) ?? header;
  return textOf(name) || undefined;
}

const selfCache = new WeakMap<Document, { name: string | undefined; at: number }>();

/** The logged-in user's name, looked up at most every few seconds (it is compared with every message). */
function selfName(doc: Document, now: number): string | undefined {
  const cached = selfCache.get(doc);
  if (cached && now - cached.at < 5000 && now >= cached.at) return cached.name;
  const found = DISCORD_SELECTORS.self.first(doc);
  const name = found ? textOf(found) || undefined : undefined;
  selfCache.set(doc, { name, at: now });
  return name;
}

export const discordAdapter: SiteAdapter = {
  id: 'discord',
  matches: (url) => DISCORD_HOSTS.includes(url.hostname) && url.pathname.startsWith('/channels/'),
  conversation(doc, url): ConversationInfo | null {
    // /channels/@me/<channel> (direct messages) or /channels/<guild>/<channel>.
    const [, , guild, channel] = url.pathname.split('/');
    if (!guild || !channel || !DISCORD_SELECTORS.list.first(doc)) return null;
    const header = DISCORD_SELECTORS.title.first(doc);
    const title = (header ? textOf(header) : '') || doc.title.replace(/^Discord \| /, '') || channel;
    return { id: `${guild}/${channel}`, title };
  },
  messageRoot: (doc) => DISCORD_SELECTORS.list.first(doc),
  messageElements: (root) => DISCORD_SELECTORS.message.all(root),
  messagesIn: (element) => DISCORD_SELECTORS.message.allActive(element),
  messageFor: (element) => DISCORD_SELECTORS.message.closest(element),
  extract(li, context): ExtractedMessage | null {
    const id = messageIdOf(li);
    if (!id || li.querySelector(DISCORD_SELECTORS.system)) return null;
    // The message's own content, by exact id: a reply also holds the replied-to message's content.
    const content = [...li.querySelectorAll(`[id="message-content-${id}"]`)].find((c) => !c.closest(DISCORD_SELECTORS.replyContext));
    if (!content) return null;
    const text = textOf(content);
    if (!text) return null;
    // Follow-ups in a group of consecutive messages have no header: the group's first message names the author.
    const sender = authorIn(li) ?? findBack(li, (previous) => (previous.matches('li[id^="chat-messages-"]') ? authorIn(previous) : undefined), 60);
    const me = selfName(li.ownerDocument, context.now);
    const from = me && sender && me.toLowerCase() === sender.toLowerCase() ? 'self' : 'other';
    const time = [...li.querySelectorAll(DISCORD_SELECTORS.time)].find((t) => !t.closest(DISCORD_SELECTORS.replyContext));
    return { id, text, from, sender, ts: fromIso(time?.getAttribute('datetime')) };
  },
};
