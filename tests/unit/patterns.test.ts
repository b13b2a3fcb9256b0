import { describe, expect, it } from 'vitest';
import { normalizeMessage, getView, viewText } from '../../lib/engine/normalize';
import { compilePhrase, PatternError } from '../../lib/engine/patterns';

function matches(pattern: string, text: string, view: 'en' | 'vi' | 'viAccented' = 'en', macros: Record<string, string> = {}): boolean {
  const compiled = compilePhrase(pattern, view, macros);
  return compiled.regex.test(viewText(getView(normalizeMessage(text), view)));
}

describe('phrase patterns', () => {
  it('matches whole words in order, never parts of words', () => {
    expect(matches('send nudes', 'pls send nudes')).toBe(true);
    expect(matches('send nudes', 'nudes send')).toBe(false);
    expect(matches('hotel', 'hotels')).toBe(false);
    expect(matches('tel', 'hotel')).toBe(false);
  });

  it('supports alternatives, optional groups, gaps and prefixes', () => {
    expect(matches('(keep|delete) [our|this] (chat|secret)', 'delete this chat')).toBe(true);
    expect(matches('(keep|delete) [our|this] (chat|secret)', 'keep secret')).toBe(true);
    expect(matches('do not tell ~3 parents', 'dont tell any of ur parents')).toBe(true);
    expect(matches('do not tell ~1 parents', 'dont tell any of ur parents')).toBe(false);
    expect(matches('send ~2 pic*', 'send me pics')).toBe(true);
    expect(matches('chuyen {num}', 'chuyen tien', 'vi')).toBe(false);
    expect(matches('chuyen {num}', 'chuyen 500k', 'vi')).toBe(true);
    expect(matches('alone ?', 'are u alone?')).toBe(true);
    expect(matches('alone ?', 'i am alone.')).toBe(false);
  });

  it('normalises pattern words like the text: diacritics, teencode, contractions, squeezing', () => {
    expect(matches('không được nói', 'ko dc noi', 'vi')).toBe(true);
    expect(matches("don't tell", 'dont tell', 'en')).toBe(true);
    expect(matches('please', 'pleeeease', 'en')).toBe(true);
    // A pattern word is normalised exactly once, like a text word (a second Telex repair would turn "pass" into "pa").
    expect(matches('mật khẩu (pass|password)', 'cho a xin mat khau pass fb', 'vi')).toBe(true);
  });

  it('keeps diacritics in accented patterns', () => {
    expect(matches('bố mẹ', 'nói với bố mẹ', 'viAccented')).toBe(true);
    expect(matches('bố mẹ', 'bỏ mẹ', 'viAccented')).toBe(false);
    expect(matches('bố mẹ', 'bỏ mẹ', 'vi')).toBe(true);
  });

  it('expands macros, nested up to a limit', () => {
    const macros = { parents: '(mom|dad|{elders})', elders: '(grandma|grandpa)' };
    expect(matches('tell {parents}', 'dont tell grandma', 'en', macros)).toBe(true);
    expect(() => compilePhrase('tell {nobody}', 'en', macros)).toThrow(PatternError);
    expect(() => compilePhrase('{a}', 'en', { a: '{a}' })).toThrow(/nested/);
  });

  it('rejects malformed patterns with the reason', () => {
    expect(() => compilePhrase('(send|', 'en', {})).toThrow(/empty alternative|missing/);
    expect(() => compilePhrase('send)', 'en', {})).toThrow(/unexpected/);
    expect(() => compilePhrase('~3', 'en', {})).toThrow(/required word/);
    expect(() => compilePhrase('send ~99 pic', 'en', {})).toThrow(/gap/);
    expect(() => compilePhrase('a* b', 'en', {})).toThrow(/too short/);
    expect(() => compilePhrase('send (the)? pic', 'en', {})).toThrow(/right after a group/);
    expect(compilePhrase('(are|r) you alone ?', 'en', {}).regex.source).toContain('\\?');
  });

  it('picks a distinctive anchor word every match must contain', () => {
    const compiled = compilePhrase('(do not|never) tell {parents}', 'en', { parents: '(mom|dad)' });
    expect(compiled.anchors).not.toBeNull();
    expect(compiled.anchors?.every((w) => ['tel', 'mom', 'dad'].includes(w))).toBe(true);
    expect(compilePhrase('you are', 'en', {}).weakAnchor).toBe(true);
    expect(compilePhrase('pic* ~2 now', 'en', {}).anchors).toEqual(['pic*']);
    expect(matches('pic* ~2 now', 'send pictures right now')).toBe(true);
    // A second required part gives a second filter; a one-part pattern has none.
    const two = compilePhrase('hotel ~2 alone', 'en', {});
    expect([two.anchors, two.secondAnchors].flat().sort()).toEqual(['alone', 'hotel']);
    expect(compilePhrase('hotel', 'en', {}).secondAnchors).toBeNull();
  });
});
