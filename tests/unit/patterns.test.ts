import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CompiledRuleSet } from '../../lib/engine/matcher';
import { normalizeMessage, getView, type ViewName } from '../../lib/engine/normalize';
import { compilePhrase, NodePacker, NodeUnpacker, PatternError, phraseFromNodes, phraseRegExp, type CompiledPhrase, type WordSpan } from '../../lib/engine/patterns';
import { loadBundledRules } from '../../lib/node/rule-files';

function matches(pattern: string, text: string, view: 'en' | 'vi' | 'viAccented' = 'en', macros: Record<string, string> = {}): boolean {
  const compiled = compilePhrase(pattern, view, macros);
  return compiled.find(getView(normalizeMessage(text), view).words) !== null;
}

const oracleRegExps = new WeakMap<CompiledPhrase, RegExp>();

/** What the RegExp a phrase stands for finds in a view's words: the word span of its first match, or null. */
function oracle(phrase: CompiledPhrase, words: readonly string[]): WordSpan | null {
  let regex = oracleRegExps.get(phrase);
  if (!regex) oracleRegExps.set(phrase, (regex = phraseRegExp(phrase)));
  const text = ' ' + words.map((w) => w + ' ').join('');
  const m = regex.exec(text);
  if (!m) return null;
  // The match starts at the space before its first word and ends after its last word.
  const start = text.slice(0, m.index + 1).split(' ').length - 2;
  const end = text.slice(0, m.index + m[0].length).split(' ').length - 1;
  return { start, end };
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
    expect(phraseRegExp(compilePhrase('(are|r) you alone ?', 'en', {})).source).toContain('\\?');
    expect(matches('(are|r) you alone ?', 'r u alone?')).toBe(true);
    expect(matches('(are|r) you alone ?', 'r u alone')).toBe(false);
  });

  it('picks a distinctive anchor word every match must contain, and the other required words', () => {
    const compiled = compilePhrase('(do not|never) tell {parents}', 'en', { parents: '(mom|dad)' });
    expect(compiled.anchors).not.toBeNull();
    expect(compiled.anchors?.every((w) => ['tel', 'mom', 'dad'].includes(w))).toBe(true);
    expect(compilePhrase('you are', 'en', {}).weakAnchor).toBe(true);
    expect(compilePhrase('pic* ~2 now', 'en', {}).anchors).toEqual(['pic*']);
    expect(matches('pic* ~2 now', 'send pictures right now')).toBe(true);
    // A second required part gives a second filter; a one-part pattern has none.
    const two = compilePhrase('hotel ~2 alone', 'en', {});
    expect([two.anchors, ...(two.alsoRequired ?? [])].flat().sort()).toEqual(['alone', 'hotel']);
    expect(compilePhrase('hotel', 'en', {}).alsoRequired).toBeNull();
    // Every other required part is a filter too, rarest first; very common words filter nothing there.
    const three = compilePhrase('send ~2 nudes ~3 hotel', 'en', {});
    expect([three.anchors, ...(three.alsoRequired ?? [])]).toEqual([['nudes'], ['hotel'], ['send']]);
    // The words a match can start with are one more filter, common ones too: a message may well lack them.
    expect(compilePhrase('you ~2 nudes', 'en', {}).alsoRequired).toEqual([['you']]);
    expect(compilePhrase('[please] (you|u) ~2 nudes', 'en', {}).alsoRequired).toEqual([['please', 'you']]);
  });
});

describe('the word matcher means exactly what the RegExp of the pattern means', () => {
  it('finds the same first match (leftmost, alternatives in order, greedy gaps) on generated patterns and texts', () => {
    // A small vocabulary keeps matches frequent and ambiguous: overlapping alternatives, gaps that could stop early.
    // (Words the normaliser keeps as they are: "aa" would become "a".)
    const word = fc.constantFrom('ab', 'cd', 'ef', 'gh');
    const node = fc.oneof(
      word,
      fc.constantFrom('~1', '~2', '~3', 'ab*', '{num}', '?'),
      fc.array(fc.array(word, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 }).map((alts) => `(${alts.map((a) => a.join(' ')).join('|')})`),
      fc.array(fc.array(word, { minLength: 1, maxLength: 2 }), { minLength: 1, maxLength: 3 }).map((alts) => `[${alts.map((a) => a.join(' ')).join('|')}]`),
      fc.tuple(word, fc.constantFrom('~1', '~2'), word).map(([a, gap, b]) => `(${a} ${gap} ${b}|${b})`),
    );
    const text = fc.array(fc.constantFrom('ab', 'cd', 'ef', 'gh', 'abc', '7', '?', 'x'), { maxLength: 14 });
    let compared = 0;
    let matched = 0;
    fc.assert(
      fc.property(fc.array(node, { minLength: 1, maxLength: 5 }), fc.array(text, { minLength: 1, maxLength: 4 }), (nodes, texts) => {
        let phrase: CompiledPhrase;
        try {
          phrase = compilePhrase(nodes.join(' '), 'en', {});
        } catch (error) {
          if (error instanceof PatternError) return;
          throw error;
        }
        for (const words of texts) {
          const expected = oracle(phrase, words);
          expect(phrase.find(words), `${nodes.join(' ')} on "${words.join(' ')}"`).toEqual(expected);
          for (let from = 1; from <= words.length; from++) {
            const rest = oracle(phrase, words.slice(from));
            expect(phrase.find(words, from)).toEqual(rest && { start: rest.start + from, end: rest.end + from });
          }
          compared++;
          if (expected) matched++;
        }
      }),
      { numRuns: 800 },
    );
    expect(compared).toBeGreaterThan(1000);
    expect(matched).toBeGreaterThan(100);
  });

  it('agrees with the RegExp on every bundled pattern and guard, over every rule example', () => {
    const pack = loadBundledRules();
    const rules = new CompiledRuleSet(pack);
    const phrases = rules.phrasesInUse();
    expect(phrases.length).toBeGreaterThan(1000);
    const views: ViewName[] = ['en', 'vi', 'viAccented'];
    const texts = pack.rules.flatMap((rule) => [...rule.tests.match, ...rule.tests.no_match]);
    // Word list → the texts' word lists holding it: the matcher only ever runs where an anchor word occurs.
    const byWord = new Map<string, Set<readonly string[]>>();
    const wordLists = texts.flatMap((text) => {
      const message = normalizeMessage(text);
      return views.map((view) => getView(message, view).words);
    });
    for (const words of wordLists) for (const w of words) byWord.set(w, (byWord.get(w) ?? new Set()).add(words));
    let agreed = 0;
    let found = 0;
    for (const phrase of phrases) {
      const lists = new Set<readonly string[]>();
      for (const anchor of phrase.anchors ?? []) {
        if (!anchor.endsWith('*')) byWord.get(anchor)?.forEach((l) => lists.add(l));
        else for (const [w, holders] of byWord) if (w.startsWith(anchor.slice(0, -1))) holders.forEach((l) => lists.add(l));
      }
      for (const words of phrase.anchors ? lists : wordLists) {
        const expected = oracle(phrase, words);
        const actual = phrase.find(words);
        if (JSON.stringify(actual) !== JSON.stringify(expected)) {
          expect.fail(`${phraseRegExp(phrase).source.slice(0, 200)} on "${words.join(' ')}": ${JSON.stringify(actual)} vs ${JSON.stringify(expected)}`);
        }
        agreed++;
        if (actual) found++;
      }
    }
    expect(agreed).toBeGreaterThan(20_000);
    expect(found).toBeGreaterThan(2_000);
  });

  it('packs parsed patterns into a shared table and unpacks them to the same matcher', () => {
    const macros = { parents: '(mom|dad|my parents)', anyone: '(anyone|anybody|{parents})' };
    const packer = new NodePacker();
    const a = compilePhrase("(don't|do not) tell {anyone}", 'en', macros);
    const b = compilePhrase('never tell {parents} ~2 this', 'en', macros);
    const packedA = packer.pack(a.nodes);
    const packedB = packer.pack(b.nodes);
    // The macro's group is stored once, though both patterns use it.
    const mom = packer.table.findIndex((n) => n[0] === 'w' && n[1] === 'mom');
    const groups = packer.table.filter((n) => n[0] === 'g' && (n.slice(2) as number[][]).some((alternative) => alternative.includes(mom)));
    expect(mom).toBeGreaterThanOrEqual(0);
    expect(groups).toHaveLength(1);
    const table = JSON.parse(JSON.stringify(packer.table)) as typeof packer.table;
    const unpacker = new NodeUnpacker(table);
    const text = getView(normalizeMessage("pls don't tell my parents about this"), 'en').words;
    expect(phraseFromNodes(unpacker.unpack(packedA), 'en').find(text)).toEqual(a.find(text));
    expect(phraseFromNodes(unpacker.unpack(packedB), 'en').find(text)).toEqual(b.find(text));
    expect(a.find(text)).not.toBeNull();
    expect(() => new NodeUnpacker([['x' as 'n']]).unpack([0])).toThrow(PatternError);
    expect(() => new NodeUnpacker([]).unpack([3])).toThrow(/damaged pattern table/);
  });
});
