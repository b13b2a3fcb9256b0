/**
 * Trust, point 2, without a browser (happy-dom): each hostile message text (tests/fixtures/hostile/payloads.ts) shown
 * by the banner and by the extension pages' DOM helper stays text: no element, no attribute, no handler comes from
 * it, and no script runs. The real extension is checked on a hostile page in tests/e2e/trust.spec.ts.
 */
import { Window } from 'happy-dom';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { showBanner, triggerWords } from '../../lib/content/banner';
import type { Finding } from '../../lib/engine/types';
import { el } from '../../lib/popup/dom';
import { HOSTILE_TEXTS } from '../fixtures/hostile/payloads';

const finding = (matched: string): Finding => ({
  ruleId: 'en-secrecy-test',
  category: 'secrecy',
  language: 'en',
  weight: 3,
  start: 0,
  end: matched.length,
  matched,
  adviceKey: 'secrecy',
  selfCompliance: false,
});

let window: Window;
let document: Document;
let roots: ShadowRoot[];

beforeEach(() => {
  window = new Window({ url: 'https://web.whatsapp.com/', settings: { disableJavaScriptEvaluation: false } });
  document = window.document as unknown as Document;
  document.body.innerHTML = '<div id="chat"></div>';
  roots = [];
  const proto = (window as unknown as { HTMLElement: typeof HTMLElement }).HTMLElement.prototype;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called with .call(this) below
  const attach = proto.attachShadow;
  vi.spyOn(proto, 'attachShadow').mockImplementation(function (this: HTMLElement, init: ShadowRootInit) {
    const root = attach.call(this, init);
    roots.push(root);
    return root;
  });
  (window as unknown as { __pwned?: unknown }).__pwned = undefined;
});

afterEach(async () => {
  vi.restoreAllMocks();
  await window.happyDOM.close();
});

/** Elements and attributes that text must never become. */
function injected(root: ParentNode): string[] {
  const found: string[] = [];
  for (const node of root.querySelectorAll('*')) {
    const tag = node.tagName.toLowerCase();
    if (['img', 'script', 'iframe', 'svg', 'link', 'object', 'embed', 'b', 'i', 'u'].includes(tag)) found.push(`<${tag}>`);
    for (const attribute of node.attributes) {
      // `data-text` holds the banner's words, drawn only as CSS generated content (plain text, never a URL or markup).
      if (attribute.name.startsWith('on') || (attribute.name !== 'data-text' && /javascript:/i.test(attribute.value))) found.push(`${tag}[${attribute.name}]`);
    }
  }
  return found;
}

describe('hostile text in the banner', () => {
  it.each(Object.entries(HOSTILE_TEXTS))('%s: shown as text, creates nothing, runs nothing', (_name, text) => {
    const matched = text.slice(0, 70);
    showBanner(document, { language: 'en', risk: { level: 'high', score: 9, alert: true, categories: ['secrecy'], reasons: [] }, findings: [finding(matched)], onDismiss: () => undefined, onSave: () => undefined });
    const root = roots.at(-1);
    expect(root).toBeDefined();
    // The banner's words are generated content from `data-text` (lib/content/banner.ts), never text nodes or HTML.
    const shown = [...(root?.querySelectorAll('[data-text]') ?? [])].map((node) => node.getAttribute('data-text')).join('\n');
    for (const word of triggerWords([finding(matched)])) expect(shown).toContain(word);
    expect(injected(root as unknown as ParentNode)).toEqual([]);
    expect(injected(document.body)).toEqual([]);
    expect((window as unknown as { __pwned?: unknown }).__pwned).toBeUndefined();
  });
});

describe('hostile text in the extension pages', () => {
  it.each(Object.entries(HOSTILE_TEXTS))('%s: el() sets it as text, in content and in children', (_name, text) => {
    const g = globalThis as { document?: Document };
    const previous = g.document;
    g.document = document;
    try {
      const node = el('li', { text, className: 'item', attrs: { title: text } }, el('span', text), text);
      document.body.append(node);
      expect(node.firstChild?.textContent).toBe(text);
      expect(node.textContent).toBe(text + text + text);
      expect(node.getAttribute('title')).toBe(text);
      expect(injected(node)).toEqual([]);
      expect((window as unknown as { __pwned?: unknown }).__pwned).toBeUndefined();
    } finally {
      g.document = previous;
    }
  });
});
