/** The parental PIN, the administrator policy, site states and custom rule import validation (lib/settings). */
import { describe, expect, it } from 'vitest';
import type { RulePack } from '../../lib/engine/rule-schema';
import { MAX_RULE_FILE_BYTES, validateCustomRuleFiles } from '../../lib/settings/custom-rules';
import { checkPin, createPinLock, isValidNewPin, mayBeShortPin, PinAttempts, LOCKOUT_MS, MAX_ATTEMPTS } from '../../lib/settings/pin';
import { applyPolicy, managedFields, parsePolicy } from '../../lib/settings/policy';
import { activePauses, chatSiteHosts, PAUSED_FOREVER, siteState } from '../../lib/settings/sites';
import { parseCustomRules, withCustomRules } from '../../lib/storage/custom-rules';
import { DEFAULT_SETTINGS, PinLockSchema } from '../../lib/storage/schema';

describe('parent PIN', () => {
  it('derives a PBKDF2 key and never stores the PIN', async () => {
    const lock = await createPinLock('246813', { iterations: 100_000, now: 5 });
    expect(PinLockSchema.parse(lock)).toEqual(lock);
    expect(JSON.stringify(lock)).not.toContain('246813');
    expect(lock).toMatchObject({ algorithm: 'PBKDF2-SHA-256', iterations: 100_000, createdAt: 5 });
    expect(await checkPin(lock, '246813')).toBe(true);
    expect(await checkPin(lock, '246913')).toBe(false);
    expect(await checkPin(lock, '')).toBe(false);
    // A fresh salt each time: the same PIN gives a different stored hash.
    const again = await createPinLock('246813', { iterations: 100_000 });
    expect(again.hash).not.toBe(lock.hash);
  });

  it('asks new PINs for 6 to 12 digits or a passphrase, and still checks an existing 4-digit PIN (issue 15, point 6)', async () => {
    expect(['123456', '123456789012', 'correct horse', 'ngựa đúng pin 7'].every(isValidNewPin)).toBe(true);
    expect(['1234', '12345', '1234567890123', 'abcd', 'short1', '', ' '.repeat(10), 'x'.repeat(65)].some(isValidNewPin)).toBe(false);
    await expect(createPinLock('1234')).rejects.toThrow(/6 to 12 digits or a passphrase/);
    // A lock made before the rule (4 digits, no minLength) keeps working, and says it may be short.
    const salt = crypto.getRandomValues(new Uint8Array(16));
    const key = await crypto.subtle.importKey('raw', new TextEncoder().encode('2468'), 'PBKDF2', false, ['deriveBits']);
    const bits = new Uint8Array(await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations: 100_000 }, key, 256));
    const legacy = PinLockSchema.parse({ algorithm: 'PBKDF2-SHA-256', iterations: 100_000, salt: Buffer.from(salt).toString('base64'), hash: Buffer.from(bits).toString('base64'), createdAt: 1 });
    expect(await checkPin(legacy, '2468')).toBe(true);
    expect(await checkPin(legacy, '2469')).toBe(false);
    expect(mayBeShortPin(legacy)).toBe(true);
    expect(mayBeShortPin(await createPinLock('246813', { iterations: 100_000 }))).toBe(false);
    const passphrase = await createPinLock('blue cat on the roof', { iterations: 100_000 });
    expect(await checkPin(passphrase, 'blue cat on the roof')).toBe(true);
    expect(await checkPin(passphrase, 'blue cat on the roo')).toBe(false);
  });

  it('makes every page wait after too many wrong PINs in a row, also after a reload (kept in storage)', async () => {
    let now = 0;
    let stored: unknown = null;
    const store = {
      load: () => Promise.resolve(stored),
      save: (value: unknown) => {
        stored = structuredClone(value);
        return Promise.resolve();
      },
    };
    const attempts = new PinAttempts(store, () => now);
    for (let i = 0; i < MAX_ATTEMPTS - 1; i++) await attempts.record(false);
    expect(await attempts.waitMs()).toBe(0);
    await attempts.record(false);
    expect(await attempts.waitMs()).toBe(LOCKOUT_MS);
    // A reloaded page (a new counter over the same storage) still waits.
    const reloaded = new PinAttempts(store, () => now);
    expect(await reloaded.waitMs()).toBe(LOCKOUT_MS);
    now += LOCKOUT_MS;
    expect(await reloaded.waitMs()).toBe(0);
    // The next lockout in a row lasts twice as long; a right PIN clears it all.
    for (let i = 0; i < MAX_ATTEMPTS; i++) await reloaded.record(false);
    expect(await attempts.waitMs()).toBe(2 * LOCKOUT_MS);
    now += 2 * LOCKOUT_MS;
    await attempts.record(true);
    for (let i = 0; i < MAX_ATTEMPTS; i++) await attempts.record(false);
    expect(await attempts.waitMs()).toBe(LOCKOUT_MS);
    // Damaged storage does not unlock anything, nor throw.
    stored = { failures: 'many' };
    expect(await new PinAttempts(store, () => now).waitMs()).toBe(0);
  });
});

describe('administrator policy', () => {
  it('keeps valid fields, reports invalid and unknown ones', () => {
    const { policy, problems } = parsePolicy({ sensitivity: 'cautious', languages: [], lockSettings: true, colour: 'red' });
    expect(policy).toEqual({ sensitivity: 'cautious', lockSettings: true });
    expect(problems).toEqual(['policy "languages" is invalid and was ignored', 'policy "colour" is not known and was ignored']);
    expect(parsePolicy(undefined)).toEqual({ policy: {}, problems: [] });
  });

  it('wins over the user settings and marks the fields it sets', () => {
    const policy = { retentionDays: 90, disabledCategories: ['gifts_flattery' as const], watchedSites: ['b.example'] };
    const effective = applyPolicy({ ...DEFAULT_SETTINGS, retentionDays: 7, watchedSites: ['a.example'] }, policy);
    expect(effective).toMatchObject({ retentionDays: 90, disabledCategories: ['gifts_flattery'], watchedSites: ['a.example', 'b.example'] });
    expect([...managedFields(policy)].sort()).toEqual(['disabledCategories', 'retentionDays', 'watchedSites']);
  });
});

describe('sites', () => {
  it('lists the supported chat hosts', () => {
    expect(chatSiteHosts()).toEqual(expect.arrayContaining(['web.whatsapp.com', 'chat.zalo.me', 'www.facebook.com']));
  });

  it('tells on, paused and switched off apart', () => {
    const settings = { pausedSites: { 'a.example': 2000, 'b.example': PAUSED_FOREVER, 'c.example': 500 } };
    expect(siteState(settings, 'a.example', 1000)).toEqual({ kind: 'paused', until: 2000 });
    expect(siteState(settings, 'b.example', 1000)).toEqual({ kind: 'off' });
    expect(siteState(settings, 'c.example', 1000)).toEqual({ kind: 'on' });
    expect(Object.keys(activePauses(settings.pausedSites, 1000))).toEqual(['a.example', 'b.example']);
  });
});

const bundled: RulePack = {
  macros: { en: { tell: '(tell|say to)' }, vi: {} },
  rules: [
    {
      id: 'en-secrecy-bundled',
      title: 'Bundled secrecy rule',
      category: 'secrecy',
      languages: ['en'],
      weight: 3,
      patterns: ["don't {tell} anyone"],
      falsepositives: ['none'],
      tests: { match: [], no_match: [] },
    },
  ],
};

function ruleYaml(id: string, extra = ''): string {
  return `id: ${id}
title: Asks to keep the club secret
category: secrecy
languages: [en]
weight: 2
patterns:
  - "keep (the|our) club secret"
  - "never {tell} (your|ur) (mum|mom)"
falsepositives:
  - a real surprise party
tests:
  match:
    - "keep the club secret ok"
    - "you must keep our club secret"
    - "never tell your mom about this"
  no_match:
    - "the club meets on friday"
    - "tell your mom I said hi"
    - "secret santa at the club"
${extra}`;
}

const file = (name: string, text: string) => ({ name, text, size: new TextEncoder().encode(text).length });

describe('custom rule import', () => {
  it('accepts a valid rule file that uses a bundled macro, and the content script merges it', async () => {
    const result = await validateCustomRuleFiles([file('xx-club-secret.yaml', ruleYaml('xx-club-secret'))], bundled, 7);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.importedAt).toBe(7);
    expect(result.value.files).toEqual([{ name: 'xx-club-secret.yaml', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) as string, ruleIds: ['xx-club-secret'] }]);
    const stored = parseCustomRules(JSON.parse(JSON.stringify(result.value)));
    expect(stored.problems).toEqual([]);
    expect(withCustomRules(bundled, stored.value?.rules ?? []).rules.map((r) => r.id)).toEqual(['en-secrecy-bundled', 'xx-club-secret']);
  });

  it('rejects an invalid file with a precise error: file, field, problem', async () => {
    const broken = ruleYaml('xx-club-secret').replace('category: secrecy', 'category: gossip');
    const result = await validateCustomRuleFiles([file('xx-club-secret.yaml', broken)], bundled);
    expect(result).toEqual({ ok: false, problems: [expect.stringMatching(/^xx-club-secret\.yaml: category: /) as string] });
  });

  it('rejects a rule whose own examples fail', async () => {
    const wrong = ruleYaml('xx-club-secret').replace('"secret santa at the club"', '"keep the club secret"');
    const result = await validateCustomRuleFiles([file('xx-club-secret.yaml', wrong)], bundled);
    expect(result).toEqual({ ok: false, problems: ['xx-club-secret.yaml: tests.no_match: "keep the club secret" is matched by the rule but should not be'] });
  });

  it('rejects files that are too big, not rule files, macro files, or reuse a bundled id', async () => {
    const big = await validateCustomRuleFiles([{ name: 'big.yaml', text: '', size: MAX_RULE_FILE_BYTES + 1 }], bundled);
    expect(big).toEqual({ ok: false, problems: ['big.yaml: (file): is 257 KB; a rule file can be at most 256 KB'] });
    expect((await validateCustomRuleFiles([file('notes.txt', 'hi')], bundled)).ok).toBe(false);
    expect((await validateCustomRuleFiles([file('_macros.yaml', 'a: b')], bundled)).ok).toBe(false);
    expect(await validateCustomRuleFiles([], bundled)).toMatchObject({ ok: false });
    const clash = await validateCustomRuleFiles([file('en-secrecy-bundled.yaml', ruleYaml('en-secrecy-bundled'))], bundled);
    expect(clash).toEqual({ ok: false, problems: [expect.stringContaining('en-secrecy-bundled.yaml: id: "en-secrecy-bundled" is already a bundled rule') as string] });
    const yaml = await validateCustomRuleFiles([file('xx-a.yaml', 'id: [unclosed')], bundled);
    expect(yaml).toEqual({ ok: false, problems: [expect.stringMatching(/^xx-a\.yaml: \(file\): not valid YAML/) as string] });
  });

  it('ignores stored rules that no longer validate', () => {
    const { value, problems } = parseCustomRules({ importedAt: 1, files: [], rules: [{ id: 'bad' }] });
    expect(value?.rules).toEqual([]);
    expect(problems).toEqual(['1 imported rule(s) could not be read and are not used']);
    expect(parseCustomRules('nonsense').value).toBeNull();
  });
});
