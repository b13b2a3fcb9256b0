/**
 * Issue 15, point 2: an imported rule file must not switch off the bundled rules (docs/threat-model.md, "An imported
 * rule file that starves the bundled rules").
 *
 * The matcher's time is simulated from the work it does (branches tried), so these tests do not depend on the
 * machine's speed: a rule set that works a lot makes the clock run.
 */
import { describe, expect, it } from 'vitest';
import { analyzeText, CompiledRuleSet } from '../../lib/engine/matcher';
import { takeBranchCount } from '../../lib/engine/patterns';
import type { Rule } from '../../lib/engine/rule-schema';
import { loadBundledRules } from '../../lib/node/rule-files';
import { validateCustomRuleFiles } from '../../lib/settings/custom-rules';
import { withCustomRules } from '../../lib/storage/custom-rules';

const bundled = loadBundledRules();

/**
 * Patterns anchored on very common words ("you", "the", "and"), each at the compiler's bound of ways to match inside
 * a group: on ordinary chat they all run, and each tries thousands of branches per "you".
 */
const HOSTILE_PATTERNS = Array.from({ length: 80 }, (_, i) => `(you ~7 ~7 ~7 ~7 the) ${i % 2 ? 'and' : 'or'}`);

function hostileRule(id: string): Rule {
  return {
    id,
    title: `hostile ${id}`,
    category: 'secrecy',
    languages: ['en'],
    weight: 1,
    patterns: HOSTILE_PATTERNS,
    falsepositives: ['test'],
    tests: { match: ['you a the and'], no_match: ['hello'] },
  };
}

const hostileRules = Array.from({ length: 6 }, (_, i) => hostileRule(`xx-hostile-${i}`));
const RISKY = "don't tell your parents about us, you can send me a pic of you tonight, you know the way you are, you and the rest";

/** A clock that moves 1 ms per 1,000 branches the matcher tries. */
function workClock(): () => number {
  let ms = 0;
  takeBranchCount();
  return () => (ms += takeBranchCount() / 1000);
}

describe('imported rules cannot switch off the bundled rules', () => {
  it('the bundled rules find what they find alone, however much the imported rules work', () => {
    const alone = analyzeText(new CompiledRuleSet(bundled), RISKY, { now: workClock() });
    expect(alone.findings.length).toBeGreaterThan(0);
    expect(alone.truncated).toBe(false);

    const withHostile = new CompiledRuleSet(withCustomRules(bundled, hostileRules), undefined, { importedRuleIds: hostileRules.map((r) => r.id) });
    const result = analyzeText(withHostile, RISKY, { now: workClock() });
    const bundledFound = result.findings.filter((f) => !f.ruleId.startsWith('xx-')).map((f) => f.ruleId);
    expect(bundledFound).toEqual(alone.findings.map((f) => f.ruleId));
    // The imported rules were cut short, and the result says so.
    expect(result.truncated).toBe(true);
  });

  it('keeps the bundled rules running over every window of a long text once the imported rules are stopped', () => {
    const withHostile = new CompiledRuleSet(withCustomRules(bundled, hostileRules), undefined, { importedRuleIds: hostileRules.map((r) => r.id) });
    const filler = 'you know the game and the rules you like, '.repeat(200);
    const text = filler + RISKY;
    const result = analyzeText(withHostile, text, { now: workClock() });
    expect(result.truncated).toBe(true);
    expect(result.findings.filter((f) => !f.ruleId.startsWith('xx-')).length).toBeGreaterThan(0);
  });
});

function ruleFile(id: string, patterns: string[]): { name: string; text: string; size: number } {
  const text = [
    `id: ${id}`,
    `title: imported ${id}`,
    'category: secrecy',
    'languages: [en]',
    'weight: 2',
    'patterns:',
    ...patterns.map((p) => `  - "${p}"`),
    'falsepositives: [none]',
    'tests:',
    '  match: [you a the and, you b the and, you c the and]',
    '  no_match: [hello, good night, see you]',
  ].join('\n');
  return { name: `${id}.yaml`, text, size: text.length };
}

describe('an imported rule file whose matching costs too much is refused', () => {
  it('refuses it, naming the costliest rules, measured in work units (not time)', async () => {
    const files = Array.from({ length: 4 }, (_, i) => ruleFile(`xx-costly-${i}`, HOSTILE_PATTERNS));
    const result = await validateCustomRuleFiles(files, bundled);
    expect(result.ok).toBe(false);
    const text = !result.ok ? result.problems.join('\n') : '';
    expect(text).toMatch(/xx-costly-0\.yaml: patterns: .*too costly/);
    // Deterministic: the same files give the same message.
    const again = await validateCustomRuleFiles(files, bundled);
    expect(!again.ok && again.problems.join('\n')).toBe(text);
  });

  it('accepts a rule anchored on a distinctive word, even one with gaps', async () => {
    const file = ruleFile('xx-cheap', ['you ~3 (zorblax|quuxify) ~2 the and', 'you a the and', 'you b the and', 'you c the and']);
    const result = await validateCustomRuleFiles([file], bundled);
    expect(result.ok ? 'ok' : result.problems.join('\n')).toBe('ok');
  });
});
