/**
 * Trust, point 3: rules cannot hang a page (docs/threat-model.md, "A rule file or a message that freezes the page").
 *
 * Three layers, each tested here so that removing it fails a test:
 *
 * 1. Asymptotic ReDoS. Every RegExp the rule compiler emits is checked against the compiler's grammar: the only
 *    unbounded loops are `[^ ]*` / `[^ ]+` inside one word, and every branch begins with a space, so no two loops can
 *    compete for the same characters and matching is linear in the text (star height 1, no overlapping loops; the
 *    same argument safe-regex makes). `recheck` confirms each construct the compiler emits is linear, and flags the
 *    shapes the grammar forbids (so the check can fail).
 *
 *    Why not run recheck on each of the ~800 bundled RegExps directly: with its pure-JS backend a single one takes
 *    0.1 to 3 s and about a third end in `unknown` (timeout) even at 2 s, and its fuzzer reports false "polynomial"
 *    results for this family (measured linear in V8). Checking the grammar is exact for compiled patterns and takes
 *    milliseconds; recheck checks the building blocks. `unknown` is never treated as `safe` for them: they must be
 *    conclusively safe.
 * 2. Constant factor. Bounded gaps keep matching linear but can still multiply: `~8 ~8 ~8 ~8 ~8 ~8 a b` is 9^6 ways to
 *    match from one place and froze a 64-word message for 0.8 s (45 s with 8 gaps). The compiler refuses any pattern
 *    with more than MAX_MATCH_PATHS ways (lib/engine/patterns.ts); imported rule files go through the same compiler.
 *    A property test checks the bound against real matching time.
 * 3. Time budget and size. Messages are cut into 4,000-character windows, at most 64 of them, and analysis stops when
 *    the budget is spent (lib/engine/matcher.ts); inside a window, patterns stop at 10 times the budget, which only an
 *    abusive imported rule set can reach. Imported rule files are limited in size and number.
 *
 * Plus: every RegExp literal in the extension and CLI code that reads untrusted text (messages, page DOM, export
 * files, report files) is checked with recheck; the few polynomial ones left are listed with the reason their input
 * is small, and the ones that were not are fixed and have a timing test here.
 */
import fc from 'fast-check';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { checkSync, type Diagnostics } from 'recheck';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../lib/engine';
import { analyzeText, CompiledRuleSet, WINDOW_CHARS } from '../../lib/engine/matcher';
import { getView, normalizeMessage } from '../../lib/engine/normalize';
import { compilePhrase, MAX_MATCH_PATHS, PatternError } from '../../lib/engine/patterns';
import { loadRulePack, RulePackError } from '../../lib/engine/rule-loader';
import type { Rule, RulePack } from '../../lib/engine/rule-schema';
import { loadBundledRules } from '../../lib/node/rule-files';
import { createRedactor } from '../../lib/report/redact';
import { MAX_RULE_FILE_BYTES, MAX_RULE_FILES, validateCustomRuleFiles } from '../../lib/settings/custom-rules';

// recheck's pure-JS backend: no Java, no native binary, no worker thread; read when a check runs.
process.env.RECHECK_SYNC_BACKEND = 'pure';

const ROOT = resolve(import.meta.dirname, '../..');
const bundled = loadBundledRules();

function recheck(source: string, flags = '', timeout = 5000): Diagnostics {
  return checkSync(source, flags, { timeout });
}

/** The compiled form without its trailing look-ahead (recheck's automaton checker has no look-arounds; the view text always ends in a space, so the two behave alike). */
function forAutomaton(source: string): string {
  return source.replace(/\(\?= \)$/, ' ');
}

/**
 * Checks a RegExp source against the grammar of lib/engine/patterns.ts `nodeSource`; returns what does not fit.
 * Allowed: literal characters and escaped punctuation, ` [^ ]*` / `[^ ]+` loops, `[0-9]`, `(?:…|…)` groups with an
 * optional `?`, the gap `(?: [^ ]+){0,N}` with N ≤ 8, and one `(?= )` at the very end. Every branch starts with a space.
 */
export function grammarViolations(source: string): string[] {
  const problems: string[] = [];
  const token = /\(\?:|\(\?= \)|\)|\||\?|\*|\+|\{0,(\d+)\}|\[\^ \]|\[0-9\]|\\[^\p{L}\p{N}]|[^\\()[\]{}|?*+.^$]/uy;
  const tokens: string[] = [];
  let i = 0;
  while (i < source.length) {
    token.lastIndex = i;
    const m = token.exec(source);
    if (!m) {
      problems.push(`unexpected construct at ${i}: ${source.slice(i, i + 12)}`);
      return problems;
    }
    tokens.push(m[0]);
    i = token.lastIndex;
  }
  const groupStarts: number[] = [];
  const branchStart = (index: number): void => {
    const next = tokens[index];
    if (next !== ' ' && next !== '(?:') problems.push(`a branch must start with a space (token ${index}: ${next ?? 'end'})`);
  };
  branchStart(0);
  tokens.forEach((t, k) => {
    const previous = tokens[k - 1];
    if (t === '(?:') {
      groupStarts.push(k);
      branchStart(k + 1);
    } else if (t === '|') {
      if (groupStarts.length === 0) problems.push('top-level alternation');
      branchStart(k + 1);
    } else if (t === ')') {
      if (groupStarts.pop() === undefined) problems.push('unbalanced )');
    } else if (t === '*' || t === '+') {
      if (previous !== '[^ ]') problems.push(`unbounded ${t} after ${previous ?? 'nothing'}: only a word's own characters may repeat`);
    } else if (t.startsWith('{')) {
      const inner = tokens.slice(k - 5, k).join('');
      if (inner !== '(?: [^ ]+)') problems.push(`bounded repetition of something other than a gap: ${inner}${t}`);
      if (Number(t.slice(3, -1)) > 8) problems.push(`gap longer than 8 words: ${t}`);
    } else if (t === '?') {
      if (previous !== ')') problems.push('? only makes a group optional');
    } else if (t === '(?= )') {
      if (k !== tokens.length - 1) problems.push('look-ahead before the end');
    }
  });
  if (groupStarts.length) problems.push('unclosed group');
  return problems;
}

describe('rules cannot hang a page: RegExp shapes (recheck)', () => {
  it('recheck flags catastrophic shapes, so this check can fail', () => {
    const exponential = recheck('^(a+)+$');
    expect(exponential.status).toBe('vulnerable');
    expect(exponential.status === 'vulnerable' && exponential.complexity.type).toBe('exponential');
    // What the compiler would emit if gaps were unbounded: every later word is re-tried from every start.
    const unboundedGap = recheck(forAutomaton(' a(?: [^ ]+)* b(?= )'));
    expect(unboundedGap.status).toBe('vulnerable');
  });

  it('recheck finds every construct the pattern compiler emits linear', () => {
    const constructs = [
      compilePhrase('a ~3 b', 'en', {}).regex.source, // gap
      compilePhrase('ab* (cd|ef)', 'en', {}).regex.source, // prefix, group
      compilePhrase('{num} ab', 'en', {}).regex.source, // number
      compilePhrase('[ab|ab cd] ~2 ef ?', 'en', {}).regex.source, // optional group with overlapping branches, question
    ];
    for (const source of constructs) {
      const result = checkSync(forAutomaton(source), '', { timeout: 10_000, checker: 'automaton' });
      expect(result.status, `${source}: ${JSON.stringify(result)}`).toBe('safe');
    }
  });

  it('every bundled pattern and guard RegExp is built only from those constructs', () => {
    const regexes = new CompiledRuleSet(bundled).regexes();
    expect(regexes.length).toBeGreaterThan(300);
    const bad = regexes.map((r) => ({ source: r.source, problems: grammarViolations(r.source) })).filter((r) => r.problems.length);
    expect(bad).toEqual([]);
  });

  it('the grammar check rejects the shapes recheck flags', () => {
    expect(grammarViolations(' a(?: [^ ]+)* b(?= )')).not.toEqual([]);
    expect(grammarViolations('(a+)+')).not.toEqual([]);
    expect(grammarViolations(' a(?: [^ ]+){0,40} b')).not.toEqual([]);
    expect(grammarViolations(' (a)\\1')).not.toEqual([]);
    expect(grammarViolations(' a(?<=a) b')).not.toEqual([]);
    expect(grammarViolations('a|b')).not.toEqual([]);
    expect(grammarViolations(' a(?: b| c)? d[^ ]*(?: [^ ]+){0,8} e(?= )')).toEqual([]);
  });
});

describe('rules cannot hang a page: the backtracking bound', () => {
  const catastrophic = [
    '~8 ~8 ~8 ~8 ~8 ~8 secret plan',
    '[ab] [ab] [ab] [ab] [ab] [ab] [ab] [ab] [ab] [ab] [ab] [ab] [ab] cd',
    '(ab|ab ab) (ab|ab ab) (ab|ab ab) (ab|ab ab) (ab|ab ab) (ab|ab ab) (ab|ab ab) (ab|ab ab) (ab|ab ab) (ab|ab ab) (ab|ab ab) (ab|ab ab) (ab|ab ab) cd',
  ];

  it('refuses patterns with too many ways to match', () => {
    for (const pattern of catastrophic) {
      expect(() => compilePhrase(pattern, 'en', {}), pattern).toThrow(PatternError);
      expect(() => compilePhrase(pattern, 'en', {})).toThrow(/too many ways to match/);
    }
    // Alternatives that begin with different words exclude each other: a big macro costs nothing.
    const words = Array.from({ length: 200 }, (_, i) => `w${i}x`).join('|');
    expect(() => compilePhrase(`(${words}) ~3 (${words}) ~3 (${words})`, 'en', {})).not.toThrow();
  });

  it('refuses such a pattern in an imported rule file, naming the file', async () => {
    const file = {
      name: 'xx-evil-gaps.yaml',
      text: [
        'id: xx-evil-gaps',
        'title: evil gaps',
        'category: secrecy',
        'languages: [en]',
        'weight: 3',
        'patterns:',
        `  - "${catastrophic[0]}"`,
        'falsepositives: [none]',
        'tests:',
        '  match: [our secret plan, a secret plan, the secret plan]',
        '  no_match: [hello, good night, see you]',
      ].join('\n'),
    };
    expect(() => loadRulePack([{ path: file.name, text: file.text }])).toThrow(RulePackError);
    const result = await validateCustomRuleFiles([{ ...file, size: file.text.length }], bundled);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems.join('\n')).toMatch(/xx-evil-gaps\.yaml: patterns: .*too many ways to match/);
  });

  it('matches in time whatever pattern the compiler accepts (property, adversarial text)', () => {
    // Words "a" and "b", gaps, optional and ambiguous groups: the text below keeps every way of matching alive.
    const node = fc.constantFrom('aa', 'bb', '~1', '~3', '~8', '[aa]', '[aa|aa bb]', '(aa|aa aa)', '(aa|bb)', 'aa*');
    const texts = [' ' + 'aa '.repeat(60), ' ' + 'aa bb '.repeat(30), ' ' + 'aa aa bb '.repeat(20)];
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(fc.array(node, { minLength: 1, maxLength: 7 }), (nodes) => {
        let regex: RegExp;
        try {
          regex = compilePhrase(nodes.join(' ') + ' cc', 'en', {}).regex;
        } catch (error) {
          if (!(error instanceof PatternError)) throw error;
          refused++;
          return;
        }
        accepted++;
        for (const text of texts) {
          const started = performance.now();
          regex.exec(text);
          // At MAX_MATCH_PATHS a 60-word text takes about 2 ms; without the bound, 9^5 ways take 100 ms and more.
          expect(performance.now() - started, `${nodes.join(' ')} on "${text.slice(0, 20)}…"`).toBeLessThan(60);
        }
      }),
      { numRuns: 300, endOnFailure: true },
    );
    expect(accepted).toBeGreaterThan(50);
    expect(refused).toBeGreaterThan(5);
    expect(MAX_MATCH_PATHS).toBeLessThanOrEqual(4096);
  });
});

function rule(id: string, patterns: string[]): Rule {
  return {
    id,
    title: id,
    category: 'secrecy',
    languages: ['en'],
    weight: 3,
    patterns,
    falsepositives: ['test'],
    tests: { match: ['a', 'b', 'c'], no_match: ['d', 'e', 'f'] },
  };
}

describe('rules cannot hang a page: time budget and sizes', () => {
  it('analyses a 1 MB message through the public engine quickly, says it was cut short, and never throws', () => {
    const engine = createEngine(bundled);
    const conversation = engine.conversation();
    const hostile = [
      "don't tell your parents, send me a pic ".repeat(30_000).slice(0, 1_000_000),
      'x'.repeat(1_000_000),
      '<img src=x onerror=alert(1)>'.repeat(40_000),
      '\u202E'.repeat(500_000) + 'a'.repeat(500_000),
    ];
    for (const [i, text] of hostile.entries()) {
      const started = performance.now();
      const result = conversation.add({ id: `big${i}`, from: 'other', text, ts: 1_750_000_000_000 });
      const elapsed = performance.now() - started;
      expect(result.truncated, `message ${i}`).toBe(true);
      // The budget is 40 ms; this bound only catches a missing budget, not a slow machine.
      expect(elapsed, `message ${i}`).toBeLessThan(2000);
      for (const f of result.findings) expect(text.slice(f.start, f.end)).toBe(f.matched);
    }
  });

  it('stops an abusive rule set inside one window at the hard limit', () => {
    // 240 patterns, each at the bound and all kept alive by the text: about 4 s of matching without the limit.
    const patterns = Array.from({ length: 80 }, () => '~7 ~7 ~7 ~7 foo bar');
    const pack: RulePack = { macros: { en: {}, vi: {} }, rules: [rule('xx-a', patterns), rule('xx-b', patterns), rule('xx-c', patterns)] };
    const rules = new CompiledRuleSet(pack);
    expect(rules.problems.filter((p) => p.severity === 'error')).toEqual([]);
    // "bar" (the anchor) first, so the patterns run, and "foo bar" never occurs, so none stops early.
    const text = 'bar ' + 'foo '.repeat(WINDOW_CHARS / 4 - 2);
    const started = performance.now();
    const { truncated } = analyzeText(rules, text);
    const elapsed = performance.now() - started;
    expect(truncated).toBe(true);
    expect(elapsed).toBeLessThan(1500);
  });

  it('limits imported rule files in size and number', async () => {
    const big = { name: 'xx-big.yaml', text: 'id: xx-big\n', size: MAX_RULE_FILE_BYTES + 1 };
    const tooBig = await validateCustomRuleFiles([big], bundled);
    expect(tooBig.ok).toBe(false);
    expect(!tooBig.ok && tooBig.problems.join('\n')).toMatch(/xx-big\.yaml: \(file\): .*at most 256 KB/);
    const many = Array.from({ length: MAX_RULE_FILES + 1 }, (_, i) => ({ name: `xx-r${i}.yaml`, text: '', size: 1 }));
    const tooMany = await validateCustomRuleFiles(many, bundled);
    expect(tooMany.ok).toBe(false);
    expect(!tooMany.ok && tooMany.problems.join('\n')).toMatch(/at most 50 files/);
  });
});

/** Every RegExp literal in the code that reads untrusted text, with its file. */
function regexLiterals(): Array<{ file: string; source: string; flags: string }> {
  const found: Array<{ file: string; source: string; flags: string }> = [];
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : path.endsWith('.ts') ? [path] : [];
    });
  for (const file of ['lib', 'entrypoints', 'cli'].flatMap((dir) => walk(join(ROOT, dir)))) {
    const sourceFile = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
        const m = /^\/(.*)\/([a-z]*)$/s.exec(node.getText(sourceFile));
        if (m) found.push({ file: relative(ROOT, file), source: m[1], flags: m[2] });
      }
      ts.forEachChild(node, visit);
    };
    visit(sourceFile);
  }
  return found;
}

/** Polynomial (never exponential) RegExps whose input is known to be small, with why. Keyed by file and source. */
const SMALL_INPUT: Record<string, string> = {
  // Only words of at most MAX_SYLLABLE_TYPED characters reach it (test below).
  'lib/engine/normalize.ts /[aeiouy][a-z]*[sfrxj]$/': 'words of at most 24 characters',
  // WhatsApp's own `data-pre-plain-text` prefix: "[time, date] Name: ".
  'lib/sites/time.ts /^\\s*\\[([^\\]]+)\\]\\s*(.*?):\\s*$/s': 'a prefix WhatsApp writes, tens of characters',
  // Our own error message.
  'cli/export-files.ts /\\. Supported:.*$/': 'an error message the CLI wrote',
  // An excerpt of at most a line's width.
  'cli/summary.ts /\\s*\\n\\s*/g': 'an excerpt the width of a terminal line',
};

describe('RegExp literals that read untrusted text (recheck)', () => {
  it('none is exponential; polynomial ones only run on small inputs', () => {
    const problems: string[] = [];
    const literals = regexLiterals();
    expect(literals.length).toBeGreaterThan(100);
    for (const { file, source, flags } of literals) {
      // 400 ms each: recheck's fuzzer finds the vulnerable shapes in this code base within tens of milliseconds;
      // `unknown` (timeout) is accepted for literals, documented in docs/threat-model.md.
      const result = recheck(source, flags, 400);
      if (result.status !== 'vulnerable') continue;
      const key = `${file} /${source}/${flags}`;
      if (result.complexity.type === 'polynomial' && SMALL_INPUT[key]) continue;
      problems.push(`${key}: ${result.complexity.summary}, e.g. ${result.attack.pattern}`);
    }
    expect(problems).toEqual([]);
  }, 120_000);

  it('a 60,000-letter word is normalised in linear time', () => {
    const word = 'a'.repeat(59_999) + '1';
    const started = performance.now();
    getView(normalizeMessage(word), 'vi');
    // Quadratic before MAX_SYLLABLE_TYPED: about 1.8 s.
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('redacting e-mail addresses takes linear time on a hostile message', () => {
    const redactor = createRedactor({ emails: true, phones: true, scope: 'all' });
    for (const text of ['-'.repeat(60_000), 'a@' + 'b.'.repeat(30_000) + '1', '1 '.repeat(30_000)]) {
      const started = performance.now();
      redactor.text(text, 'other');
      // Quadratic before the look-behind: about 1.8 s for 60,000 hyphens.
      expect(performance.now() - started, text.slice(0, 10)).toBeLessThan(500);
    }
    expect(redactor.text('write to foo.bar+x@mail.example.com, or a@b.co', 'other').text).toBe('write to [email], or [email]');
  });
});
