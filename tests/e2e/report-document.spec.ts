/**
 * Issue 13, points 4 and 5 with the real extension: the report page (date filters, focus, disabled actions, names
 * for people, verify results in the user's language), the popup's live region, and what Chromium really prints
 * for the printable report (read back from page.pdf()).
 */
import type { Page } from '@playwright/test';
import { buildReport, toJson, toPrintableHtml, verifyReport } from '../../lib/report';
import { CONVERSATIONS_VERSION } from '../../lib/storage/migrations';
import { DEFAULT_SETTINGS, type Settings, type StoredConversation } from '../../lib/storage/schema';
import type { ExtensionBrowser } from '../../scripts/support/extension-browser';
import { fakePolice, hostile } from '../fixtures/report/conversations';
import { expect, test } from './fixtures';
import { pdfPageTexts, squeezed } from './pdf-text';

/** fakePolice with a "You" label on one of the user's messages, as some chat apps show it. */
const withYou: StoredConversation = {
  ...fakePolice,
  messages: fakePolice.messages.map((m) => (m.id === 'p4' ? { ...m, sender: 'You' } : m)),
};

async function seed(extension: ExtensionBrowser, conversations: StoredConversation[], settings: Partial<Settings> = {}): Promise<void> {
  const byKey = Object.fromEntries(conversations.map((c) => [c.key, c]));
  await extension.serviceWorker.evaluate(
    async ([stored, version, chosen]) => {
      await chrome.storage.local.set({ conversations: stored, conversations$: { v: version }, settings: chosen, settings$: { v: 1 } });
    },
    [byKey, CONVERSATIONS_VERSION, { ...DEFAULT_SETTINGS, ...settings }] as const,
  );
}

async function reportPage(extension: ExtensionBrowser): Promise<Page> {
  const page = await extension.context.newPage();
  await page.goto(`chrome-extension://${extension.extensionId}/report.html`);
  return page;
}

const focusedTestId = (page: Page) => page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.testid ?? document.activeElement?.tagName);

test('with nothing stored, export and "delete everything" are not offered', async ({ extension }) => {
  const page = await reportPage(extension);
  await expect(page.getByTestId('report-empty')).toBeVisible();
  for (const id of ['export-json', 'export-csv', 'export-html', 'open-printable', 'delete-all']) await expect(page.getByTestId(id)).toBeDisabled();
  await expect(page.getByTestId('nothing-stored')).toBeVisible();
});

test('the report page keeps typing, focus and the list, and speaks to people, not in ids', async ({ extension }) => {
  await seed(extension, [withYou, hostile]);
  const page = await reportPage(extension);
  const items = page.locator('[data-testid="conversation-list"] li[data-conversation]');
  await expect(items).toHaveCount(2);
  // Site ids are internal: the list says which app.
  await expect(items.first()).toContainText('Not Alone demo chat');
  await expect(page.getByTestId('filter-site').locator('option[value="demo"]')).toHaveText('Not Alone demo chat');
  // "Hide my name" is pre-filled with the name the chat shows, never with the pronoun "You".
  const names = (await page.getByTestId('redact-names').inputValue()).split(', ');
  expect(names).toContain('Lan');
  expect(names).not.toContain('You');

  // Typing a date: the first digit of the year is the year 0002; the list must not be cut while typing.
  const to = page.getByTestId('filter-to');
  await to.focus();
  await page.keyboard.type('07012');
  await expect(to).toBeFocused();
  await expect(items).toHaveCount(2);
  await page.keyboard.type('024');
  await expect(to).toHaveValue('2024-07-01');
  await page.keyboard.press('Tab');
  // Applied on leaving the field: both are from 2025, so both go, and the page says the filters hide them.
  await expect(page.getByTestId('hidden-by-filters')).toContainText('2');
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(items).toHaveCount(2);

  // The export checkbox keeps the keyboard focus after the page redraws.
  const check = items.first().getByRole('checkbox');
  await check.focus();
  await page.keyboard.press('Space');
  await expect(check).not.toBeChecked();
  await expect(check).toBeFocused();
  await expect(page.getByTestId('selected-count')).toContainText('1');

  // Escape closes the delete dialog and gives the focus back to the button that opened it.
  await page.getByTestId('delete-all').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('confirm-delete')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('confirm-delete')).toHaveCount(0);
  expect(await focusedTestId(page)).toBe('delete-all');
});

test('verify results and what verify proves are in the user’s language', async ({ extension }) => {
  await seed(extension, [fakePolice], { uiLanguage: 'vi' });
  const page = await reportPage(extension);
  const report = await buildReport([fakePolice], { language: 'vi', generator: 'extension', generatorVersion: '0.1.0', timeZone: 'UTC' });
  const json = await toJson(report);
  const input = page.getByTestId('verify-file');
  await input.setInputFiles({ name: 'r.json', mimeType: 'application/json', buffer: Buffer.from(json) });
  await expect(page.getByTestId('verify-proves')).toContainText(report.integrity.contentSha256);
  await expect(page.getByTestId('verify-proves')).toContainText('Hãy so mã này');

  await input.setInputFiles({ name: 'r2.json', mimeType: 'application/json', buffer: Buffer.from(json.replace('vâng ạ', 'không ạ')) });
  const result = page.getByTestId('verify-result');
  await expect(result).toContainText('Tin nhắn “p6” đã bị sửa sau khi xuất.');
  await expect(result).not.toContainText('integrity.contentSha256');
  await expect(result).not.toContainText('does not match');
});

test('the popup announces only its status, not the whole page on every redraw', async ({ extension }) => {
  await seed(extension, [fakePolice]);
  const popup = await extension.context.newPage();
  await popup.goto(`chrome-extension://${extension.extensionId}/popup.html`);
  await expect(popup.getByTestId('status')).toBeVisible();
  await expect(popup.locator('main')).not.toHaveAttribute('aria-live', /.+/);
  await expect(popup.locator('[aria-live]')).toHaveCount(1);
  await expect(popup.getByTestId('live-status')).toHaveText(await popup.locator('.status-text').innerText());
});

test('the printable report prints as a document: running header, page numbers, hash on page 1, no browser footer', async ({ extension }) => {
  const report = await buildReport([fakePolice, hostile], { language: 'en', generator: 'extension', generatorVersion: '9.8.7', timeZone: 'UTC', now: Date.UTC(2025, 6, 2, 9) });
  const page = await extension.context.newPage();
  const html = await toPrintableHtml(report);
  const htmlHash = (await verifyReport(html, 'r.html')).contentSha256!;
  await page.setContent(html);
  // Print headers and footers on, as a browser's print dialog has them by default: the page's own must replace them.
  const pages = pdfPageTexts(await page.pdf({ format: 'A4', displayHeaderFooter: true }));
  expect(pages.length).toBeGreaterThan(2);
  const header = squeezed('Cán bộ Minh (CA quận) and 1 more · made 2 Jul 2025, 09:00 · Not Alone 9.8.7');
  pages.forEach((text, i) => {
    expect(text).toContain(squeezed(`Page ${i + 1} of ${pages.length}`));
    expect(text).toContain(header);
    expect(text).not.toContain('about:blank');
  });
  // Page 1 carries the content hash, and the reader is addressed as an adult, not as the teen.
  expect(pages[0]).toContain(htmlHash);
  const all = pages.join('');
  expect(all).not.toContain(squeezed('Safe people do not ask you'));
  expect(all).toContain(squeezed('What this check proves: this file is self-consistent'));
  expect(all).toContain(squeezed('npx not-alone verify FILE'));
  // The help list is not split across pages.
  const help = pages.findIndex((text) => text.includes(squeezed('Where to get help')));
  expect(help).toBeGreaterThanOrEqual(0);
  expect(pages[help]).toContain(squeezed('Anywhere else'));

  // Opened from the report page, the printed tab prints no blob: address either.
  await seed(extension, [fakePolice]);
  const reportTab = await reportPage(extension);
  const [printTab] = await Promise.all([extension.context.waitForEvent('page'), reportTab.getByTestId('open-printable').click()]);
  await expect(printTab.locator('h1')).toBeVisible();
  const printed = pdfPageTexts(await printTab.pdf({ format: 'A4', displayHeaderFooter: true })).join('');
  expect(printed).not.toContain('blob:');
  expect(printed).toContain(squeezed('Page 1 of'));
});
