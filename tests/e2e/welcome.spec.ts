/**
 * First run: installing the extension opens the welcome page once (runtime.onInstalled reason "install"), in the
 * browser's language and switchable, with what Not Alone watches and never does, pinning the icon, an example
 * warning, a path for the teen or student and one for a parent (straight to the PIN), and the note that the project
 * is independent of the police campaign of the same name.
 */
import { launchWithExtension, welcomePage } from '../../scripts/support/extension-browser';
import { bannerText, eventually, expect, test } from './fixtures';

test('the welcome page opens on install in the browser language, switches language, and leads teen and parent', async () => {
  const extension = await launchWithExtension({ headless: true, locale: 'vi-VN', welcome: 'keep' });
  try {
    const welcome = await welcomePage(extension.context, extension.extensionId);
    expect(welcome, 'a welcome tab opened on install').not.toBeNull();
    const page = welcome!;
    await expect(page.locator('h1')).toHaveText('Chào mừng bạn đến với Không một mình');
    await expect(page.locator('html')).toHaveAttribute('lang', 'vi');
    await expect(page.getByTestId('never')).toContainText('Không bao giờ gửi bất cứ thứ gì');
    await expect(page.getByTestId('independent')).toContainText('không liên kết');
    await expect(page.getByTestId('pin-icon')).toBeVisible();

    // Switchable: the page and the extension's language follow.
    await page.getByTestId('language-en').click();
    await expect(page.locator('h1')).toHaveText('Welcome to Not Alone');
    await expect(page.getByTestId('language-en')).toHaveAttribute('aria-pressed', 'true');
    await expect(page.getByTestId('independent')).toContainText('not affiliated');
    await eventually(() => extension.serviceWorker.evaluate(async () => ((await chrome.storage.local.get('settings')).settings as { uiLanguage?: string } | undefined)?.uiLanguage === 'en'));

    // The teen path opens on the page.
    await expect(page.getByTestId('teen-path')).toBeHidden();
    await page.getByTestId('path-teen').click();
    await expect(page.getByTestId('teen-path')).toBeVisible();
    await expect(page.getByTestId('path-teen')).toHaveAttribute('aria-expanded', 'true');
    await expect(page.getByTestId('teen-path')).toContainText('never your fault');

    // The example warning is the real banner.
    await page.getByTestId('show-example').click();
    const example = await eventually(() => bannerText(page));
    expect(example).toContain('This chat shows signs of manipulation');
    expect(example).toContain('posing as an authority');

    // The parent path lands in the PIN form.
    await page.getByTestId('path-parent').click();
    await expect(page).toHaveURL(/\/options\.html#pin$/);
    await expect(page.getByTestId('new-pin')).toBeFocused();
    await expect(page.getByTestId('admin')).toBeVisible();
  } finally {
    await extension.close();
  }
});

test('the welcome page follows an English browser and is not opened again when the service worker restarts', async () => {
  const extension = await launchWithExtension({ headless: true, locale: 'en-US', welcome: 'keep' });
  try {
    const page = await welcomePage(extension.context, extension.extensionId);
    await expect(page!.locator('h1')).toHaveText('Welcome to Not Alone');
    await page!.close();
    // A service-worker restart is not an install.
    const client = await extension.context.newCDPSession(await extension.context.newPage());
    await client.send('ServiceWorker.enable');
    await client.send('ServiceWorker.stopAllWorkers');
    const popup = await extension.context.newPage();
    await popup.goto(`chrome-extension://${extension.extensionId}/popup.html`);
    await expect(popup.getByTestId('shortcut')).toContainText('Alt+Shift+N');
    await expect(popup.getByTestId('welcome-link')).toHaveAttribute('href', `chrome-extension://${extension.extensionId}/welcome.html`);
    expect(await welcomePage(extension.context, extension.extensionId, 2_000)).toBeNull();
  } finally {
    await extension.close();
  }
});
