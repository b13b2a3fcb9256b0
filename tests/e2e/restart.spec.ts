/**
 * The analysis runs in the background's service worker, which Chrome stops when it is idle (about 30 s): all its
 * state goes with it. Here the worker is stopped on purpose (CDP `ServiceWorker.stopAllWorkers`) after a warning;
 * the next message the chat shows wakes it, it answers `resync` (it does not know the scan), the content script
 * reads the conversation again for it, the new message is analysed and stored, and the warning already shown is not
 * shown again (the worker takes the level already warned about from the stored peak). And when the settings change,
 * the worker does not wait for the next message: it asks the open chat to read its conversation again.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { BrowserContext, Page, Worker } from '@playwright/test';
import { parseConversations } from '../../lib/storage/parse';
import type { StoredConversation } from '../../lib/storage/schema';
import { bannerText, eventually, expect, ROOT, test } from './fixtures';

const expected = JSON.parse(readFileSync(resolve(ROOT, 'tests/fixtures/sites/telegram-k/expected.json'), 'utf8')) as {
  url: string;
  conversations: { risky: { id: string; url?: string } };
};
const page = readFileSync(resolve(ROOT, 'tests/fixtures/sites/telegram-k/index.html'), 'utf8');

/** The extension's service worker now running (a stopped worker's handle is dead). */
function currentWorker(context: BrowserContext, extensionId: string): Worker | undefined {
  return context.serviceWorkers().find((worker) => worker.url().startsWith(`chrome-extension://${extensionId}/`));
}

async function stored(context: BrowserContext, extensionId: string): Promise<Record<string, StoredConversation>> {
  const worker = currentWorker(context, extensionId);
  if (!worker) return {};
  try {
    return parseConversations(await worker.evaluate(async () => (await chrome.storage.local.get('conversations')).conversations)).value;
  } catch {
    return {}; // stopped while we asked
  }
}

/** The content script's counters, in its isolated world (page scripts cannot read them). */
async function scanStats(chat: Page): Promise<{ resyncs: number; requests: number } | undefined> {
  const client = await chat.context().newCDPSession(chat);
  const contexts: number[] = [];
  client.on('Runtime.executionContextCreated', (event: { context: { id: number; origin: string; auxData?: { type?: string } } }) => {
    if (event.context.auxData?.type === 'isolated' && event.context.origin.startsWith('chrome-extension://')) contexts.push(event.context.id);
  });
  await client.send('Runtime.enable');
  try {
    for (const contextId of contexts) {
      const { result } = (await client.send('Runtime.evaluate', {
        expression: 'JSON.parse(JSON.stringify(globalThis.notAloneDiagnostics?.scan() ?? null))',
        contextId,
        returnByValue: true,
      })) as { result: { value?: { resyncs: number; requests: number } | null } };
      if (result.value) return result.value;
    }
    return undefined;
  } finally {
    await client.detach();
  }
}

test('after the service worker was stopped, the scan starts over for it and the same warning is not shown twice', async ({ extension }) => {
  // Every message after a flagged one is kept as context: the new message below is stored when it is analysed.
  await extension.serviceWorker.evaluate(async () => chrome.storage.local.set({ settings: { contextMessages: 50 } }));
  await extension.context.route(`${new URL(expected.url).origin}/**`, (route) =>
    route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: route.request().resourceType() === 'document' ? page : '' }),
  );
  const chat = await extension.context.newPage();
  await chat.goto(expected.conversations.risky.url ?? expected.url);
  const key = `telegram-k:${expected.conversations.risky.id}`;
  expect(await eventually(() => bannerText(chat))).toContain('This chat shows signs of manipulation');
  const before = await eventually(async () => {
    const conversation = (await stored(extension.context, extension.extensionId))[key];
    return conversation?.risk.alert ? conversation : null;
  });

  // The user closes the warning ("I'm OK" by keyboard is tested in sites.spec.ts): Escape inside the banner.
  const client = await chat.context().newCDPSession(chat);
  const { root } = (await client.send('DOM.getDocument', { depth: -1, pierce: true })) as { root: { nodeId: number } };
  const { nodeIds } = await client.send('DOM.querySelectorAll', { nodeId: root.nodeId, selector: '[data-not-alone-banner]' });
  expect(nodeIds).toHaveLength(1);
  const { node } = (await client.send('DOM.describeNode', { nodeId: nodeIds[0], depth: -1, pierce: true })) as {
    node: { shadowRoots?: Array<{ backendNodeId: number; children?: unknown[] }> };
  };
  const findButton = (n: { nodeName?: string; backendNodeId: number; children?: unknown[]; shadowRoots?: unknown[] }): number | undefined => {
    if (n.nodeName === 'BUTTON') return n.backendNodeId;
    for (const child of [...(n.shadowRoots ?? []), ...(n.children ?? [])] as Array<typeof n>) {
      const found = findButton(child);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  const button = findButton(node as Parameters<typeof findButton>[0]);
  expect(button).toBeDefined();
  await client.send('DOM.focus', { backendNodeId: button });
  await chat.keyboard.press('Escape');
  await eventually(async () => ((await bannerText(chat)) === null ? 'gone' : null));

  // Chrome stops the idle worker: every session, every scan it knew, is gone.
  await client.send('ServiceWorker.enable');
  await client.send('ServiceWorker.stopAllWorkers');
  await client.detach();
  await chat.waitForTimeout(500);

  // The chat shows a new (plain) message: the content script asks, the woken worker does not know the scan.
  await chat.evaluate(() => {
    const group = document.querySelector('.bubbles-inner section.bubbles-date-group');
    const bubble = document.createElement('div');
    bubble.className = 'bubble is-in';
    bubble.dataset.mid = '9301';
    bubble.dataset.peerId = document.querySelector('.bubble[data-peer-id]')?.getAttribute('data-peer-id') ?? '';
    // At the time of the chat's last message (older cues fade with time: a message months later would calm the risk).
    bubble.dataset.timestamp = [...document.querySelectorAll('.bubble[data-timestamp]')].at(-1)?.getAttribute('data-timestamp') ?? '';
    bubble.innerHTML = '<div class="bubble-content-wrapper"><div class="bubble-content"><div class="message" dir="auto"><span class="translatable-message">ok see you later then</span><span class="time"><span class="i18n">09:00</span></span></div></div></div>';
    const holder = document.createElement('div');
    holder.className = 'bubbles-group';
    holder.append(bubble);
    group?.append(holder);
  });

  const stats = await eventually(async () => {
    const s = await scanStats(chat);
    return s && s.resyncs >= 1 ? s : null;
  }, 15_000);
  expect(stats.resyncs).toBe(1);
  // The whole conversation was analysed again: the new message is stored as context of the flagged ones.
  const after = await eventually(async () => {
    const conversation = (await stored(extension.context, extension.extensionId))[key];
    return conversation?.messages.some((m) => m.id === '9301') ? conversation : null;
  }, 15_000);
  expect(after.risk.level).toBe(before.risk.level);
  expect(after.peakLevel).toBe(before.peakLevel);
  // No second warning for the level already warned about.
  await chat.waitForTimeout(1000);
  expect(await bannerText(chat)).toBeNull();
});

test('a settings change reaches the open chat at once: the background asks it to read the conversation again', async ({ extension }) => {
  await extension.context.route(`${new URL(expected.url).origin}/**`, (route) =>
    route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: route.request().resourceType() === 'document' ? page : '' }),
  );
  const chat = await extension.context.newPage();
  await chat.goto(expected.conversations.risky.url ?? expected.url);
  expect(await eventually(() => bannerText(chat))).toContain('This chat shows signs of manipulation');
  const before = await eventually(async () => {
    const s = await scanStats(chat);
    return s && s.requests > 0 ? s : null;
  });
  const analysed = async (): Promise<number> => extension.serviceWorker.evaluate(() => (globalThis as { notAloneDiagnostics?: { messages: number } }).notAloneDiagnostics?.messages ?? 0);
  const messagesBefore = await analysed();

  // The parent makes the extension more cautious; the chat page does not change at all.
  await extension.serviceWorker.evaluate(async () => chrome.storage.local.set({ settings: { sensitivity: 'cautious' } }));

  // The content script sends the whole conversation again, for a new scan, without waiting for a new message and
  // without a resync round trip, and the background analyses it with the new engine.
  const after = await eventually(async () => {
    const s = await scanStats(chat);
    return s && s.requests > before.requests ? s : null;
  }, 15_000);
  expect(after.resyncs).toBe(0);
  expect(await eventually(async () => ((await analysed()) > messagesBefore ? 'analysed' : null), 15_000)).toBe('analysed');
});
