/** The shared report format: builder, writers, redaction and verification (lib/report). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildReport,
  parseCsv,
  ReportSchema,
  safeCell,
  findingsOnlyTracker,
  riskTimeline,
  selectContext,
  timelineGeometry,
  toCsv,
  toJson,
  toPrintableHtml,
  unsafeCell,
  verifyReport,
  CSV_COLUMNS,
  type BuildReportOptions,
} from '../../lib/report';
import type { StoredConversation } from '../../lib/storage/schema';
import { fakePolice, finding, hostile } from '../fixtures/report/conversations';

const options: BuildReportOptions = { language: 'en', generator: 'cli', generatorVersion: '0.1.0', now: Date.UTC(2025, 6, 2), timeZone: 'Asia/Ho_Chi_Minh' };

describe('buildReport', () => {
  it('builds a report that matches the schema, with summary, participants, timeline and hashes', async () => {
    const report = await buildReport([fakePolice], options);
    expect(ReportSchema.safeParse(report).success).toBe(true);
    expect(report.summary).toMatchObject({ conversations: 1, messages: 10, flaggedMessages: 3, highestLevel: 'critical' });
    const [conversation] = report.conversations;
    expect(conversation.participants).toEqual([
      { role: 'self', name: 'Lan', messageCount: 6 },
      { role: 'other', name: 'Cán bộ Minh', messageCount: 4 },
    ]);
    expect(conversation.timeline).toHaveLength(10);
    expect(conversation.timeline[9].score).toBeGreaterThan(conversation.timeline[0].score);
    expect(conversation.savedByUser).toBe(true);
    for (const message of conversation.messages) {
      expect(message.sha256).toMatch(/^[0-9a-f]{64}$/);
      for (const f of message.findings) expect(message.text.slice(f.start, f.end)).toBe(f.matched);
    }
    expect(report.integrity.contentSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is deterministic: the same input gives the same hashes', async () => {
    const a = await buildReport([fakePolice], options);
    const b = await buildReport([fakePolice], options);
    expect(a.integrity.contentSha256).toBe(b.integrity.contentSha256);
  });

  it('keeps a chosen number of context messages around flagged ones and counts the rest', async () => {
    expect(selectContext(fakePolice.messages, 0)).toEqual([2, 4, 6]);
    expect(selectContext(fakePolice.messages, 1)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(selectContext(fakePolice.messages, null)).toHaveLength(10);
    const report = await buildReport([fakePolice], { ...options, contextMessages: 1 });
    const [conversation] = report.conversations;
    expect(conversation.messages.map((m) => m.index)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(conversation.omittedMessageCount).toBe(3);
    expect(report.settings.contextMessages).toBe(1);
  });

  it('samples the risk timeline of long conversations, keeping flagged messages, and lays the chart out by position', () => {
    const messages = Array.from({ length: 5000 }, (_, i) => ({ ...fakePolice.messages[i === 4321 ? 4 : 0], id: `m${i}`, ts: i * 1000, seenAt: i * 1000 }));
    const timeline = riskTimeline({ messages }, findingsOnlyTracker('balanced'), 100);
    expect(timeline.length).toBeLessThanOrEqual(102);
    expect(timeline.map((p) => p.messageIndex)).toEqual(expect.arrayContaining([0, 4321, 4999]));
    const geometry = timelineGeometry(timeline, new Set([4321]), { width: 500, height: 100 });
    expect(geometry.dots).toHaveLength(1);
    expect(geometry.dots[0].x).toBeCloseTo(8 + (4321 * 484) / 4999, 0);
    expect(geometry.thresholds.map((t) => t.level)).toEqual(['critical', 'high', 'medium']);
  });

  it('gives a message the same record hash whatever the context, so exports can be cross-checked', async () => {
    const all = await buildReport([fakePolice], options);
    const some = await buildReport([fakePolice], { ...options, contextMessages: 0 });
    const hashOf = (r: typeof all, id: string) => r.conversations[0].messages.find((m) => m.id === id)?.sha256;
    expect(hashOf(some, 'p5')).toBe(hashOf(all, 'p5'));
  });
});

describe('redaction', () => {
  it('hides the own name everywhere when asked and numbers and addresses in the own messages only, keeping highlights right', async () => {
    const report = await buildReport([fakePolice], { ...options, redaction: { ownNames: ['Nguyễn Thị Lan', 'Lan'], nameScope: 'all', phones: true, emails: true } });
    const json = await toJson(report);
    expect(json).not.toContain('Lan"');
    expect(json).not.toContain('Nguyễn Thị Lan');
    expect(json).not.toContain('lan.nguyen@example.com');
    const [conversation] = report.conversations;
    const p1 = conversation.messages.find((m) => m.id === 'p1');
    const p2 = conversation.messages.find((m) => m.id === 'p2');
    // The other person's message keeps the number (it can be evidence) but loses the name.
    expect(p1?.text).toBe('Chào em, em là [name] đúng không? Số của em là 0912 345 678 phải không?');
    expect(p2?.text).toBe('Dạ đúng ạ, em là [name], email [email], sđt [phone]');
    expect(p2?.sender).toBe('[name]');
    expect(conversation.participants.find((p) => p.role === 'self')?.name).toBe('[name]');
    expect(report.settings.redaction).toEqual({ ownName: true, nameScope: 'all', phones: true, emails: true, scope: 'self' });
    for (const m of conversation.messages) for (const f of m.findings) expect(m.text.slice(f.start, f.end)).toBe(f.matched);
  });

  it('can hide numbers in every message, and moves finding offsets after a replacement', async () => {
    const text = 'call 0912 345 678 now, don\'t tell your parents';
    const conversation: StoredConversation = {
      ...fakePolice,
      messages: [{ id: 'x', from: 'other', text, seenAt: 1, findings: [finding(text, "don't tell your parents", 'secrecy', 'en-secrecy-x')] }],
    };
    const report = await buildReport([conversation], { ...options, redaction: { phones: true, scope: 'all' } });
    const [message] = report.conversations[0].messages;
    expect(message.text).toBe("call [phone] now, don't tell your parents");
    expect(message.findings[0].matched).toBe("don't tell your parents");
    expect(message.text.slice(message.findings[0].start, message.findings[0].end)).toBe("don't tell your parents");
  });

  it('does not treat dates or short numbers as phone numbers', async () => {
    const conversation: StoredConversation = { ...fakePolice, messages: [{ id: 'x', from: 'self', text: 'on 2025-07-01 at 19:05, room 1234', seenAt: 1, findings: [] }] };
    const report = await buildReport([conversation], { ...options, redaction: { phones: true } });
    expect(report.conversations[0].messages[0].text).toBe('on 2025-07-01 at 19:05, room 1234');
  });
});

describe('CSV', () => {
  it('makes formula cells safe and reverses it exactly', () => {
    for (const value of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx', "'x", 'plain', '']) {
      expect(unsafeCell(safeCell(value))).toBe(value);
      expect(safeCell(value)).not.toMatch(/^[=+\-@\t\r]/);
    }
  });

  it('writes one row per message with quotes, commas, newlines and formula starts made safe', async () => {
    const csv = await toCsv(await buildReport([hostile], options));
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const rows = parseCsv(csv);
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    const messages = rows.slice(1, -1);
    expect(messages).toHaveLength(hostile.messages.length);
    for (const row of messages) {
      expect(row).toHaveLength(CSV_COLUMNS.length);
      for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    }
    const text = CSV_COLUMNS.indexOf('text');
    expect(unsafeCell(messages[0][text])).toBe(hostile.messages[0].text);
    expect(messages[0][text].startsWith("'=HYPERLINK")).toBe(true);
    expect(unsafeCell(messages[1][text])).toBe(hostile.messages[1].text);
    expect(messages[0][CSV_COLUMNS.indexOf('sender')]).toBe("'-Jay <b>");
    expect(rows[rows.length - 1][0]).toBe('#not-alone-integrity');
  });
});

describe('printable HTML', () => {
  it('escapes every untrusted string', async () => {
    const html = await toPrintableHtml(await buildReport([hostile], options));
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('</li></p><mark>x');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    // The only scripts are the inert integrity block.
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).toContain('<script type="application/json" id="not-alone-integrity">');
    expect(html).toMatch(/Content-Security-Policy" content="default-src 'none'/);
    expect(html).toContain('<mark data-category="secrecy">don&#39;t tell your parents</mark>');
  });

  it('is written for a parent or police reader, in English or Vietnamese', async () => {
    const en = await toPrintableHtml(await buildReport([fakePolice], options));
    expect(en).toContain('What to do next');
    expect(en).toContain('111');
    expect(en).toContain('not-alone verify');
    const vi = await toPrintableHtml(await buildReport([fakePolice], { ...options, language: 'vi' }));
    expect(vi).toContain('<html lang="vi">');
    expect(vi).toContain('Nên làm gì tiếp theo');
    expect(vi).toContain('Tổng đài');
  });
});

describe('verifyReport', () => {
  const exports = async (conversations: StoredConversation[]) => {
    const report = await buildReport(conversations, options);
    return { json: await toJson(report), csv: await toCsv(report), html: await toPrintableHtml(report) };
  };

  it('passes untouched JSON, CSV and HTML exports', async () => {
    const { json, csv, html } = await exports([fakePolice, hostile]);
    for (const [text, name, format] of [
      [json, 'r.json', 'json'],
      [csv, 'r.csv', 'csv'],
      [html, 'r.html', 'html'],
    ] as const) {
      const result = await verifyReport(text, name);
      expect(result.problems).toEqual([]);
      expect(result).toMatchObject({ ok: true, format, records: 14, schemaVersion: 3 });
      // Without a file name the content decides.
      expect((await verifyReport(text)).format).toBe(format);
    }
  });

  it('passes a re-indented JSON export and one whose line ends were converted', async () => {
    const { json, csv, html } = await exports([fakePolice]);
    expect((await verifyReport(JSON.stringify(JSON.parse(json)), 'r.json')).ok).toBe(true);
    expect((await verifyReport(csv.replace(/\r\n/g, '\n'), 'r.csv')).ok).toBe(true);
    expect((await verifyReport(html.replace(/\n/g, '\r\n'), 'r.html')).ok).toBe(true);
  });

  it('fails an edited JSON export and names the message and field', async () => {
    const { json } = await exports([fakePolice]);
    const edited = json.replace('vâng ạ', 'không ạ');
    const result = await verifyReport(edited, 'r.json');
    expect(result.ok).toBe(false);
    expect(result.problems).toContainEqual(expect.objectContaining({ record: 'conversation "demo:vi-fake-police" message "p6" (#5)', field: 'sha256' }));
    expect(result.problems).toContainEqual(expect.objectContaining({ record: 'file', field: 'integrity.contentSha256' }));
    // What the report page shows people instead of English sentences and field paths.
    expect(result.problems).toContainEqual(expect.objectContaining({ kind: 'changed', messageId: 'p6' }));
    expect(result.problems.every((p) => p.kind === 'changed')).toBe(true);
  });

  it('fails a JSON export whose hashes were recomputed for the messages but not the content', async () => {
    const { json } = await exports([fakePolice]);
    const data = JSON.parse(json) as { conversations: Array<{ title: string }> };
    data.conversations[0].title = 'Someone else';
    const result = await verifyReport(JSON.stringify(data), 'r.json');
    expect(result.problems).toEqual([expect.objectContaining({ field: 'integrity.contentSha256' })]);
  });

  it('fails an edited, shortened or re-saved CSV export', async () => {
    const { csv } = await exports([fakePolice]);
    const edited = await verifyReport(csv.replace('vâng ạ', 'không ạ'), 'r.csv');
    expect(edited.ok).toBe(false);
    expect(edited.problems).toContainEqual(expect.objectContaining({ record: expect.stringContaining('row 7') as string, field: 'record_sha256' }));
    const lines = csv.split('\r\n');
    const shortened = await verifyReport([...lines.slice(0, 3), ...lines.slice(4)].join('\r\n'), 'r.csv');
    expect(shortened.problems).toContainEqual(expect.objectContaining({ field: 'rows' }));
    const resaved = await verifyReport(lines.slice(0, -2).join('\r\n') + '\r\n', 'r.csv');
    expect(resaved.problems).toEqual([expect.objectContaining({ field: '#not-alone-integrity' })]);
  });

  it('fails an edited printable report, naming the message', async () => {
    const { html } = await exports([fakePolice]);
    const edited = await verifyReport(html.replace('vâng ạ', 'không ạ'), 'r.html');
    expect(edited.ok).toBe(false);
    expect(edited.problems).toContainEqual(expect.objectContaining({ record: 'conversation "demo:vi-fake-police" message "p6" (#5)', field: 'text' }));
    const styled = await verifyReport(html.replace('color: #0f766e', 'color: red'), 'r.html');
    expect(styled.problems).toEqual([expect.objectContaining({ record: 'file', field: 'contentSha256' })]);
  });

  it('says what is wrong with files that are not reports', async () => {
    expect((await verifyReport('{"hello": 1}', 'x.json')).problems[0]).toMatchObject({ field: 'format' });
    expect((await verifyReport('{broken', 'x.json')).problems[0].message).toMatch(/not valid JSON/);
    expect((await verifyReport('hello', 'x.txt')).format).toBe('unknown');
    expect((await verifyReport('<!doctype html><p>hi</p>', 'x.html')).problems[0]).toMatchObject({ field: 'not-alone-integrity' });
    const newer = await verifyReport(JSON.stringify({ format: 'not-alone-report', schemaVersion: 4 }), 'x.json');
    expect(newer.problems[0].message).toMatch(/newer/);
  });

  it('round-trips any message text through every format (property test)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 60, unit: 'grapheme' }), fc.option(fc.string({ maxLength: 12 }), { nil: undefined }), async (text, sender) => {
        const conversation: StoredConversation = { ...hostile, messages: [{ id: 'm', from: 'other', text, sender, seenAt: 1, findings: [] }] };
        const { json, csv, html } = await exports([conversation]);
        for (const [file, name] of [
          [json, 'a.json'],
          [csv, 'a.csv'],
          [html, 'a.html'],
        ] as const) {
          const result = await verifyReport(file, name);
          if (!result.ok) throw new Error(`${name}: ${JSON.stringify(result.problems)} for ${JSON.stringify(text)}`);
        }
      }),
      { numRuns: 60 },
    );
  });
});
