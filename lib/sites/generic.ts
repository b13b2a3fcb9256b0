/**
 * The generic adapter, for a site the user turned on with "Watch this site". It knows no site: it looks for one
 * element that reads like a chat log and stays silent when it finds none, so articles, search results and
 * feeds are never scanned. A chat log here is:
 *   - a page with a place to type a message (a textarea, a contenteditable or a text input that is not a search);
 *   - an element with `role="log"` (or `aria-live`), or a scrolling one (it or a close ancestor scrolls on its own,
 *     as message lists do; comment threads and result lists scroll with the page) whose children are mostly the
 *     same kind of element,
 *   - whose children are mostly short texts (a median under 300 characters), not paragraphs, headings or links.
 * Detection is throttled and gives up quietly (uBlock's "switch parts off when they find nothing").
 */
import { hashId, textOf } from './dom';
import { fromIso } from './time';
import type { ConversationInfo, ExtractedMessage, SiteAdapter } from './types';

export interface GenericAdapterOptions {
  /** Children that must read like messages before a container counts as a chat (default 4). */
  minMessages?: number;
  /** Minimum time between two searches for a chat container (ms, default 2000). */
  detectEveryMs?: number;
  now?: () => number;
}

const COMPOSER =
  'textarea, [contenteditable="true"], [contenteditable=""], [contenteditable="plaintext-only"], [role="textbox"], input[type="text"], input:not([type])';
const SEARCH = /search|tìm|query|^q$/i;
const EXCLUDED_AREAS =
  'nav, header, footer, aside, form, table, [role="navigation"], [role="menu"], [role="menubar"], [role="listbox"], [role="tablist"], [role="tree"], [role="feed"], [role="search"], [role="banner"], [role="contentinfo"]';
const NOT_MESSAGE_TAGS = new Set(['P', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'ARTICLE', 'SCRIPT', 'STYLE', 'TEMPLATE', 'IMG', 'FIGURE', 'TABLE', 'FORM', 'INPUT', 'BUTTON', 'A', 'BR', 'HR']);
const HEADINGS = 'h1, h2, h3, [role="heading"]';
const META = 'time, button, [role="button"], svg, [class*="sender" i], [class*="author" i], [data-sender], [data-author]';
const SENDER = '[class*="sender" i], [class*="author" i], [data-sender], [data-author]';
const SELF_CLASS = /(^|[\s_-])(me|mine|self|own|out|outgoing|sent|right)($|[\s_-])/i;
const OTHER_CLASS = /(^|[\s_-])(in|incoming|received|left|other|them|their|bot)($|[\s_-])/i;
const SELF_VALUE = /^(self|me|mine|own|out|outgoing|sent|you)$/i;

function hasComposer(doc: Document): boolean {
  for (const field of doc.querySelectorAll(COMPOSER)) {
    if (field.closest('[role="search"], form[role="search"]')) continue;
    const hints = [field.getAttribute('type'), field.getAttribute('name'), field.getAttribute('aria-label'), field.getAttribute('placeholder'), field.id]
      .filter(Boolean)
      .join(' ');
    if (field.getAttribute('type') === 'search' || SEARCH.test(hints)) continue;
    return true;
  }
  return false;
}

/** Whether the element or one of its two closest ancestors is a scroll container (overflow-y auto or scroll). */
function scrollsOnItsOwn(element: Element): boolean {
  const view = element.ownerDocument.defaultView;
  if (!view) return false;
  let current: Element | null = element;
  for (let depth = 0; current && depth < 3; depth++, current = current.parentElement) {
    if (current === element.ownerDocument.body || current === element.ownerDocument.documentElement) return false;
    const overflow = view.getComputedStyle(current).overflowY;
    if (overflow === 'auto' || overflow === 'scroll' || overflow === 'overlay') return true;
  }
  return false;
}

interface Candidate {
  element: Element;
  tag: string;
  score: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)] : 0;
}

/** How much `element` reads like a chat log; null when it does not. */
export function scoreContainer(element: Element, minMessages: number): Candidate | null {
  if (element.closest(EXCLUDED_AREAS)) return null;
  const role = element.getAttribute('role');
  const log = role === 'log' || element.getAttribute('aria-live') === 'polite';
  const children = [...element.children].slice(-80);
  if (children.length < minMessages) return null;
  const tags = new Map<string, number>();
  for (const child of children) tags.set(child.tagName, (tags.get(child.tagName) ?? 0) + 1);
  const [tag, count] = [...tags.entries()].sort((a, b) => b[1] - a[1])[0];
  if (NOT_MESSAGE_TAGS.has(tag) || count / children.length < 0.7) return null;
  const lengths: number[] = [];
  let linkText = 0;
  let allText = 0;
  let withHeadings = 0;
  for (const child of children) {
    if (child.tagName !== tag) continue;
    const text = (child.textContent ?? '').trim();
    if (!text) continue;
    lengths.push(text.length);
    allText += text.length;
    for (const link of child.querySelectorAll('a')) linkText += (link.textContent ?? '').trim().length;
    if (child.querySelector(HEADINGS)) withHeadings++;
    if (child.querySelector('p + p')) return null; // several paragraphs: an article or a post, not a message
  }
  if (lengths.length < minMessages || lengths.length / count < 0.7) return null;
  if (median(lengths) > 300) return null;
  if (withHeadings / lengths.length > 0.2) return null;
  if (allText && linkText / allText > 0.5) return null;
  // Last, as it asks for computed styles.
  if (!log && !scrollsOnItsOwn(element)) return null;
  return { element, tag, score: lengths.length + (log ? 25 : 0) };
}

export function findChatContainer(doc: Document, minMessages = 4): Candidate | null {
  const body = doc.body;
  if (!body || !hasComposer(doc)) return null;
  let best: Candidate | null = null;
  const consider = (element: Element): void => {
    const scored = scoreContainer(element, minMessages);
    if (scored && (!best || scored.score > best.score)) best = scored;
  };
  for (const log of body.querySelectorAll('[role="log"]')) consider(log);
  for (const element of body.querySelectorAll('div, ul, ol, section, main')) {
    if (element.childElementCount >= minMessages) consider(element);
  }
  return best;
}

function directionOf(message: Element): 'self' | 'other' {
  let element: Element | null = message;
  for (let depth = 0; element && depth < 3; depth++, element = element.firstElementChild) {
    for (const name of ['data-from', 'data-sender-type', 'data-direction', 'data-author-type']) {
      const value = element.getAttribute(name);
      if (value) return SELF_VALUE.test(value) ? 'self' : 'other';
    }
    const className = element.getAttribute('class') ?? '';
    if (SELF_CLASS.test(className)) return 'self';
    if (OTHER_CLASS.test(className)) return 'other';
  }
  return 'other';
}

export function createGenericAdapter(options: GenericAdapterOptions = {}): SiteAdapter {
  const minMessages = options.minMessages ?? 4;
  const every = options.detectEveryMs ?? 2000;
  const now = options.now ?? (() => Date.now());
  let found: Candidate | null = null;
  let lastSearch = -Infinity;

  const container = (doc: Document): Candidate | null => {
    if (found && found.element.isConnected && found.element.ownerDocument === doc) return found;
    const at = now();
    if (at - lastSearch < every) return null;
    lastSearch = at;
    found = findChatContainer(doc, minMessages);
    return found;
  };

  /** The chat's message children under `root`: all of them when `root` holds the container, else none. */
  const messagesUnder = (root: ParentNode): Element[] => {
    if (!found) return [];
    const { element, tag } = found;
    const node = root as Node;
    if (node !== element && !node.contains(element)) return [];
    return [...element.children].filter((child) => child.tagName === tag);
  };

  const adapter: SiteAdapter = {
    id: 'generic',
    hashedIds: true,
    matches: (url) => url.protocol === 'https:' || url.protocol === 'http:',
    conversation(doc, url): ConversationInfo | null {
      if (!container(doc)) return null;
      return { id: `${url.host}${url.pathname}${url.hash}`, title: doc.title.trim() || url.host };
    },
    messageRoot: (doc) => container(doc)?.element ?? null,
    messageElements: messagesUnder,
    messagesIn: messagesUnder,
    messageFor(element) {
      if (!found) return null;
      let current: Element | null = element;
      while (current && current.parentElement !== found.element) current = current.parentElement;
      return current && current.tagName === found.tag ? current : null;
    },
    extract(message): ExtractedMessage | null {
      const text = textOf(message, { skip: META });
      if (!text) return null;
      const senderElement = message.querySelector(SENDER);
      const id =
        message.getAttribute('data-message-id') ?? message.getAttribute('data-id') ?? message.getAttribute('data-mid') ?? (message.id || hashId('g', text));
      return {
        id,
        text,
        from: directionOf(message),
        sender: senderElement ? textOf(senderElement) || undefined : undefined,
        ts: fromIso(message.querySelector('time[datetime]')?.getAttribute('datetime')),
      };
    },
  };
  return adapter;
}
