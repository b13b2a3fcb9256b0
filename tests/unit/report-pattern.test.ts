/**
 * A conversation that follows a known manipulation script (rules/scripts) is led, in every report format, by the
 * script's name and its advice, and its steps are marked where they first appeared (lib/report).
 */
import { describe, expect, it } from 'vitest';
import { buildReport, CSV_COLUMNS, parseCsv, ReportSchema, timelineGeometry, toCsv, toPrintableHtml, verifyReport, type BuildReportOptions } from '../../lib/report';
import { stepMarks } from '../../lib/report/format';
import { fakePolice, fakePoliceWithPattern } from '../fixtures/report/conversations';

const options: BuildReportOptions = { language: 'en', generator: 'cli', generatorVersion: '0.1.0', now: Date.UTC(2025, 6, 2), timeZone: 'UTC' };
const HEADLINE = 'This looks like the fake-police scam (online kidnapping): 3 of its 6 steps so far';
const HEADLINE_VI = 'Cuộc trò chuyện này giống chiêu giả danh công an (bắt cóc online): đã có 3 trên 6 bước';

/** The visible text of an HTML fragment, tags removed and whitespace squeezed. */
const textOf = (html: string) => html.replace(/<style>[\s\S]*?<\/style>/g, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('a report of a conversation that follows a known script', () => {
  it('carries the script, its name in the report language, the steps with where and from whom, and the total', async () => {
    const report = await buildReport([fakePoliceWithPattern], options);
    expect(ReportSchema.safeParse(report).success).toBe(true);
    expect(report.schemaVersion).toBe(3);
    expect(report.conversations[0].pattern).toEqual({
      script: 'online-kidnapping',
      name: 'the fake-police scam (online kidnapping)',
      steps: [
        { step: 'impersonation', name: 'someone posing as police, prosecutor or court', messageId: 'p3', from: 'other' },
        { step: 'secrecy', name: 'a demand to keep it secret, even from your family', messageId: 'p5', from: 'other' },
        { step: 'money', name: 'money ("a safe account", proving you are clean, ransom to the family)', messageId: 'p7', from: 'other' },
      ],
      total: 6,
    });
    const vi = await buildReport([fakePoliceWithPattern], { ...options, language: 'vi' });
    expect(vi.conversations[0].pattern?.name).toBe('chiêu giả danh công an (bắt cóc online)');
  });

  it('leaves the pattern out of a conversation that follows none', async () => {
    const report = await buildReport([fakePolice], options);
    expect(report.conversations[0]).not.toHaveProperty('pattern');
    const csv = parseCsv(await toCsv(report));
    expect(csv.slice(1, -1).every((row) => row[CSV_COLUMNS.indexOf('conversation_pattern')] === '')).toBe(true);
    expect(await toPrintableHtml(report)).not.toContain('class="pattern"');
  });

  it('names the pattern and its steps on every row of the conversation in the CSV, and the file verifies', async () => {
    const csv = await toCsv(await buildReport([fakePoliceWithPattern], options));
    const rows = parseCsv(csv);
    expect(rows[0].at(-1)).toBe('conversation_pattern');
    const cells = new Set(rows.slice(1, -1).map((row) => row[CSV_COLUMNS.indexOf('conversation_pattern')]));
    expect([...cells]).toEqual([
      `${HEADLINE}. Steps: someone posing as police, prosecutor or court; a demand to keep it secret, even from your family; money ("a safe account", proving you are clean, ransom to the family)`,
    ]);
    expect(await verifyReport(csv, 'r.csv')).toMatchObject({ ok: true, schemaVersion: 3 });
  });

  it('leads the conversation in the printable report with the headline, then the advice, before its facts', async () => {
    const html = await toPrintableHtml(await buildReport([fakePoliceWithPattern], options));
    const section = textOf(html.slice(html.indexOf('<section class="conversation"')));
    const headline = section.indexOf(HEADLINE);
    const firstAdvice = section.indexOf('Real police, prosecutors and courts never investigate by phone or video call');
    const hangUp = section.indexOf('Hang up and stop replying');
    expect(headline).toBeGreaterThan(0);
    expect(firstAdvice).toBeGreaterThan(headline);
    expect(hangUp).toBeGreaterThan(firstAdvice);
    expect(section.indexOf('Site')).toBeGreaterThan(hangUp);
    expect(section.indexOf('Warning signs')).toBeGreaterThan(hangUp);
    // Each step is labelled at the message where it first appeared, and marked on the chart there.
    expect(html).toMatch(/data-id="p5"[^>]*>(?:(?!<\/li>)[\s\S])*<p class="step">Step 2: a demand to keep it secret, even from your family<\/p>/);
    expect([...html.matchAll(/<g class="step-mark" data-message-index="(\d+)">/g)].map((m) => m[1])).toEqual(['2', '4', '6']);
    expect(await verifyReport(html, 'r.html')).toMatchObject({ ok: true });
    const vi = await toPrintableHtml(await buildReport([fakePoliceWithPattern], { ...options, language: 'vi' }));
    expect(textOf(vi)).toContain(HEADLINE_VI);
    expect(textOf(vi)).toContain('Bước 1: giả danh công an, viện kiểm sát hoặc tòa án');
  });
});

describe('step marks', () => {
  it('number the steps in the order seen, group steps first seen in one message, and skip messages not shown', () => {
    const pattern = {
      script: 'online-kidnapping',
      steps: [
        { step: 'impersonation', messageId: 'a' },
        { step: 'accusation', messageId: 'a' },
        { step: 'secrecy', messageId: 'gone' },
        { step: 'money', messageId: 'b' },
      ],
      total: 6,
    };
    const index: Record<string, number> = { a: 3, b: 9 };
    const marks = stepMarks('en', pattern, (id) => index[id]);
    expect(marks).toEqual([
      { messageIndex: 3, numbers: '1,2', labels: ['Step 1: someone posing as police, prosecutor or court', 'Step 2: an accusation of a crime (money laundering, drugs, a wanted notice)'] },
      { messageIndex: 9, numbers: '4', labels: ['Step 4: money ("a safe account", proving you are clean, ransom to the family)'] },
    ]);
    expect(stepMarks('en', undefined, () => 0)).toEqual([]);
    expect(stepMarks('en', { ...pattern, script: 'unknown' }, () => 0)).toEqual([]);
  });

  it('sit on the chart at the x of their message', () => {
    const timeline = [0, 5, 10].map((messageIndex) => ({ messageIndex, at: null, score: messageIndex, level: 'none' as const }));
    const g = timelineGeometry(timeline, new Set(), { width: 116, marks: [5] });
    expect(g.marks).toEqual([{ x: 58, messageIndex: 5 }]);
    expect(timelineGeometry(timeline, new Set()).marks).toEqual([]);
  });
});
