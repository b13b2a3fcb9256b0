/**
 * WhatsApp Web (web.whatsapp.com). Facts from saved copies of the live DOM (sanand0/tools whatsappscraper,
 * 28 Mar, 19 Apr and 10 May 2026; see tests/fixtures/sites/whatsapp/snapshots/SOURCE.txt) and
 * ../shared/reference/chat-apps-dom.md. Class names (_amjv, x78zum5) are hashed and change: none is relied on.
 *
 * What changed over time, and what we do about it:
 * - until ~Apr 2026 `data-id` packed `true_|false_<chat id>_<message id>`; now it is a bare id. We read both: the
 *   packed form also gives the direction and the chat id.
 * - since Apr 2026 some rows with a bare `data-id` are not messages (contact cards): a bare-id row needs
 *   `data-pre-plain-text` to count as a message.
 */
import { avatarAddress, chain, textOf } from './dom';
import { dateOrderFor, parseWhatsAppPrePlain } from './time';
import { NAME_ID_PREFIX, type ConversationInfo, type ExtractContext, type ExtractedMessage, type SiteAdapter } from './types';

export const WHATSAPP_SELECTORS = {
  main: chain({ selector: '#main', seen: '2026-05-10' }),
  row: chain(
    { selector: '#main [role="row"]', seen: '2026-05-10' },
    // Fallback if rows lose their role: any element carrying a message id inside #main.
    { selector: '#main [data-id]', seen: '2026-05-10', note: 'the id holder itself' },
  ),
  /** The element carrying the message id, inside a row. */
  idHolder: '[data-id]',
  prePlain: '[data-pre-plain-text]',
  /** The message text; quoted (replied-to) text uses the same classes and is left out by `quote`. */
  text: chain(
    { selector: '[data-testid="selectable-text"]', seen: '2026-05-10' },
    { selector: '.selectable-text', seen: '2026-03-28', note: 'legacy class, still on some rows' },
    { selector: '.copyable-text span[dir]', seen: '2026-04-19' },
  ),
  quote: '[aria-label="Quoted message" i], .quoted-mention',
  outgoing: '.message-out',
  incoming: '.message-in',
  recalled: '[data-icon="recalled"]',
  /** The sender's display name in group chats (the first author block outside a quote). */
  author: [
    { selector: '[data-testid="author"]', seen: '2026-05-10' },
    { selector: '[role=""] span[dir="auto"][aria-label]', seen: '2026-04-19', note: 'aria-label "Maybe <name>", text is the name' },
    { selector: '[role=""] > span[dir]:first-child', seen: '2025-12-10', note: 'older author block without aria-label' },
  ],
  title: chain(
    { selector: '#main header [data-testid="conversation-info-header-chat-title"]', seen: '2026-05-10', note: 'unconfirmed' },
    { selector: '#main header span[title]', seen: '2026-05-10', note: 'unconfirmed' },
    { selector: '#main header span[dir="auto"]', seen: '2026-05-10', note: 'unconfirmed' },
  ),
  /**
   * The chat's profile picture in the header (a chat without one shows an icon, no image). Emoji in the title are
   * images too: they carry `data-plain-text` or the `emoji` class, and images inside the title are skipped.
   */
  avatar: chain(
    { selector: '#main header [data-testid="conversation-info-header"] img:not([data-plain-text]):not(.emoji)', seen: '2026-05-10', note: 'unconfirmed' },
    { selector: '#main header img:not([data-plain-text]):not(.emoji)', seen: '2026-05-10', note: 'unconfirmed: the first image of the header' },
  ),
} as const;

const PACKED_ID = /^(true|false)_([^_]+)_(.+)$/;

function outsideQuote(element: Element): boolean {
  return !element.closest(WHATSAPP_SELECTORS.quote);
}

function firstOutsideQuote(root: Element, selector: string): Element | undefined {
  for (const found of root.querySelectorAll(selector)) if (outsideQuote(found)) return found;
  return undefined;
}

function messageText(row: Element): string {
  const { text } = WHATSAPP_SELECTORS;
  for (const fallback of text.fallbacks) {
    const parts: string[] = [];
    for (const found of row.querySelectorAll(fallback.selector)) {
      if (!outsideQuote(found)) continue;
      // A text element nested in another one (legacy markup) is read once, with its parent.
      if (parts.length && found.parentElement?.closest(fallback.selector)) continue;
      const value = textOf(found);
      if (value) parts.push(value);
    }
    if (parts.length) return parts.join('\n');
  }
  return '';
}

function senderName(row: Element): string | undefined {
  for (const fallback of WHATSAPP_SELECTORS.author) {
    const found = firstOutsideQuote(row, fallback.selector);
    const name = found ? textOf(found) : '';
    if (name) return name;
  }
  return undefined;
}

const orderCache = new WeakMap<Document, { order: 'dmy' | 'mdy' | undefined; at: number }>();
const NUMERIC_DATE = /,\s*(\d{1,2})[/.-](\d{1,2})[/.-]\d{2,4}\]/;

/**
 * The order of the numeric dates in data-pre-plain-text follows WhatsApp's display language, not necessarily the
 * browser's. Read it from the page: any date with a part over 12 settles it (the first 300 messages are enough);
 * else the page's language when it names a region or is not English; else undefined (the caller uses the browser's).
 */
export function whatsappDateOrder(doc: Document, now: number): 'dmy' | 'mdy' | undefined {
  const cached = orderCache.get(doc);
  if (cached && now >= cached.at && now - cached.at < 10_000) return cached.order;
  let order: 'dmy' | 'mdy' | undefined;
  let seen = 0;
  for (const element of doc.querySelectorAll(WHATSAPP_SELECTORS.prePlain)) {
    const match = NUMERIC_DATE.exec(element.getAttribute('data-pre-plain-text') ?? '');
    if (match && Number(match[1]) > 12) order = 'dmy';
    else if (match && Number(match[2]) > 12) order = 'mdy';
    if (order || ++seen >= 300) break;
  }
  const lang = doc.documentElement.lang;
  if (!order && lang && !/^en$/i.test(lang)) order = dateOrderFor(lang);
  orderCache.set(doc, { order, at: now });
  return order;
}

export const whatsappAdapter: SiteAdapter = {
  id: 'whatsapp',
  matches: (url) => url.hostname === 'web.whatsapp.com',
  conversation(doc): ConversationInfo | null {
    const main = WHATSAPP_SELECTORS.main.first(doc);
    if (!main) return null;
    const title = WHATSAPP_SELECTORS.title.first(main);
    const name = title ? (title.getAttribute('title') ?? textOf(title)) : '';
    // Older rows carry the chat id; otherwise the chat's name is the best stable id the page offers. Only the first
    // message id is looked at: searching every row for a packed id would walk the whole chat on every check.
    const packed = main.querySelector(`${WHATSAPP_SELECTORS.row.selector} [data-id]`)?.getAttribute('data-id');
    const chatId = packed ? PACKED_ID.exec(packed)?.[2] : undefined;
    if (!chatId && !name) return null;
    if (chatId) return { id: chatId, title: name || chatId };
    // Keyed by its name: the header's picture tells apart two chats under one name (lib/sites/types.ts).
    const image = WHATSAPP_SELECTORS.avatar.all(main).find((img) => !(title && title.contains(img)));
    const avatar = avatarAddress(image ?? null);
    return { id: `${NAME_ID_PREFIX}${name}`, title: name, ...(avatar ? { avatar } : {}) };
  },
  messageRoot: (doc) => WHATSAPP_SELECTORS.main.first(doc),
  messageElements: (root) => WHATSAPP_SELECTORS.row.all(root),
  messagesIn: (element) => WHATSAPP_SELECTORS.row.allActive(element),
  messageFor: (element) => WHATSAPP_SELECTORS.row.closest(element),
  extract(row: Element, context: ExtractContext): ExtractedMessage | null {
    const holder = row.matches(WHATSAPP_SELECTORS.idHolder) ? row : row.querySelector(WHATSAPP_SELECTORS.idHolder);
    const dataId = holder?.getAttribute('data-id');
    if (!holder || !dataId) return null;
    if (row.querySelector(WHATSAPP_SELECTORS.recalled)) return null;
    const packed = PACKED_ID.exec(dataId);
    const prePlainElement = firstOutsideQuote(row, WHATSAPP_SELECTORS.prePlain);
    // A bare id without data-pre-plain-text is a contact card or another non-message row (May 2026).
    if (!packed && !prePlainElement) return null;
    const text = messageText(row);
    if (!text) return null;
    const prePlain = prePlainElement
      ? parseWhatsAppPrePlain(
          prePlainElement.getAttribute('data-pre-plain-text') ?? '',
          context.now,
          whatsappDateOrder(row.ownerDocument, context.now) ?? context.dateOrder,
        )
      : {};
    let from: ExtractedMessage['from'];
    if (row.querySelector(WHATSAPP_SELECTORS.outgoing)) from = 'self';
    else if (row.querySelector(WHATSAPP_SELECTORS.incoming)) from = 'other';
    else from = packed?.[1] === 'true' ? 'self' : 'other';
    return {
      id: packed ? packed[3] : dataId,
      text,
      from,
      // data-pre-plain-text names the sender on every message of a run (as WhatsApp's own copy does); the author
      // block only on the first one, so it is the fallback.
      sender: prePlain.sender ?? (from === 'other' ? senderName(row) : undefined),
      ts: prePlain.ts,
    };
  },
};
