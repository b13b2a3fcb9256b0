import { describe, expect, it } from 'vitest';
import { advice, categoryName, pickLanguage, STRINGS, t } from '../../lib/i18n';
import { CATEGORY_IDS } from '../../lib/engine/taxonomy';

function keysOf(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  if (Array.isArray(value)) return [`${prefix}[${value.length}]`];
  return Object.entries(value).flatMap(([k, v]) => keysOf(v, prefix ? `${prefix}.${k}` : k));
}

describe('UI strings', () => {
  it('have the same keys in English and Vietnamese', () => {
    expect(keysOf(STRINGS.vi).sort()).toEqual(keysOf(STRINGS.en).sort());
  });

  it('name and explain every category and give advice for it in both languages', () => {
    for (const language of ['en', 'vi'] as const) {
      for (const category of CATEGORY_IDS) {
        expect(categoryName(language, category)).not.toBe('');
        expect(advice(language, category)).not.toBe(advice(language, 'general'));
      }
    }
  });

  it('keep the same placeholders in both languages', () => {
    for (const key of Object.keys(STRINGS.en.ui) as Array<keyof typeof STRINGS.en.ui>) {
      const placeholders = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
      expect(placeholders(STRINGS.vi.ui[key]), key).toEqual(placeholders(STRINGS.en.ui[key]));
    }
  });

  it('pick Vietnamese for Vietnamese browsers and English otherwise', () => {
    expect(pickLanguage(['vi-VN', 'en'])).toBe('vi');
    expect(pickLanguage('vi')).toBe('vi');
    expect(pickLanguage(['fr-FR', 'en-GB'])).toBe('en');
    expect(pickLanguage(['de'])).toBe('en');
    expect(pickLanguage(undefined)).toBe('en');
  });

  it('fill placeholders as plain text', () => {
    expect(t('en', 'bannerWords', { words: '<img src=x onerror=alert(1)>' })).toContain('<img src=x onerror=alert(1)>');
    expect(t('vi', 'messagesFlagged', { count: 3 })).toBe('3 tin nhắn đáng lo');
  });

  it('tell the user real police never investigate over chat, in both languages', () => {
    expect(t('en', 'helpPolice')).toMatch(/never/);
    expect(t('vi', 'helpPolice')).toMatch(/không bao giờ/);
    expect(STRINGS.vi.help.map((h) => h.number)).toEqual(expect.arrayContaining(['111', '113']));
  });

  it('speak Vietnamese to the user as “bạn”, never “em” or “em nhỏ” (a university student is not a little one)', () => {
    const viStrings = allStrings(STRINGS.vi);
    // “em” as a word, but not in “trẻ em” (children).
    const em = /(^|[^\p{L}])(?<!trẻ )em(?=[^\p{L}]|$)/iu;
    expect(viStrings.filter((s) => em.test(s))).toEqual([]);
    expect(viStrings.filter((s) => s.includes('em nhỏ'))).toEqual([]);
  });

  it('call the secrecy category “đòi giữ bí mật”, never “bắt giữ bí mật” (which reads as “secret arrest”)', () => {
    expect(categoryName('vi', 'secrecy')).toBe('đòi giữ bí mật');
    expect(allStrings(STRINGS.vi).filter((s) => s.includes('bắt giữ'))).toEqual([]);
  });

  it('no longer tell the user to reload chat tabs after a settings change, and show no bare repository paths', () => {
    for (const language of ['en', 'vi'] as const) {
      const settings = Object.entries(STRINGS[language].ui).filter(([key]) => key.startsWith('opt'));
      expect(settings.filter(([, s]) => /reload|tải lại/i.test(s))).toEqual([]);
      expect(settings.filter(([, s]) => /\b[\w-]+\/[\w./-]+\.(md|json|ya?ml)\b/.test(s))).toEqual([]);
    }
  });
});

function allStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value !== 'object' || value === null) return [];
  return Object.values(value).flatMap(allStrings);
}
