/** Issue 13, point 1: "Hide my name" must never alter what the other side wrote, and the export says what it hid. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildReport, messageRecordHash, ownNames, parseCsv, toCsv, toJson, toPrintableHtml, verifyReport, CSV_COLUMNS, type BuildReportOptions } from '../../lib/report';
import type { StoredConversation } from '../../lib/storage/schema';
import { fakePolice, finding } from '../fixtures/report/conversations';

const options: BuildReportOptions = { language: 'en', generator: 'cli', generatorVersion: '0.1.0', now: Date.UTC(2025, 6, 2), timeZone: 'UTC' };

const threat = 'if you tell anyone i will send your pics to everyone you know';
const anAccount = 'Chuyển vào tài khoản an toàn, An nhé';
const sextortion: StoredConversation = {
  ...fakePolice,
  key: 'demo:threat',
  title: 'Khoa',
  messages: [
    { id: 't1', from: 'self', sender: 'You', text: 'hi, I am An', seenAt: 1, findings: [] },
    { id: 't2', from: 'other', sender: 'Khoa', text: threat, seenAt: 2, findings: [finding(threat, 'if you tell anyone', 'threat', 'en-threat-x')] },
    { id: 't3', from: 'other', sender: 'Khoa', text: anAccount, seenAt: 3, findings: [finding(anAccount, 'tài khoản an toàn', 'money', 'vi-money-x')] },
    { id: 't4', from: 'self', sender: 'An', text: 'you know what, An is tired', seenAt: 4, findings: [] },
  ],
};

describe('redaction keeps the evidence', () => {
  it('pre-fills the names field with the names the chat shows, not the pronoun "You"', () => {
    expect(ownNames([sextortion])).toEqual(['An']);
  });

  it('leaves the other person’s messages exactly as written unless the user asks otherwise', async () => {
    const report = await buildReport([sextortion], { ...options, redaction: { ownNames: ['You', 'An'] } });
    const byId = (id: string) => report.conversations[0].messages.find((m) => m.id === id)!;
    expect(byId('t2').text).toBe(threat);
    expect(byId('t3').text).toBe(anAccount);
    expect(byId('t2').findings[0].matched).toBe('if you tell anyone');
    // The user's own messages: the name as the chat shows it (case-sensitive, whole word); "you" is not "You".
    expect(byId('t1').text).toBe('hi, I am [name]');
    expect(byId('t4').text).toBe('you know what, [name] is tired');
  });

  it('hides the name in the other person’s messages only when chosen, and then only the name as written', async () => {
    const report = await buildReport([sextortion], { ...options, redaction: { ownNames: ['An'], nameScope: 'all' } });
    const t3 = report.conversations[0].messages.find((m) => m.id === 't3')!;
    expect(t3.text).toBe('Chuyển vào tài khoản an toàn, [name] nhé');
    expect(t3.findings[0].matched).toBe('tài khoản an toàn');
    expect(report.settings.redaction).toMatchObject({ ownName: true, nameScope: 'all' });
  });

  it('records what was hidden in each message and keeps the hash of the original record', async () => {
    const plain = await buildReport([sextortion], options);
    const report = await buildReport([sextortion], { ...options, redaction: { ownNames: ['An'] } });
    const original = plain.conversations[0].messages.find((m) => m.id === 't4')!;
    const redacted = report.conversations[0].messages.find((m) => m.id === 't4')!;
    expect(redacted.redactions).toEqual([{ start: 15, end: 21, kind: 'name' }]);
    expect(redacted.text.slice(15, 21)).toBe('[name]');
    expect(redacted.originalSha256).toBe(original.sha256);
    expect(redacted.sha256).not.toBe(original.sha256);
    // The original hash is the record hash of the message as stored, so the device's copy can be matched to it.
    expect(redacted.originalSha256).toBe(await messageRecordHash({ ...original, conversation: sextortion.key }));
    // An untouched message carries no redaction record.
    const t2 = report.conversations[0].messages.find((m) => m.id === 't2')!;
    expect(t2.redactions).toBeUndefined();
    expect(t2.originalSha256).toBeUndefined();
  });

  it('carries the redactions and original hashes in the CSV and the printable report, and they verify', async () => {
    const report = await buildReport([sextortion], { ...options, redaction: { ownNames: ['An'] } });
    const csv = await toCsv(report);
    const rows = parseCsv(csv);
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    const t4 = rows.find((r) => r[CSV_COLUMNS.indexOf('message_id')] === 't4')!;
    expect(t4[CSV_COLUMNS.indexOf('redactions')]).toBe('name@15-21');
    expect(t4[CSV_COLUMNS.indexOf('original_sha256')]).toBe(report.conversations[0].messages[3].originalSha256);
    const html = await toPrintableHtml(report);
    expect(html).toContain(`data-original-sha256="${report.conversations[0].messages[3].originalSha256}"`);
    for (const [text, name] of [
      [await toJson(report), 'r.json'],
      [csv, 'r.csv'],
      [html, 'r.html'],
    ] as const) {
      const result = await verifyReport(text, name);
      expect(result.problems).toEqual([]);
      // Changing the recorded original hash is a change to the file.
      const edited = text.replace(report.conversations[0].messages[3].originalSha256!, 'f'.repeat(64));
      expect((await verifyReport(edited, name)).ok).toBe(false);
    }
    // A redaction record that does not point at a placeholder is named (the JSON's structure is checked per message).
    const data = JSON.parse(await toJson(report)) as { conversations: Array<{ messages: Array<{ redactions?: Array<{ start: number }> }> }> };
    data.conversations[0].messages[3].redactions![0].start = 0;
    const moved = await verifyReport(JSON.stringify(data), 'r.json');
    expect(moved.problems).toContainEqual(expect.objectContaining({ field: 'redactions.0', kind: 'changed', messageId: 't4' }));
  });
});

describe('the CSV is for people too', () => {
  it('names levels and warning signs as the report page does, in the report’s language', async () => {
    for (const [language, level, category] of [
      ['en', 'danger', 'posing as an authority'],
      ['vi', 'nguy hiểm', 'giả danh cơ quan chức năng'],
    ] as const) {
      const rows = parseCsv(await toCsv(await buildReport([fakePolice], { ...options, language })));
      const p3 = rows.find((r) => r[CSV_COLUMNS.indexOf('message_id')] === 'p3')!;
      expect(p3[CSV_COLUMNS.indexOf('conversation_level')]).toBe(level);
      expect(p3[CSV_COLUMNS.indexOf('categories')]).toBe(category);
    }
  });
});

describe('reports written before schema version 2', () => {
  it('still verify, in every format (files written by the previous version of lib/report)', async () => {
    const dir = new URL('../fixtures/report/v1/', import.meta.url);
    for (const name of ['report-v1.json', 'report-v1.csv', 'report-v1.html']) {
      const text = readFileSync(new URL(name, dir), 'utf8');
      const result = await verifyReport(text, name);
      expect(result.problems, name).toEqual([]);
      expect(result.records, name).toBe(7);
      expect((await verifyReport(text.replace('vâng ạ', 'không ạ'), name)).ok, name).toBe(false);
    }
  });
});

describe('reports written with schema version 2', () => {
  it('still verify, in every format (files written by the previous version of lib/report, before conversation_pattern)', async () => {
    const dir = new URL('../fixtures/report/v2/', import.meta.url);
    for (const name of ['report-v2.json', 'report-v2.csv', 'report-v2.html']) {
      const text = readFileSync(new URL(name, dir), 'utf8');
      const result = await verifyReport(text, name);
      expect(result.problems, name).toEqual([]);
      expect(result, name).toMatchObject({ records: 9, schemaVersion: 2 });
      expect((await verifyReport(text.replace('vâng ạ', 'không ạ'), name)).ok, name).toBe(false);
    }
  });
});

describe('the printable report’s running header', () => {
  it('carries the case title, when and by which version, as CSS text that cannot leave its string or the style sheet', async () => {
    const title = '</style><script>alert(1)</script> "x" \\ Minh';
    const report = await buildReport([{ ...fakePolice, title }], { ...options, generatorVersion: '1.2.3' });
    const html = await toPrintableHtml(report);
    expect(html.match(/<script/g)).toHaveLength(1);
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1];
    expect(style).not.toMatch(/[<>]/);
    expect(style).toContain('@top-left');
    expect(style).toContain('counter(page)');
    expect(style).toContain('counter(pages)');
    expect(style).toContain('1 2 3'.replace(/ /g, '\\2e '));
    expect((await verifyReport(html, 'r.html')).ok).toBe(true);
  });
});
