/**
 * Extraction on every fixture page (tests/fixtures/sites/<app>/index.html, built to each app's real structure):
 * every visible message with its id, text, direction, sender and time, the conversation's id and title, before and
 * after a conversation switch, and nothing read from system lines, dates, deleted messages or the chat list.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ADAPTERS } from '../../lib/sites';
import type { ExtractContext, SiteAdapter } from '../../lib/sites/types';
import { expectedMessage, loadPage, readExpected, readPage, type LoadedPage } from './sites-fixtures';

const NOW = Date.parse('2026-05-10T23:30:00');
const context: ExtractContext = { now: NOW, dateOrder: 'dmy' };
const APPS = ['whatsapp', 'telegram-k', 'telegram-a', 'discord', 'messenger', 'instagram', 'zalo'];
/** Instagram marks its own messages only by layout (right-aligned), which happy-dom does not compute: e2e checks it. */
const NO_LAYOUT_DIRECTION = new Set(['instagram']);

function adapterNamed(id: string): SiteAdapter {
  const adapter = ADAPTERS.find((a) => a.id === id);
  if (!adapter) throw new Error(`no adapter ${id}`);
  return adapter;
}

function extractAll(adapter: SiteAdapter, page: LoadedPage) {
  const root = adapter.messageRoot(page.document) ?? page.document.body;
  return adapter.messageElements(root).flatMap((element) => {
    const message = adapter.extract(element, context);
    return message ? [message] : [];
  });
}

let open: LoadedPage | null = null;
afterEach(async () => {
  await open?.close();
  open = null;
});

describe.each(APPS)('%s fixture', (app) => {
  const expected = readExpected(app);
  const adapter = adapterNamed(app);

  it.each(Object.keys(expected.conversations))('extracts the %s conversation', (name) => {
    const conversation = expected.conversations[name];
    open = loadPage(readPage(app), expected.url);
    if (name !== expected.initial) open.open(name);
    expect(adapter.matches(open.url)).toBe(true);
    expect(adapter.conversation(open.document, open.url)).toEqual({ id: conversation.id, title: conversation.title, ...(conversation.avatar ? { avatar: conversation.avatar } : {}) });
    const got = extractAll(adapter, open);
    const want = conversation.messages.map((m) => expectedMessage(m, NOW));
    const comparable = got.map((m, i) => ({
      ...m,
      id: conversation.messages[i]?.id === null ? '' : m.id,
      from: NO_LAYOUT_DIRECTION.has(app) ? want[i]?.from : m.from,
    }));
    expect(comparable).toEqual(want);
    // Ids are unique within the conversation (hashed ids included).
    expect(new Set(got.map((m) => m.id)).size).toBe(got.length);
  });

  it('finds each message element from any node inside it', () => {
    open = loadPage(readPage(app), expected.url);
    const root = adapter.messageRoot(open.document) ?? open.document.body;
    for (const element of adapter.messageElements(root)) {
      const deepest = element.querySelector('a, span, div') ?? element;
      expect(adapter.messageFor(deepest)).toBe(element);
      expect(adapter.messageFor(element)).toBe(element);
    }
  });
});
