/** `npx tsx scripts/build-report-schema.ts`: writes docs/report-schema.json from lib/report/schema.ts. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { reportJsonSchema } from '../lib/report/json-schema';

if (import.meta.url === `file://${process.argv[1]}`) {
  const target = new URL('../docs/report-schema.json', import.meta.url);
  mkdirSync(new URL('.', target), { recursive: true });
  writeFileSync(target, JSON.stringify(reportJsonSchema(), null, 2) + '\n');
  console.log(`wrote ${target.pathname}`);
}
