/**
 * Trust, point 5: storage faults (docs/threat-model.md, "Damaged or full storage"). Invalid shapes, an older or newer
 * schema version, a half-written record and a full disk: the extension recovers, keeps every flagged message that
 * still validates, and tells the user (on the report page, through `loadConversations().problems`) what it could not
 * keep, even after the background has rewritten storage without it.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { storage } from 'wxt/utils/storage';
import { createMessageHandler } from '../../lib/background/handler';
import type { AnalyzeMessages } from '../../lib/protocol';
import { jsonSize } from '../../lib/storage/conversations';
import {
  CONVERSATIONS_ITEM_OPTIONS,
  isQuotaError,
  loadConversations,
  loadStorageNotices,
  saveConversations,
} from '../../lib/storage/items';
import { parseConversations } from '../../lib/storage/parse';
import type { StoredConversation, StoredMessage } from '../../lib/storage/schema';
import { fakePolice } from '../fixtures/report/conversations';
import { fakeEngine } from './fake-engine';

const flagged = (c: StoredConversation): StoredMessage[] => c.messages.filter((m) => m.findings.length > 0);
const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** Flags every message except those starting with "plain" (the finding covers its first five characters). */
const testEngine = fakeEngine({ flag: (text) => (text.startsWith('plain') ? null : text.slice(0, 5)), ruleId: 'en-test', weight: 3, score: 11, reasons: false });

function backgroundHandler() {
  let badge = '';
  const handle = createMessageHandler({
    extensionId: 'ours',
    loadConversations: async () => (await loadConversations()).value,
    saveConversations,
    retentionDays: () => Promise.resolve(3650),
    setBadge: (_tab, text) => {
      badge = text;
      return Promise.resolve();
    },
    setTabState: () => Promise.resolve(),
    now: () => Date.now(),
    // Every plain message after a flagged one is kept as context (up to 500), so a test can fill storage with it.
    analysis: {
      engineInputs: () => Promise.resolve({ settings: { sensitivity: 'balanced', disabledCategories: [], languages: ['en'], contextMessages: 500 }, customRules: [] }),
      createEngine: () => testEngine,
    },
    onStoreError: () => undefined,
  });
  let seq = 0;
  return { handle: (message: unknown) => handle(message, { id: 'ours', tab: { id: 1 } }), badge: () => badge, seq: () => seq++ };
}

/** An 'analyze-messages' request: messages starting with "plain" are plain, the others flagged (`testEngine`). */
function analyzeRequest(key: string, texts: string[], seq: number): AnalyzeMessages {
  return {
    type: 'analyze-messages',
    scanId: 'scan',
    seq,
    conversation: { key, site: key.split(':')[0], title: key, url: 'http://127.0.0.1/demo/' },
    messages: texts.map((text, i) => ({ id: `${key}-${i}`, from: 'other' as const, text })),
  };
}

beforeEach(() => fakeBrowser.reset());
afterEach(() => vi.restoreAllMocks());

describe('storage faults: invalid shapes and half-written records', () => {
  const police = clone(fakePolice);
  const halfWritten = clone({ ...fakePolice, key: 'demo:half', title: 'half' });
  // The write stopped in the middle of the last message: no text, no findings.
  halfWritten.messages.push({ id: 'cut', from: 'other', seenAt: 1 } as unknown as StoredMessage);
  const damaged = {
    'demo:vi-fake-police': police,
    'demo:half': halfWritten,
    'demo:string': 'not a conversation',
    'demo:wrong-key': { ...police, key: 'demo:somewhere-else' },
    'demo:bad-risk': { ...police, key: 'demo:bad-risk', risk: { level: 'apocalyptic' } },
    'demo:array': [police],
  };

  it('keeps every readable conversation and every readable message of a damaged one, and says what it set aside', async () => {
    await fakeBrowser.storage.local.set({ conversations: damaged });
    const { value, problems } = await loadConversations();
    expect(Object.keys(value).sort()).toEqual(['demo:half', 'demo:vi-fake-police']);
    expect(flagged(value['demo:vi-fake-police'])).toEqual(flagged(police));
    // The half-written record lost only its broken message: its flagged evidence is all there.
    expect(flagged(value['demo:half'])).toEqual(flagged(fakePolice));
    expect(value['demo:half'].messages).toHaveLength(fakePolice.messages.length);
    expect(problems).toEqual(
      expect.arrayContaining([
        '1 message(s) of conversation "demo:half" could not be read and were set aside',
        'conversation "demo:string" could not be read and was set aside',
        'conversation "demo:wrong-key" could not be read and was set aside',
        'conversation "demo:bad-risk" could not be read and was set aside',
        'conversation "demo:array" could not be read and was set aside',
      ]),
    );
  });

  it('still tells the user after the background has rewritten storage without the damaged records', async () => {
    await fakeBrowser.storage.local.set({ conversations: damaged });
    const { handle } = backgroundHandler();
    expect(await handle(analyzeRequest('demo:new', ['never tell your parents'], 0))).toMatchObject({ ok: true, analysis: { warn: true } });
    const raw = (await fakeBrowser.storage.local.get('conversations')).conversations as Record<string, unknown>;
    expect(Object.keys(raw).sort()).toEqual(['demo:half', 'demo:new', 'demo:vi-fake-police']);
    const { value, problems } = await loadConversations();
    expect(flagged(value['demo:vi-fake-police'])).toEqual(flagged(police));
    expect(flagged(value['demo:half'])).toEqual(flagged(fakePolice));
    expect(problems.join('\n')).toMatch(/4 conversation\(s\) and 1 message\(s\) in storage could not be read and were removed/);
    // Notices hold counts and dates only: no conversation name outlives "Delete everything".
    expect(JSON.stringify(await loadStorageNotices())).not.toMatch(/demo:/);
  });

  it('resets storage that is not an object at all, and says so', async () => {
    await fakeBrowser.storage.local.set({ conversations: 'garbage' });
    const { value, problems } = await loadConversations();
    expect(value).toEqual({});
    expect(problems).toContain('stored conversations were not an object and were reset');
  });

  it('never throws on arbitrary stored values', () => {
    for (const raw of [null, undefined, 0, 'x', [], [1], { a: null }, { a: { messages: 'x' } }, { a: { ...police, key: 'a', messages: [null, 1, 'x'] } }]) {
      expect(() => parseConversations(raw)).not.toThrow();
    }
  });
});

describe('storage faults: schema versions', () => {
  // The v1 fixture of storage-migrations.test.ts: two conversations and one damaged record ("demo:half-written").
  const v1 = JSON.parse(readFileSync(new URL('../fixtures/storage/conversations.v1.json', import.meta.url), 'utf8')) as Record<string, Record<string, unknown>>;
  const readable = ['demo:en-gamer', 'demo:vi-fake-police'];

  it('migrates an older version, and a broken old record costs only itself', async () => {
    const broken = { ...v1, 'demo:broken': { key: 'demo:broken', saved: true, messages: 'cut here' } };
    await fakeBrowser.storage.local.set({ conversations: broken, conversations$: { v: 1 } });
    const item = storage.defineItem<Record<string, unknown>>('local:conversations', CONVERSATIONS_ITEM_OPTIONS);
    const { value, problems } = parseConversations(await item.getValue());
    expect(Object.keys(value).sort()).toEqual(readable);
    for (const key of readable) expect(value[key].savedAt !== undefined).toBe(true);
    expect(problems.sort()).toEqual([
      'conversation "demo:broken" could not be read and was set aside',
      'conversation "demo:half-written" could not be read and was set aside',
    ]);
  });

  it('reads what it can from a newer version (after a downgrade) instead of failing', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const newer = Object.fromEntries(readable.map((k) => [k, { ...v1[k], savedAt: null, someFutureField: { x: 1 } }]));
    await fakeBrowser.storage.local.set({ conversations: newer, conversations$: { v: 99 } });
    const item = storage.defineItem<Record<string, unknown>>('local:conversations', CONVERSATIONS_ITEM_OPTIONS);
    const { value, problems } = parseConversations(await item.getValue());
    expect(Object.keys(value).sort()).toEqual(readable);
    expect(problems).toEqual([]);
    expect(error).toHaveBeenCalled();
  });
});

describe('storage faults: quota exceeded', () => {
  /** Make storage.local refuse writes of the conversations larger than `limit` bytes, like a full profile. */
  function quota(limit: number, everything = false): void {
    const set = fakeBrowser.storage.local.set.bind(fakeBrowser.storage.local);
    vi.spyOn(fakeBrowser.storage.local, 'set').mockImplementation((items: Record<string, unknown>) => {
      if (everything || ('conversations' in items && jsonSize(items.conversations) > limit)) {
        return Promise.reject(new Error('QUOTA_BYTES quota exceeded'));
      }
      return set(items);
    });
  }

  it('recognises the quota errors of Chromium and Firefox', () => {
    expect(isQuotaError(new Error('QUOTA_BYTES quota exceeded'))).toBe(true);
    expect(isQuotaError(Object.assign(new Error('The quota has been exceeded.'), { name: 'QuotaExceededError' }))).toBe(true);
    expect(isQuotaError(new Error('something else'))).toBe(false);
  });

  it('makes room by removing plain context, keeps every flagged message, and tells the user', async () => {
    const { handle, seq } = backgroundHandler();
    await handle(analyzeRequest('demo:evidence', ['never tell your parents about me', 'send me a photo now'], seq()));
    await handle(analyzeRequest('demo:chatter', ['keep it between us', ...Array.from({ length: 200 }, (_, i) => `plain message number ${i} `.repeat(10))], seq()));
    const before = (await loadConversations()).value;
    expect(before['demo:chatter'].messages).toHaveLength(201);
    quota(jsonSize(before) - 20_000);
    expect(await handle(analyzeRequest('demo:evidence2', ['keep this our secret'], seq()))).toMatchObject({ ok: true, analysis: { warn: true } });
    const { value, problems } = await loadConversations();
    expect(flagged(value['demo:evidence'])).toEqual(flagged(before['demo:evidence']));
    expect(flagged(value['demo:evidence2'])).toHaveLength(1);
    expect(flagged(value['demo:chatter'])).toEqual(flagged(before['demo:chatter']));
    expect(value['demo:chatter']?.messages.length ?? 0).toBeLessThan(201);
    expect(problems.join('\n')).toMatch(/storage was full, so \d+ older message\(s\) without warning signs were removed/);
  });

  it('when only evidence is left and it does not fit: keeps what is stored, still badges, and says what was not saved', async () => {
    const { handle, badge, seq } = backgroundHandler();
    await handle(analyzeRequest('demo:evidence', ['never tell your parents about me'], seq()));
    const before = clone((await loadConversations()).value);
    quota(jsonSize(before) + 50);
    // The content script still warns: the analysis does not depend on storage.
    const answer = await handle(analyzeRequest('demo:more', ['send me a photo now', 'keep this our secret'], seq()));
    expect(answer).toMatchObject({ ok: true, analysis: { warn: true } });
    expect(badge()).toBe('!!');
    const { value, problems } = await loadConversations();
    expect(value).toEqual(before);
    expect(problems.join('\n')).toMatch(/storage is full and 2 new message\(s\) with warning signs could not be saved/);
  });

  it('keeps the notice in session storage when local storage refuses every write', async () => {
    quota(0, true);
    await expect(saveConversations({ 'demo:x': { ...clone(fakePolice), key: 'demo:x' } })).rejects.toThrow(/storage is full/);
    const session = (await fakeBrowser.storage.session.get('storage-notices'))['storage-notices'];
    expect(session).toEqual([expect.objectContaining({ kind: 'not-saved-full', messages: flagged(fakePolice).length })]);
    vi.restoreAllMocks();
    expect((await loadConversations()).problems.join('\n')).toMatch(/could not be saved/);
  });
});
