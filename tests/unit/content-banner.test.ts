/**
 * The in-page warning (happy-dom): its closed shadow root is reached by capturing attachShadow, as page scripts
 * cannot. Plain words, the trigger words as text (never HTML), help lines, buttons in order, keyboard, no focus
 * stolen.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { bannerCategories, showBanner, triggerWords, BANNER_HOST_ATTRIBUTE } from '../../lib/content/banner';
import { createMarks, MARKS_HOST_ATTRIBUTE } from '../../lib/content/marks';
import type { ConversationRisk, Finding } from '../../lib/engine/types';
import type { DismissalKind } from '../../lib/storage/limits';
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

/** What the banner shows: its text is generated content (`data-text`), so that `window.find()` cannot see it. */
function shown(root: ParentNode): string {
  const self = 'hasAttribute' in root && (root as Element).hasAttribute('data-text') ? [root as Element] : [];
  return [...self, ...root.querySelectorAll('[data-text]')].map((node) => node.getAttribute('data-text')).join(' ');
}

function show(
  findings: Finding[],
  language: 'en' | 'vi' = 'en',
  handlers: { onDismiss?: (kind: DismissalKind) => void; onSave?: () => void } = {},
  level: ConversationRisk = risk,
) {
  const handle = showBanner(page.document, {
    language,
    risk: level,
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
    const text = shown(root);
    expect(text).toContain('This chat shows signs of manipulation');
    expect(text).toContain('posing as an authority');
    expect(text).toContain('Tôi là cán bộ công an');
    expect(text).toContain(hostile);
    expect(root.querySelector('img')).toBeNull();
  });

  it('names a known script and leads with its advice, before the words that triggered it (issue 12)', () => {
    const named: ConversationRisk = {
      ...risk,
      level: 'critical',
      pattern: { script: 'online-kidnapping', total: 6, steps: [{ step: 'impersonation', messageId: 'a', from: 'other' }, { step: 'secrecy', messageId: 'b', from: 'other' }, { step: 'isolation', messageId: 'c', from: 'other' }, { step: 'surveillance', messageId: 'c', from: 'other' }] },
    };
    const text = shown(show([finding('Tôi là cán bộ công an', 'impersonation', 5)], 'en', {}, named).root);
    const headline = text.indexOf('This looks like the fake-police scam (online kidnapping): 4 of its 6 steps so far');
    const advice = text.indexOf('Real police, prosecutors and courts never investigate by phone or video call');
    expect(headline).toBeGreaterThan(-1);
    expect(advice).toBeGreaterThan(headline);
    expect(text.indexOf('113')).toBeGreaterThan(advice);
    expect(text.indexOf('Tôi là cán bộ công an')).toBeGreaterThan(advice);
    const vi = shown(show([finding('Tôi là cán bộ công an', 'impersonation', 5)], 'vi', {}, named).root);
    expect(vi).toContain('Cuộc trò chuyện này giống chiêu giả danh công an (bắt cóc online): đã có 4 trên 6 bước');
    expect(vi).toContain('Công an, viện kiểm sát, tòa án thật không bao giờ làm việc qua điện thoại');
  });

  it('speaks Vietnamese, with the help lines 111 and 113 and the local emergency number elsewhere', () => {
    const { root } = show([finding('chuyển tiền', 'money')], 'vi');
    const help = root.querySelector('#na-help')!;
    expect(help.hasAttribute('hidden')).toBe(true);
    const helpButton = [...root.querySelectorAll('button')].find((b) => b.getAttribute('aria-controls') === 'na-help')!;
    helpButton.click();
    expect(help.hasAttribute('hidden')).toBe(false);
    expect(helpButton.getAttribute('aria-expanded')).toBe('true');
    const lines = [...help.querySelectorAll('li')].map((li) => shown(li));
    expect(lines.some((l) => l.startsWith('111'))).toBe(true);
    expect(lines.some((l) => l.startsWith('113'))).toBe(true);
    expect(help.querySelector('a[href="tel:111"]')).not.toBeNull();
    expect(shown(root)).toContain('Mình ổn');
  });

  it('has a labelled region, an alert, buttons in reading order, and never takes the focus', () => {
    const composer = page.document.getElementById('composer') as HTMLInputElement;
    composer.focus();
    const { root } = show([finding('send me a pic', 'sexual')]);
    const panel = root.querySelector('section')!;
    expect(panel.getAttribute('role')).toBe('region');
    expect(panel.getAttribute('aria-label')).toBe('This chat shows signs of manipulation');
    expect(root.querySelector('[role="alert"] h2')?.getAttribute('aria-label')).toBe('This chat shows signs of manipulation');
    expect([...root.querySelectorAll('button')].map((b) => b.getAttribute('aria-label'))).toEqual([
      "I'm OK",
      'What should I do?',
      'Save for a report',
      'Make smaller',
      'Close',
    ]);
    expect(page.document.activeElement).toBe(composer);
    expect(root.querySelector('[style*="animation"], marquee, audio, video')).toBeNull();
  });

  it('"I\'m OK" and Escape dismiss it; "Save for a report" saves once and says so', () => {
    const onDismiss = vi.fn();
    const onSave = vi.fn();
    let { handle, root } = show([finding('x', 'threat')], 'en', { onDismiss, onSave });
    const save = [...root.querySelectorAll('button')].find((b) => b.getAttribute('aria-label') === 'Save for a report')!;
    save.click();
    expect(onSave).toHaveBeenCalledTimes(1);
    expect(save.disabled).toBe(true);
    expect(shown(root.querySelector('[role="status"]')!)).toContain('Saved');
    root.querySelector('button')!.click();
    expect(onDismiss).toHaveBeenCalledTimes(1);
    expect(handle.host.isConnected).toBe(false);

    ({ handle, root } = show([finding('x', 'threat')], 'en', { onDismiss }));
    const KeyboardEvent = (page.window as unknown as { KeyboardEvent: typeof globalThis.KeyboardEvent }).KeyboardEvent;
    root.querySelector('section')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    expect(onDismiss).toHaveBeenCalledTimes(2);
    expect(handle.host.isConnected).toBe(false);
  });

  it('records what closed it: "I\'m OK", the × button or Escape (a closed warning is not an "I\'m OK")', () => {
    const kinds: DismissalKind[] = [];
    const onDismiss = (kind: DismissalKind): void => void kinds.push(kind);
    const KeyboardEvent = (page.window as unknown as { KeyboardEvent: typeof globalThis.KeyboardEvent }).KeyboardEvent;
    let { root } = show([finding('x', 'threat')], 'en', { onDismiss });
    root.querySelector<HTMLButtonElement>('button[aria-label="I\'m OK"]')!.click();
    ({ root } = show([finding('x', 'threat')], 'en', { onDismiss }));
    root.querySelector<HTMLButtonElement>('button[aria-label="Close"]')!.click();
    ({ root } = show([finding('x', 'threat')], 'en', { onDismiss }));
    root.querySelector('section')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    expect(kinds).toEqual(['ok', 'close', 'escape']);
  });

  it('keeps no text in the DOM: window.find() and selection cannot read it; names are given by aria-label', () => {
    const { root } = show([finding('Tôi là cán bộ công an', 'impersonation', 5), finding('chuyển tiền', 'money')]);
    const texts: string[] = [];
    const walk = (node: Node): void => {
      if (node.nodeType === 3 && node.parentNode?.nodeName !== 'STYLE' && node.textContent?.trim()) texts.push(node.textContent);
      node.childNodes.forEach(walk);
    };
    walk(root);
    expect(texts).toEqual([]);
    expect(shown(root)).toContain('Tôi là cán bộ công an');
    for (const control of root.querySelectorAll('button, a')) expect(control.getAttribute('aria-label')).toBeTruthy();
  });

  it('can be made smaller, out of the way, without its warning text in the page, and opened again', () => {
    const onDismiss = vi.fn();
    const { root } = show([finding('chuyển tiền', 'money')], 'en', { onDismiss });
    root.querySelector<HTMLButtonElement>('button[aria-label="Make smaller"]')!.click();
    const panel = root.querySelector('section')!;
    expect(panel.classList.contains('compact')).toBe(true);
    // Only the button that opens it again is left: no category, no chat words, not even as generated content.
    expect(root.querySelectorAll('button')).toHaveLength(1);
    expect(shown(root)).not.toContain('chuyển tiền');
    expect(shown(root)).not.toContain('money');
    const expand = root.querySelector('button')!;
    expect(expand.getAttribute('aria-expanded')).toBe('false');
    expand.click();
    expect(panel.classList.contains('compact')).toBe(false);
    expect(shown(root)).toContain('chuyển tiền');
    expect(onDismiss).not.toHaveBeenCalled();
  });

  it('is reached with Alt+Shift+N, which it names, and only then takes the focus', () => {
    const composer = page.document.getElementById('composer') as HTMLInputElement;
    composer.focus();
    const { root } = show([finding('send me a pic', 'sexual')]);
    expect(shown(root)).toContain('Alt+Shift+N');
    root.querySelector<HTMLButtonElement>('button[aria-label="Make smaller"]')!.click();
    const KeyboardEvent = (page.window as unknown as { KeyboardEvent: typeof globalThis.KeyboardEvent }).KeyboardEvent;
    composer.dispatchEvent(new KeyboardEvent('keydown', { key: 'N', code: 'KeyN', altKey: true, shiftKey: true, bubbles: true }));
    expect(root.querySelector('section')!.classList.contains('compact')).toBe(false);
    expect(root.activeElement?.getAttribute('aria-label')).toBe("I'm OK");
    // Typing N (or Alt+N) in the chat does nothing to the banner.
    composer.focus();
    composer.dispatchEvent(new KeyboardEvent('keydown', { key: 'n', code: 'KeyN', altKey: true, bubbles: true }));
    expect(page.document.activeElement).toBe(composer);
  });

  it('names the pattern of every phrase it quotes', () => {
    const findings = [finding('chuyển tiền', 'money'), finding('bí mật', 'secrecy'), finding('cán bộ công an', 'impersonation')];
    const { root } = show(findings);
    const intro = shown(root);
    expect(triggerWords(findings)).toHaveLength(3);
    for (const category of ['asking for money', 'secrecy', 'posing as an authority']) expect(intro).toContain(category);
  });

  it('at the danger level, makes "What should I do?" the main action, not "I\'m OK"', () => {
    const danger: ConversationRisk = { ...risk, level: 'critical' };
    const { root } = show([finding('thuê phòng khách sạn', 'isolation')], 'en', {}, danger);
    const primary = root.querySelectorAll('button.primary');
    expect([...primary].map((b) => b.getAttribute('aria-label'))).toEqual(['What should I do?']);
    expect(root.querySelector('.actions button')?.getAttribute('aria-label')).toBe('What should I do?');
    const calm = show([finding('x', 'threat')], 'en', {}, { ...risk, level: 'medium' }).root;
    expect(calm.querySelector('button.primary')?.getAttribute('aria-label')).toBe("I'm OK");
  });

  it('replaces an older banner instead of stacking', () => {
    show([finding('a', 'threat')]);
    show([finding('b', 'money')]);
    expect(page.document.querySelectorAll(`[${BANNER_HOST_ATTRIBUTE}]`)).toHaveLength(1);
  });

  it('names at most three distinct trigger words and their patterns', () => {
    const findings = [finding('A', 'money'), finding('a', 'money'), finding('b', 'threat'), finding('c', 'secrecy'), finding('d', 'sexual')];
    expect(triggerWords(findings)).toEqual(['A', 'b', 'c']);
    expect(triggerWords([finding('x'.repeat(200), 'money')])[0]).toHaveLength(80);
    // A phrase inside a longer one from another rule is shown once, as the longer phrase.
    expect(triggerWords([finding('dont tell ur parents', 'secrecy'), finding('dont tell ur parents we talk', 'secrecy')])).toEqual([
      'dont tell ur parents we talk',
    ]);
    expect(bannerCategories(risk, findings)).toEqual(['money', 'threat', 'secrecy']);
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
