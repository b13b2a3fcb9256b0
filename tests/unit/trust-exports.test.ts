/**
 * Trust, points 2 and 4 for files: hostile message text stays text in every export (JSON, CSV, printable HTML),
 * every export format round-trips (also through a UTF-8 file), the report verifier and the chat-export parsers
 * answer random or truncated bytes with a clear result or error, never a crash, and in linear time.
 */
import fc from 'fast-check';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Window } from 'happy-dom';
import { describe, expect, it } from 'vitest';
import { ExportParseError, parseExportBytes, type ExportFormat } from '../../lib/exports';
import { buildReport, CSV_COLUMNS, parseCsv, ReportSchema, toCsv, toJson, toPrintableHtml, unsafeCell, verifyReport } from '../../lib/report';
import type { StoredConversation, StoredMessage } from '../../lib/storage/schema';
import { HOSTILE_TEXTS } from '../fixtures/hostile/payloads';
import { finding } from '../fixtures/report/conversations';

const T0 = Date.UTC(2025, 6, 1, 12);
const options = { language: 'en' as const, generator: 'cli' as const, generatorVersion: '0.1.0', now: T0 + 3_600_000, timeZone: 'UTC' };

function conversationOf(key: string, texts: readonly string[], extra: Partial<StoredConversation> = {}): StoredConversation {
  const messages: StoredMessage[] = texts.map((text, i) => {
    const words = text.includes("don't tell") ? "don't tell" : text.slice(0, Math.min(4, text.length));
    return {
      id: `m${i}`,
      from: i % 3 === 2 ? 'self' : 'other',
      text,
      ts: T0 + i * 60_000,
      seenAt: T0 + i * 60_000 + 1,
      sender: i % 3 === 2 ? 'Lan' : `<b onclick="window.__pwned=1">Jay</b> ${'\u202E'}`,
      findings: words ? [finding(text, words, 'secrecy', 'en-secrecy-test')] : [],
    };
  });
  return {
    key,
    site: 'demo',
    title: `<img src=x onerror="window.__pwned='title'"> ${'\u202E'}Jay`,
    url: `javascript:window.__pwned='url'`,
    firstSeen: T0,
    updatedAt: T0 + texts.length * 60_000,
    risk: { level: 'high', score: 11, alert: true, categories: ['secrecy'], reasons: [] },
    peakLevel: 'high',
    saved: true,
    savedAt: T0,
    messages,
    ...extra,
  };
}

async function allExports(conversations: StoredConversation[]) {
  const report = await buildReport(conversations, options);
  return { report, json: await toJson(report), csv: await toCsv(report), html: await toPrintableHtml(report) };
}

/** Through a file: what the report page's download and a later `not-alone verify` see. */
const throughUtf8 = (text: string): string => new TextDecoder().decode(new TextEncoder().encode(text));

function parseHtml(html: string): Document {
  const window = new Window();
  return new window.DOMParser().parseFromString(html, 'text/html') as unknown as Document;
}

describe('hostile text in exports stays text', () => {
  const texts = Object.values(HOSTILE_TEXTS);
  const conversation = conversationOf('demo:hostile', texts);

  it('printable HTML: no script, handler, link, image, frame or style comes from a message, and every text reads back exactly', async () => {
    const { html } = await allExports([conversation]);
    const doc = parseHtml(html);
    const scripts = [...doc.querySelectorAll('script')];
    expect(scripts.map((s) => [s.getAttribute('type'), s.id])).toEqual([['application/json', 'not-alone-integrity']]);
    expect(() => JSON.parse(scripts[0].textContent ?? '') as unknown).not.toThrow();
    expect(doc.querySelectorAll('img, iframe, object, embed, link, a[href], [src], [href], form, base, meta[http-equiv="refresh"]')).toHaveLength(0);
    expect(doc.querySelectorAll('style')).toHaveLength(1);
    expect(doc.querySelector('svg:not(.timeline)')).toBeNull();
    const handlers = [...doc.querySelectorAll('*')].flatMap((el) => [...el.attributes].map((a) => a.name)).filter((name) => name.startsWith('on'));
    expect(handlers).toEqual([]);
    expect(doc.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content')).toMatch(/default-src 'none'/);
    const shown = [...doc.querySelectorAll('li.msg p.text')].map((p) => p.textContent);
    expect(shown).toEqual(texts.map((t) => t.toWellFormed()));
    expect(doc.querySelector('section.conversation h2')?.textContent).toContain(conversation.title);
  });

  it('JSON: every text is a string equal to the original', async () => {
    const { json } = await allExports([conversation]);
    const parsed = ReportSchema.parse(JSON.parse(json));
    expect(parsed.conversations[0].messages.map((m) => m.text)).toEqual(texts.map((t) => t.toWellFormed()));
    expect(parsed.conversations[0].title).toBe(conversation.title);
  });

  it('CSV: every text reads back exactly, and no cell can start a spreadsheet formula', async () => {
    const { csv } = await allExports([conversation]);
    const rows = parseCsv(csv);
    const textColumn = CSV_COLUMNS.indexOf('text');
    const body = rows.slice(1, 1 + texts.length);
    expect(body.map((row) => unsafeCell(row[textColumn]))).toEqual(texts.map((t) => t.toWellFormed()));
    for (const row of rows) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('a 20,000-character hostile message (the stored maximum) exports and verifies in every format', async () => {
    const big = (HOSTILE_TEXTS.script + ' ').repeat(300).slice(0, 20_000);
    const { json, csv, html } = await allExports([conversationOf('demo:big', [big])]);
    for (const [file, name] of [[json, 'r.json'], [csv, 'r.csv'], [html, 'r.html']] as const) {
      expect((await verifyReport(throughUtf8(file), name)).ok, name).toBe(true);
    }
    expect([...parseHtml(html).querySelectorAll('li.msg p.text')].map((p) => p.textContent)).toEqual([big]);
  });
});

describe('every export format round-trips (property)', () => {
  const text = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 120 }),
    fc.string({ unit: 'grapheme', maxLength: 60 }),
    fc.constantFrom(...Object.values(HOSTILE_TEXTS)),
    fc.array(fc.constantFrom('<', '>', '&', '"', "'", '\r', '\n', '\r\n', ',', '=', '\u202E', '\uD800', '\uDC00', '😀', 'a', ' '), { maxLength: 40 }).map((a) => a.join('')),
  );
  const conversations = fc.array(
    fc.record({ id: fc.string({ minLength: 1, maxLength: 20 }), title: text, texts: fc.array(text, { minLength: 1, maxLength: 4 }) }),
    { minLength: 1, maxLength: 3 },
  );

  it('JSON, CSV and printable HTML each verify, also after going through a UTF-8 file, and keep every text', async () => {
    await fc.assert(
      fc.asyncProperty(conversations, async (list) => {
        const stored = list.map((c, i) => conversationOf(`demo:${i}-${c.id}`, c.texts, { title: c.title }));
        const { report, json, csv, html } = await allExports(stored);
        for (const [file, name] of [[json, 'r.json'], [csv, 'r.csv'], [html, 'r.html']] as const) {
          const direct = await verifyReport(file, name);
          if (!direct.ok) throw new Error(`${name}: ${JSON.stringify(direct.problems)}`);
          const viaFile = await verifyReport(throughUtf8(file), name);
          if (!viaFile.ok) throw new Error(`${name} through UTF-8: ${JSON.stringify(viaFile.problems)}`);
          expect(viaFile.records).toBe(report.summary.messages);
        }
        const reread = ReportSchema.parse(JSON.parse(json));
        expect(reread.conversations.map((c) => c.messages.map((m) => m.text))).toEqual(report.conversations.map((c) => c.messages.map((m) => m.text)));
        // The report keeps each text as stored, made well-formed (a lone surrogate cannot be written to a file).
        expect(report.conversations.map((c) => c.messages.map((m) => m.text))).toEqual(stored.map((c) => c.messages.map((m) => m.text.toWellFormed())));
      }),
      { numRuns: 40 },
    );
  });
});

describe('files from outside never crash the readers', () => {
  const sample = async () => allExports([conversationOf('demo:s', ["don't tell your parents", 'ok', HOSTILE_TEXTS.csv])]);

  it('verifyReport answers truncated, mutated and random files with problems, never an exception', async () => {
    const { json, csv, html } = await sample();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom([json, 'r.json'], [csv, 'r.csv'], [html, 'r.html'], ['', 'r.txt']),
        fc.nat(),
        fc.oneof(fc.constant(''), fc.string({ unit: 'binary', maxLength: 20 })),
        async ([file, name], cut, insert) => {
          const at = cut % (file.length + 1);
          const damaged = file.slice(0, at) + insert;
          const result = await verifyReport(damaged, name);
          expect(typeof result.ok).toBe('boolean');
          // (A JSON report may lose or gain whitespace at its end: it is the same document; see above.)
          const same = damaged === file || (name === 'r.json' && damaged.trimEnd() === file.trimEnd() && damaged.length >= file.length - 1);
          if (!same) expect(result.ok).toBe(false);
          if (!result.ok) expect(result.problems.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('verifyReport finds every file cut short near its end, down to the last line break (CSV, printable)', async () => {
    const { json, csv, html } = await sample();
    for (const [file, name] of [[csv, 'r.csv'], [html, 'r.html']] as const) {
      expect((await verifyReport(file, name)).ok, name).toBe(true);
      // The last 40 cuts: inside the last cell or tag, before the closing quote, between \r and \n.
      for (let at = file.length - 40; at < file.length; at++) {
        const result = await verifyReport(file.slice(0, at), name);
        expect(result.ok, `${name} cut at ${at} of ${file.length} (lost ${JSON.stringify(file.slice(at))})`).toBe(false);
        expect(result.problems.length).toBeGreaterThan(0);
      }
    }
    // JSON is read by its structure: a cut anywhere before the last line break breaks it; the line break itself is
    // whitespace, as free to change as the indentation (see "passes a re-indented JSON export").
    for (let at = json.length - 40; at < json.length - 1; at++) expect((await verifyReport(json.slice(0, at), 'r.json')).ok).toBe(false);
    expect((await verifyReport(json.slice(0, -1), 'r.json')).ok).toBe(true);
  });

  it('verifyReport reads a tampered printable report without closing tags in linear time', async () => {
    const { html } = await sample();
    // A closed item with a 100,000-letter attribute name and 50,000 unclosed marks, then 50,000 items that never close.
    const closed = `<li class="msg other" data-from="other" data-findings="" ${'a'.repeat(100_000)}><p class="text" data-field="text">${'<mark'.repeat(50_000)}</p></li>`;
    const tampered = html.replace('</main>', closed + '/li><li class="msg">'.repeat(50_000) + '</main>');
    const started = performance.now();
    const result = await verifyReport(tampered, 'r.html');
    expect(result.ok).toBe(false);
    // Quadratic before (lib/report/verify.ts): seconds for each of the three.
    expect(performance.now() - started).toBeLessThan(1500);
  });

  const FIXTURES = join(import.meta.dirname, '../fixtures/exports');
  const files = readdirSync(FIXTURES).flatMap((dir) =>
    statSync(join(FIXTURES, dir)).isDirectory()
      ? readdirSync(join(FIXTURES, dir))
          .filter((name) => /\.(txt|json|csv)$/i.test(name) && name !== 'SOURCE.txt' && name !== 'target.json')
          .map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(FIXTURES, dir, name))) }))
      : [],
  );
  const FORMATS: Array<ExportFormat | 'auto'> = ['auto', 'whatsapp', 'signal', 'telegram', 'messenger', 'instagram', 'discord'];

  /** The parser either reads the bytes or says why not, with an ExportParseError naming the file. */
  function parsesOrExplains(name: string, bytes: Uint8Array, format: ExportFormat | 'auto'): void {
    try {
      const parsed = parseExportBytes(name, bytes, format);
      for (const conversation of parsed.conversations) for (const message of conversation.messages) expect(typeof message.text).toBe('string');
    } catch (error) {
      if (!(error instanceof ExportParseError)) throw new Error(`${name} (${format}): ${String(error)}`, { cause: error });
      expect(error.message.startsWith(name)).toBe(true);
    }
  }

  it('has real export samples to mutate', () => {
    expect(files.length).toBeGreaterThan(5);
  });

  it('chat-export parsers answer truncated and mutated exports with a result or a clear error (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...files),
        fc.constantFrom(...FORMATS),
        fc.nat(),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        ({ name, bytes }, format, cut, flips) => {
          const damaged = bytes.slice(0, cut % (bytes.length + 1));
          for (const [at, value] of flips) if (damaged.length) damaged[at % damaged.length] = value;
          parsesOrExplains(name, damaged, format);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('chat-export parsers answer random bytes with a result or a clear error (property)', () => {
    const names = ['WhatsApp Chat with Anna.txt', 'result.json', 'message_1.json', 'messages.csv', 'chat.txt', 'x.bin'];
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.constantFrom(...FORMATS), fc.uint8Array({ maxLength: 400 }), (name, format, bytes) => {
        parsesOrExplains(name, bytes, format);
      }),
      { numRuns: 300 },
    );
    // JSON that parses but has the wrong shape everywhere.
    fc.assert(
      fc.property(fc.constantFrom('result.json', 'message_1.json', 'discord.json'), fc.constantFrom(...FORMATS), fc.jsonValue(), (name, format, value) => {
        parsesOrExplains(name, new TextEncoder().encode(JSON.stringify(value)), format);
      }),
      { numRuns: 300 },
    );
  });
});
