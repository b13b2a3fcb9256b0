/**
 * Runs every rule's own `tests.match` / `tests.no_match` examples (ESLint RuleTester style). Used by `npm test`,
 * by `npm run test:rules`, and when a user imports a custom rule file.
 */
import { CompiledRuleSet, analyzeText } from './matcher';
import type { RulePack } from './rule-schema';

export interface ExampleFailure {
  ruleId: string;
  kind: 'match' | 'no_match';
  example: string;
  /** What the engine found instead (rule ids), to help the author. */
  found: string[];
}

export function checkRuleExamples(pack: RulePack, include: (ruleId: string) => boolean = () => true): ExampleFailure[] {
  const compiled = new CompiledRuleSet(pack);
  const failures: ExampleFailure[] = [];
  for (const rule of pack.rules) {
    if (!include(rule.id)) continue;
    for (const example of rule.tests.match) {
      const found = analyzeText(compiled, example).findings.map((f) => f.ruleId);
      if (!found.includes(rule.id)) failures.push({ ruleId: rule.id, kind: 'match', example, found });
    }
    for (const example of rule.tests.no_match) {
      const found = analyzeText(compiled, example).findings.map((f) => f.ruleId);
      if (found.includes(rule.id)) failures.push({ ruleId: rule.id, kind: 'no_match', example, found });
    }
  }
  return failures;
}
