/**
 * `npm start`: build the extension, serve the demo chat on 127.0.0.1 and open it in Chromium with the extension
 * loaded. With `--headless` (automatic when there is no display, or on CI) it scans the demo conversations,
 * prints what was flagged, writes a sample report to out/, and exits 0.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { categoryName, levelName } from '../lib/i18n';
import { buildReport, toJson, toPrintableHtml } from '../lib/report';
import type { StoredConversation } from '../lib/storage/schema';
import { parseConversations } from '../lib/storage/parse';
import { DEMO_BUILD_COMMAND, launchWithExtension } from './support/extension-browser';
import { serveStatic } from './support/static-server';

const ROOT = resolve(import.meta.dirname, '..');
const args = new Set(process.argv.slice(2));
const headless =
  args.has('--headless') || Boolean(process.env.CI) || (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY);

async function readConversations(serviceWorker: { evaluate<T>(fn: () => Promise<T>): Promise<T> }): Promise<Record<string, StoredConversation>> {
  const raw = await serviceWorker.evaluate(async () => (await chrome.storage.local.get('conversations')).conversations);
  return parseConversations(raw).value;
}

async function openEachConversation(page: Page, ids: string[], settled: (id: string) => Promise<void>): Promise<void> {
  for (const id of ids) {
    await page.click(`[data-open="${id}"]`);
    await settled(id);
  }
}

async function main(): Promise<void> {
  if (!args.has('--no-build')) {
    console.log(`Building the extension (${DEMO_BUILD_COMMAND.slice(1).join(' ')})...`);
    const [command, ...buildArgs] = DEMO_BUILD_COMMAND;
    execFileSync(command, buildArgs, { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const server = await serveStatic(resolve(ROOT, 'demo'), '/demo/');
  const browser = await launchWithExtension({ headless });
  const page = await browser.context.newPage();
  await page.goto(server.url);
  console.log(`Demo chat: ${server.url} (extension ${browser.extensionId}${headless ? ', headless' : ''})`);

  if (!headless) {
    console.log('Chromium is open with Not Alone loaded. Close the browser window to stop.');
    await new Promise<void>((done) => browser.context.on('close', () => done()));
    await server.close();
    return;
  }

  const ids = await page.$$eval('[data-open]', (buttons) => buttons.map((b) => b.getAttribute('data-open') ?? ''));
  const seen = new Set<string>();
  await openEachConversation(page, ids, async (id) => {
    // The scan runs when the page is idle. When it has read this conversation, the content script tells the
    // background, which records it as the tab's open conversation: wait for that (at most 30 s).
    const key = `demo:${id}`;
    for (let i = 0; i < 300; i++) {
      const states = await browser.serviceWorker.evaluate(
        async () => ((await chrome.storage.session.get('tab-states'))['tab-states'] ?? {}) as Record<string, { conversationKey?: string }>,
      );
      if (Object.values(states).some((state) => state.conversationKey === key)) break;
      await page.waitForTimeout(100);
    }
    seen.add(id);
  });
  await page.waitForTimeout(300);
  const conversations = await readConversations(browser.serviceWorker);

  let flaggedTotal = 0;
  for (const id of ids) {
    const conversation = conversations[`demo:${id}`];
    if (!conversation || conversation.messages.every((m) => m.findings.length === 0)) {
      console.log(`\n${id}: nothing flagged`);
      continue;
    }
    const { risk } = conversation;
    console.log(`\n${conversation.title} [${id}]: level ${risk.level} (${levelName('en', risk.level)})${risk.alert ? ', WARNING SHOWN' : ''}`);
    for (const message of conversation.messages) {
      if (message.findings.length === 0) continue;
      flaggedTotal++;
      const cues = message.findings.map((f) => `${categoryName('en', f.category)} "${f.matched}"`).join('; ');
      console.log(`  ${message.from === 'self' ? 'you' : (message.sender ?? 'them')}: ${message.text}\n      -> ${cues}`);
    }
  }
  const outDir = resolve(ROOT, 'out');
  mkdirSync(outDir, { recursive: true });
  // The same report the report page exports: JSON with integrity hashes, and the printable version.
  const report = await buildReport(Object.values(conversations), { language: 'en', generator: 'extension' });
  const reportPath = resolve(outDir, 'sample-report.json');
  writeFileSync(reportPath, await toJson(report));
  writeFileSync(resolve(outDir, 'sample-report.html'), await toPrintableHtml(report, { language: 'en' }));
  console.log(`\n${flaggedTotal} flagged messages in ${seen.size} conversations. Sample report: ${reportPath} (and .html)`);
  await browser.close();
  await server.close();
  if (flaggedTotal === 0) {
    console.error('Nothing was flagged in the demo: the extension did not work as expected.');
    process.exit(1);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
