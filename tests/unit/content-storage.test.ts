/**
 * The content script checks its few settings without zod (lib/content/storage.ts): for those fields it must decide
 * exactly what the validating reader does (lib/storage/parse.ts `parseSettings`, lib/settings/policy.ts). It asks
 * the background for them and for recording "I'm OK" presses (it has no access to storage itself), and the report
 * page reads the presses back.
 */
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { createMessageHandler } from '../../lib/background/handler';
import { contentSettingsFrom, loadContentSettings, recordDismissal } from '../../lib/content/storage';
import { restrictToExtension } from '../../lib/extension/storage-access';
import type { ProtocolMessage } from '../../lib/protocol';
import { applyPolicy, parsePolicy } from '../../lib/settings/policy';
import { loadDismissals, loadSettings, recordDismissal as storeDismissal, withDismissal } from '../../lib/storage/items';

/** The content script's messages, answered by the background's real handler over the (fake) browser's storage. */
function toBackground(): (message: ProtocolMessage) => Promise<unknown> {
  const handle = createMessageHandler({
    extensionId: 'ours',
    loadConversations: () => Promise.resolve({}),
    saveConversations: () => Promise.resolve(),
    retentionDays: () => Promise.resolve(30),
    setBadge: () => Promise.resolve(),
    setTabState: () => Promise.resolve(),
    now: () => 42,
    contentSettings: async () => {
      const { value } = await loadSettings();
      return { uiLanguage: value.uiLanguage, pausedSites: value.pausedSites, watchedSites: value.watchedSites };
    },
    recordDismissal: storeDismissal,
  });
  return (message) => handle(message, { id: 'ours', tab: { id: 3 } });
}
import { parseSettings } from '../../lib/storage/parse';

function validating(rawSettings: unknown, rawPolicy: unknown) {
  const settings = applyPolicy(parseSettings(rawSettings).value, parsePolicy(rawPolicy).policy);
  return { uiLanguage: settings.uiLanguage, pausedSites: settings.pausedSites, watchedSites: settings.watchedSites };
}

beforeEach(() => fakeBrowser.reset());

describe('content script settings', () => {
  const examples: Array<[unknown, unknown]> = [
    [undefined, undefined],
    [null, {}],
    [{ uiLanguage: 'vi', pausedSites: { 'web.whatsapp.com': 1_750_000_000_000 }, watchedSites: ['chat.example'] }, {}],
    [{ uiLanguage: 'fr', pausedSites: { a: 'soon' }, watchedSites: 'chat.example' }, null],
    [{ watchedSites: ['a'.repeat(254)] }, { watchedSites: ['school.example', ''] }],
    [{ watchedSites: ['chat.example'] }, { watchedSites: ['school.example', 'chat.example'], uiLanguage: 'en' }],
    [{ uiLanguage: 'en' }, { uiLanguage: 'klingon', lockSettings: true }],
    [[], []],
  ];

  it.each(examples)('reads %j with policy %j as the validating reader does', (settings, policy) => {
    expect(contentSettingsFrom(settings, policy)).toEqual(validating(settings, policy));
  });

  it('agrees with the validating reader on any stored value (property)', () => {
    const hosts = fc.array(fc.oneof(fc.string({ maxLength: 10 }), fc.constant(''), fc.constant('h'.repeat(254)), fc.integer()), { maxLength: 4 });
    const field = fc.oneof(fc.jsonValue(), hosts, fc.dictionary(fc.string({ maxLength: 5 }), fc.oneof(fc.double(), fc.integer(), fc.string())));
    const record = fc.record(
      { uiLanguage: fc.oneof(fc.constantFrom('auto', 'en', 'vi', 'de'), fc.jsonValue()), pausedSites: field, watchedSites: field },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(record, fc.jsonValue()), fc.oneof(record, fc.jsonValue()), (settings, policy) => {
        expect(contentSettingsFrom(settings, policy)).toEqual(validating(settings, policy));
      }),
      { numRuns: 500 },
    );
  });

  it('gets what storage holds from the background, and the defaults when the background does not answer', async () => {
    await fakeBrowser.storage.local.set({ settings: { uiLanguage: 'vi', watchedSites: ['chat.example'], sensitivity: 'cautious' } });
    expect(await loadContentSettings(toBackground())).toEqual({ uiLanguage: 'vi', pausedSites: {}, watchedSites: ['chat.example'] });
    expect(await loadContentSettings(() => Promise.reject(new Error('Extension context invalidated.')))).toEqual({ uiLanguage: 'auto', pausedSites: {}, watchedSites: [] });
    // A damaged answer is checked like a stored value.
    expect(await loadContentSettings(() => Promise.resolve({ ok: true, settings: { uiLanguage: 'xx', watchedSites: 'a' } }))).toEqual({ uiLanguage: 'auto', pausedSites: {}, watchedSites: [] });
  });
});

describe('content script dismissals', () => {
  it('records closed warnings and what closed them, through the background, read back by the report page, newest last, at most 50 per conversation', async () => {
    const send = toBackground();
    await recordDismissal('demo:a', 'medium', 'ok', send);
    await recordDismissal('demo:a', 'high', 'close', send);
    await recordDismissal('demo:b', 'high', 'escape', send);
    expect((await loadDismissals()).value).toEqual({
      'demo:a': [{ level: 'medium', at: 42, kind: 'ok' }, { level: 'high', at: 42, kind: 'close' }],
      'demo:b': [{ level: 'high', at: 42, kind: 'escape' }],
    });
    let raw: unknown = {};
    for (let i = 0; i < 60; i++) raw = withDismissal(raw, 'demo:c', 'high', 'ok', i);
    expect((raw as Record<string, Array<{ at: number }>>)['demo:c'].map((d) => d.at)).toEqual(Array.from({ length: 50 }, (_, i) => i + 10));
  });

  it('keeps what is stored as it is, and starts over from something that is not a record', () => {
    expect(withDismissal({ 'demo:a': 'broken', 'demo:b': [{ level: 'x' }] }, 'demo:a', 'low', 'close', 1)).toEqual({ 'demo:a': [{ level: 'low', at: 1, kind: 'close' }], 'demo:b': [{ level: 'x' }] });
    expect(withDismissal([1, 2], 'demo:a', 'low', 'ok', 1)).toEqual({ 'demo:a': [{ level: 'low', at: 1, kind: 'ok' }] });
  });
});

describe('storage.local restricted to the extension', () => {
  it('asks the browser to keep storage.local from content scripts where it can, and says when it cannot', async () => {
    const calls: unknown[] = [];
    expect(await restrictToExtension({ setAccessLevel: (options) => void calls.push(options) })).toBe('restricted');
    expect(calls).toEqual([{ accessLevel: 'TRUSTED_CONTEXTS' }]);
    expect(await restrictToExtension({})).toBe('unsupported');
    expect(await restrictToExtension(undefined)).toBe('unsupported');
    expect(await restrictToExtension({ setAccessLevel: () => Promise.reject(new Error('not allowed')) })).toBe('failed');
  });
});
