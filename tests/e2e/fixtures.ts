/**
 * Playwright fixtures: a Chromium with the built extension loaded, the demo chat served on 127.0.0.1, and helpers to
 * read the extension's storage and the closed-shadow-root banner (through CDP, which sees closed roots; page
 * scripts cannot).
 */
import { test as base, expect, type Page } from '@playwright/test';
import { resolve } from 'node:path';
import { launchWithExtension, type ExtensionBrowser } from '../../scripts/support/extension-browser';
import { serveStatic, type StaticServer } from '../../scripts/support/static-server';
import { parseConversations } from '../../lib/storage/parse';
import type { StoredConversation } from '../../lib/storage/schema';

export const ROOT = resolve(import.meta.dirname, '../..');

interface Fixtures {
  extension: ExtensionBrowser;
  demo: StaticServer;
}

export const test = base.extend<Fixtures>({
  // eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring pattern.
  extension: async ({}, use) => {
    const browser = await launchWithExtension({ headless: true });
    await use(browser);
    await browser.close();
  },
  // eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring pattern.
  demo: async ({}, use) => {
    const server = await serveStatic(resolve(ROOT, 'demo'), '/demo/');
    await use(server);
    await server.close();
  },
});

export { expect };

export async function storedConversations(extension: ExtensionBrowser): Promise<Record<string, StoredConversation>> {
  const raw = await extension.serviceWorker.evaluate(async () => (await chrome.storage.local.get('conversations')).conversations);
  return parseConversations(raw).value;
}

export async function badgeText(extension: ExtensionBrowser, pageUrlPrefix: string): Promise<string> {
  return extension.serviceWorker.evaluate(async (prefix) => {
    const tabs = await chrome.tabs.query({});
    const tab = tabs.find((t) => t.url?.startsWith(prefix));
    if (tab?.id === undefined) return '<no tab>';
    return chrome.action.getBadgeText({ tabId: tab.id });
  }, pageUrlPrefix);
}

/**
 * Text of the banner inside its closed shadow root, or null when no banner is shown. CDP sees closed roots (page
 * scripts cannot); only the banner's own subtree is asked for, so this works on very deep pages too.
 */
export async function bannerText(page: Page): Promise<string | null> {
  const client = await page.context().newCDPSession(page);
  try {
    const { root } = (await client.send('DOM.getDocument', { depth: 0 })) as { root: { nodeId: number } };
    const { nodeId } = await client.send('DOM.querySelector', { nodeId: root.nodeId, selector: '[data-not-alone-banner]' });
    if (!nodeId) return null;
    const { node } = (await client.send('DOM.describeNode', { nodeId, depth: -1, pierce: true })) as { node: CdpNode };
    const parts: string[] = [];
    const collect = (n: CdpNode, parent: string): void => {
      if (n.nodeType === 3 && parent !== 'STYLE') parts.push(n.nodeValue ?? '');
      // The banner draws its words as generated content from `data-text` (lib/content/banner.ts).
      const attributes = n.attributes ?? [];
      for (let i = 0; i + 1 < attributes.length; i += 2) if (attributes[i] === 'data-text') parts.push(attributes[i + 1]);
      for (const child of [...(n.shadowRoots ?? []), ...(n.children ?? [])]) collect(child, n.nodeName);
    };
    collect(node, '');
    return parts.join(' ').replace(/\s+/g, ' ').trim();
  } finally {
    await client.detach();
  }
}

interface CdpNode {
  nodeType: number;
  nodeName: string;
  nodeValue?: string;
  /** Flat list: name, value, name, value… */
  attributes?: string[];
  children?: CdpNode[];
  shadowRoots?: CdpNode[];
}

/** Poll until `probe` returns a truthy value (the content script scans when the page is idle). */
export async function eventually<T>(probe: () => Promise<T | null | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting for the extension');
    await new Promise((done) => setTimeout(done, 100));
  }
}
