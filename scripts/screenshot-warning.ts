/**
 * `npx tsx scripts/screenshot-warning.ts`: screenshots of the in-page warning on the demo chat, in English and
 * Vietnamese, taken from a real run of the built extension (run `npm run build` first). Written to docs/screenshots/.
 */
import { resolve } from 'node:path';
import { launchWithExtension } from './support/extension-browser';
import { serveStatic } from './support/static-server';

const ROOT = resolve(import.meta.dirname, '..');

for (const [language, locale, conversation] of [
  ['en', 'en-US', 'en-gamer'],
  ['vi', 'vi-VN', 'vi-fake-police'],
] as const) {
  const server = await serveStatic(resolve(ROOT, 'demo'), '/demo/');
  const browser = await launchWithExtension({ headless: true, locale });
  const page = await browser.context.newPage();
  await page.goto(`${server.url}#${conversation}`);
  await page.waitForSelector('[data-not-alone-banner]', { state: 'attached', timeout: 15_000 });
  await page.waitForTimeout(300);
  const path = resolve(ROOT, `docs/screenshots/warning-${language}.png`);
  await page.screenshot({ path });
  console.log(`wrote ${path}`);
  await browser.close();
  await server.close();
}
