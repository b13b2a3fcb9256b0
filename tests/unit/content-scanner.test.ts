/**
 * The page scanner on a fixture page in happy-dom: the MutationObserver callback only queues, batches read only new
 * or changed message nodes, conversation switches start a fresh scan, repeated ids stay apart, long scans are sliced,
 * everything stops on abort, and the page's DOM is never changed. The analyzer is a real `ChatSession` behind the
 * protocol's checks (tests/unit/local-analyzer.ts), answering asynchronously as the background does: replies are
 * waited for, kept in order, and a `resync` makes the scanner read everything again.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChatSession } from '../../lib/background/session';
import { REQUEST_MESSAGES, startPageScanner, type PageScanner, type WarnEvent } from '../../lib/content/page-scanner';
import { createBundledEngine } from '../../lib/extension/bundled-engine';
import { MAX_MESSAGE_CHARS, type ProtocolMessage } from '../../lib/protocol';
import { createGenericAdapter } from '../../lib/sites/generic';
import { telegramKAdapter } from '../../lib/sites/telegram-k';
import type { SiteAdapter } from '../../lib/sites/types';
import { fakeEngine } from './fake-engine';
import { localAnalyzer, type LocalAnalyzer } from './local-analyzer';
import { loadPage, readExpected, readPage, type LoadedPage } from './sites-fixtures';

/** Counts extract calls, to see which elements a batch read. */
function counting(adapter: SiteAdapter): SiteAdapter & { reads: Element[] } {
  const reads: Element[] = [];
  return {
    ...adapter,
    reads,
    extract(element, context) {
      reads.push(element);
      return adapter.extract(element, context);
    },
  };
}

interface Harness {
  page: LoadedPage;
  scanner: PageScanner;
  sent: ProtocolMessage[];
  warnings: WarnEvent[];
  marks: Element[][];
  analysed: string[];
  analyzer: LocalAnalyzer;
  adapter: SiteAdapter & { reads: Element[] };
  controller: AbortController;
  conversations: (string | null)[];
}

let current: Harness | null = null;
afterEach(async () => {
  current?.controller.abort();
  await current?.page.close();
  current = null;
});

function start(options: { engine?: 'fake' | 'real'; sliceMs?: number; adapter?: SiteAdapter; html?: string; url?: string } = {}): Harness {
  const expected = readExpected('telegram-k');
  const page = loadPage(options.html ?? readPage('telegram-k'), options.url ?? expected.url);
  const analysed: string[] = [];
  const engine = options.engine === 'real' ? createBundledEngine({ sensitivity: 'balanced', disabledCategories: [], languages: ['en', 'vi'] }) : fakeEngine({ flag: 'RISK', analysed });
  const adapter = counting(options.adapter ?? telegramKAdapter);
  const sent: ProtocolMessage[] = [];
  const warnings: WarnEvent[] = [];
  const marks: Element[][] = [];
  const conversations: (string | null)[] = [];
  const controller = new AbortController();
  const analyzer = localAnalyzer(new ChatSession(engine, 3));
  const scanner = startPageScanner({
    doc: page.document,
    adapter,
    analyzer,
    send: (message) => sent.push(message),
    warn: (event) => warnings.push(event),
    mark: (elements) => marks.push([...elements]),
    onConversation: (key) => conversations.push(key),
    signal: controller.signal,
    batchDelay: 5,
    sliceMs: options.sliceMs,
    now: () => Date.parse('2026-05-10T23:00:00Z'),
  });
  current = { page, scanner, sent, warnings, marks, analysed, analyzer, adapter, controller, conversations };
  return current;
}

function bubbleHtml(mid: string, text: string): string {
  return `<div data-mid="${mid}" data-peer-id="-1001987654321" data-timestamp="1778403600" class="bubble is-in"><div class="bubble-content-wrapper"><div class="bubble-content"><div class="message" dir="auto"><span class="translatable-message">${text}</span><span class="time"><span class="i18n">09:00</span></span></div></div></div></div>`;
}

function append(page: LoadedPage, html: string): Element {
  const group = page.document.querySelector('.bubbles-inner section.bubbles-date-group')!;
  const holder = page.document.createElement('div');
  holder.className = 'bubbles-group';
  holder.innerHTML = html;
  group.append(holder);
  return holder;
}

describe('page scanner', () => {
  it('scans the open conversation once, then tells the background which conversation is shown', async () => {
    const { scanner, sent, analysed, adapter, conversations } = start();
    await scanner.settled();
    expect(conversations).toEqual(['telegram-k:-1001987654321']);
    expect(analysed).toHaveLength(readExpected('telegram-k').conversations.benign.messages.length);
    expect(adapter.reads).toHaveLength(7); // six messages and the service line (read, then skipped)
    expect(sent).toEqual([{ type: 'conversation-shown', conversationKey: 'telegram-k:-1001987654321' }]);
    expect(scanner.stats.fullScans).toBe(1);
  });

  it('only queues in the MutationObserver callback, then reads just the new message nodes', async () => {
    const { page, scanner, analysed, adapter } = start();
    await scanner.settled();
    const readsBefore = adapter.reads.length;
    append(page, bubbleHtml('5001', 'new one') + bubbleHtml('5002', 'and another'));
    await Promise.resolve(); // the observer callback has run (microtask): nothing was read yet
    expect(adapter.reads.length).toBe(readsBefore);
    await scanner.settled();
    expect(adapter.reads.length - readsBefore).toBe(2);
    expect(analysed.slice(-2)).toEqual(['new one', 'and another']);
    expect(scanner.stats.fullScans).toBe(1);
  });

  it('reads an edited message again, and only that one', async () => {
    const { page, scanner, analysed, adapter } = start();
    await scanner.settled();
    const readsBefore = adapter.reads.length;
    const text = page.document.querySelector('.bubble[data-mid="4203"] .message .translatable-message')!;
    text.textContent = 'edited: I will bring the sensors';
    await scanner.settled();
    expect(adapter.reads.length - readsBefore).toBe(1);
    expect(analysed.at(-1)).toBe('edited: I will bring the sensors');
  });

  it('does not analyse a message again when the page re-renders it unchanged', async () => {
    const { page, scanner, analysed } = start();
    await scanner.settled();
    const count = analysed.length;
    const bubble = page.document.querySelector('.bubble[data-mid="4200"]')!;
    bubble.replaceWith(bubble.cloneNode(true));
    await scanner.settled();
    expect(analysed.length).toBe(count);
  });

  it('warns once, marks the flagged message and reports it with its context', async () => {
    const { page, scanner, warnings, marks, analyzer } = start();
    await scanner.settled();
    append(page, bubbleHtml('6001', 'this is RISK talk'));
    await scanner.settled();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ conversationKey: 'telegram-k:-1001987654321', title: 'Robotics Club 🤖' });
    expect(warnings[0].findings.map((f) => f.matched)).toEqual(['RISK']);
    expect(warnings[0].flagged.map((f) => f.id)).toEqual(['6001']);
    expect(marks.at(-1)?.map((e) => e.getAttribute('data-mid'))).toEqual(['6001']);
    expect(analyzer.reports.at(-1)?.messages.map((m) => m.id)).toEqual(['4203', '4204', '4205', '6001']);
    append(page, bubbleHtml('6002', 'more RISK talk'));
    await scanner.settled();
    expect(warnings).toHaveLength(1); // same level: no second warning
  });

  it('starts over on a conversation switch without a page load', async () => {
    const { page, scanner, sent, conversations, marks, adapter } = start();
    await scanner.settled();
    append(page, bubbleHtml('6001', 'RISK'));
    await scanner.settled();
    page.open('risky');
    scanner.rescan(); // what the content script does on wxt:locationchange
    await scanner.settled();
    expect(conversations).toEqual(['telegram-k:-1001987654321', 'telegram-k:@jay_gg']);
    expect(marks.at(-1)).toEqual([]); // the old conversation's marks are gone
    expect(sent.at(-1)).toMatchObject({ type: 'conversation-shown', conversationKey: 'telegram-k:@jay_gg' });
    const risky = readExpected('telegram-k').conversations.risky.messages.map((m) => m.id);
    expect(adapter.reads.slice(-risky.length).map((e) => e.getAttribute('data-mid'))).toEqual(risky);
  });

  it('keeps repeated ids apart when both messages are on the page', async () => {
    const { page, scanner, analysed } = start({ adapter: { ...telegramKAdapter, hashedIds: true, extract: (el, c) => { const m = telegramKAdapter.extract(el, c); return m && { ...m, id: 'same' }; } } });
    await scanner.settled();
    expect(analysed).toHaveLength(6);
    append(page, bubbleHtml('7001', 'ok'));
    await scanner.settled();
    expect(analysed.at(-1)).toBe('ok');
  });

  it('slices a long scan into short tasks and still reads everything in order', async () => {
    const html = readPage('telegram-k').replace(
      '<section class="bubbles-date-group">',
      `<section class="bubbles-date-group">${Array.from({ length: 400 }, (_, i) => bubbleHtml(String(10_000 + i), `message ${i}`)).join('')}`,
    );
    const { scanner, analysed } = start({ html, sliceMs: 0.5 });
    await scanner.settled();
    expect(analysed.length).toBe(406);
    expect(analysed.slice(0, 3)).toEqual(['message 0', 'message 1', 'message 2']);
    expect(scanner.stats.slices).toBeGreaterThan(1);
  });

  it('stops everything on abort', async () => {
    const { page, scanner, analysed, controller, adapter } = start();
    await scanner.settled();
    controller.abort();
    const reads = adapter.reads.length;
    append(page, bubbleHtml('8001', 'after abort'));
    await new Promise((done) => setTimeout(done, 50));
    expect(adapter.reads.length).toBe(reads);
    expect(analysed).not.toContain('after abort');
  });

  it('stays idle on pages of the app without a chat, and wakes up when the URL becomes a chat', async () => {
    const adapter: SiteAdapter = { ...telegramKAdapter, matches: (url) => url.hash.length > 1 };
    const { page, scanner, analysed, sent } = start({ adapter, url: 'https://web.telegram.org/k/' });
    await scanner.settled();
    expect(analysed).toEqual([]);
    expect(sent).toEqual([{ type: 'conversation-shown', conversationKey: null }]);
    append(page, bubbleHtml('9001', 'not read while idle'));
    await new Promise((done) => setTimeout(done, 30));
    expect(analysed).toEqual([]);
    page.window.happyDOM.setURL('https://web.telegram.org/k/#-1001987654321');
    scanner.rescan();
    await scanner.settled();
    expect(analysed).toContain('not read while idle');
  });

  it('never changes the page', async () => {
    const { page, scanner } = start();
    const before = page.document.documentElement.outerHTML;
    await scanner.settled();
    append(page, bubbleHtml('6001', 'RISK'));
    const withAppended = page.document.documentElement.outerHTML;
    await scanner.settled();
    expect(page.document.documentElement.outerHTML).toBe(withAppended);
    expect(before.length).toBeLessThan(withAppended.length);
  });

  it('with the real rules: the risky fixture conversation warns, the benign one does not', async () => {
    const { page, scanner, warnings } = start({ engine: 'real' });
    await scanner.settled();
    expect(warnings).toEqual([]);
    page.open('risky');
    scanner.rescan();
    await scanner.settled();
    expect(warnings).toHaveLength(1);
    expect(warnings[0].risk.alert).toBe(true);
    expect(warnings[0].findings.length).toBeGreaterThan(0);
  });

  it('sends a long scan in requests of at most REQUEST_MESSAGES messages, in page order, and waits for every reply', async () => {
    const count = REQUEST_MESSAGES * 2 + 50;
    const html = readPage('telegram-k').replace(
      '<section class="bubbles-date-group">',
      `<section class="bubbles-date-group">${Array.from({ length: count }, (_, i) => bubbleHtml(String(20_000 + i), i === count - 1 ? 'last one, RISK' : `message ${i}`)).join('')}`,
    );
    const { scanner, analyzer, warnings, analysed } = start({ html });
    await scanner.settled();
    expect(analyzer.requests.map((r) => r.messages.length)).toEqual([REQUEST_MESSAGES, REQUEST_MESSAGES, 56]);
    expect(analysed.slice(0, 3)).toEqual(['message 0', 'message 1', 'message 2']);
    expect(analysed.slice(-7, -6)).toEqual(['last one, RISK']);
    expect(scanner.stats).toMatchObject({ requests: 3, sent: count + 6, failed: 0 });
    expect(warnings).toHaveLength(1);
  });

  it('settled() waits for the replies, and the batch ends (warning, marks) only when they are in', async () => {
    const { page, scanner, analyzer, warnings, marks } = start();
    await scanner.settled();
    analyzer.hold();
    append(page, bubbleHtml('6101', 'RISK again'));
    await vi.waitFor(() => expect(analyzer.requests.at(-1)?.messages.map((m) => m.id)).toEqual(['6101']));
    const settled = Promise.race([scanner.settled().then(() => 'settled'), new Promise((done) => setTimeout(() => done('waiting'), 50))]);
    expect(await settled).toBe('waiting');
    expect(warnings).toEqual([]);
    const marksBefore = marks.length;
    analyzer.release();
    await scanner.settled();
    expect(warnings).toHaveLength(1);
    expect(marks.length).toBe(marksBefore + 1);
  });

  it('shows no banner and no marks for replies that come after the conversation changed', async () => {
    const { page, scanner, analyzer, warnings, marks, conversations, analysed } = start();
    await scanner.settled();
    analyzer.hold();
    append(page, bubbleHtml('6201', 'RISK before the switch'));
    await vi.waitFor(() => expect(analyzer.requests.at(-1)?.messages.map((m) => m.id)).toEqual(['6201']));
    page.open('risky');
    scanner.rescan();
    analyzer.release();
    await scanner.settled();
    // The reply flagged 6201 in the old conversation: no banner, no mark for it; the new conversation is scanned.
    expect(analysed).toContain('RISK before the switch');
    expect(warnings).toEqual([]);
    expect(marks.flat().some((e) => e.getAttribute('data-mid') === '6201')).toBe(false);
    expect(conversations).toEqual(['telegram-k:-1001987654321', 'telegram-k:@jay_gg']);
  });

  it('reads everything again for the background when it answers resync (restarted service worker)', async () => {
    const { page, scanner, analyzer, adapter, warnings } = start();
    await scanner.settled();
    const readsBefore = adapter.reads.length;
    analyzer.answerNext({ ok: true, resync: true });
    append(page, bubbleHtml('6301', 'RISK after a restart'));
    await scanner.settled();
    expect(scanner.stats.resyncs).toBe(1);
    // The appended message, then the whole conversation again (six messages, the service line, the new one).
    expect(adapter.reads.length - readsBefore).toBe(1 + 8);
    expect(analyzer.requests.at(-1)?.messages.map((m) => m.id)).toEqual(['4200', '4201', '4202', '4203', '4204', '4205', '6301']);
    expect(warnings).toHaveLength(1);
  });

  it('reads everything again, for a new scan, when the background asks (its engine changed)', async () => {
    const { scanner, analyzer, adapter, warnings } = start();
    await scanner.settled();
    const readsBefore = adapter.reads.length;
    const requestsBefore = analyzer.requests.length;
    const warningsBefore = warnings.length;
    scanner.readAgain();
    await scanner.settled();
    expect(analyzer.restarts).toBe(1);
    // The whole conversation (six messages and the service line), in one new scan, without a resync round trip.
    expect(adapter.reads.length - readsBefore).toBe(7);
    expect(analyzer.requests.slice(requestsBefore).flatMap((r) => r.messages.map((m) => m.id))).toEqual(['4200', '4201', '4202', '4203', '4204', '4205']);
    expect(scanner.stats.resyncs).toBe(0);
    // Nothing new was said: no new warning.
    expect(warnings).toHaveLength(warningsBefore);
  });

  it('does not start over forever when the background keeps answering resync', async () => {
    const { page, scanner, analyzer } = start();
    await scanner.settled();
    analyzer.answerNext({ ok: true, resync: true }, 10);
    append(page, bubbleHtml('6401', 'hello'));
    await scanner.settled();
    expect(scanner.stats.resyncs).toBe(3);
  });

  it('goes on when a request fails, and cuts texts to what the protocol accepts', async () => {
    const { page, scanner, analyzer, analysed } = start();
    await scanner.settled();
    analyzer.answerNext({ ok: false, error: 'Could not establish connection. Receiving end does not exist.' });
    append(page, bubbleHtml('6501', 'lost'));
    await scanner.settled();
    expect(scanner.stats.failed).toBe(1);
    append(page, bubbleHtml('6502', 'x'.repeat(MAX_MESSAGE_CHARS + 10)));
    await scanner.settled();
    expect(analysed.at(-1)?.length).toBe(MAX_MESSAGE_CHARS);
  });

  it('works with the generic adapter on a watched site', async () => {
    const expected = readExpected('generic');
    const { scanner, analysed } = start({ adapter: createGenericAdapter(), html: readPage('generic', 'chat.html'), url: expected.url });
    await scanner.settled();
    expect(analysed).toEqual(expected.conversations.chat.messages.map((m) => m.text));
  });
});
