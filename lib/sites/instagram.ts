/**
 * Instagram direct messages (www.instagram.com/direct/t/<thread>). Facts from ../shared/reference/chat-apps-dom.md:
 * the thread is a grid of rows whose text sits in `div[dir="auto"]`; classes are hashed atomic CSS. The page marks
 * neither the sender nor one's own messages: own bubbles are the right-aligned ones, so direction is read from the
 * layout (one rectangle per message, read at idle time), unless an accessibility heading says "You sent".
 * Neither sender names nor times are shown per message (not found in 2025-2026 builds): they stay undefined.
 */
import { chain, hashId, pathAfter, textOf } from './dom';
import type { ConversationInfo, ExtractedMessage, SiteAdapter } from './types';

export const INSTAGRAM_SELECTORS = {
  grid: chain(
    { selector: 'div[role="grid"][aria-label^="Messages in conversation"]', seen: '2026-05-01', note: 'unconfirmed' },
    { selector: '[aria-label^="Messages in conversation"]', seen: '2026-05-01', note: 'unconfirmed' },
    { selector: '[role="main"] [role="grid"]', seen: '2025-06-01', note: 'other UI languages: the label is translated' },
  ),
  row: chain(
    { selector: '[role="grid"] [role="row"]', seen: '2026-05-01' },
    { selector: '[aria-label^="Messages in conversation"] [role="row"]', seen: '2026-05-01' },
  ),
  text: 'div[dir="auto"]',
  /** Day/time separators and "seen" lines are rows with a heading or no bubble. */
  separator: 'h1, h2, h3, h4, h5, h6, [role="heading"]',
  /** "You replied to …" / "… replied to you" labels above a reply, and the quoted message. */
  replyLabel: '[aria-label*="replied" i]',
  title: chain(
    { selector: '[role="main"] header h2', seen: '2025-06-01', note: 'unconfirmed' },
    { selector: 'header [role="link"] span[dir="auto"]', seen: '2025-06-01', note: 'unconfirmed' },
  ),
} as const;

const GRID_LABEL = /^(?:Messages in conversation (?:with|titled)|Tin nhắn trong cuộc trò chuyện (?:với)?)\s*/i;
const SELF_SENT = /^(you sent|bạn đã gửi)\b/i;

/** Own bubbles are right-aligned: compare the bubble's centre with the grid's. Undefined without layout. */
function sideOf(bubble: Element, row: Element): 'self' | 'other' | undefined {
  const grid = row.closest('[role="grid"]') ?? row.parentElement;
  if (!grid) return undefined;
  const box = bubble.getBoundingClientRect();
  const area = grid.getBoundingClientRect();
  if (!box.width || !area.width) return undefined;
  const centre = box.left + box.width / 2;
  return centre > area.left + area.width / 2 ? 'self' : 'other';
}

export const instagramAdapter: SiteAdapter = {
  id: 'instagram',
  hashedIds: true,
  matches: (url) => url.hostname === 'www.instagram.com' && url.pathname.startsWith('/direct'),
  conversation(doc, url): ConversationInfo | null {
    const thread = pathAfter(url, 't');
    const grid = INSTAGRAM_SELECTORS.grid.first(doc);
    if (!thread || !grid) return null;
    const fromLabel = (grid.getAttribute('aria-label') ?? '').replace(GRID_LABEL, '').trim();
    const header = INSTAGRAM_SELECTORS.title.first(doc);
    return { id: thread, title: fromLabel || (header ? textOf(header) : '') || thread };
  },
  messageRoot: (doc) => INSTAGRAM_SELECTORS.grid.first(doc),
  messageElements: (root) => INSTAGRAM_SELECTORS.row.all(root),
  messagesIn: (element) => INSTAGRAM_SELECTORS.row.allActive(element),
  messageFor: (element) => INSTAGRAM_SELECTORS.row.closest(element),
  extract(row): ExtractedMessage | null {
    if (row.querySelector(INSTAGRAM_SELECTORS.separator)) return null;
    // The message's own text is the last one: a reply first shows its label and the quoted message.
    const texts = [...row.querySelectorAll(INSTAGRAM_SELECTORS.text)].filter(
      (d) => !d.closest(INSTAGRAM_SELECTORS.replyLabel) && !d.querySelector(INSTAGRAM_SELECTORS.text),
    );
    const bubble = texts.at(-1);
    const text = bubble ? textOf(bubble) : '';
    if (!bubble || !text) return null;
    const hint = [...row.querySelectorAll('span, div')].find((el) => el.childElementCount === 0 && SELF_SENT.test(el.textContent ?? ''));
    const from = hint ? 'self' : (sideOf(bubble, row) ?? 'other');
    // Instagram rows have no id: a hash of the text (the scanner keeps repeated texts apart).
    return { id: hashId('ig', text), text, from };
  },
};
