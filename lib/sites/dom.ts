/**
 * DOM helpers shared by the site adapters. Read-only: nothing here changes the page. No globals beyond the DOM
 * objects passed in (no `document`, `window`, `CSS`), so adapters run the same in a page, in Playwright and in
 * happy-dom unit tests.
 */
import { MAX_AVATAR_CHARS } from '../protocol-limits';

/** One selector of a fallback chain, with when it was last seen working on the live app. */
export interface Fallback {
  selector: string;
  /** When the selector was seen on the live app (or in a saved copy of its DOM), e.g. "2026-05-10". */
  seen: string;
  /** Where the fact comes from, or what the selector relies on. */
  note?: string;
}

/**
 * Ordered fallbacks for one thing on a page (refined-github's selectors.ts pattern): the first selector that finds
 * something wins and is remembered, so later look-ups (including `closest`) use the same one.
 */
/**
 * The last compound of a complex selector (".list > li.msg" → "li.msg"), or null when the selector is a list.
 * Brackets, quotes and parentheses are respected.
 */
export function lastCompound(selector: string): string | null {
  let depth = 0;
  let quote = '';
  let cut = -1;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '(') depth++;
    else if (c === ']' || c === ')') depth--;
    else if (depth === 0 && c === ',') return null;
    else if (depth === 0 && (c === ' ' || c === '>' || c === '+' || c === '~')) cut = i;
  }
  const leaf = selector.slice(cut + 1).trim();
  return leaf || null;
}

/**
 * Whether this DOM matches a selector's ancestor parts outside the element searched from, as the DOM standard
 * says and Chromium does (`b.querySelectorAll(".a .c")` finds `.c` inside `.b` inside `.a`). happy-dom does not;
 * checked once per document implementation.
 */
const scopesLikeTheStandard = new WeakMap<object, boolean>();

function standardScoping(root: ParentNode): boolean {
  const doc = (root as Node).ownerDocument ?? (root as Document);
  const key = Object.getPrototypeOf(doc) as object;
  let standard = scopesLikeTheStandard.get(key);
  if (standard === undefined) {
    const outer = doc.createElement('div');
    outer.className = 'a';
    const middle = doc.createElement('div');
    const inner = doc.createElement('i');
    inner.className = 'c';
    middle.append(inner);
    outer.append(middle);
    standard = middle.querySelector('.a .c') === inner;
    scopesLikeTheStandard.set(key, standard);
  }
  return standard;
}

/**
 * `root.querySelectorAll(selector)` with the standard's meaning (the selector's ancestors may lie outside `root`):
 * native where the DOM implements it, else by searching for the last compound and keeping what matches.
 */
export function queryAll(root: ParentNode, selector: string): Element[] {
  if ((root as Node).nodeType === 9 || standardScoping(root)) return [...root.querySelectorAll(selector)];
  const leaf = lastCompound(selector);
  if (!leaf || leaf === selector) return [...root.querySelectorAll(selector)];
  return [...root.querySelectorAll(leaf)].filter((element) => element.matches(selector));
}

function queryFirst(root: ParentNode, selector: string): Element | null {
  if ((root as Node).nodeType === 9 || standardScoping(root)) return root.querySelector(selector);
  const leaf = lastCompound(selector);
  if (!leaf || leaf === selector) return root.querySelector(selector);
  for (const element of root.querySelectorAll(leaf)) if (element.matches(selector)) return element;
  return null;
}

export class SelectorChain {
  private active = 0;

  constructor(readonly fallbacks: readonly Fallback[]) {
    if (fallbacks.length === 0) throw new Error('a selector chain needs at least one selector');
  }

  /** The selector in use: the one that last found something (the first one until then). */
  get selector(): string {
    return this.fallbacks[this.active].selector;
  }

  /** First match in `root`, trying the fallbacks in order. */
  first(root: ParentNode): Element | null {
    for (let i = 0; i < this.fallbacks.length; i++) {
      const found = queryFirst(root, this.fallbacks[i].selector);
      if (found) {
        this.active = i;
        return found;
      }
    }
    return null;
  }

  /** All matches of the first fallback that matches anything in `root`. */
  all(root: ParentNode): Element[] {
    for (let i = 0; i < this.fallbacks.length; i++) {
      const found = queryAll(root, this.fallbacks[i].selector);
      if (found.length) {
        this.active = i;
        return found;
      }
    }
    return [];
  }

  /** Matches in `root` of the selector in use only (for incremental scans: no fallback probing on each node). */
  allActive(root: ParentNode): Element[] {
    return queryAll(root, this.selector);
  }

  /** `element.closest` with the selector in use, then the others. */
  closest(element: Element): Element | null {
    const own = element.closest(this.selector);
    if (own) return own;
    for (let i = 0; i < this.fallbacks.length; i++) {
      if (i === this.active) continue;
      const found = element.closest(this.fallbacks[i].selector);
      if (found) return found;
    }
    return null;
  }

  /** Whether the element matches any fallback. */
  matches(element: Element): boolean {
    return this.fallbacks.some((f) => element.matches(f.selector));
  }
}

export const chain = (...fallbacks: Fallback[]): SelectorChain => new SelectorChain(fallbacks);

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const BLOCK_TAGS = new Set(['DIV', 'P', 'LI', 'BLOCKQUOTE', 'PRE', 'TR', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6']);

export interface TextOptions {
  /** Subtrees to leave out (times, reactions, quoted messages inside the text element). */
  skip?: string;
}

/**
 * The visible text of an element as a reader sees it, without layout (`innerText` would force one): text nodes,
 * emoji images as their `alt`/`data-plain-text`, `<br>` and block boundaries as newlines, `skip` subtrees and
 * `aria-hidden` decorations left out. Whitespace from the page's HTML formatting is collapsed.
 */
export function textOf(element: Element, options: TextOptions = {}): string {
  let out = '';
  const walk = (node: Node): void => {
    for (let child = node.firstChild; child; child = child.nextSibling) {
      if (child.nodeType === TEXT_NODE) {
        out += child.nodeValue ?? '';
      } else if (child.nodeType === ELEMENT_NODE) {
        const el = child as Element;
        const tag = el.tagName;
        if (tag === 'IMG') {
          out += el.getAttribute('data-plain-text') ?? el.getAttribute('alt') ?? '';
          continue;
        }
        if (tag === 'BR') {
          out += '\n';
          continue;
        }
        if (tag === 'SCRIPT' || tag === 'STYLE' || tag === 'TEMPLATE' || tag === 'SVG' || tag === 'svg') continue;
        if (el.getAttribute('aria-hidden') === 'true' && !el.querySelector('img[alt]')) continue;
        if (options.skip && el.matches(options.skip)) continue;
        const block = BLOCK_TAGS.has(tag);
        if (block && out && !out.endsWith('\n')) out += '\n';
        walk(el);
        if (block && out && !out.endsWith('\n')) out += '\n';
      }
    }
  };
  walk(element);
  return cleanText(out);
}

/** Collapse the page's formatting whitespace: runs of spaces, spaces around newlines, more than one blank line. */
export function cleanText(text: string): string {
  return text
    .replace(/[ \t\f\v\r\u00a0\u200b\u200e\u200f]+/g, ' ')
    .replace(/ ?\n ?/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Short stable hash (FNV-1a, 32 bit, base 36) for ids of messages the app gives no id. */
export function hashId(...parts: readonly (string | number | undefined)[]): string {
  let hash = 0x811c9dc5;
  const text = parts.map((p) => (p === undefined ? '' : String(p))).join('\u001f');
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(36);
}

/** Trimmed text of the first match of a chain, or undefined. */
export function textIn(root: ParentNode, selectors: SelectorChain, options?: TextOptions): string | undefined {
  const found = selectors.first(root);
  if (!found) return undefined;
  return textOf(found, options) || undefined;
}

/** Walk back over previous element siblings (at most `limit`) and return the first `pick` result. */
export function findBack<T>(element: Element, pick: (sibling: Element) => T | undefined, limit = 200): T | undefined {
  let sibling = element.previousElementSibling;
  for (let i = 0; sibling && i < limit; i++, sibling = sibling.previousElementSibling) {
    const value = pick(sibling);
    if (value !== undefined) return value;
  }
  return undefined;
}

/** A `data:` image shorter than this is a placeholder (a blank or a 1×1 pixel), not someone's picture. */
const MIN_DATA_AVATAR_CHARS = 200;

/**
 * The address of a chat header's profile picture, kept only as far as it names the picture: an http(s) address keeps
 * its origin and path (the query and fragment carry the CDN's tokens and expiry, which change while the picture
 * stays), a `data:` address is the picture itself (cut to `MAX_AVATAR_CHARS`, its length appended so a cut one stays
 * apart). Undefined when there is no picture: no image, an empty or placeholder one, or a `blob:` address (new at
 * every page load, so it would tell pictures apart that are the same).
 */
export function avatarAddress(image: Element | null): string | undefined {
  const src = image?.getAttribute('src')?.trim();
  if (!image || !src) return undefined;
  if (/^data:/i.test(src)) {
    if (src.length < MIN_DATA_AVATAR_CHARS) return undefined;
    return src.length <= MAX_AVATAR_CHARS ? src : `${src.slice(0, MAX_AVATAR_CHARS - 20)}#${src.length}`;
  }
  let url: URL;
  try {
    url = new URL(src, image.baseURI || image.ownerDocument.URL);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  return `${url.origin}${url.pathname}`.slice(0, MAX_AVATAR_CHARS);
}

/** The last path segment after `marker` in a URL path ("/t/123/" with marker "t" gives "123"). */
export function pathAfter(url: URL, marker: string): string | undefined {
  const parts = url.pathname.split('/').filter(Boolean);
  const at = parts.indexOf(marker);
  return at >= 0 && parts[at + 1] ? decodeURIComponent(parts[at + 1]) : undefined;
}
