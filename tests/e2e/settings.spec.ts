/**
 * Settings with the real extension: the parental PIN blocks a settings change, pausing and deleting without the PIN
 * while hiding nothing; custom rule files are validated before import.
 */
import type { Page } from '@playwright/test';
import { pointPopupAt } from '../../scripts/screenshots';
import type { ExtensionBrowser } from '../../scripts/support/extension-browser';
import { eventually, expect, storedConversations, test } from './fixtures';

const PIN = '246813';

async function storedSettings(extension: ExtensionBrowser): Promise<Record<string, unknown>> {
  return extension.serviceWorker.evaluate(async () => ((await chrome.storage.local.get('settings')).settings ?? {}) as Record<string, unknown>);
}

async function setPin(page: Page): Promise<void> {
  await page.getByTestId('new-pin').fill(PIN);
  await page.getByTestId('repeat-pin').fill(PIN);
  await page.getByTestId('set-pin').click();
  await expect(page.getByTestId('status')).toContainText('PIN set');
  // Focus stays on the form's button (now "Change PIN"), not the page body (issue 13, point 4).
  await expect(page.getByTestId('set-pin')).toBeFocused();
}

test('the parent PIN blocks settings changes, pausing and deleting without the PIN, and hides nothing', async ({ extension, demo }) => {
  const base = `chrome-extension://${extension.extensionId}`;
  const options = await extension.context.newPage();
  await options.goto(`${base}/options.html`);
  await expect(options.getByTestId('lock-status')).toHaveAttribute('data-state', 'none');
  await setPin(options);
  const lock = await extension.serviceWorker.evaluate(async () => JSON.stringify((await chrome.storage.local.get('pin-lock'))['pin-lock']));
  expect(lock).toContain('PBKDF2-SHA-256');
  expect(lock).not.toContain(PIN);

  // A new visit starts locked: every setting is visible but read-only.
  await options.reload();
  await expect(options.getByTestId('lock-status')).toHaveAttribute('data-state', 'locked');
  const cautious = options.locator('[data-testid="sensitivity"] input[value="cautious"]');
  await expect(cautious).toBeVisible();
  await expect(cautious).toBeDisabled();
  await expect(options.getByTestId('save')).toBeDisabled();
  await expect(options.getByTestId('retention')).toBeDisabled();
  // Even a forced submit does not write.
  await options.getByTestId('settings-form').evaluate((form: HTMLFormElement) => form.requestSubmit());
  await expect(options.getByTestId('status')).toContainText('Nothing was saved');
  expect((await storedSettings(extension)).sensitivity ?? 'balanced').toBe('balanced');

  // A wrong PIN keeps it locked.
  await options.getByTestId('pin-input').fill('1111');
  await options.getByTestId('pin-submit').click();
  await expect(options.getByTestId('pin-prompt')).toContainText('That PIN is not right');
  await expect(cautious).toBeDisabled();

  // The right PIN unlocks; the change is saved.
  await options.getByTestId('pin-input').fill(PIN);
  await options.getByTestId('pin-submit').click();
  await expect(options.getByTestId('lock-status')).toHaveAttribute('data-state', 'unlocked');
  await options.locator('[data-testid="sensitivity"] input[value="cautious"]').check();
  await options.getByTestId('save').click();
  await expect(options.getByTestId('status')).toContainText('Saved');
  expect((await storedSettings(extension)).sensitivity).toBe('cautious');

  // Pausing from the popup asks for the PIN.
  const chat = await extension.context.newPage();
  await chat.goto(demo.url);
  await eventually(async () => (await storedConversations(extension))['demo:vi-fake-police']?.risk.alert, 15_000);
  const popup = await extension.context.newPage();
  await pointPopupAt(popup, demo.url);
  await popup.goto(`${base}/popup.html`);
  await expect(popup.getByTestId('lock-note')).toContainText('parent PIN');
  await popup.getByTestId('pause').click();
  await expect(popup.getByTestId('pin-prompt')).toBeVisible();
  expect((await storedSettings(extension)).pausedSites ?? {}).toEqual({});
  await popup.getByTestId('pin-input').fill(PIN);
  await popup.getByTestId('pin-submit').click();
  await expect(popup.getByTestId('status')).toHaveAttribute('data-status', 'paused');
  expect(Object.keys((await storedSettings(extension)).pausedSites as object)).toEqual([new URL(demo.url).host]);

  // The report stays readable; deleting asks for the PIN and a wrong one deletes nothing.
  const report = await extension.context.newPage();
  await report.goto(`${base}/report.html`);
  await expect(report.locator('[data-conversation="demo:vi-fake-police"]')).toBeVisible();
  await report.getByTestId('delete-all').click();
  const dialog = report.getByTestId('confirm-delete');
  await dialog.getByTestId('pin-input').fill('0000');
  await dialog.getByTestId('pin-submit').click();
  await expect(dialog).toContainText('That PIN is not right');
  expect(Object.keys(await storedConversations(extension))).toContain('demo:vi-fake-police');
  await dialog.getByTestId('pin-input').fill(PIN);
  await dialog.getByTestId('pin-submit').click();
  await expect(report.getByTestId('status')).toContainText('deleted');
  expect(await storedConversations(extension)).toEqual({});
});

const validRule = `id: xx-club-secret
title: Asks to keep the club secret
category: secrecy
languages: [en]
weight: 2
patterns:
  - "keep (the|our) club secret"
falsepositives:
  - a real surprise party
tests:
  match:
    - "keep the club secret ok"
    - "you must keep our club secret"
    - "please keep the club secret"
  no_match:
    - "the club meets on friday"
    - "tell your mom I said hi"
    - "secret santa at the club"
`;

test('the PIN lockout survives a reload, and the settings say private windows are not checked (issue 15, point 6)', async ({ extension }) => {
  const options = await extension.context.newPage();
  await options.goto(`chrome-extension://${extension.extensionId}/options.html`);
  // Playwright's Chromium does not let extensions into incognito windows: the page says so.
  await expect(options.getByTestId('incognito')).toContainText('Private (incognito) windows are not checked', { timeout: 20_000 });
  await setPin(options);
  await options.getByTestId('lock-now').click();
  await expect(options.getByTestId('lock-status')).toHaveAttribute('data-state', 'locked');
  for (let i = 0; i < 5; i++) {
    await options.getByTestId('pin-input').fill(`11111${i}`);
    await options.getByTestId('pin-submit').click();
    await expect(options.getByTestId('pin-prompt')).toContainText(/not right/);
    await options.getByTestId('pin-prompt').locator('[role="alert"]').evaluate((node) => (node.textContent = ''));
  }
  // A reload used to forget the wrong tries: now the right PIN must wait too.
  await options.reload();
  await options.getByTestId('pin-input').fill(PIN);
  await options.getByTestId('pin-submit').click();
  await expect(options.getByTestId('pin-prompt')).toContainText('Too many tries');
  await expect(options.getByTestId('lock-status')).toHaveAttribute('data-state', 'locked');
});

test('a custom rule file is validated: an invalid one gets a precise error and changes nothing', async ({ extension }) => {
  const options = await extension.context.newPage();
  await options.goto(`chrome-extension://${extension.extensionId}/options.html`);
  const customRules = () => extension.serviceWorker.evaluate(async () => (await chrome.storage.local.get('custom-rules'))['custom-rules']);

  await options.getByTestId('rules-file').setInputFiles({ name: 'xx-club-secret.yaml', mimeType: 'text/yaml', buffer: Buffer.from(validRule.replace('category: secrecy', 'category: gossip')) });
  await options.getByTestId('rules-import').click();
  await expect(options.getByTestId('import-problems')).toContainText('xx-club-secret.yaml: category:');
  await expect(options.getByTestId('status')).toContainText('nothing was changed');
  expect(await customRules()).toBeFalsy();

  await options.getByTestId('rules-file').setInputFiles({ name: 'xx-club-secret.yaml', mimeType: 'text/yaml', buffer: Buffer.from(validRule) });
  await options.getByTestId('rules-import').click();
  await expect(options.getByTestId('status')).toContainText('Imported 1 rule');
  await expect(options.getByTestId('custom-rules')).toContainText('xx-club-secret.yaml');
  expect(JSON.stringify(await customRules())).toContain('xx-club-secret');
});

test('settings: removing the PIN asks first, checkboxes are big enough to hit, the policy schema is a link, no reload needed', async ({ extension }) => {
  const base = `chrome-extension://${extension.extensionId}`;
  const options = await extension.context.newPage();
  await options.goto(`${base}/options.html`);
  await setPin(options);
  const hasLock = async (): Promise<boolean> => extension.serviceWorker.evaluate(async () => Boolean((await chrome.storage.local.get('pin-lock'))['pin-lock']));

  // "Remove PIN" explains what it means and can be cancelled.
  await options.getByTestId('remove-pin').click();
  const dialog = options.getByTestId('confirm-remove-pin');
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('anyone using this computer');
  await options.getByTestId('confirm-remove-pin-cancel').click();
  await expect(dialog).toHaveCount(0);
  expect(await hasLock()).toBe(true);
  await options.getByTestId('remove-pin').click();
  await options.getByTestId('confirm-remove-pin-button').click();
  await expect(options.getByTestId('status')).toContainText('PIN removed');
  expect(await hasLock()).toBe(false);

  // Every checkbox and radio button is a target of at least 24 × 24 px (WCAG 2.5.8).
  const sizes = await options.locator('input[type="checkbox"], input[type="radio"]').evaluateAll((inputs) =>
    inputs.map((input) => {
      const box = input.getBoundingClientRect();
      return Math.min(box.width, box.height);
    }),
  );
  expect(sizes.length).toBeGreaterThan(10);
  expect(Math.min(...sizes)).toBeGreaterThanOrEqual(24);

  // A path in the source repository means nothing to a parent: the schema that ships with the extension is a link.
  await expect(options.getByTestId('admin-schema')).toHaveAttribute('href', `${base}/managed-schema.json`);
  const text = await options.locator('main').innerText();
  expect(text).not.toMatch(/docs\/admin-policy\.md|rules\/README\.md|reload/i);
});
