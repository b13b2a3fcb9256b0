/**
 * The content script reads its few settings without zod (lib/content/storage.ts): for those fields it must decide
 * exactly what the validating reader does (lib/storage/parse.ts `parseSettings`, lib/settings/policy.ts), and it
 * records "I'm OK" presses the report page can read back.
 */
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { contentSettingsFrom, loadContentSettings, recordDismissal, withDismissal } from '../../lib/content/storage';
import { applyPolicy, parsePolicy } from '../../lib/settings/policy';
import { loadDismissals } from '../../lib/storage/items';
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

  it('loads what storage holds', async () => {
    await fakeBrowser.storage.local.set({ settings: { uiLanguage: 'vi', watchedSites: ['chat.example'], sensitivity: 'cautious' } });
    expect(await loadContentSettings()).toEqual({ uiLanguage: 'vi', pausedSites: {}, watchedSites: ['chat.example'] });
  });
});

describe('content script dismissals', () => {
  it('records closed warnings and what closed them, read back by the report page, newest last, at most 50 per conversation', async () => {
    await recordDismissal('demo:a', 'medium', 'ok', 10);
    await recordDismissal('demo:a', 'high', 'close', 20);
    await recordDismissal('demo:b', 'high', 'escape', 30);
    expect((await loadDismissals()).value).toEqual({
      'demo:a': [{ level: 'medium', at: 10, kind: 'ok' }, { level: 'high', at: 20, kind: 'close' }],
      'demo:b': [{ level: 'high', at: 30, kind: 'escape' }],
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
