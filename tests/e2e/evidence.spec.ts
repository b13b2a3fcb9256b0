/**
 * Evidence that survives a hostile chat partner (issue 15), with the real extension in Chromium on every chat app's
 * fixture page (tests/fixtures/sites/<app>/, served at the app's real address):
 *   - the sender rewrites each flagged message in place (the app keeps the message id), live and then across a
 *     reload of the page: what was stored is never replaced, the edit is stored next to it, and the report page says
 *     "edited after it was stored" with both texts;
 *   - storage.local is kept from content scripts (setAccessLevel), and the content script still works.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from '@playwright/test';
import type { ExtensionBrowser } from '../../scripts/support/extension-browser';
import type { StoredConversation } from '../../lib/storage/schema';
import { bannerText, eventually, expect, ROOT, storedConversations, test } from './fixtures';

const SITES = resolve(ROOT, 'tests/fixtures/sites');
const APPS = ['whatsapp', 'telegram-k', 'telegram-a', 'discord', 'messenger', 'instagram', 'zalo'] as const;
const REWRITTEN = 'ok see you at school tomorrow';

interface Expected {
  url: string;
  conversations: Record<string, { id: string; messages: Array<{ id: string | null; text: string }> }>;
}

const readExpected = (app: string): Expected => JSON.parse(readFileSync(resolve(SITES, app, 'expected.json'), 'utf8')) as Expected;
const readPage = (app: string): string => readFileSync(resolve(SITES, app, 'index.html'), 'utf8');

/** Serve `page()` for every document request to the origin of `url` (the page can change between loads). */
async function serve(extension: ExtensionBrowser, url: string, page: () => string): Promise<void> {
  await extension.context.route(`${new URL(url).origin}/**`, async (route) => {
    const document = route.request().resourceType() === 'document';
    await route.fulfill({ status: document ? 200 : 404, contentType: 'text/html; charset=utf-8', body: document ? page() : '' });
  });
}

/**
 * The sender rewrites a message in place: every text node of the page holding `words` (the words that raised the
 * flag) gets `replacement` instead, in the message and in the chat list's preview of it, as the app itself would.
 */
async function rewriteInPage(page: Page, words: string, replacement: string): Promise<number> {
  return page.evaluate(
    ([wanted, next]) => {
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      const nodes: Text[] = [];
      for (let node = walker.nextNode(); node; node = walker.nextNode()) if ((node as Text).data.includes(wanted)) nodes.push(node as Text);
      for (const node of nodes) node.data = next;
      return nodes.length;
    },
    [words, replacement] as const,
  );
}

/** The same rewrite in the page's HTML source, for the next load (the words as the source may escape them). */
function rewriteInHtml(html: string, words: string, replacement: string): string {
  const forms = [words, words.replace(/&/g, '&amp;').replace(/'/g, '&#39;'), words.replace(/&/g, '&amp;').replace(/'/g, '&apos;'), words.replace(/'/g, '&#x27;')];
  return forms.reduce((out, form) => out.split(form).join(replacement), html);
}

async function riskyConversation(extension: ExtensionBrowser, key: string, ready: (c: StoredConversation) => boolean): Promise<StoredConversation> {
  return eventually(async () => {
    const conversation = (await storedConversations(extension))[key];
    return conversation && ready(conversation) ? conversation : null;
  }, 15_000);
}

for (const app of APPS) {
  test(`${app}: a flagged message rewritten by its sender keeps the stored text, and the edit is stored next to it`, async ({ extension }) => {
    const expected = readExpected(app);
    const risky = expected.conversations.risky;
    const key = `${app}:${risky.id}`;
    let html = readPage(app);
    await serve(extension, expected.url, () => html);
    const page = await extension.context.newPage();
    await page.goto(expected.url);
    await page.click('[data-open="risky"]');
    const before = await riskyConversation(extension, key, (c) => c.messages.some((m) => m.findings.length > 0));
    const flagged = before.messages.filter((m) => m.findings.length > 0);

    // Live: the sender rewrites every flagged message in place.
    for (const message of flagged) {
      const words = message.findings[0].matched;
      if (message.text.includes(REWRITTEN)) continue;
      expect(await rewriteInPage(page, words, REWRITTEN), `${app}: ${words}`).toBeGreaterThan(0);
    }
    const stableIds = flagged.filter((m) => risky.messages.find((e) => e.text === m.text)?.id !== null);
    const lastEdit = (c: StoredConversation, id: string) => c.messages.find((m) => m.id === id)?.edits?.at(-1)?.text ?? '';
    const edited = await riskyConversation(extension, key, (c) => stableIds.every((s) => lastEdit(c, s.id).includes(REWRITTEN)));
    for (const message of flagged) {
      const kept = edited.messages.find((m) => m.id === message.id);
      expect(kept?.text, `${app}: the stored text of ${message.id}`).toBe(message.text);
      expect(kept?.findings).toEqual(message.findings);
    }
    // Apps whose pages give message ids keep them through an edit: there the edit must be stored next to the text.
    if (risky.messages.some((m) => m.id !== null)) expect(stableIds.length, `${app} keeps message ids`).toBeGreaterThan(0);

    // Across a reload: the page now serves the rewritten texts under the same ids.
    for (const message of flagged) html = rewriteInHtml(html, message.findings[0].matched, `${REWRITTEN} (2)`);
    await page.reload();
    await page.click('[data-open="risky"]');
    const reloaded = await riskyConversation(extension, key, (c) => stableIds.every((s) => lastEdit(c, s.id).includes(`${REWRITTEN} (2)`)));
    for (const message of flagged) expect(reloaded.messages.find((m) => m.id === message.id)?.text).toBe(message.text);
    expect(reloaded.messages.some((m) => m.findings.length > 0)).toBe(true);

    if (app === 'whatsapp') {
      // The report page shows the message as stored and says it was edited afterwards, with the new text.
      const report = await extension.context.newPage();
      await report.goto(`chrome-extension://${extension.extensionId}/report.html#c=${encodeURIComponent(key)}`);
      await expect(report.getByText('Edited after it was stored').first()).toBeVisible();
      await expect(report.getByText(REWRITTEN).first()).toBeVisible();
      await expect(report.getByText(flagged[0].text.slice(0, 20), { exact: false }).first()).toBeVisible();
    }
  });
}

test('storage.local is kept from content scripts; the content script still reads its settings and warns', async ({ extension }) => {
  const expected = readExpected('whatsapp');
  await serve(extension, expected.url, () => readPage('whatsapp'));
  const page = await extension.context.newPage();
  await page.goto(expected.url);
  await page.click('[data-open="risky"]');
  expect(await eventually(() => bannerText(page))).toContain('This chat shows signs of manipulation');
  // A script in the content scripts' isolated world of the chat tab (what a flaw in the content script could run).
  const attempt = await extension.serviceWorker.evaluate(async (url) => {
    const [tab] = await chrome.tabs.query({ url: `${url}*` });
    const [result] = await chrome.scripting.executeScript({
      target: { tabId: tab.id! },
      world: 'ISOLATED',
      func: async () => {
        try {
          const got = await chrome.storage.local.get(null);
          return `read ${Object.keys(got).length} keys`;
        } catch (error) {
          return `refused: ${String(error)}`;
        }
      },
    });
    return result.result as string;
  }, expected.url);
  expect(attempt).toMatch(/^refused/);
  // The extension's own pages still read it.
  expect(Object.keys(await storedConversations(extension))).toContain(`whatsapp:${expected.conversations.risky.id}`);
});
