/**
 * Every bundled rule: valid against the schema, compiles, and its own must-match / must-not-match examples pass
 * (ESLint RuleTester style). Plus the conventions that keep the pack reviewable.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CompiledRuleSet } from '../../lib/engine/matcher';
import { checkRuleExamples } from '../../lib/engine/rule-examples';
import { loadRulePack, RulePackError } from '../../lib/engine/rule-loader';
import { CATEGORY_IDS, LANGUAGES } from '../../lib/engine/taxonomy';
import { loadBundledRules, readRuleFiles } from '../../lib/node/rule-files';
import { ruleJsonSchema } from '../../scripts/build-schema';

const pack = loadBundledRules();
const failures = checkRuleExamples(pack);

describe('bundled rules', () => {
  it('load and compile without errors', () => {
    expect(pack.rules.length).toBeGreaterThan(50);
    const errors = new CompiledRuleSet(pack).problems.filter((p) => p.severity === 'error');
    expect(errors).toEqual([]);
  });

  for (const language of LANGUAGES) {
    it(`cover all twelve categories in ${language}`, () => {
      const covered = new Set(pack.rules.filter((r) => r.languages.includes(language)).map((r) => r.category));
      expect([...CATEGORY_IDS].filter((c) => !covered.has(c))).toEqual([]);
    });
  }

  it('have ids that start with their folder language', () => {
    for (const file of readRuleFiles()) {
      const name = file.path.split('/').pop() ?? '';
      if (name.startsWith('_')) continue;
      const folder = file.path.split('/').at(-2);
      expect(name.startsWith(`${folder}-`), file.path).toBe(true);
    }
  });

  it('publish an up-to-date JSON Schema for editors (npm run build:schema)', () => {
    const committed = JSON.parse(readFileSync(new URL('../../rules/schema.json', import.meta.url), 'utf8')) as unknown;
    expect(committed).toEqual(ruleJsonSchema());
  });

  describe.each(pack.rules.map((r) => [r.id] as const))('%s', (id) => {
    it('passes its own match and no_match examples', () => {
      expect(failures.filter((f) => f.ruleId === id)).toEqual([]);
    });
  });
});

describe('rule validation errors name the file, the field and the problem', () => {
  const valid = readRuleFiles().find((f) => !f.path.includes('/_'));
  if (!valid) throw new Error('no rule files');

  function problemsOf(files: { path: string; text: string }[]): string[] {
    try {
      loadRulePack(files);
      return [];
    } catch (error) {
      if (error instanceof RulePackError) return error.problems;
      throw error;
    }
  }

  it('reports a bad category', () => {
    const text = valid.text.replace(/^category: .*$/m, 'category: kidnapping');
    expect(problemsOf([{ path: valid.path, text }]).join('\n')).toMatch(new RegExp(`${valid.path}: category: `));
  });

  it('reports an id that differs from the file name', () => {
    expect(problemsOf([{ path: valid.path.replace(/[^/]+$/, 'en-other-name.yaml'), text: valid.text }]).join('\n')).toMatch(/id: .*must equal the file name/);
  });

  it('reports broken YAML and unknown fields', () => {
    expect(problemsOf([{ path: 'rules/en/en-x.yaml', text: 'id: [oops' }]).join('\n')).toMatch(/en-x\.yaml: \(file\): not valid YAML/);
    const extra = valid.text + '\nseverity: high\n';
    expect(problemsOf([{ path: valid.path, text: extra }]).join('\n')).toMatch(/Unrecognized key|severity/);
  });

  it('reports too few examples and an uncompilable pattern', () => {
    const few = valid.text.replace(/no_match:\n(\s+- .*\n)+/m, 'no_match:\n    - only one\n');
    expect(problemsOf([{ path: valid.path, text: few }]).join('\n')).toMatch(/tests\.no_match/);
    const broken = valid.text.replace(/^patterns:\n/m, 'patterns:\n  - "(unclosed"\n');
    expect(problemsOf([{ path: valid.path, text: broken }]).join('\n')).toMatch(/patterns: missing/);
  });
});
