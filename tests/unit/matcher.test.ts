import { describe, expect, it } from 'vitest';
import { analyzeText, CompiledRuleSet, WINDOW_CHARS } from '../../lib/engine/matcher';
import type { RulePack } from '../../lib/engine/rule-schema';

const pack: RulePack = {
  macros: { en: { parents: '(mom|dad|parents)' }, vi: {} },
  rules: [
    {
      id: 'en-test-secret',
      title: 'test: secrecy',
      category: 'secrecy',
      languages: ['en'],
      weight: 3,
      patterns: ['(do not|never) tell ~2 {parents}'],
      guards: ['surprise'],
      falsepositives: ['surprise parties'],
      tests: { match: ['a', 'b', 'c'], no_match: ['d', 'e', 'f'] },
    },
    {
      id: 'en-test-alone',
      title: 'test: question',
      category: 'age_probe',
      languages: ['en'],
      weight: 2,
      patterns: ['(are|r) you (alone|home alone)'],
      grammar: { question: 'required' },
      falsepositives: ['statements'],
      tests: { match: ['a', 'b', 'c'], no_match: ['d', 'e', 'f'] },
    },
    {
      id: 'en-test-keep-secret',
      title: 'test: negation',
      category: 'secrecy',
      languages: ['en'],
      weight: 3,
      patterns: ['keep ~2 secret*'],
      grammar: { not_negated: true },
      falsepositives: ['I would never ask you to keep secrets'],
      tests: { match: ['a', 'b', 'c'], no_match: ['d', 'e', 'f'] },
    },
  ],
};
const rules = new CompiledRuleSet(pack);
const ids = (text: string) => analyzeText(rules, text).findings.map((f) => f.ruleId);

describe('matcher', () => {
  it('reports the original words of each finding', () => {
    const text = 'ok but DONT tell ur mom 🤫';
    const [finding] = analyzeText(rules, text).findings;
    expect(finding.ruleId).toBe('en-test-secret');
    expect(text.slice(finding.start, finding.end)).toBe('DONT tell ur mom');
    expect(finding.matched).toBe('DONT tell ur mom');
  });

  it('lets a guard suppress a rule', () => {
    expect(ids("don't tell mom about the surprise")).toEqual([]);
  });

  it('applies grammar: questions and negation', () => {
    expect(ids('r u home alone?')).toEqual(['en-test-alone']);
    expect(ids('are you alone')).toEqual(['en-test-alone']);
    expect(ids('you are alone in this, sorry')).toEqual([]);
    expect(ids('keep it our secret')).toEqual(['en-test-keep-secret']);
    expect(ids('I would never ask you to keep secrets from your family')).toEqual([]);
  });

  it('analyses long texts in windows and maps offsets into the whole text', () => {
    const filler = 'blah '.repeat(3000);
    const text = filler + 'never tell your dad' + ' more'.repeat(10);
    const { findings, truncated } = analyzeText(rules, text);
    expect(truncated).toBe(false);
    expect(findings).toHaveLength(1);
    expect(text.slice(findings[0].start, findings[0].end)).toBe('never tell your dad');
  });

  it('stops a huge message after the window limit and says so', () => {
    const text = 'never tell your dad ' + 'x '.repeat(WINDOW_CHARS * 40);
    const { findings, truncated } = analyzeText(rules, text, { maxWindows: 4 });
    expect(truncated).toBe(true);
    expect(findings.map((f) => f.ruleId)).toEqual(['en-test-secret']);
  });

  it('stops when the time budget is spent', () => {
    let clock = 0;
    const text = 'hello '.repeat(WINDOW_CHARS);
    const { truncated } = analyzeText(rules, text, { budgetMs: 50, now: () => (clock += 100) });
    expect(truncated).toBe(true);
  });

  it('reports duplicate rule ids as compile errors', () => {
    const duplicated = new CompiledRuleSet({ ...pack, rules: [pack.rules[0], pack.rules[0]] });
    expect(duplicated.problems).toContainEqual(expect.objectContaining({ severity: 'error', message: 'duplicate rule id' }));
  });
});

describe('phrases compiled ahead of time', () => {
  it('give the same findings as compiling at run time, and are used instead of compiling', async () => {
    const { loadBundledRules } = await import('../../lib/node/rule-files');
    const { createEngine, precompilePhrases } = await import('../../lib/engine');
    const bundled = loadBundledRules();
    const phrases = JSON.parse(JSON.stringify(precompilePhrases(bundled))) as ReturnType<typeof precompilePhrases>;
    const fresh = createEngine(bundled);
    const ahead = createEngine(bundled, {}, phrases);
    for (const rule of bundled.rules) {
      for (const example of [...rule.tests.match, ...rule.tests.no_match]) {
        expect(ahead.analyze(example), example).toEqual(fresh.analyze(example));
      }
    }
    // A precompiled entry really replaces compilation: a sabotaged one changes the result.
    const [key] = Object.keys(phrases.phrases).filter((k) => k.startsWith('en\u0000'));
    const sabotaged = {
      nodes: [...phrases.nodes, ['w', 'nothing-can-match-this'] as (typeof phrases.nodes)[number]],
      phrases: { ...phrases.phrases, [key]: { ...phrases.phrases[key], nodes: [phrases.nodes.length] } },
    };
    const rule = bundled.rules.find((r) => r.patterns.some((p) => `en\u0000${typeof p === 'string' ? p : p.p}` === key));
    expect(rule).toBeDefined();
    const onlyThat = { ...bundled, rules: [{ ...rule!, patterns: rule!.patterns.filter((p) => `en\u0000${typeof p === 'string' ? p : p.p}` === key) }] };
    const example = rule!.tests.match.find((m) => createEngine(onlyThat).analyze(m).length > 0);
    expect(example, "an example the pattern alone finds").toBeDefined();
    expect(createEngine(onlyThat, {}, sabotaged).analyze(example!)).toEqual([]);
  });
});
