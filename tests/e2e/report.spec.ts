/**
 * Issue 5 end to end, with the real extension: a risky demo conversation -> the popup shows it -> the report page
 * lists it -> JSON and CSV exports are downloaded, parsed and validated -> the printable report renders to PDF ->
 * verify passes on the untouched exports and fails on edited ones -> deleting asks for confirmation.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Download, Page } from '@playwright/test';
import { CSV_COLUMNS, parseCsv, ReportSchema, unsafeCell, verifyReport } from '../../lib/report';
import { pointPopupAt } from '../../scripts/screenshots';
import { eventually, expect, ROOT, storedConversations, test } from './fixtures';

const KEY = 'demo:vi-fake-police';

async function saved(download: Download): Promise<string> {
  const path = await download.path();
  return readFileSync(path, 'utf8');
}

async function downloadOf(page: Page, testid: string): Promise<{ name: string; text: string }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testid).click()]);
  return { name: download.suggestedFilename(), text: await saved(download) };
}

/** `not-alone verify FILE` when the CLI has the command (cli/commands/verify.ts); null otherwise. */
function cliVerify(text: string, name: string): number | null {
  if (!existsSync(resolve(ROOT, 'cli/commands/verify.ts'))) return null;
  const file = join(tmpdir(), `not-alone-e2e-${process.pid}-${name}`);
  writeFileSync(file, text);
  try {
    execFileSync('npx', ['tsx', 'cli/main.ts', 'verify', file], { cwd: ROOT, stdio: 'pipe' });
    return 0;
  } catch (error) {
    return (error as { status?: number }).status ?? 1;
  }
}

test('a flagged conversation goes from the popup to the report page, exports and verifies', async ({ extension, demo }) => {
  const chat = await extension.context.newPage();
  await chat.goto(demo.url);
  await eventually(async () => (await storedConversations(extension))[KEY]?.risk.alert, 15_000);
  const base = `chrome-extension://${extension.extensionId}`;

  // The popup, opened over the chat tab.
  const popup = await extension.context.newPage();
  await pointPopupAt(popup, demo.url);
  await popup.goto(`${base}/popup.html`);
  await expect(popup.getByTestId('status')).toContainText('Watching this chat');
  await expect(popup.getByTestId('current-level')).toBeVisible();
  await expect(popup.locator(`[data-conversation="${KEY}"]`)).toContainText('Cán bộ Minh');

  // The report page lists it and shows the flagged words highlighted.
  const report = await extension.context.newPage();
  await report.goto(`${base}/report.html`);
  const item = report.locator(`[data-testid="conversation-list"] [data-conversation="${KEY}"]`);
  await expect(item).toBeVisible();
  await item.getByRole('button').click();
  const view = report.getByTestId('conversation-view');
  await expect(view).toContainText('Cán bộ Minh (CA quận)');
  await expect(view.locator('mark').first()).toBeVisible();
  await expect(view.locator('svg.timeline circle').first()).toBeAttached();
  // Filters: a category that does not occur hides it, the right one shows it.
  await report.getByTestId('filter-category').selectOption('gifts_flattery');
  await expect(item).toBeHidden();
  await report.getByTestId('filter-category').selectOption('impersonation');
  await expect(item).toBeVisible();

  // Only this conversation, with 2 context messages around flagged ones.
  await report.getByTestId('select-all').uncheck();
  await item.getByRole('checkbox').check();
  await report.getByTestId('context').fill('2');
  await report.getByTestId('context').dispatchEvent('change');
  await expect(report.getByTestId('selected-count')).toContainText('1');

  // JSON: valid against the published schema, with the conversation, its findings and hashes.
  const json = await downloadOf(report, 'export-json');
  expect(json.name).toMatch(/^not-alone-report-.*\.json$/);
  const parsed = ReportSchema.parse(JSON.parse(json.text));
  expect(parsed.conversations.map((c) => c.key)).toEqual([KEY]);
  const conversation = parsed.conversations[0];
  expect(conversation.messages.some((m) => m.findings.some((f) => f.category === 'impersonation'))).toBe(true);
  expect(conversation.participants.map((p) => p.name)).toEqual(expect.arrayContaining(['Lan', 'Cán bộ Minh']));
  expect(parsed.settings.contextMessages).toBe(2);
  expect(parsed.generator.kind).toBe('extension');
  // The chart is recomputed by the background's engine (script steps, context model): it ends at the stored risk.
  expect(conversation.timeline.at(-1)).toMatchObject({ score: conversation.score, level: conversation.level });
  const schema = JSON.parse(readFileSync(resolve(ROOT, 'docs/report-schema.json'), 'utf8')) as { properties: Record<string, unknown> };
  expect(Object.keys(schema.properties).sort()).toEqual(Object.keys(parsed).sort());

  // CSV: one row per message, same message hashes as the JSON.
  const csv = await downloadOf(report, 'export-csv');
  const rows = parseCsv(csv.text);
  expect(rows[0]).toEqual([...CSV_COLUMNS]);
  const messageRows = rows.slice(1, -1);
  expect(messageRows).toHaveLength(conversation.messages.length);
  const hashColumn = CSV_COLUMNS.indexOf('record_sha256');
  expect(messageRows.map((r) => unsafeCell(r[hashColumn]))).toEqual(conversation.messages.map((m) => m.sha256));

  // Printable report: verifies, renders, and prints to PDF.
  const html = await downloadOf(report, 'export-html');
  expect(html.text).toContain('What to do next');
  const printable = await extension.context.newPage();
  await printable.setContent(html.text);
  await expect(printable.locator('li.msg.flagged mark').first()).toBeVisible();
  const pdf = await printable.pdf({ format: 'A4', printBackground: true });
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  expect(pdf.length).toBeGreaterThan(20_000);

  // Verify: every untouched export passes; an edited copy fails and names the message.
  for (const file of [json, csv, html]) {
    const result = await verifyReport(file.text, file.name);
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    const edited = file.text.replaceAll('không được nói với ai', 'có thể nói với ai');
    expect(edited).not.toBe(file.text);
    const failed = await verifyReport(edited, file.name);
    expect(failed.ok).toBe(false);
    expect(failed.problems.some((p) => p.record.includes('vp5'))).toBe(true);
    const cli = cliVerify(file.text, file.name);
    if (cli !== null) {
      expect(cli).toBe(0);
      expect(cliVerify(edited, file.name)).not.toBe(0);
    }
  }

  // "Open printable report" opens it in a tab, ready for Ctrl+P -> Save as PDF.
  const [printTab] = await Promise.all([extension.context.waitForEvent('page'), report.getByTestId('open-printable').click()]);
  await expect(printTab.locator('h1')).toContainText('Not Alone report');
  await expect(printTab.locator('li.msg.flagged').first()).toBeVisible();

  // The page's own checker gives the same answer.
  await report.getByTestId('verify-file').setInputFiles({ name: json.name, mimeType: 'application/json', buffer: Buffer.from(json.text) });
  await expect(report.getByTestId('verify-result')).toContainText('Unchanged');
});

test('deleting a conversation asks first and removes it from storage', async ({ extension, demo }) => {
  const chat = await extension.context.newPage();
  await chat.goto(demo.url);
  await eventually(async () => (await storedConversations(extension))[KEY]?.risk.alert, 15_000);
  const report = await extension.context.newPage();
  await report.goto(`chrome-extension://${extension.extensionId}/report.html#c=${encodeURIComponent(KEY)}`);
  await chat.close();

  await report.getByTestId('delete-one').click();
  const dialog = report.getByTestId('confirm-delete');
  await expect(dialog).toBeVisible();
  await dialog.getByTestId('cancel-delete').click();
  expect((await storedConversations(extension))[KEY]).toBeDefined();

  await report.getByTestId('delete-one').click();
  await report.getByTestId('confirm-delete-button').click();
  await expect(report.getByTestId('status')).toContainText('deleted');
  expect((await storedConversations(extension))[KEY]).toBeUndefined();
  await expect(report.locator(`[data-conversation="${KEY}"]`)).toHaveCount(0);
});
