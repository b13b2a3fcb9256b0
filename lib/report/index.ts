/**
 * The report format shared by the extension's report page and the CLI: one schema, one builder, three writers and
 * one verifier. Pure (no DOM, no `browser.*`, no Node APIs); hashing uses WebCrypto, available in browsers and Node 20.
 *
 *   const report = await buildReport(conversations, { language: 'vi', generator: 'cli', contextMessages: 5 });
 *   const json = await toJson(report);          // docs/report-schema.json describes it
 *   const csv = await toCsv(report);            // one row per message + an integrity line
 *   const html = await toPrintableHtml(report); // printable report for a parent or the police
 *   const result = await verifyReport(fileText, 'report.csv'); // { ok, format, problems, ... }
 *
 * Input: StoredConversation (lib/storage/schema.ts). File names: `reportFileName(report, 'json' | 'csv' | 'html')`.
 */
export { buildReport, defaultTimeZone, findingsOnlyTracker, isoTime, MAX_TIMELINE_POINTS, reportContentHash, riskTimeline, selectContext, type BuildReportOptions } from './build';
export { CSV_COLUMNS, CSV_FORMAT, parseCsv, safeCell, toCsv, unsafeCell } from './csv';
export { escapeHtml, HTML_FORMAT, reportFileName, timelineSvg, toPrintableHtml, type PrintableOptions } from './html';
export { filterConversations, hasEvidence, matchesFilter, ownNames, type ConversationFilter } from './filter';
export { formatTime, highlightPieces, timelineGeometry, type TextPiece, type TimelineGeometry } from './format';
export { canonicalJson, messageRecordHash, sha256Hex, type MessageRecord } from './integrity';
export { toJson } from './json';
export { createRedactor, REDACTED, type RedactionOptions } from './redact';
export {
  CANONICALIZATION,
  REPORT_FORMAT,
  REPORT_SCHEMA_VERSION,
  ReportSchema,
  type RedactionSettings,
  type Report,
  type ReportConversation,
  type ReportFinding,
  type ReportMessage,
  type ReportParticipant,
  type TimelinePoint,
} from './schema';
export { detectFormat, verifyReport, type ReportFileFormat, type VerifyProblem, type VerifyResult } from './verify';
