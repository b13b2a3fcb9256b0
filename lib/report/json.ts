/** JSON export: the report object, validated against ReportSchema, indented, with its content hash refreshed. */
import { reportContentHash } from './build';
import { ReportSchema, type Report } from './schema';

export async function toJson(report: Report): Promise<string> {
  const checked = ReportSchema.parse(report);
  const integrity = { ...checked.integrity, contentSha256: await reportContentHash(checked) };
  return JSON.stringify({ ...checked, integrity }, null, 2) + '\n';
}
