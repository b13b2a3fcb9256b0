/**
 * `npm run test:rules [-- filter]`: validate every rule file and run each rule's own examples, printing what failed
 * with the normalised text, so rule authors iterate in seconds. (`npm test` runs the same checks through vitest.)
 */
import { checkRuleExamples } from '../lib/engine/rule-examples';
import { CompiledRuleSet } from '../lib/engine/matcher';
import { normalizeForDisplay } from '../lib/engine/normalize';
import { RulePackError } from '../lib/engine/rule-loader';
import { loadBundledRules } from '../lib/node/rule-files';

const filter = process.argv[2];
let pack;
try {
  pack = loadBundledRules();
} catch (error) {
  if (error instanceof RulePackError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
const selected = pack.rules.filter((r) => !filter || r.id.includes(filter));
for (const problem of new CompiledRuleSet(pack).problems) {
  if (!filter || problem.ruleId.includes(filter)) console.warn(`warning: ${problem.ruleId}: ${problem.message}`);
}
const failures = checkRuleExamples(pack, (id) => !filter || id.includes(filter));
for (const f of failures) {
  const rule = pack.rules.find((r) => r.id === f.ruleId);
  const view = rule?.languages.includes('en') ? 'en' : 'vi';
  console.log(`FAIL ${f.ruleId} ${f.kind === 'match' ? 'should match' : 'should NOT match'}: ${JSON.stringify(f.example)}`);
  console.log(`     normalised (${view}): ${normalizeForDisplay(f.example, view)}`);
  if (f.found.length) console.log(`     rules found: ${f.found.join(', ')}`);
}
const examples = selected.reduce((n, r) => n + r.tests.match.length + r.tests.no_match.length, 0);
console.log(`\n${selected.length} rules, ${examples} examples: ${examples - failures.length} passed, ${failures.length} failed`);
process.exit(failures.length ? 1 : 0);
