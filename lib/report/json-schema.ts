/** The JSON Schema of the JSON export, generated from ReportSchema (published as docs/report-schema.json). */
import { z } from 'zod';
import { REPORT_SCHEMA_VERSION, ReportSchema } from './schema';

export function reportJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(ReportSchema, { target: 'draft-2020-12', unrepresentable: 'any' }),
    $id: `https://not-alone.invalid/schemas/report-v${REPORT_SCHEMA_VERSION}.json`,
    title: `Not Alone report (JSON export, schema version ${REPORT_SCHEMA_VERSION})`,
  };
}
