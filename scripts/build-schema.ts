/** `npm run build:schema`: writes rules/schema.json, the rule file schema exported from zod for editors. */
import { writeFileSync } from 'node:fs';
import { z } from 'zod';
import { RuleSchema } from '../lib/engine/rule-schema';

export function ruleJsonSchema(): unknown {
  return {
    ...z.toJSONSchema(RuleSchema, { io: 'input', unrepresentable: 'any' }),
    title: 'Not Alone rule file',
    description: 'One detection rule (rules/<lang>/<id>.yaml). See rules/README.md.',
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const target = new URL('../rules/schema.json', import.meta.url);
  writeFileSync(target, JSON.stringify(ruleJsonSchema(), null, 2) + '\n');
  console.log(`wrote ${target.pathname}`);
}
