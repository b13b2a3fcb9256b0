/**
 * Grammar checks in the content script without compromise: the content script's engine (lib/engine/core.ts, no
 * parser) leaves a check that needs the sentence parser pending; the background parses the text
 * ('parse-sentences', with the real lib/engine/sentences.ts behind the real message handler, answering
 * asynchronously); the session checks the message again and the finding, report and warning follow, or, for a
 * negated request, nothing does.
 *
 * No bundled rule has a `grammar` block today (every rule's own examples run through the core engine without a
 * parser: none was left pending), so these tests use an imported rule that has one, as a parent can import in the
 * options page.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMessageHandler } from '../../lib/background/handler';
import { startPageScanner, type PageScanner, type WarnEvent } from '../../lib/content/page-scanner';
import { createRemoteSentences, type RemoteSentences } from '../../lib/content/remote-sentences';
import { ChatSession } from '../../lib/content/session';
import type { Rule } from '../../lib/engine/core';
import { parseSentences } from '../../lib/engine/sentences';
import { createBundledEngine } from '../../lib/extension/bundled-engine';
import { loadBundledRules } from '../../lib/node/rule-files';
import { createEngine } from '../../lib/engine/core';
import { WINDOW_CHARS } from '../../lib/engine/matcher';
import { MAX_PARSE_TEXT_CHARS, MAX_PARSE_TEXTS, type ParseSentences, type ProtocolMessage, type ScanReport } from '../../lib/protocol';
import { telegramKAdapter } from '../../lib/sites/telegram-k';
import { loadPage, readExpected, readPage, type LoadedPage } from './sites-fixtures';

/** An imported rule with a negation check: "I would never ask you to cut practice to meet me" is not a request. */
const skipToMeet: Rule = {
  id: 'custom-skip-to-meet',
  title: 'Asks you to skip class or practice to meet',
  category: 'meeting',
  languages: ['en'],
  weight: 5,
  patterns: ['(ditch|cut|bunk|skip) ~1 (class|classes|practice) ~3 (meet|see|come see) me'],
  grammar: { not_negated: true },
  falsepositives: ['Saying you would never ask that'],
  tests: {
    match: ['cut practice to meet me', 'ditch class and come see me', 'skip classes tmrw to see me'],
    no_match: ['I would never ask you to cut practice to meet me', 'see me after practice', 'class is cut short today'],
  },
};

/** "no": an interjection here, not a negation, but only the parser can tell. */
const REQUEST = 'no you should cut practice to meet me';
const NEGATED = 'I would never ask you to cut practice to meet me';

const SETTINGS: Parameters<typeof createBundledEngine>[0] = { sensitivity: 'balanced', disabledCategories: [], languages: ['en', 'vi'] };
const ref = { key: 'telegram-k:-1001987654321', site: 'telegram-k', title: 'Robotics Club 🤖', url: 'https://web.telegram.org/k/#-1001987654321' };

/**
 * The background: the real message handler with the real parser. Answers wait until `release()` (a service worker
 * answers some time later), or fail while `failing` is set.
 */
function fakeBackground() {
  const handle = createMessageHandler({
    extensionId: 'our-extension',
    loadConversations: () => Promise.resolve({}),
    saveConversations: () => Promise.resolve(),
    retentionDays: () => Promise.resolve(30),
    setBadge: () => Promise.resolve(),
    setTabState: () => Promise.resolve(),
    now: () => 0,
    parseSentences,
  });
  const requests: string[][] = [];
  let held: Array<() => void> = [];
  const background = {
    requests,
    failing: false,
    send: async (message: ParseSentences): Promise<unknown> => {
      requests.push(message.texts);
      await new Promise<void>((done) => held.push(done));
      if (background.failing) throw new Error('Could not establish connection. Receiving end does not exist.');
      return handle(message, { id: 'our-extension', tab: { id: 1 } });
    },
    /** Let every held request be answered. */
    release() {
      const waiting = held;
      held = [];
      for (const done of waiting) done();
    },
  };
  return background;
}

function engineWith(sentences: RemoteSentences) {
  return createBundledEngine(SETTINGS, [skipToMeet], sentences.parse);
}

/**
 * Every module the content script loads (value imports, followed from entrypoints/content.ts), and the packages they
 * name. Type-only imports are left out: they are erased from the bundle.
 */
function contentScriptImports(): { files: string[]; packages: string[] } {
  const root = resolve(import.meta.dirname, '../..');
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    const source = readFileSync(file, 'utf8');
    for (const [, typeOnly, target] of source.matchAll(/^(?:import|export)\s+(type\s+)?(?:[\w$*{}\s,]+?\s+from\s+)?['"]([^'"]+)['"]/gm)) {
      if (typeOnly) continue;
      if (!target.startsWith('.')) {
        packages.add(target);
        continue;
      }
      const base = resolve(dirname(file), target);
      const found = [`${base}.ts`, `${base}/index.ts`, base].find((candidate) => existsSync(candidate) && candidate.endsWith('.ts'));
      if (found) visit(found);
    }
  };
  visit(resolve(root, 'entrypoints/content.ts'));
  return { files: [...files].map((file) => relative(root, file)), packages: [...packages] };
}

describe('the content script', () => {
  it('loads neither compromise nor the engine entry that brings it', () => {
    const { files, packages } = contentScriptImports();
    expect(files).toContain('lib/engine/core.ts');
    expect(files).toContain('lib/content/remote-sentences.ts');
    expect(files).not.toContain('lib/engine/index.ts');
    expect(files).not.toContain('lib/engine/sentences.ts');
    expect(packages).not.toContain('compromise');
  });

  it('may ask for any text the engine parses: a whole analysis window', () => {
    expect(MAX_PARSE_TEXT_CHARS).toBe(WINDOW_CHARS);
  });
});

describe('the core engine without a parser', () => {
  it('finds nothing in either example yet, and says a parse is pending', () => {
    const bundled = loadBundledRules();
    const engine = createEngine({ ...bundled, rules: [...bundled.rules, skipToMeet] }, { sensitivity: 'balanced' });
    for (const text of [REQUEST, NEGATED]) {
      expect(engine.conversation().add({ id: 'x', from: 'other', text })).toMatchObject({ grammarPending: true, findings: [] });
    }
  });
});

describe('remote sentences', () => {
  it('answers from its cache only, and asks the background for what the engine missed', async () => {
    const background = fakeBackground();
    const sentences = createRemoteSentences(background.send);
    expect(sentences.parse(REQUEST)).toBeUndefined();
    expect(sentences.missingFor([REQUEST, ''])).toEqual([REQUEST]);
    expect(sentences.ready(REQUEST)).toBe(false);
    const answered = sentences.request([REQUEST]);
    background.release();
    expect(await answered).toBe(true);
    expect(background.requests).toEqual([[REQUEST]]);
    expect(sentences.parse(REQUEST)).toEqual(parseSentences(REQUEST));
    expect(sentences.missingFor([REQUEST])).toEqual([]);
    expect(sentences.ready(REQUEST)).toBe(true);
  });

  it('asks for at most 20 texts at a time, none empty or longer than a window', async () => {
    const asked: ParseSentences[] = [];
    const sentences = createRemoteSentences((message) => {
      asked.push(message);
      return Promise.resolve({ ok: true, sentences: message.texts.map(() => []) });
    });
    const texts = Array.from({ length: 30 }, (_, i) => `text ${i}`);
    expect(await sentences.request(['', 'x'.repeat(4001), ...texts])).toBe(true);
    expect(asked).toEqual([{ type: 'parse-sentences', texts: texts.slice(0, MAX_PARSE_TEXTS) }]);
    expect(sentences.missingFor(texts)).toEqual(texts.slice(MAX_PARSE_TEXTS));
    expect(await sentences.request(['', 'x'.repeat(4001)])).toBe(false);
    expect(asked).toHaveLength(1);
  });

  it('rejects an answer that is not a valid parse of the texts asked, and keeps them missing', async () => {
    const good = parseSentences(REQUEST);
    const answers: unknown[] = [
      { ok: false, error: 'invalid message' },
      { ok: true },
      { ok: true, sentences: [] }, // one list per text
      { ok: true, sentences: [good, good] },
      { ok: true, sentences: [[{ ...good[0], end: REQUEST.length + 1 }]] }, // beyond the text
      { ok: true, sentences: [[{ ...good[0], negations: [1.5] }]] },
      { ok: true, sentences: [[{ ...good[0], clauses: [{ start: 9, end: 2 }] }]] },
      { ok: true, sentences: [[{ ...good[0], extra: true }]] },
      undefined, // no listener answered
    ];
    for (const answer of answers) {
      const sentences = createRemoteSentences(() => Promise.resolve(answer));
      expect(await sentences.request([REQUEST]), JSON.stringify(answer)).toBe(false);
      expect(sentences.missingFor([REQUEST])).toEqual([REQUEST]);
    }
    const throwing = createRemoteSentences(() => {
      throw new Error('Extension context invalidated.');
    });
    expect(await throwing.request([REQUEST])).toBe(false);
  });

  it('for a long message, asks for the windows the engine asked for', async () => {
    const background = fakeBackground();
    const sentences = createRemoteSentences(background.send);
    const long = `${'blah '.repeat(1000)}${REQUEST} ${'more '.repeat(400)}`;
    const conversation = engineWith(sentences).conversation();
    const first = conversation.add({ id: 'long', from: 'other', text: long });
    expect(first.grammarPending).toBe(true);
    const windows = sentences.missingFor([long]);
    expect(windows.length).toBeGreaterThan(0);
    for (const window of windows) {
      expect(window.length).toBeLessThanOrEqual(4000);
      expect(long.includes(window)).toBe(true);
    }
    const answered = sentences.request(windows);
    background.release();
    expect(await answered).toBe(true);
    expect(sentences.ready(long)).toBe(true);
    const again = conversation.recheck({ id: 'long', from: 'other', text: long });
    expect(again?.findings.map((f) => f.ruleId)).toEqual([skipToMeet.id]);
    expect(long.slice(again!.findings[0].start, again!.findings[0].end)).toBe('cut practice to meet me');
  });

  it('keeps a bounded number of parsed texts', async () => {
    const sentences = createRemoteSentences((message) => Promise.resolve({ ok: true, sentences: message.texts.map(() => []) }), 2);
    await sentences.request(['a', 'b', 'c']);
    expect(sentences.missingFor(['a', 'b', 'c'])).toEqual(['a']);
  });
});

describe('ChatSession with pending grammar checks', () => {
  const messages = [
    { id: 'm1', from: 'other' as const, text: 'hey whats up', ts: 1_000 },
    { id: 'm2', from: 'self' as const, text: 'not much, practice later', ts: 2_000 },
    { id: 'm3', from: 'other' as const, text: REQUEST, ts: 3_000 },
    { id: 'm4', from: 'other' as const, text: 'it will be fun', ts: 4_000 },
  ];

  async function answered(background: ReturnType<typeof fakeBackground>, sentences: RemoteSentences, texts: string[]): Promise<void> {
    const request = sentences.request(sentences.missingFor(texts));
    background.release();
    expect(await request).toBe(true);
  }

  it('finds nothing until the parse arrives, then reports the message with its context and warns', async () => {
    const background = fakeBackground();
    const sentences = createRemoteSentences(background.send);
    const session = new ChatSession(engineWith(sentences), 3, () => 42);
    const first = session.process(ref, messages);
    expect(first).toMatchObject({ flagged: [], warn: false, report: null, pending: ['m3'] });
    expect(session.pendingTexts(ref.key)).toEqual([REQUEST]);
    // Nothing parsed yet: a recheck of what is ready changes nothing.
    expect(session.recheck(ref, sentences.ready)).toMatchObject({ flagged: [], warn: false, report: null });

    await answered(background, sentences, session.pendingTexts(ref.key));
    const update = session.recheck(ref, sentences.ready);
    expect(update.flagged.map((f) => [f.message.id, f.findings.map((x) => x.ruleId)])).toEqual([['m3', [skipToMeet.id]]]);
    expect(update.warn).toBe(true);
    expect(update.risk).toMatchObject({ level: 'medium', alert: true });
    expect(update.pending).toEqual([]);
    const report = update.report as ScanReport;
    expect(report.messages.map((m) => m.id)).toEqual(['m1', 'm2', 'm3', 'm4']);
    expect(report.messages.find((m) => m.id === 'm3')?.findings.map((f) => f.matched)).toEqual(['cut practice to meet me']);
    expect(report.risk.level).toBe('medium');
    expect(session.pendingTexts(ref.key)).toEqual([]);
    // Checked once: nothing more to do.
    expect(session.recheck(ref, sentences.ready)).toMatchObject({ flagged: [], warn: false, report: null });
  });

  it('stays quiet for a negated request once the parse arrives', async () => {
    const background = fakeBackground();
    const sentences = createRemoteSentences(background.send);
    const session = new ChatSession(engineWith(sentences), 3);
    session.process(ref, [{ id: 'n1', from: 'other', text: NEGATED }]);
    await answered(background, sentences, session.pendingTexts(ref.key));
    const update = session.recheck(ref, sentences.ready);
    expect(update).toMatchObject({ flagged: [], warn: false, report: null, pending: [] });
    expect(update.risk.level).toBe('none');
    expect(session.pendingTexts(ref.key)).toEqual([]);
  });

  it('later reports carry the findings of a message flagged by a recheck, never its plain copy', async () => {
    const background = fakeBackground();
    const sentences = createRemoteSentences(background.send);
    const session = new ChatSession(engineWith(sentences), 3);
    session.process(ref, messages.slice(2)); // m3 waits, m4 is plain context
    await answered(background, sentences, session.pendingTexts(ref.key));
    session.recheck(ref, sentences.ready);
    const later = session.process(ref, [{ id: 'm5', from: 'other', text: "don't tell your parents about us", ts: 5_000 }]);
    const m3 = later.report?.messages.find((m) => m.id === 'm3');
    expect(later.flagged.map((f) => f.message.id)).toEqual(['m5']);
    expect(m3?.findings.map((f) => f.ruleId)).toEqual([skipToMeet.id]);
  });

  it('forgets the old text of an edited message', async () => {
    const background = fakeBackground();
    const sentences = createRemoteSentences(background.send);
    const session = new ChatSession(engineWith(sentences), 3);
    session.process(ref, [{ id: 'e1', from: 'other', text: REQUEST }]);
    session.process(ref, [{ id: 'e1', from: 'other', text: 'nvm, see you at practice' }]);
    expect(session.pendingTexts(ref.key)).toEqual([]);
    await answered(background, sentences, [REQUEST]);
    expect(session.recheck(ref, sentences.ready).flagged).toEqual([]);
  });
});

describe('page scanner with the background parsing', () => {
  interface Harness {
    page: LoadedPage;
    scanner: PageScanner;
    background: ReturnType<typeof fakeBackground>;
    sent: ProtocolMessage[];
    warnings: WarnEvent[];
    marks: Element[][];
    controller: AbortController;
  }
  let current: Harness | null = null;
  afterEach(async () => {
    current?.controller.abort();
    await current?.page.close();
    current = null;
  });

  function start(): Harness {
    const expected = readExpected('telegram-k');
    const page = loadPage(readPage('telegram-k'), expected.url);
    const background = fakeBackground();
    const sentences = createRemoteSentences(background.send);
    const sent: ProtocolMessage[] = [];
    const warnings: WarnEvent[] = [];
    const marks: Element[][] = [];
    const controller = new AbortController();
    const scanner = startPageScanner({
      doc: page.document,
      adapter: telegramKAdapter,
      session: new ChatSession(engineWith(sentences), 3),
      send: (message) => sent.push(message),
      warn: (event) => warnings.push(event),
      mark: (elements) => marks.push([...elements]),
      signal: controller.signal,
      batchDelay: 5,
      now: () => Date.parse('2026-05-10T23:00:00Z'),
      sentences,
    });
    current = { page, scanner, background, sent, warnings, marks, controller };
    return current;
  }

  function append(page: LoadedPage, mid: string, text: string): void {
    const group = page.document.querySelector('.bubbles-inner section.bubbles-date-group')!;
    const holder = page.document.createElement('div');
    holder.className = 'bubbles-group';
    holder.innerHTML = `<div data-mid="${mid}" data-peer-id="-1001987654321" data-timestamp="1778403600" class="bubble is-in"><div class="bubble-content-wrapper"><div class="bubble-content"><div class="message" dir="auto"><span class="translatable-message">${text}</span><span class="time"><span class="i18n">09:00</span></span></div></div></div></div>`;
    group.append(holder);
  }

  const reports = (sent: ProtocolMessage[]): ScanReport[] => sent.filter((m): m is ScanReport => m.type === 'scan-report');
  const settledWithin = async (scanner: PageScanner, ms: number): Promise<boolean> =>
    Promise.race([scanner.settled().then(() => true), new Promise<boolean>((done) => setTimeout(() => done(false), ms))]);

  it('asks the background, waits for its answer in settled(), then reports, marks and warns like a batch', async () => {
    const { page, scanner, background, sent, warnings, marks } = start();
    await scanner.settled();
    append(page, '7001', REQUEST);
    await vi.waitFor(() => expect(background.requests).toEqual([[REQUEST]]));
    // The first answer of the engine: nothing found yet, nothing reported.
    expect(warnings).toEqual([]);
    expect(reports(sent)).toEqual([]);
    expect(await settledWithin(scanner, 50)).toBe(false); // settled() waits for the parse
    background.release();
    await scanner.settled();
    expect(warnings).toHaveLength(1);
    expect(warnings[0].findings.map((f) => f.ruleId)).toEqual([skipToMeet.id]);
    expect(warnings[0].risk.alert).toBe(true);
    const [report] = reports(sent);
    expect(report.conversation.key).toBe('telegram-k:-1001987654321');
    expect(report.messages.map((m) => m.id)).toEqual(['4203', '4204', '4205', '7001']);
    expect(report.messages.at(-1)?.findings.map((f) => f.matched)).toEqual(['cut practice to meet me']);
    expect(marks.at(-1)?.map((e) => e.getAttribute('data-mid'))).toEqual(['7001']);
    expect(background.requests).toHaveLength(1);
  });

  it('stays quiet for a negated request', async () => {
    const { page, scanner, background, sent, warnings } = start();
    await scanner.settled();
    append(page, '7002', NEGATED);
    await vi.waitFor(() => expect(background.requests).toEqual([[NEGATED]]));
    background.release();
    await scanner.settled();
    expect(warnings).toEqual([]);
    expect(reports(sent)).toEqual([]);
  });

  it('keeps one request in flight; messages that arrive meanwhile are asked for after it', async () => {
    const { page, scanner, background, warnings } = start();
    await scanner.settled();
    append(page, '7003', NEGATED);
    await vi.waitFor(() => expect(background.requests).toHaveLength(1));
    append(page, '7004', REQUEST);
    await new Promise((done) => setTimeout(done, 40)); // the batch with 7004 ran, its request waits
    expect(background.requests).toEqual([[NEGATED]]);
    background.release();
    await vi.waitFor(() => expect(background.requests).toEqual([[NEGATED], [REQUEST]]));
    background.release();
    await scanner.settled();
    expect(warnings.map((w) => w.findings.map((f) => f.ruleId))).toEqual([[skipToMeet.id]]);
  });

  it('leaves the message pending when the background does not answer, and asks again after the next batch', async () => {
    const { page, scanner, background, warnings } = start();
    await scanner.settled();
    background.failing = true;
    append(page, '7005', REQUEST);
    await vi.waitFor(() => expect(background.requests).toHaveLength(1));
    background.release();
    await scanner.settled();
    expect(warnings).toEqual([]);
    background.failing = false;
    append(page, '7006', 'ok see you');
    await vi.waitFor(() => expect(background.requests).toEqual([[REQUEST], [REQUEST]]));
    background.release();
    await scanner.settled();
    expect(warnings).toHaveLength(1);
  });

  it('does nothing with an answer that arrives after the extension was reloaded', async () => {
    const { page, scanner, background, sent, warnings, controller } = start();
    await scanner.settled();
    append(page, '7007', REQUEST);
    await vi.waitFor(() => expect(background.requests).toHaveLength(1));
    controller.abort();
    await scanner.settled(); // resolves at once after abort
    const sentBefore = sent.length;
    background.release();
    await new Promise((done) => setTimeout(done, 40));
    expect(warnings).toEqual([]);
    expect(sent).toHaveLength(sentBefore);
  });
});
