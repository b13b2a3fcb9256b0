/**
 * Launches Chromium with the built extension loaded (for `npm start`, the e2e tests and the page benchmark).
 * `--disable-extensions-except` is required: without it the unpacked extension silently does not load.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Worker } from '@playwright/test';
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

export async function launchWithExtension(options: { headless: boolean; extensionDir?: string; locale?: string }): Promise<ExtensionBrowser> {
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
