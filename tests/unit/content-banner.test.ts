/**
 * The in-page warning (happy-dom): its closed shadow root is reached by capturing attachShadow, as page scripts
 * cannot. Plain words, the trigger words as text (never HTML), help lines, buttons in order, keyboard, no focus
 * stolen.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { bannerCategories, showBanner, triggerWords, BANNER_HOST_ATTRIBUTE } from '../../lib/content/banner';
import { createMarks, MARKS_HOST_ATTRIBUTE } from '../../lib/content/marks';
import type { ConversationRisk, Finding } from '../../lib/engine/types';
import { loadPage, type LoadedPage } from './sites-fixtures';

const finding = (matched: string, category: Finding['category'], weight = 3): Finding => ({
  ruleId: `r-${category}`,
  category,
  language: 'vi',
  weight,
  start: 0,
  end: matched.length,
  matched,
  adviceKey: category,
  selfCompliance: false,
});

const risk: ConversationRisk = { level: 'high', score: 9, alert: true, categories: ['impersonation', 'secrecy'], reasons: [] };

let page: LoadedPage;
let roots: ShadowRoot[];
beforeEach(() => {
  page = loadPage('<!doctype html><body><input id="composer"></body>', 'https://web.whatsapp.com/');
  roots = [];
  const proto = (page.window as unknown as { HTMLElement: typeof HTMLElement }).HTMLElement.prototype;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called with .call(this) below
  const attach = proto.attachShadow;
  vi.spyOn(proto, 'attachShadow').mockImplementation(function (this: HTMLElement, init: ShadowRootInit) {
    const root = attach.call(this, init);
    roots.push(root);
    return root;
  });
});
afterEach(async () => {
  vi.restoreAllMocks();
  await page.close();
});

function show(findings: Finding[], language: 'en' | 'vi' = 'en', handlers: { onDismiss?: () => void; onSave?: () => void } = {}) {
  const handle = showBanner(page.document, {
    language,
    risk,
    findings,
    onDismiss: handlers.onDismiss ?? (() => undefined),
    onSave: handlers.onSave ?? (() => undefined),
  });
  return { handle, root: roots.at(-1)! };
}

describe('banner', () => {
  it('lives in a closed shadow root, on a custom element page CSS does not target', () => {
    const { handle } = show([finding('bí mật điều tra', 'secrecy')]);
    expect(handle.host.tagName.toLowerCase()).toBe('not-alone-banner');
    expect(handle.host.hasAttribute(BANNER_HOST_ATTRIBUTE)).toBe(true);
    expect(handle.host.shadowRoot).toBeNull(); // closed: the page cannot reach in
    expect(handle.host.style.getPropertyPriority('display')).toBe('important');
  });

  it('says what was seen and which words triggered it, as text only', () => {
    const hostile = '<img src=x onerror="alert(1)">';
    const { root } = show([finding('Tôi là cán bộ công an', 'impersonation', 5), finding(hostile, 'secrecy')]);
    const text = root.textContent ?? '';
    expect(text).toContain('This chat shows signs of manipulation');
    expect(text).toContain('posing as an authority');
    expect(text).toContain('Tôi là cán bộ công an');
    expect(text).toContain(hostile);
    expect(root.querySelector('img')).toBeNull();
  });

  it('speaks Vietnamese, with the help lines 111 and 113 and the local emergency number elsewhere', () => {
    const { root } = show([finding('chuyển tiền', 'money')], 'vi');
    const help = root.querySelector('#na-help')!;
    expect(help.hasAttribute('hidden')).toBe(true);
    const helpButton = [...root.querySelectorAll('button')].find((b) => b.getAttribute('aria-controls') === 'na-help')!;
    helpButton.click();
    expect(help.hasAttribute('hidden')).toBe(false);
    expect(helpButton.getAttribute('aria-expanded')).toBe('true');
    const lines = [...help.querySelectorAll('li')].map((li) => li.textContent ?? '');
    expect(lines.some((l) => l.startsWith('111'))).toBe(true);
    expect(lines.some((l) => l.startsWith('113'))).toBe(true);
    expect(help.querySelector('a[href="tel:111"]')).not.toBeNull();
    expect(root.textContent).toContain('Mình ổn');
  });

  it('has a labelled region, an alert, buttons in reading order, and never takes the focus', () => {
    const composer = page.document.getElementById('composer') as HTMLInputElement;
    composer.focus();
    const { root } = show([finding('send me a pic', 'sexual')]);
    const panel = root.querySelector('section')!;
    expect(panel.getAttribute('role')).toBe('region');
    expect(panel.getAttribute('aria-labelledby')).toBe('na-title');
    expect(root.querySelector('[role="alert"] h2')?.textContent).toBe('This chat shows signs of manipulation');
    expect([...root.querySelectorAll('button')].map((b) => b.getAttribute('aria-label') ?? b.textContent)).toEqual([
      "I'm OK",
      'What should I do?',
      'Save for a report',
      'Close',
    ]);
    expect(page.document.activeElement).toBe(composer);
    expect(root.querySelector('[style*="animation"], marquee, audio, video')).toBeNull();
  });

  it('"I\'m OK" and Escape dismiss it; "Save for a report" saves once and says so', () => {
    const onDismiss = vi.fn();
    const onSave = vi.fn();
    let { handle, root } = show([finding('x', 'threat')], 'en', { onDismiss, onSave });
    const save = [...root.querySelectorAll('button')].find((b) => b.textContent === 'Save for a report')!;
    save.click();
    expect(onSave).toHaveBeenCalledTimes(1);
    expect(save.disabled).toBe(true);
    expect(root.querySelector('[role="status"]')?.textContent).toContain('Saved');
    root.querySelector('button')!.click();
    expect(onDismiss).toHaveBeenCalledTimes(1);
    expect(handle.host.isConnected).toBe(false);

    ({ handle, root } = show([finding('x', 'threat')], 'en', { onDismiss }));
    const KeyboardEvent = (page.window as unknown as { KeyboardEvent: typeof globalThis.KeyboardEvent }).KeyboardEvent;
    root.querySelector('section')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    expect(onDismiss).toHaveBeenCalledTimes(2);
    expect(handle.host.isConnected).toBe(false);
  });

  it('replaces an older banner instead of stacking', () => {
    show([finding('a', 'threat')]);
    show([finding('b', 'money')]);
    expect(page.document.querySelectorAll(`[${BANNER_HOST_ATTRIBUTE}]`)).toHaveLength(1);
  });

  it('names at most three distinct trigger words and two patterns', () => {
    const findings = [finding('A', 'money'), finding('a', 'money'), finding('b', 'threat'), finding('c', 'secrecy'), finding('d', 'sexual')];
    expect(triggerWords(findings)).toEqual(['A', 'b', 'c']);
    expect(triggerWords([finding('x'.repeat(200), 'money')])[0]).toHaveLength(80);
    // A phrase inside a longer one from another rule is shown once, as the longer phrase.
    expect(triggerWords([finding('dont tell ur parents', 'secrecy'), finding('dont tell ur parents we talk', 'secrecy')])).toEqual([
      'dont tell ur parents we talk',
    ]);
    expect(bannerCategories(risk, findings)).toEqual(['money', 'threat']);
  });
});

describe('marks', () => {
  it('draws in its own hidden layer and leaves the chat DOM alone', () => {
    page.document.body.insertAdjacentHTML('beforeend', '<div id="msg">hello</div>');
    const message = page.document.getElementById('msg')!;
    const before = message.outerHTML;
    const marks = createMarks(page.document);
    marks.show([message]);
    const host = page.document.querySelector(`[${MARKS_HOST_ATTRIBUTE}]`)!;
    expect(host.getAttribute('aria-hidden')).toBe('true');
    expect(roots.at(-1)!.querySelectorAll('.mark')).toHaveLength(1);
    expect(message.outerHTML).toBe(before);
    marks.show([]);
    expect(page.document.querySelector(`[${MARKS_HOST_ATTRIBUTE}]`)).toBeNull();
    marks.show([message]);
    marks.destroy();
    expect(page.document.querySelector(`[${MARKS_HOST_ATTRIBUTE}]`)).toBeNull();
  });
});
