/**
 * Issue 15, point 7, with the real extension in Chromium on the WhatsApp fixture (served at web.whatsapp.com): the
 * app shows no chat id, so a chat is keyed by its name. A flagged chat named "Mẹ" is stored under one picture; then
 * the header shows another picture under the same name while new messages arrive (someone took the name). The chat
 * stays one record, both pictures are recorded as fingerprints (never the address), every message keeps the picture
 * it was read under, and the report page says so and marks the messages.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { StoredConversation } from '../../lib/storage/schema';
import { eventually, expect, ROOT, storedConversations, test } from './fixtures';

const SITES = resolve(ROOT, 'tests/fixtures/sites/whatsapp');
const PARTNER = 'Cán bộ Minh - CA Quận 3';
const KEY = 'whatsapp:name:Mẹ';
const NEW_PICTURE = 'https://pps.whatsapp.net/v/t61.24694-24/502311987_2203948571102938_8811223344556677889_n.jpg?ccb=11-4&oh=01_Q5Aa1gZZ&oe=6A2F0000&_nc_sid=5e03e0';

test('whatsapp: a chat that takes the name "Mẹ" with another picture is marked, not merged unseen', async ({ extension }) => {
  const expected = JSON.parse(readFileSync(resolve(SITES, 'expected.json'), 'utf8')) as { url: string };
  // The partner's display name is "Mẹ" (in the header, the chat list and each message's sender line).
  const html = readFileSync(resolve(SITES, 'index.html'), 'utf8').split(PARTNER).join('Mẹ');
  await extension.context.route('https://pps.whatsapp.net/**', (route) => route.fulfill({ status: 404, body: '' }));
  await extension.context.route(`${new URL(expected.url).origin}/**`, async (route) => {
    const document = route.request().resourceType() === 'document';
    await route.fulfill({ status: document ? 200 : 404, contentType: 'text/html; charset=utf-8', body: document ? html : '' });
  });
  const page = await extension.context.newPage();
  await page.goto(expected.url);
  await page.click('[data-open="risky"]');

  const record = (ready: (c: StoredConversation) => boolean) =>
    eventually(async () => {
      const conversation = (await storedConversations(extension))[KEY];
      return conversation && ready(conversation) ? conversation : null;
    }, 15_000);
  const first = await record((c) => c.messages.some((m) => m.findings.length > 0) && c.pictures?.length === 1);
  const firstPicture = first.pictures![0].fingerprint;
  expect(first.messages.every((m) => m.picture === firstPicture)).toBe(true);

  // Another picture under the same name, and new messages (one of them flagged) arrive.
  await page.evaluate(
    ([picture]) => {
      document.querySelector('#main header img:not(.emoji)')!.setAttribute('src', picture);
      const rows = [...document.querySelectorAll('#main [role="row"]')];
      const template = rows.findLast((row) => row.querySelector('.message-in'))!;
      const add = (id: string, text: string) => {
        const row = template.cloneNode(true) as Element;
        row.querySelector('[data-id]')!.setAttribute('data-id', id);
        row.querySelector('[data-pre-plain-text]')!.setAttribute('data-pre-plain-text', '[21:40, 10/05/2026] Mẹ: ');
        row.querySelector('[data-testid="selectable-text"] span')!.textContent = text;
        template.parentElement!.append(row);
      };
      add('3EB0F10C00015D2E', 'Con ơi mẹ đây, mẹ đổi số mới');
      add('3EB0F11C00025D2E', 'Đây là bí mật, con không được nói với ai kể cả bố, chuyển tiền vào tài khoản này ngay');
    },
    [NEW_PICTURE] as const,
  );
  const merged = await record((c) => (c.pictures?.length ?? 0) === 2 && c.messages.some((m) => m.id === '3EB0F11C00025D2E'));
  const secondPicture = merged.pictures![1].fingerprint;
  expect(secondPicture).not.toBe(firstPicture);
  expect(merged.messages.find((m) => m.id === '3EB0F11C00025D2E')?.picture).toBe(secondPicture);
  for (const message of first.messages) expect(merged.messages.find((m) => m.id === message.id)?.picture).toBe(firstPicture);
  // One record (nothing split), and the pictures' addresses are not stored.
  const all = await storedConversations(extension);
  expect(Object.keys(all).filter((key) => key.startsWith('whatsapp:'))).toEqual([KEY]);
  expect(JSON.stringify(all)).not.toContain('pps.whatsapp.net');

  // The report page says so and marks every message by picture.
  const report = await extension.context.newPage();
  await report.goto(`chrome-extension://${extension.extensionId}/report.html#c=${encodeURIComponent(KEY)}`);
  await expect(report.getByTestId('pictures-warning')).toContainText(/2 (different profile pictures|ảnh đại diện khác nhau)/);
  const labels = report.getByTestId('picture-label');
  await expect(labels.first()).toBeVisible();
  const texts = await labels.allTextContents();
  expect(texts.filter((t) => /(picture|ảnh) 1(\D|$)/.test(t)).length).toBeGreaterThan(0);
  expect(texts.filter((t) => /(picture|ảnh) 2(\D|$)/.test(t)).length).toBeGreaterThan(0);

  // The printable report (the document handed to the police) says it too, and marks the messages.
  const [printable] = await Promise.all([extension.context.waitForEvent('page', { timeout: 15_000 }), report.getByTestId('open-printable').click()]);
  await printable.locator('li.msg.flagged').first().waitFor();
  await expect(printable.locator('.identity-warning')).toContainText(/2 (different profile pictures|ảnh đại diện khác nhau)/);
  const printed = await printable.locator('li.msg .picture').allTextContents();
  expect(printed.some((t) => /(picture|ảnh) 1(\D|$)/.test(t)) && printed.some((t) => /(picture|ảnh) 2(\D|$)/.test(t))).toBe(true);
});
