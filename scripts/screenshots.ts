/**
 * `npx tsx scripts/screenshots.ts`: screenshots of the welcome page, the in-page warning, the popup, the report page,
 * the printable report and the settings in English and Vietnamese, from a real run of the built extension (run
 * `npx wxt build --mode demo` first) on the demo chat. Written to docs/screenshots/. Uses Debian's Chromium (scripts/support/chromium.ts); never downloads a browser.
 *
 * The popup is opened as a tab, so "the current tab" would be the popup itself: the page's `chrome.tabs.query` is
 * pointed at the demo chat tab instead, which is what the real popup sees when opened over it.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { EXTENSION_DIR, launchWithExtension, welcomePage, type ExtensionBrowser } from './support/extension-browser';
import { serveStatic } from './support/static-server';

const ROOT = resolve(import.meta.dirname, '..');
const OUT = resolve(ROOT, 'docs/screenshots');

async function until<T>(probe: () => Promise<T | null | undefined | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 200));
  }
}

async function flagged(extension: ExtensionBrowser, key: string): Promise<boolean> {
  return extension.serviceWorker.evaluate(async (k) => {
    const { conversations } = await chrome.storage.local.get<{ conversations?: Record<string, { messages: Array<{ findings: unknown[] }> }> }>('conversations');
    return Boolean(conversations?.[k]?.messages.some((m) => m.findings.length > 0));
  }, key);
}

/** Make the popup page believe the demo chat tab is the active tab. */
export async function pointPopupAt(page: Page, urlPrefix: string): Promise<void> {
  // A string, not a function: tsx adds helpers (`__name`) to functions that do not exist inside the page.
  await page.addInitScript(`(() => {
    const prefix = ${JSON.stringify(urlPrefix)};
    const tabs = chrome.tabs;
    const original = tabs.query.bind(tabs);
    const query = async (_info, callback) => {
      const result = (await original({})).filter((tab) => (tab.url || '').startsWith(prefix)).slice(0, 1);
      if (callback) callback(result);
      return result;
    };
    Object.defineProperty(tabs, 'query', { value: query, configurable: true, writable: true });
  })();`);
}

/** On a busy machine the extension's service worker can be slow to start: try a few times. */
async function launchWithRetry(options: Parameters<typeof launchWithExtension>[0]): Promise<ExtensionBrowser> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await launchWithExtension(options);
    } catch (error) {
      if (attempt >= 3) throw error;
      console.error(`launch failed (${(error as Error).message.split('\n')[0]}), retrying`);
    }
  }
}

async function shoot(language: 'en' | 'vi', extensionDir: string): Promise<void> {
  const extension = await launchWithRetry({ headless: true, locale: language === 'vi' ? 'vi-VN' : 'en-US', extensionDir, welcome: 'keep' });
  const demo = await serveStatic(resolve(ROOT, 'demo'), '/demo/');
  try {
    // The welcome page, as it opens on install (in the browser's language).
    const welcome = await until(() => welcomePage(extension.context, extension.extensionId), 'the welcome page');
    await welcome.setViewportSize({ width: 1000, height: 1250 });
    await welcome.getByTestId('path-teen').click();
    await welcome.screenshot({ path: resolve(OUT, `welcome-${language}.png`), fullPage: true });
    await welcome.close();

    await extension.serviceWorker.evaluate(async (uiLanguage) => chrome.storage.local.set({ settings: { uiLanguage } }), language);
    const chat = await extension.context.newPage();
    const first = language === 'en' ? 'en-gamer' : 'vi-fake-police';
    const second = language === 'en' ? 'vi-fake-police' : 'en-gamer';
    await chat.goto(`${demo.url}#${first}`);
    await until(() => flagged(extension, `demo:${first}`), 'the demo conversation to be flagged');
    await chat.waitForSelector('[data-not-alone-banner]', { state: 'attached', timeout: 15_000 });
    await chat.waitForTimeout(300);
    await chat.screenshot({ path: resolve(OUT, `warning-${language}.png`) });
    await chat.click(`[data-open="${second}"]`);
    await until(() => flagged(extension, `demo:${second}`), 'the second demo conversation to be flagged');
    await chat.click('[data-open="vi-fake-police"]');
    await chat.waitForTimeout(800);

    const base = `chrome-extension://${extension.extensionId}`;
    const popup = await extension.context.newPage();
    await popup.setViewportSize({ width: 360, height: 560 });
    await pointPopupAt(popup, demo.url);
    await popup.goto(`${base}/popup.html`);
    await popup.locator('[data-testid="recent"] li[data-conversation]').first().waitFor();
    await popup.screenshot({ path: resolve(OUT, `popup-${language}.png`), fullPage: true });

    const report = await extension.context.newPage();
    await report.setViewportSize({ width: 1280, height: 1500 });
    await report.goto(`${base}/report.html#c=${encodeURIComponent('demo:vi-fake-police')}`);
    await report.locator('[data-testid="messages"] .message').first().waitFor();
    await report.screenshot({ path: resolve(OUT, `report-${language}.png`) });

    // The printable report (Save as PDF), in the same language.
    await report.getByTestId('export-language').selectOption(language);
    const [printable] = await Promise.all([extension.context.waitForEvent('page'), report.getByTestId('open-printable').click()]);
    await printable.setViewportSize({ width: 1000, height: 1400 });
    await printable.locator('li.msg.flagged').first().waitFor();
    await printable.screenshot({ path: resolve(OUT, `printable-${language}.png`) });
    await printable.close();

    const settings = await extension.context.newPage();
    await settings.setViewportSize({ width: 1000, height: 1400 });
    await settings.goto(`${base}/options.html`);
    await settings.locator('[data-testid="settings-form"]').waitFor();
    await settings.screenshot({ path: resolve(OUT, `settings-${language}.png`) });

    // The same page with a parent PIN set: everything visible, nothing changeable without the PIN.
    await settings.getByTestId('new-pin').fill('246813');
    await settings.getByTestId('repeat-pin').fill('246813');
    await settings.getByTestId('set-pin').click();
    await settings.getByTestId('lock-now').click();
    await settings.setViewportSize({ width: 1000, height: 900 });
    await settings.locator('[data-testid="lock-status"][data-state="locked"]').waitFor();
    await settings.screenshot({ path: resolve(OUT, `settings-locked-${language}.png`) });
    console.log(`docs/screenshots/{welcome,warning,popup,report,printable,settings,settings-locked}-${language}.png`);
  } finally {
    await extension.close();
    await demo.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  mkdirSync(OUT, { recursive: true });
  // A private copy of the build: another `wxt build` replacing .output/ mid-run would break the browser.
  const copy = mkdtempSync(join(tmpdir(), 'not-alone-ext-'));
  cpSync(EXTENSION_DIR, copy, { recursive: true });
  try {
    for (const language of ['en', 'vi'] as const) await shoot(language, copy);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}
