/** docs/report-schema.json is generated from lib/report/schema.ts and must be kept up to date. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { reportJsonSchema } from '../../lib/report/json-schema';

describe('docs/report-schema.json', () => {
  it('matches ReportSchema (regenerate with: npx tsx scripts/build-report-schema.ts)', () => {
    const published = JSON.parse(readFileSync(new URL('../../docs/report-schema.json', import.meta.url), 'utf8')) as unknown;
    expect(published).toEqual(JSON.parse(JSON.stringify(reportJsonSchema())));
  });
});
