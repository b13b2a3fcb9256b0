/**
 * Trust, points 1 and 2, with the real extension (docs/threat-model.md):
 *
 * 1. Nothing leaves the device: the full flow (chat -> warning -> popup -> report -> every export) makes no request
 *    from extension pages, the service worker or the content script; the manifest's CSP forbids connections and
 *    outside resources, and Chromium enforces it (a fetch and an image from an extension page and from the service
 *    worker never reach a server).
 * 2. Hostile chat content: payloads (HTML, script, javascript: links, RTL overrides), a 1 MB message, 50,000
 *    messages and a message nested thousands of elements deep. Nothing runs, everything shows as text in the banner,
 *    the popup, the report page and the printable report, the page stays responsive, and the scan reaches the end.
 */
import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { BrowserContext, Download, Page, Request } from '@playwright/test';
import { parseCsv, ReportSchema, unsafeCell, CSV_COLUMNS } from '../../lib/report';
import { serveStatic } from '../../scripts/support/static-server';
import { HOSTILE_TEXTS, oneMegabyteMessage } from '../fixtures/hostile/payloads';
import { bannerText, eventually, expect, ROOT, storedConversations, test } from './fixtures';

interface Recorded {
  url: string;
  origin: 'service worker' | 'page';
  page: string;
}

/** Every request any page or the service worker of the context makes from now on (Chromium reports both). */
function recordRequests(context: BrowserContext): Recorded[] {
  const seen: Recorded[] = [];
  context.on('request', (request: Request) => {
    const worker = request.serviceWorker();
    let page = '';
    try {
      page = request.frame().page().url();
    } catch {
      page = worker?.url() ?? '';
    }
    seen.push({ url: request.url(), origin: worker ? 'service worker' : 'page', page });
  });
  return seen;
}

/** Requests that are not the extension reading its own files, nor the chat page loading its own files. */
function outsideRequests(seen: readonly Recorded[], extensionId: string, pageFiles: readonly string[]): Recorded[] {
  return seen.filter(({ url }) => {
    if (url.startsWith(`chrome-extension://${extensionId}/`) || url.startsWith('data:') || url.startsWith('blob:')) return false;
    return !pageFiles.some((file) => url === file || url.startsWith(`${file}#`) || url.startsWith(`${file}?`));
  });
}

/** A server that only counts: any hit means something left the extension. */
async function countingServer(): Promise<{ url: string; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = [];
  const server: Server = createServer((request, response) => {
    hits.push(request.url ?? '');
    response.writeHead(200, { 'content-type': 'image/gif', 'access-control-allow-origin': '*' }).end('GIF89a');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, hits, close: () => new Promise<void>((done) => server.close(() => done())) };
}

async function download(page: Page, testid: string): Promise<{ name: string; text: string }> {
  const [file]: [Download, void] = await Promise.all([page.waitForEvent('download', { timeout: 15_000 }), page.getByTestId(testid).click()]);
  return { name: file.suggestedFilename(), text: readFileSync(await file.path(), 'utf8') };
}

/** Fails the test on any dialog (alert(), confirm() the extension did not open itself). */
function noDialogs(page: Page, opened: string[]): void {
  page.on('dialog', (dialog) => {
    opened.push(`${page.url()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
}


const pwned = (page: Page): Promise<unknown> => page.evaluate(() => (window as { __pwned?: unknown }).__pwned);

test('nothing leaves the device: the extension pages carry a CSP that forbids connections and outside resources', async ({ extension }) => {
  // The demo build the tests run (always there), and the production builds when they were made.
  for (const build of ['chrome-mv3-demo', 'chrome-mv3', 'firefox-mv3']) {
    const path = resolve(ROOT, '.output', build, 'manifest.json');
    if (!existsSync(path)) continue;
    const csp = (JSON.parse(readFileSync(path, 'utf8')) as { content_security_policy?: { extension_pages?: string } }).content_security_policy?.extension_pages ?? '';
    expect(csp, build).toContain("connect-src 'none'");
    expect(csp, build).toContain("default-src 'self'");
    expect(csp, build).toMatch(/script-src 'self'(;|$)/);
    expect(csp, build).not.toMatch(/https?:|\*|unsafe-eval|wasm/);
  }

  // Chromium enforces it: from an extension page and from the service worker, nothing reaches a server.
  const server = await countingServer();
  try {
    const page = await extension.context.newPage();
    await page.goto(`chrome-extension://${extension.extensionId}/report.html`);
    const fromPage = await page.evaluate(async (url) => {
      const fetched = await fetch(`${url}/fetch`).then(() => 'sent', () => 'blocked');
      const image = await new Promise<string>((done) => {
        const img = new Image();
        img.onload = () => done('sent');
        img.onerror = () => done('blocked');
        img.src = `${url}/image.gif`;
      });
      // sendBeacon says only whether it queued the request: the server below says whether it went out.
      navigator.sendBeacon(`${url}/beacon`, 'x');
      return { fetched, image };
    }, server.url);
    expect(fromPage).toEqual({ fetched: 'blocked', image: 'blocked' });
    const fromWorker = await extension.serviceWorker.evaluate(async (url) => fetch(`${url}/worker`).then(() => 'sent', () => 'blocked'), server.url);
    expect(fromWorker).toBe('blocked');
    await page.waitForTimeout(300);
    expect(server.hits).toEqual([]);
  } finally {
    await server.close();
  }
});

test('nothing leaves the device: the whole flow, chat to warning to popup to report to every export, makes no request', async ({ extension, demo }) => {
  const seen = recordRequests(extension.context);
  const dialogs: string[] = [];
  const base = `chrome-extension://${extension.extensionId}`;

  const chat = await extension.context.newPage();
  noDialogs(chat, dialogs);
  await chat.goto(demo.url);
  await eventually(async () => (await storedConversations(extension))['demo:vi-fake-police']?.risk.alert, 15_000);
  expect(await eventually(() => bannerText(chat))).toContain("I'm OK");
  // The user tries a message of their own, and opens another conversation.
  // (Enter, not the Send button: the banner may cover it.)
  await chat.locator('#try-text').fill("don't tell anyone about this, ok?");
  await chat.locator('#try-text').press('Enter');
  await chat.locator('[data-open="en-gamer"]').click();
  await eventually(async () => (await storedConversations(extension))['demo:en-gamer']?.risk.alert, 15_000);

  const popup = await extension.context.newPage();
  noDialogs(popup, dialogs);
  await popup.goto(`${base}/popup.html`);
  await expect(popup.locator('[data-conversation="demo:vi-fake-police"]')).toBeVisible();

  const report = await extension.context.newPage();
  noDialogs(report, dialogs);
  await report.goto(`${base}/report.html`);
  await report.locator('[data-testid="conversation-list"] [data-conversation="demo:vi-fake-police"] button').click();
  await expect(report.getByTestId('conversation-view')).toContainText('Cán bộ Minh');
  await report.getByTestId('select-all').check();
  const files = [await download(report, 'export-json'), await download(report, 'export-csv'), await download(report, 'export-html')];
  expect(files.map((f) => f.name)).toEqual([expect.stringMatching(/\.json$/), expect.stringMatching(/\.csv$/), expect.stringMatching(/\.html$/)]);
  const [printable] = await Promise.all([extension.context.waitForEvent('page', { timeout: 15_000 }), report.getByTestId('open-printable').click()]);
  await expect(printable.locator('li.msg.flagged').first()).toBeVisible();

  // What the service worker itself fetched since it started (requests before the recorder was attached too).
  const workerResources = await extension.serviceWorker.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name));
  expect(workerResources.filter((url) => !url.startsWith(`chrome-extension://${extension.extensionId}/`))).toEqual([]);

  const pageFiles = [demo.url, `${demo.url}demo.css`, `${demo.url}demo.js`, new URL('/favicon.ico', demo.url).href];
  expect(outsideRequests(seen, extension.extensionId, pageFiles)).toEqual([]);
  // The recorder does see requests: the chat page's own files and the extension's own files.
  expect(seen.some((r) => r.url === `${demo.url}demo.js`)).toBe(true);
  expect(seen.some((r) => r.url.startsWith(`${base}/`))).toBe(true);
  expect(dialogs).toEqual([]);
});

test('hostile chat content stays text everywhere, runs nowhere, and the page stays responsive', async ({ extension }) => {
  test.setTimeout(120_000);
  const site = await serveStatic(resolve(ROOT, 'tests/fixtures/hostile'), '/demo-hostile/');
  const seen = recordRequests(extension.context);
  const dialogs: string[] = [];
  const base = `chrome-extension://${extension.extensionId}`;
  const title = `<img src=x onerror="window.__pwned='title'"> \u202EJay`;
  const FILLER = 50_000;
  const DEPTH = 5_000;
  const HIDDEN_DEPTH = 100_000;
  try {
    const chat = await extension.context.newPage();
    noDialogs(chat, dialogs);
    await chat.addInitScript(
      (config) => {
        (window as unknown as { __HOSTILE__: unknown }).__HOSTILE__ = config;
      },
      {
        title,
        sender: `<b onclick="window.__pwned='sender'">Jay</b>`,
        texts: HOSTILE_TEXTS,
        megabyte: oneMegabyteMessage(),
        depth: DEPTH,
        hiddenDepth: HIDDEN_DEPTH,
        deepText: "deep down: don't tell your parents",
        filler: FILLER,
        lastText: 'the very last one: keep this our secret',
      },
    );
    await chat.goto(site.url);
    await expect(chat.locator('body[data-ready="true"]')).toBeAttached({ timeout: 30_000 });

    // Responsiveness while the extension reads 50,000 messages: a round trip into the page, measured until the scan
    // has reached the last message.
    let slowest = 0;
    const started = Date.now();
    const conversation = await eventually(async () => {
      const t = Date.now();
      await chat.evaluate(() => document.querySelectorAll('.msg').length);
      slowest = Math.max(slowest, Date.now() - t);
      const c = (await storedConversations(extension))['demo:hostile'];
      return c?.messages.some((m) => m.id === 'h-last' && m.findings.length > 0) ? c : null;
    }, 90_000);
    const scanSeconds = (Date.now() - started) / 1000;
    console.log(`hostile page: scan reached the last of ${FILLER} messages in ${scanSeconds.toFixed(1)} s; slowest page round trip ${slowest} ms`);
    expect(slowest).toBeLessThan(3_000);

    // Stored as text, each flagged, the 1 MB message kept as an excerpt, the deep message read.
    const byId = new Map(conversation.messages.map((m) => [m.id, m]));
    for (const key of Object.keys(HOSTILE_TEXTS)) expect(byId.get(`h-${key}`)?.findings.length, key).toBeGreaterThan(0);
    expect(byId.get('h-img')?.text).toContain('<img src=x onerror=');
    // The 1 MB message reaches the background cut to 20,000 characters; storage keeps an excerpt of it with the length
    // and hash of what was received (issue 15, point 3).
    expect(byId.get('h-megabyte')?.text.length).toBe(2_000);
    expect(byId.get('h-megabyte')?.original?.length).toBe(20_000);
    expect(byId.get('h-deep')?.findings.length ?? 0).toBeGreaterThan(0);
    expect(conversation.title).toBe(title.trim());

    // The banner shows the words, markup included, as text; nothing ran in the page; the extension added no element
    // to the page other than its own host.
    const banner = await eventually(() => bannerText(chat));
    expect(banner).toContain(`"'><!--</b> your parents`);
    expect(await pwned(chat)).toBeUndefined();
    expect(await chat.locator('img, iframe, svg, a[href^="javascript"], link, style').count()).toBe(0);

    // The popup: the hostile title is text.
    const popup = await extension.context.newPage();
    noDialogs(popup, dialogs);
    await popup.goto(`${base}/popup.html`);
    const item = popup.locator('[data-conversation="demo:hostile"]');
    await expect(item).toContainText(`<img src=x onerror="window.__pwned='title'">`);
    expect(await item.locator('img, script, iframe, svg').count()).toBe(0);
    expect(await pwned(popup)).toBeUndefined();

    // The report page: every payload shows as text, no element comes from a message.
    const report = await extension.context.newPage();
    noDialogs(report, dialogs);
    await report.goto(`${base}/report.html#c=${encodeURIComponent('demo:hostile')}`);
    const view = report.getByTestId('conversation-view');
    await expect(view).toContainText(`</script><script>window.__pwned='script'</script>`);
    await expect(view).toContainText(`<a href="javascript:window.__pwned='link'">click</a>`);
    await expect(view).toContainText(`<svg onload="window.__pwned='svg'">`);
    expect(await view.locator('img, script, iframe, object, embed, a[href^="javascript"], svg:not(.timeline), link, style').count()).toBe(0);
    expect(await pwned(report)).toBeUndefined();

    // Every export: the texts come back as data, and the printable report runs nothing when opened.
    await report.getByTestId('select-all').check();
    const json = await download(report, 'export-json');
    const parsed = ReportSchema.parse(JSON.parse(json.text));
    const texts = parsed.conversations.flatMap((c) => c.messages.map((m) => m.text));
    for (const id of ['h-img', 'h-script', 'h-javascriptLink', 'h-svg', 'h-rtl']) expect(texts, id).toContain(byId.get(id)?.text);
    const csv = await download(report, 'export-csv');
    const textColumn = CSV_COLUMNS.indexOf('text');
    const csvCells = parseCsv(csv.text).map((row) => row[textColumn] ?? '');
    const storedCsv = byId.get('h-csv')?.text ?? '';
    expect(storedCsv.startsWith('=HYPERLINK(')).toBe(true);
    // Read back exactly, and written so that a spreadsheet does not run it.
    expect(csvCells.map(unsafeCell)).toContain(storedCsv);
    expect(csvCells).toContain(`'${storedCsv}`);
    const [printable] = await Promise.all([extension.context.waitForEvent('page', { timeout: 15_000 }), report.getByTestId('open-printable').click()]);
    noDialogs(printable, dialogs);
    await expect(printable.locator('li.msg p.text').filter({ hasText: `window.__pwned='img'` }).first()).toBeVisible();
    expect(await printable.locator('body img, body iframe, body a[href], body script:not([type="application/json"])').count()).toBe(0);
    expect(await pwned(printable)).toBeUndefined();

    expect(dialogs).toEqual([]);
    // Nothing a payload names was ever requested (`x`, the style sheet on port 1, a javascript: URL).
    expect(outsideRequests(seen, extension.extensionId, [site.url, `${site.url}hostile.js`, new URL('/favicon.ico', site.url).href])).toEqual([]);
  } finally {
    // The browser may keep a connection to the page open: do not wait for it (the server dies with the worker).
    await Promise.race([site.close(), new Promise((done) => setTimeout(done, 1000))]);
  }
});
