/**
 * The content script's side of 'analyze-messages' (lib/content/remote-analyzer.ts): scan ids and sequence numbers,
 * a new scan after `resync`, and failures that become `{ ok: false }` instead of a stuck scanner. Then the whole
 * path in one process: the page scanner, the remote analyzer and the real message handler with the real engine,
 * through a JSON round trip as runtime messaging does, and a background "restarted" in the middle.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createMessageHandler, type BackgroundDeps } from '../../lib/background/handler';
import { startPageScanner, type PageScanner, type WarnEvent } from '../../lib/content/page-scanner';
import { createRemoteAnalyzer } from '../../lib/content/remote-analyzer';
import { createBundledEngine } from '../../lib/extension/bundled-engine';
import type { AnalyzeMessages } from '../../lib/protocol';
import type { ConversationMap } from '../../lib/storage/conversations';
import { telegramKAdapter } from '../../lib/sites/telegram-k';
import { loadPage, readExpected, readPage, type LoadedPage } from './sites-fixtures';

const ref = { key: 'demo:x', site: 'demo', title: 'X', url: 'http://127.0.0.1/demo/' };
const messages = [{ id: 'm1', from: 'other' as const, text: 'hi' }];
const analysis = { risk: { level: 'none', score: 0, alert: false, categories: [], reasons: [] }, warn: false, flagged: [] };

describe('remote analyzer', () => {
  it('numbers the requests of a scan, and starts a new scan after resync', async () => {
    const sent: AnalyzeMessages[] = [];
    const answers: unknown[] = [{ ok: true, analysis }, { ok: true, analysis }, { ok: true, resync: true }, { ok: true, analysis }];
    const analyzer = createRemoteAnalyzer((request) => {
      sent.push(request);
      return Promise.resolve(answers.shift());
    });
    for (let i = 0; i < 4; i++) await analyzer.analyze(ref, messages);
    expect(sent.map((r) => r.seq)).toEqual([0, 1, 2, 0]);
    expect(sent[0]).toEqual({ type: 'analyze-messages', scanId: sent[0].scanId, seq: 0, conversation: ref, messages });
    expect(sent[0].scanId).toMatch(/^[0-9a-f]{32}$/);
    expect(sent[2].scanId).toBe(sent[0].scanId);
    expect(sent[3].scanId).not.toBe(sent[0].scanId);
  });

  it('starts a new scan when told to (the background asked to read again)', async () => {
    const sent: AnalyzeMessages[] = [];
    const analyzer = createRemoteAnalyzer((request) => {
      sent.push(request);
      return Promise.resolve({ ok: true, analysis });
    });
    await analyzer.analyze(ref, messages);
    await analyzer.analyze(ref, messages);
    analyzer.restart();
    await analyzer.analyze(ref, messages);
    expect(sent.map((r) => r.seq)).toEqual([0, 1, 0]);
    expect(sent[2].scanId).not.toBe(sent[0].scanId);
    expect(analyzer.scanId).toBe(sent[2].scanId);
  });

  it('renews the scan once when several requests in flight all get resync', async () => {
    const sent: AnalyzeMessages[] = [];
    const analyzer = createRemoteAnalyzer((request) => {
      sent.push(request);
      return Promise.resolve(request.seq === 0 && sent.length > 1 ? { ok: true, analysis } : { ok: true, resync: true });
    });
    await analyzer.analyze(ref, messages); // seq 0 of the first scan (answered resync here: a confused background)
    const renewed = analyzer.scanId;
    await Promise.all([analyzer.analyze(ref, messages), analyzer.analyze(ref, messages)]);
    // Both in flight belonged to the renewed scan; the first resync renews it, the second (same old scan) does not.
    expect(sent.slice(1).map((r) => [r.scanId === renewed, r.seq])).toEqual([
      [true, 0],
      [true, 1],
    ]);
    expect(analyzer.scanId).not.toBe(renewed);
  });

  it('answers { ok: false } when sending fails, the answer is not one, or it never comes', async () => {
    const failing = createRemoteAnalyzer(() => Promise.reject(new Error('Extension context invalidated.')));
    expect(await failing.analyze(ref, messages)).toEqual({ ok: false, error: 'Extension context invalidated.' });
    for (const answer of [undefined, null, 'ok', { ok: true }, { ok: true, analysis: { risk: null, warn: false, flagged: [] } }, { ok: 'yes' }]) {
      const analyzer = createRemoteAnalyzer(() => Promise.resolve(answer));
      expect(await analyzer.analyze(ref, messages), JSON.stringify(answer)).toEqual({ ok: false, error: 'no answer' });
    }
    const silent = createRemoteAnalyzer(() => new Promise(() => undefined), 20);
    expect(await silent.analyze(ref, messages)).toEqual({ ok: false, error: 'no answer in time' });
  });
});

describe('page scanner, remote analyzer and the background in one process', () => {
  let current: { page: LoadedPage; controller: AbortController } | null = null;
  afterEach(async () => {
    current?.controller.abort();
    await current?.page.close();
    current = null;
  });

  function background(store: { conversations: ConversationMap }, badges: string[]) {
    const deps: BackgroundDeps = {
      extensionId: 'ours',
      loadConversations: () => Promise.resolve(store.conversations),
      saveConversations: (value) => {
        store.conversations = value;
        return Promise.resolve();
      },
      retentionDays: () => Promise.resolve(3650),
      setBadge: (_tab, text) => {
        badges.push(text);
        return Promise.resolve();
      },
      setTabState: () => Promise.resolve(),
      now: () => Date.parse('2026-05-10T23:00:00Z'),
      analysis: {
        engineInputs: () => Promise.resolve({ settings: { sensitivity: 'balanced', disabledCategories: [], languages: ['en', 'vi'], contextMessages: 50 }, customRules: [] }),
        createEngine: ({ settings, customRules }) => createBundledEngine(settings, customRules),
      },
    };
    return createMessageHandler(deps);
  }

  it('warns once, stores, and after a restart of the background reads everything again without warning twice', async () => {
    const expected = readExpected('telegram-k');
    const page = loadPage(readPage('telegram-k'), expected.url);
    const controller = new AbortController();
    current = { page, controller };
    const store = { conversations: {} as ConversationMap };
    const badges: string[] = [];
    let handle = background(store, badges);
    const wire = (value: unknown): unknown => JSON.parse(JSON.stringify(value)) as unknown;
    const warnings: WarnEvent[] = [];
    const scanner: PageScanner = startPageScanner({
      doc: page.document,
      adapter: telegramKAdapter,
      analyzer: createRemoteAnalyzer(async (request) => wire(await handle(wire(request), { id: 'ours', tab: { id: 3 } }))),
      send: (message) => void handle(wire(message), { id: 'ours', tab: { id: 3 } }),
      warn: (event) => warnings.push(event),
      signal: controller.signal,
      batchDelay: 5,
      now: () => Date.parse('2026-05-10T23:00:00Z'),
    });
    await scanner.settled();
    page.open('risky');
    scanner.rescan();
    await scanner.settled();
    const key = `telegram-k:${expected.conversations.risky.id}`;
    expect(warnings.map((w) => w.conversationKey)).toEqual([key]);
    expect(store.conversations[key].risk.alert).toBe(true);
    expect(badges.at(-1)).toMatch(/^!+$/);

    // Chrome stopped the idle service worker: a new one, with nothing in memory.
    handle = background(store, badges);
    const last = [...page.document.querySelectorAll('.bubble[data-timestamp]')].at(-1)!;
    const bubble = last.cloneNode(true) as Element;
    bubble.setAttribute('data-mid', '9901');
    bubble.querySelector('.translatable-message')!.textContent = 'ok see you later';
    last.after(bubble);
    await scanner.settled();
    expect(scanner.stats.resyncs).toBe(1);
    expect(store.conversations[key].messages.some((m) => m.id === '9901')).toBe(true);
    expect(store.conversations[key].risk.alert).toBe(true);
    expect(warnings).toHaveLength(1);
  });
});
