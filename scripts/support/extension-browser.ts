/**
 * Launches Chromium with the built extension loaded (for `npm start`, the e2e tests and the page benchmark).
 * `--disable-extensions-except` is required: without it the unpacked extension silently does not load.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page, type Worker } from '@playwright/test';
import { DEMO_BUILD_MODE } from '../../lib/sites/hosts';
import { findChromium } from './chromium';

/**
 * The demo build (`npx wxt build --mode demo`, `buildDemoExtension`): the production build without the local demo
 * hosts would not run on the demo chat (lib/sites/hosts.ts DEMO_MATCHES).
 */
export const EXTENSION_DIR = resolve(import.meta.dirname, `../../.output/chrome-mv3-${DEMO_BUILD_MODE}`);
export const DEMO_BUILD_COMMAND = ['npx', 'wxt', 'build', '--mode', DEMO_BUILD_MODE];

export interface ExtensionBrowser {
  context: BrowserContext;
  extensionId: string;
  serviceWorker: Worker;
  close(): Promise<void>;
}

/**
 * `welcome: 'close'` (the default) waits for the welcome tab the extension opens on install and closes it, so that
 * tests and scripts start from a browser with no page of ours open (a late welcome tab would be taken for the page a
 * click opened); `'keep'` leaves it open (tests/e2e/welcome.spec.ts).
 */
export async function launchWithExtension(options: { headless: boolean; extensionDir?: string; locale?: string; welcome?: 'close' | 'keep' }): Promise<ExtensionBrowser> {
  const extensionDir = options.extensionDir ?? EXTENSION_DIR;
  const userDataDir = mkdtempSync(join(tmpdir(), 'not-alone-profile-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: findChromium(),
    headless: options.headless,
    locale: options.locale ?? 'en-US',
    viewport: { width: 1200, height: 800 },
    args: [
      `--disable-extensions-except=${extensionDir}`,
      `--load-extension=${extensionDir}`,
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const serviceWorker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 15_000 }));
  const extensionId = new URL(serviceWorker.url()).host;
  if (options.welcome !== 'keep') {
    const welcome = await welcomePage(context, extensionId);
    // Closing the last tab would end the browser: a lone welcome tab is emptied instead.
    if (welcome && context.pages().length > 1) await welcome.close().catch(() => undefined);
    else if (welcome) await welcome.goto('about:blank').catch(() => undefined);
  }
  return {
    context,
    extensionId,
    serviceWorker,
    close: async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** The welcome tab the extension opens on install, or null when none opened within `timeoutMs`. */
export async function welcomePage(context: BrowserContext, extensionId: string, timeoutMs = 10_000): Promise<Page | null> {
  const url = `chrome-extension://${extensionId}/welcome.html`;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const page = context.pages().find((p) => p.url().startsWith(url));
    if (page) return page;
    await new Promise((done) => setTimeout(done, 100));
  }
  return null;
}
