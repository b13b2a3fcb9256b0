/**
 * Trust, point 3: rules cannot hang a page (docs/threat-model.md, "A rule file or a message that freezes the page").
 *
 * Three layers, each tested here so that removing it fails a test:
 *
 * 1. No pattern runs as a RegExp. Patterns are matched word by word (lib/engine/patterns.ts): a backtracking search
 *    whose only branching is the length of a gap (at most 8 words) and the choice of a group's alternative, tried at
 *    each word. Its cost is counted in branches tried (`takeBranchCount`), not timed.
 * 2. Constant factor. Bounded gaps keep matching polynomial but can still multiply: `~8 ~8 ~8 ~8 ~8 ~8 a b` is 9^6
 *    ways to match from one place (as a RegExp it froze a 64-word message for 0.8 s). The compiler refuses any
 *    pattern with more than MAX_MATCH_PATHS ways; imported rule files go through the same compiler. A property test
 *    checks that the branches tried on adversarial texts stay within MAX_MATCH_PATHS per word, and that a pattern
 *    past the bound (built without the compiler's check) exceeds it, so the check can fail.
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
import { analyzeText, CompiledRuleSet } from '../../lib/engine/matcher';
import { getView, normalizeMessage } from '../../lib/engine/normalize';
import { compilePhrase, MAX_MATCH_PATHS, PatternError, phraseFromNodes, takeBranchCount, type CompiledPhrase, type PatternNode } from '../../lib/engine/patterns';
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

  // Words "ab" and "cd", gaps, optional and ambiguous groups: the texts keep every way of matching alive, and "ef"
  // (the pattern's last word) never occurs, so every way is tried.
  const texts = ['ab '.repeat(60), 'ab cd '.repeat(30), 'ab ab cd '.repeat(20)].map((t) => t.trim().split(' '));
  const branchesOn = (phrase: CompiledPhrase, words: string[]): number => {
    takeBranchCount();
    expect(phrase.find(words)).toBeNull();
    return takeBranchCount();
  };

  it('tries at most MAX_MATCH_PATHS branches per word, whatever pattern the compiler accepts (property)', () => {
    const node = fc.constantFrom('ab', 'cd', '~1', '~3', '~8', '~8', '~8', '[ab]', '[ab|ab cd]', '(ab|ab ab)', '(ab|cd)', 'ab*', '(~8 ab|cd)', '(~3 [ab] ab|ab)');
    let accepted = 0;
    let refused = 0;
    let most = 0;
    fc.assert(
      fc.property(fc.array(node, { minLength: 1, maxLength: 7 }), (nodes) => {
        let phrase: CompiledPhrase;
        try {
          phrase = compilePhrase(nodes.join(' ') + ' ef', 'en', {});
        } catch (error) {
          if (!(error instanceof PatternError)) throw error;
          refused++;
          return;
        }
        accepted++;
        for (const words of texts) {
          const branches = branchesOn(phrase, words);
          most = Math.max(most, branches / words.length);
          expect(branches, `${nodes.join(' ')} on "${words.slice(0, 6).join(' ')}…"`).toBeLessThanOrEqual(MAX_MATCH_PATHS * words.length);
        }
      }),
      { numRuns: 300, endOnFailure: true },
    );
    expect(accepted).toBeGreaterThan(50);
    expect(refused).toBeGreaterThan(5);
    // The property is not idle: some accepted patterns branch a lot.
    expect(most).toBeGreaterThan(10);
    expect(MAX_MATCH_PATHS).toBeLessThanOrEqual(4096);
  });

  it('past the bound, a pattern tries more: the bound is what keeps groups cheap', () => {
    const gap: PatternNode = { kind: 'gap', max: 8 };
    const ab: PatternNode = { kind: 'word', words: ['ab'] };
    const ef: PatternNode = { kind: 'word', words: ['ef'] };
    const words = texts[0];
    // Inside a group, every way is tried again for each way the rest can fail: 9^4 per place.
    const nested = phraseFromNodes([{ kind: 'group', optional: false, alternatives: [[gap, gap, gap, gap, ab]] }, ef], 'en');
    expect(() => compilePhrase('(~8 ~8 ~8 ~8 ab) ef', 'en', {})).toThrow(/too many ways to match/);
    expect(branchesOn(nested, words)).toBeGreaterThan(MAX_MATCH_PATHS * words.length);
    // At the top level the matcher remembers what each place gives, so even this costs little.
    const flat = phraseFromNodes([gap, gap, gap, gap, ab, ef], 'en');
    expect(branchesOn(flat, words)).toBeLessThan(10 * 4 * words.length);
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
    // 240 patterns, each at the bound inside a group and all kept alive by the text: seconds of matching.
    const patterns = Array.from({ length: 80 }, () => '(~7 ~7 ~7 ~7 foo) bar');
    const pack: RulePack = { macros: { en: {}, vi: {} }, rules: [rule('xx-a', patterns), rule('xx-b', patterns), rule('xx-c', patterns)] };
    const rules = new CompiledRuleSet(pack);
    expect(rules.problems.filter((p) => p.severity === 'error')).toEqual([]);
    // "bar" (the anchor) first, so the patterns run, and "foo bar" never occurs, so none stops early.
    const text = 'bar ' + 'foo '.repeat(200);
    // A clock that moves 100 ms per reading: the hard limit (10 × 40 ms) is passed after 5 readings (one per 8
    // patterns), long before the 240 patterns are done, whatever the speed of the machine.
    let clock = 0;
    takeBranchCount();
    const { truncated } = analyzeText(rules, text, { now: () => (clock += 100) });
    expect(truncated).toBe(true);
    // It stopped early: 240 patterns would try ~240 × 4,096 × 200 branches.
    expect(takeBranchCount()).toBeLessThan(60 * MAX_MATCH_PATHS * 200);
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
