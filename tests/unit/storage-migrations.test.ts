/**
 * Every storage migration runs on a stored example of the old shape (tests/fixtures/storage/), directly and through
 * WXT's versioned items on a fake browser.
 */
import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { storage } from 'wxt/utils/storage';
import { CONVERSATIONS_ITEM_OPTIONS, DISMISSALS_ITEM_OPTIONS } from '../../lib/storage/items';
import { conversationsMigrations, CONVERSATIONS_VERSION, dismissalsMigrations, DISMISSALS_VERSION } from '../../lib/storage/migrations';
import { migrate as dismissalsV2 } from '../../lib/storage/migrations/003-dismissals-kind';
import { migrate as conversationsV2 } from '../../lib/storage/migrations/002-conversations-saved-at';
import { migrate as conversationsV3 } from '../../lib/storage/migrations/004-conversations-versions';
import { mergeScanReport } from '../../lib/storage/conversations';
import { parseConversations, parseDismissals } from '../../lib/storage/parse';

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../fixtures/storage/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;
}

describe('migrations are numbered and complete', () => {
  it('has one migration for every version after 1', () => {
    for (let version = 2; version <= CONVERSATIONS_VERSION; version++) expect(typeof conversationsMigrations[version]).toBe('function');
    for (let version = 2; version <= DISMISSALS_VERSION; version++) expect(typeof dismissalsMigrations[version]).toBe('function');
  });
});

describe('002 conversations: savedAt', () => {
  it('fills savedAt from a stored v1 example, keeps everything else, and leaves broken records for the read check', () => {
    const v1 = fixture('conversations.v1.json');
    const v2 = conversationsV2(structuredClone(v1)) as Record<string, Record<string, unknown>>;
    expect(v2['demo:vi-fake-police'].savedAt).toBe(1751371800000);
    expect(v2['demo:en-gamer'].savedAt).toBeNull();
    expect(v2['demo:half-written']).toBe(v1['demo:half-written']);
    const { savedAt: _saved, ...rest } = v2['demo:vi-fake-police'];
    expect(rest).toEqual(v1['demo:vi-fake-police']);

    const { value, problems } = parseConversations(v2);
    expect(Object.keys(value).sort()).toEqual(['demo:en-gamer', 'demo:vi-fake-police']);
    expect(problems).toEqual(['conversation "demo:half-written" could not be read and was set aside']);
  });

  it('is idempotent and tolerates values that are not maps', () => {
    const once = conversationsV2(fixture('conversations.v1.json'));
    expect(conversationsV2(once)).toEqual(once);
    expect(conversationsV2(null)).toBeNull();
    expect(conversationsV2([1])).toEqual([1]);
  });
});

describe('003 conversations: versions, excerpts, titles', () => {
  it('starts the title history of a stored v2 example with its title, keeps everything else, and leaves broken records', () => {
    const v2 = fixture('conversations.v2.json');
    const v3 = conversationsV3(structuredClone(v2)) as Record<string, Record<string, unknown>>;
    expect(v3['demo:vi-fake-police'].titles).toEqual([{ title: 'Cán bộ Minh (CA quận)', at: 1751371200000 }]);
    expect(v3['demo:half-written']).toBe(v2['demo:half-written']);
    const { titles: _titles, ...rest } = v3['demo:en-gamer'];
    expect(rest).toEqual(v2['demo:en-gamer']);
    const { value, problems } = parseConversations(v3);
    expect(Object.keys(value).sort()).toEqual(['demo:en-gamer', 'demo:vi-fake-police']);
    expect(problems).toEqual(['conversation "demo:half-written" could not be read and was set aside']);
  });

  it('is idempotent and tolerates values that are not maps', () => {
    const once = conversationsV3(fixture('conversations.v2.json'));
    expect(conversationsV3(once)).toEqual(once);
    expect(conversationsV3(null)).toBeNull();
    expect(conversationsV3([1])).toEqual([1]);
  });

  it('a migrated conversation renamed later shows both titles, and an edit of a migrated message keeps the stored text', () => {
    const value = parseConversations(conversationsV3(fixture('conversations.v2.json'))).value;
    const stored = value['demo:vi-fake-police'];
    const edited = { ...stored.messages[1], text: 'ok', findings: [], seenAt: 1751372000000 };
    const next = mergeScanReport(value, { conversation: { key: stored.key, site: stored.site, title: 'Mẹ', url: stored.url }, messages: [edited], risk: stored.risk }, 1751372000000);
    expect(next[stored.key].titles?.map((t) => t.title)).toEqual(['Cán bộ Minh (CA quận)', 'Mẹ']);
    expect(next[stored.key].messages[1].text).toBe(stored.messages[1].text);
    expect(next[stored.key].messages[1].edits?.map((e) => e.text)).toEqual(['ok']);
  });
});

describe('the conversations item on a browser holding v2 data', () => {
  beforeEach(() => fakeBrowser.reset());

  it('migrates to v3 on first read', async () => {
    await fakeBrowser.storage.local.set({ conversations: fixture('conversations.v2.json'), conversations$: { v: 2 } });
    const item = storage.defineItem<Record<string, unknown>>('local:conversations', CONVERSATIONS_ITEM_OPTIONS);
    const value = (await item.getValue()) as Record<string, { titles?: unknown }>;
    expect(value['demo:en-gamer'].titles).toEqual([{ title: 'jay_gg', at: 1751371200000 }]);
    expect(await item.getMeta()).toEqual({ v: CONVERSATIONS_VERSION });
  });
});

describe('the conversations item on a browser holding v1 data', () => {
  beforeEach(() => fakeBrowser.reset());

  it('migrates on first read and records the new version', async () => {
    await fakeBrowser.storage.local.set({ conversations: fixture('conversations.v1.json') });
    const item = storage.defineItem<Record<string, unknown>>('local:conversations', CONVERSATIONS_ITEM_OPTIONS);
    const value = (await item.getValue()) as Record<string, { savedAt?: number | null }>;
    expect(value['demo:vi-fake-police'].savedAt).toBe(1751371800000);
    expect(await item.getMeta()).toEqual({ v: CONVERSATIONS_VERSION });
    const stored = (await fakeBrowser.storage.local.get('conversations')) as { conversations: Record<string, { savedAt?: number | null }> };
    expect(stored.conversations['demo:en-gamer'].savedAt).toBeNull();
  });

  it('starts a fresh profile at the current version without running migrations', async () => {
    const item = storage.defineItem<Record<string, unknown>>('local:conversations', CONVERSATIONS_ITEM_OPTIONS);
    expect(await item.getValue()).toEqual({});
    await item.setValue({});
    expect(await item.getMeta()).toEqual({ v: CONVERSATIONS_VERSION });
  });
});

describe('003 dismissals: kind', () => {
  it('marks every stored v1 dismissal as "unknown", never as a press of "I\'m OK", and keeps what it cannot read', () => {
    const v1 = fixture('dismissals.v1.json');
    const v2 = dismissalsV2(structuredClone(v1)) as Record<string, unknown>;
    expect(v2['demo:vi-fake-police']).toEqual([
      { level: 'high', at: 1751371700000, kind: 'unknown' },
      { level: 'critical', at: 1751371900000, kind: 'unknown' },
    ]);
    expect(v2['demo:half-written']).toBe('not a list');
    const { value, problems } = parseDismissals(v2);
    expect(Object.keys(value).sort()).toEqual(['demo:en-gamer', 'demo:vi-fake-police']);
    expect(problems).toHaveLength(1);
    // Without the migration the v1 records do not pass the v2 schema.
    expect(parseDismissals(v1).value).toEqual({});
  });

  it('keeps a kind the content script already wrote, and is idempotent', () => {
    const mixed = { 'demo:a': [{ level: 'high', at: 1 }, { level: 'high', at: 2, kind: 'escape' }] };
    expect(dismissalsV2(mixed)).toEqual({ 'demo:a': [{ level: 'high', at: 1, kind: 'unknown' }, { level: 'high', at: 2, kind: 'escape' }] });
    expect(dismissalsV2(dismissalsV2(mixed))).toEqual(dismissalsV2(mixed));
    expect(dismissalsV2(null)).toBeNull();
  });

  it('runs through the versioned item on a browser holding v1 dismissals', async () => {
    fakeBrowser.reset();
    await fakeBrowser.storage.local.set({ dismissals: fixture('dismissals.v1.json') });
    const item = storage.defineItem<Record<string, unknown>>('local:dismissals', DISMISSALS_ITEM_OPTIONS);
    const value = (await item.getValue()) as Record<string, Array<{ kind: string }>>;
    expect(value['demo:en-gamer']).toEqual([{ level: 'medium', at: 1757880000000, kind: 'unknown' }]);
    expect(await item.getMeta()).toEqual({ v: DISMISSALS_VERSION });
  });
});
