/**
 * CSV export: one row per message (RFC 4180, every cell quoted, CRLF line ends, UTF-8 with a BOM so spreadsheet
 * programs read Vietnamese correctly), then one integrity line:
 *
 *   "#not-alone-integrity","format=not-alone-report-csv","schemaVersion=1",...,"contentSha256=<hex>"
 *
 * whose hash covers every line before it. Cells that a spreadsheet would run as a formula (starting with `=`, `+`,
 * `-`, `@`, a tab or a carriage return) get a leading apostrophe; so does a cell that already starts with one, which
 * keeps the escaping reversible for `not-alone verify`.
 */
import { categoryName, levelName, t } from '../i18n';
import { encodeFindings, encodeRedactions, normaliseNewlines, sha256Hex } from './integrity';
import { REPORT_SCHEMA_VERSION, type Report } from './schema';

export const CSV_FORMAT = 'not-alone-report-csv';
export const CSV_INTEGRITY_MARKER = '#not-alone-integrity';

export const CSV_COLUMNS = [
  'conversation_key',
  'site',
  'conversation_title',
  'conversation_url',
  'conversation_level',
  'message_index',
  'message_id',
  'sent_at',
  'seen_at',
  'from',
  'sender',
  'flagged',
  'categories',
  'matched_words',
  'findings',
  'text',
  'record_sha256',
  'redactions',
  'original_sha256',
  'conversation_pattern',
] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];
/** The columns of a schema version 1 file (before `redactions` and `original_sha256`). */
export const CSV_COLUMNS_V1: readonly CsvColumn[] = CSV_COLUMNS.slice(0, CSV_COLUMNS.indexOf('redactions'));
/** The columns of a schema version 2 file (before `conversation_pattern`). */
export const CSV_COLUMNS_V2: readonly CsvColumn[] = CSV_COLUMNS.slice(0, CSV_COLUMNS.indexOf('conversation_pattern'));

/** The columns a file of this schema version has. */
export function csvColumnsOf(schemaVersion: number | null): readonly CsvColumn[] {
  return schemaVersion === 1 ? CSV_COLUMNS_V1 : schemaVersion === 2 ? CSV_COLUMNS_V2 : CSV_COLUMNS;
}

/** "This looks like <script>: 3 of its 6 steps so far. Steps: <step>; <step>; …", or '' when it follows none. */
function patternCell(report: Report, conversation: Report['conversations'][number]): string {
  const pattern = conversation.pattern;
  if (!pattern) return '';
  const headline = t(report.language, 'patternHeadline', { name: pattern.name, seen: pattern.steps.length, total: pattern.total });
  return t(report.language, 'patternCsvCell', { headline, steps: pattern.steps.map((s) => s.name).join('; ') });
}

const FORMULA_START = /^[=+\-@\t\r']/;

/** Make a cell safe to open in a spreadsheet (see the file comment). */
export function safeCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** The inverse of safeCell. */
export function unsafeCell(value: string): string {
  return value.startsWith("'") ? value.slice(1) : value;
}

function quote(value: string): string {
  return '"' + value.replace(/"/g, '""') + '"';
}

export function csvLine(cells: readonly string[]): string {
  return cells.map((cell) => quote(safeCell(cell))).join(',') + '\r\n';
}

/** Rows of an RFC 4180 text (quoted cells may hold commas, quotes and line breaks). Cells are returned as written. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  let i = 0;
  const source = text.replace(/^\uFEFF/, '');
  while (i < source.length) {
    const ch = source[i];
    if (quoted) {
      if (ch === '"') {
        if (source[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      cell += ch;
      i++;
      continue;
    }
    if (ch === '"') {
      quoted = true;
      i++;
    } else if (ch === ',') {
      row.push(cell);
      cell = '';
      i++;
    } else if (ch === '\r' || ch === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i += ch === '\r' && source[i + 1] === '\n' ? 2 : 1;
    } else {
      cell += ch;
      i++;
    }
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/** The cells of one message row, before escaping. */
export function csvRows(report: Report): string[][] {
  const rows: string[][] = [];
  for (const conversation of report.conversations) {
    const pattern = patternCell(report, conversation);
    for (const message of conversation.messages) {
      const cells: Record<CsvColumn, string> = {
        conversation_key: conversation.key,
        site: conversation.site,
        conversation_title: conversation.title,
        conversation_url: conversation.url,
        // For people, as the report page and the printable report name it ("danger", not the id "critical"); the JSON
        // export keeps the ids.
        conversation_level: levelName(report.language, conversation.level),
        message_index: String(message.index),
        message_id: message.id,
        sent_at: message.sentAt ?? '',
        seen_at: message.seenAt,
        from: message.from,
        sender: message.sender ?? '',
        flagged: message.flagged ? 'yes' : 'no',
        categories: [...new Set(message.findings.map((f) => categoryName(report.language, f.category)))].join('; '),
        matched_words: message.findings.map((f) => f.matched).join(' | '),
        findings: encodeFindings(message.findings),
        text: message.text,
        record_sha256: message.sha256,
        redactions: encodeRedactions(message.redactions ?? []),
        original_sha256: message.originalSha256 ?? '',
        conversation_pattern: pattern,
      };
      rows.push(CSV_COLUMNS.map((column) => cells[column]));
    }
  }
  return rows;
}

export async function toCsv(report: Report): Promise<string> {
  const rows = csvRows(report);
  const body = csvLine([...CSV_COLUMNS]) + rows.map((cells) => csvLine(cells)).join('');
  const contentSha256 = await sha256Hex(normaliseNewlines(body));
  const integrity = csvLine([
    CSV_INTEGRITY_MARKER,
    `format=${CSV_FORMAT}`,
    `schemaVersion=${REPORT_SCHEMA_VERSION}`,
    'algorithm=SHA-256',
    `generatedAt=${report.generatedAt}`,
    `generator=${report.generator.kind}/${report.generator.version}`,
    `rows=${rows.length}`,
    `contentSha256=${contentSha256}`,
  ]);
  return '\uFEFF' + body + integrity;
}
