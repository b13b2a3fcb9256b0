/**
 * The content script bundles no detection engine: it reads the page and sends the messages to the background, which
 * analyses them with the full engine, sentence parser (compromise) included. So a grammar check (an imported rule
 * with a `grammar` block, as a parent can import in the options page; no bundled rule has one today) is decided in
 * the background, at once: "no you should cut practice to meet me" is a request, "I would never ask you to cut
 * practice to meet me" is not.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createMessageHandler } from '../../lib/background/handler';
import { ChatSession } from '../../lib/background/session';
import { startPageScanner, type PageScanner, type WarnEvent } from '../../lib/content/page-scanner';
import type { Rule } from '../../lib/engine';
import { createBundledEngine } from '../../lib/extension/bundled-engine';
import type { AnalyzeResponse } from '../../lib/protocol';
import { telegramKAdapter } from '../../lib/sites/telegram-k';
import { localAnalyzer, type LocalAnalyzer } from './local-analyzer';
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

const SETTINGS = { sensitivity: 'balanced', disabledCategories: [], languages: ['en', 'vi'], contextMessages: 3 } as const;
const ref = { key: 'telegram-k:-1001987654321', site: 'telegram-k', title: 'Robotics Club 🤖', url: 'https://web.telegram.org/k/#-1001987654321' };

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
  it('loads nothing of the detection engine, no compromise and no zod', () => {
    const { files, packages } = contentScriptImports();
    expect(files).toContain('lib/content/page-scanner.ts');
    expect(files).toContain('lib/content/remote-analyzer.ts');
    expect(files.filter((file) => file.startsWith('lib/engine/'))).toEqual([]);
    expect(files).not.toContain('lib/extension/bundled-engine.ts');
    expect(files).not.toContain('lib/background/session.ts');
    // The protocol's schemas and the storage schemas are zod: the background validates, the content script does not.
    expect(files).not.toContain('lib/protocol.ts');
    expect(files).not.toContain('lib/storage/schema.ts');
    expect(packages).not.toContain('compromise');
    expect(packages).not.toContain('zod');
    expect(packages.filter((name) => name.startsWith('virtual:'))).toEqual([]);
  });
});

describe('a grammar check, decided in the background', () => {
  it('the bundled engine (the background\'s) flags the request and not the negated one', () => {
    const engine = createBundledEngine(SETTINGS, [skipToMeet]);
    expect(engine.analyze(REQUEST).map((f) => [f.ruleId, f.matched])).toEqual([[skipToMeet.id, 'cut practice to meet me']]);
    expect(engine.analyze(NEGATED)).toEqual([]);
  });

  it('answers an analyze-messages request with the finding, the risk and a warning', async () => {
    let stored = {};
    const handle = createMessageHandler({
      extensionId: 'our-extension',
      loadConversations: () => Promise.resolve(stored),
      saveConversations: (value) => {
        stored = value;
        return Promise.resolve();
      },
      retentionDays: () => Promise.resolve(30),
      setBadge: () => Promise.resolve(),
      setTabState: () => Promise.resolve(),
      now: () => 1_750_000_000_000,
      analysis: { engineInputs: () => Promise.resolve({ settings: SETTINGS, customRules: [skipToMeet] }), createEngine: ({ settings, customRules }) => createBundledEngine(settings, customRules) },
    });
    const request = (seq: number, id: string, text: string) => ({ type: 'analyze-messages', scanId: 'scan-1', seq, conversation: ref, messages: [{ id, from: 'other', text }] });
    const negated = (await handle(request(0, 'n1', NEGATED), { id: 'our-extension', tab: { id: 1 } })) as AnalyzeResponse;
    expect(negated).toMatchObject({ ok: true, analysis: { warn: false, flagged: [], risk: { level: 'none' } } });
    const asked = (await handle(request(1, 'r1', REQUEST), { id: 'our-extension', tab: { id: 1 } })) as AnalyzeResponse;
    expect(asked).toMatchObject({ ok: true, analysis: { warn: true, risk: { alert: true } } });
    if (asked.ok && 'analysis' in asked) expect(asked.analysis.flagged.map((f) => [f.id, f.findings.map((x) => x.matched)])).toEqual([['r1', ['cut practice to meet me']]]);
  });
});

describe('page scanner with the background analysing', () => {
  interface Harness {
    page: LoadedPage;
    scanner: PageScanner;
    analyzer: LocalAnalyzer;
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
    const analyzer = localAnalyzer(new ChatSession(createBundledEngine(SETTINGS, [skipToMeet]), 3));
    const warnings: WarnEvent[] = [];
    const marks: Element[][] = [];
    const controller = new AbortController();
    const scanner = startPageScanner({
      doc: page.document,
      adapter: telegramKAdapter,
      analyzer,
      send: () => undefined,
      warn: (event) => warnings.push(event),
      mark: (elements) => marks.push([...elements]),
      signal: controller.signal,
      batchDelay: 5,
      now: () => Date.parse('2026-05-10T23:00:00Z'),
    });
    current = { page, scanner, analyzer, warnings, marks, controller };
    return current;
  }

  function append(page: LoadedPage, mid: string, text: string): void {
    const group = page.document.querySelector('.bubbles-inner section.bubbles-date-group')!;
    const holder = page.document.createElement('div');
    holder.className = 'bubbles-group';
    holder.innerHTML = `<div data-mid="${mid}" data-peer-id="-1001987654321" data-timestamp="1778403600" class="bubble is-in"><div class="bubble-content-wrapper"><div class="bubble-content"><div class="message" dir="auto"><span class="translatable-message">${text}</span><span class="time"><span class="i18n">09:00</span></span></div></div></div></div>`;
    group.append(holder);
  }

  it('warns, marks and reports the request with its context', async () => {
    const { page, scanner, analyzer, warnings, marks } = start();
    await scanner.settled();
    append(page, '7001', REQUEST);
    await scanner.settled();
    expect(warnings).toHaveLength(1);
    expect(warnings[0].findings.map((f) => f.ruleId)).toEqual([skipToMeet.id]);
    expect(warnings[0].risk.alert).toBe(true);
    const report = analyzer.reports.at(-1);
    expect(report?.conversation.key).toBe('telegram-k:-1001987654321');
    expect(report?.messages.map((m) => m.id)).toEqual(['4203', '4204', '4205', '7001']);
    expect(report?.messages.at(-1)?.findings.map((f) => f.matched)).toEqual(['cut practice to meet me']);
    expect(marks.at(-1)?.map((e) => e.getAttribute('data-mid'))).toEqual(['7001']);
  });

  it('stays quiet for a negated request', async () => {
    const { page, scanner, analyzer, warnings } = start();
    await scanner.settled();
    append(page, '7002', NEGATED);
    await scanner.settled();
    expect(analyzer.requests.at(-1)?.messages.map((m) => m.text)).toEqual([NEGATED]);
    expect(warnings).toEqual([]);
    expect(analyzer.reports).toEqual([]);
  });
});
