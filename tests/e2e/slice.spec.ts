/**
 * The whole vertical slice in a real Chromium with the real extension: a message on the page -> a stored finding
 * -> the toolbar badge -> the popup -> the in-page banner.
 */
import { badgeText, bannerText, eventually, expect, storedConversations, test } from './fixtures';

test('a risky demo conversation is flagged, stored, badged, warned about and listed in the popup', async ({ extension, demo }) => {
  const page = await extension.context.newPage();
  await page.goto(demo.url);

  const conversation = await eventually(async () => {
    const stored = await storedConversations(extension);
    const c = stored['demo:vi-fake-police'];
    return c?.risk.alert ? c : null;
  });
  expect(['medium', 'high', 'critical']).toContain(conversation.risk.level);
  const flagged = conversation.messages.filter((m) => m.findings.length > 0);
  expect(flagged.length).toBeGreaterThan(0);
  expect(flagged.map((m) => m.findings.map((f) => f.category)).flat()).toContain('impersonation');
  // Offsets point at the words that triggered the finding.
  for (const message of flagged) for (const f of message.findings) expect(message.text.slice(f.start, f.end)).toBe(f.matched);

  expect(await eventually(async () => (await badgeText(extension, demo.url)) || null)).toMatch(/^!+$/);

  const banner = await eventually(() => bannerText(page));
  expect(banner).toContain('This chat shows signs of manipulation');
  expect(banner).toContain("I'm OK");

  const popup = await extension.context.newPage();
  await popup.goto(`chrome-extension://${extension.extensionId}/popup.html`);
  const item = popup.locator('[data-conversation="demo:vi-fake-police"]');
  await expect(item).toContainText('Cán bộ Minh');
  await expect(item).toContainText('posing as an authority');
});

test('a harmless conversation raises no badge and no banner', async ({ extension, demo }) => {
  const page = await extension.context.newPage();
  await page.goto(demo.url + '#vi-family');
  await page.waitForTimeout(1500);
  expect(await badgeText(extension, demo.url)).toBe('');
  expect(await bannerText(page)).toBeNull();
  const stored = await storedConversations(extension);
  expect(stored['demo:vi-family']?.risk.alert ?? false).toBe(false);
});
