/**
 * `not-alone verify FILE` and the report page share this: does an exported JSON, CSV or printable HTML report still
 * match the hashes it was exported with? Every problem names the record (a message, a row, the file) and the field.
 */
import { z } from 'zod';
import { csvColumnsOf, CSV_COLUMNS, CSV_FORMAT, CSV_INTEGRITY_MARKER, parseCsv, unsafeCell } from './csv';
import { reportContentHash } from './build';
import { HTML_FORMAT, HTML_INTEGRITY_ID, unescapeHtml } from './html';
import { decodeFindings, messageRecordHash, normaliseNewlines, sha256Hex, ZERO_HASH, type MessageRecord } from './integrity';
import { REDACTED } from './redact';
import { REPORT_FORMAT, REPORT_SCHEMA_VERSION, ReportSchema, type Report } from './schema';

export type ReportFileFormat = 'json' | 'csv' | 'html';

export interface VerifyProblem {
  /** Which record: `file`, `row 4`, or `conversation "demo:x" message "m1" (#3)`. */
  record: string;
  /** Which field, e.g. `text`, `record_sha256`, `integrity.contentSha256`, `conversations.0.title`. */
  field: string;
  /** English, for the CLI and developers; the report page shows `kind` in the user's language instead. */
  message: string;
  /** What went wrong, for people: set on every problem a result carries. */
  kind?: VerifyProblemKind;
  /** The message the problem is about, when it is about one. */
  messageId?: string;
}

/**
 * changed: edited after export; not-report: not a Not Alone report; newer: a newer schema version; missing: the
 * hashes are gone (re-saved by another program); cut-short; count: messages missing or added; invalid: anything else
 * that is not in the written format.
 */
export type VerifyProblemKind = 'changed' | 'not-report' | 'newer' | 'missing' | 'cut-short' | 'count' | 'invalid';

function kindOf(problem: VerifyProblem): VerifyProblemKind {
  const { message, field } = problem;
  if (message.includes(CHANGED) || field === 'data-sha256' || field.endsWith('.matched') || field.startsWith('redactions.')) return 'changed';
  if (message.startsWith('made by a newer')) return 'newer';
  if (message.startsWith('not a Not Alone') || message.startsWith('not valid JSON')) return 'not-report';
  if (/integrity (line|block) is missing|no valid content hash/.test(message)) return 'missing';
  if (message.includes('cut short')) return 'cut-short';
  if (field === 'rows' || field === 'records') return 'count';
  return 'invalid';
}

function described(problem: VerifyProblem): VerifyProblem {
  const messageId = /message (?:#\d+ )?"(.*)"(?: \(#[^)]*\))?\)?$/.exec(problem.record)?.[1];
  return { ...problem, kind: problem.kind ?? kindOf(problem), ...(messageId !== undefined ? { messageId } : {}) };
}

export interface VerifyResult {
  ok: boolean;
  format: ReportFileFormat | 'unknown';
  problems: VerifyProblem[];
  /** The content hash the file carries, when it carries one. */
  contentSha256: string | null;
  /** Message records checked. */
  records: number;
  schemaVersion: number | null;
}

const CHANGED = 'does not match its SHA-256: it was changed after export';

export function detectFormat(text: string, fileName?: string): ReportFileFormat | 'unknown' {
  const extension = /\.([a-z]+)$/i.exec(fileName ?? '')?.[1]?.toLowerCase();
  if (extension === 'json') return 'json';
  if (extension === 'csv') return 'csv';
  if (extension === 'html' || extension === 'htm') return 'html';
  const start = text.replace(/^\uFEFF/, '').trimStart().slice(0, 200).toLowerCase();
  if (start.startsWith('{')) return 'json';
  if (start.startsWith('<!doctype') || start.startsWith('<html')) return 'html';
  if (start.startsWith('"conversation_key"')) return 'csv';
  return 'unknown';
}

function messageLabel(conversation: string, id: string, index: number | string): string {
  return `conversation "${conversation}" message "${id}" (#${index})`;
}

function result(format: VerifyResult['format'], problems: VerifyProblem[], extra: Partial<VerifyResult> = {}): VerifyResult {
  return { ok: problems.length === 0, format, problems: problems.map(described), contentSha256: null, records: 0, schemaVersion: null, ...extra };
}

function newerVersion(version: unknown): VerifyProblem | null {
  return typeof version === 'number' && version > REPORT_SCHEMA_VERSION
    ? { record: 'file', field: 'schemaVersion', message: `made by a newer Not Alone (schema version ${version}); update not-alone to check it` }
    : null;
}

/**
 * The first key that appears twice in one object of a valid JSON text (compared decoded: `"a"` and `"\u0061"` are
 * one key), as its path, or null. JSON.parse keeps the last value while an editor or another reader may show the
 * first: a forged report could show one text and verify with the hashes of another. One linear pass.
 */
export function duplicateJsonKey(json: string): string | null {
  const stack: Array<{ keys: Set<string> | null; expectKey: boolean; path: string; lastKey: string }> = [];
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (c === '"') {
      let end = i + 1;
      while (json[end] !== '"') end += json[end] === '\\' ? 2 : 1;
      const top = stack[stack.length - 1];
      if (top?.keys && top.expectKey) {
        const key = JSON.parse(json.slice(i, end + 1)) as string;
        if (top.keys.has(key)) return top.path ? `${top.path}.${key}` : key;
        top.keys.add(key);
        top.lastKey = key;
        top.expectKey = false;
      }
      i = end;
    } else if (c === '{' || c === '[') {
      // lastKey: the current key in an object, the current index in a list.
      const parent = stack[stack.length - 1];
      const path = !parent ? '' : parent.path ? `${parent.path}.${parent.lastKey}` : parent.lastKey;
      stack.push({ keys: c === '{' ? new Set() : null, expectKey: c === '{', path, lastKey: c === '[' ? '0' : '' });
    } else if (c === '}' || c === ']') {
      stack.pop();
    } else if (c === ',') {
      const top = stack[stack.length - 1];
      if (top?.keys) top.expectKey = true;
      else if (top) top.lastKey = String(Number(top.lastKey) + 1);
    }
  }
  return null;
}

async function verifyJson(text: string): Promise<VerifyResult> {
  let data: unknown;
  const json = text.replace(/^\uFEFF/, '');
  try {
    data = JSON.parse(json);
  } catch (error) {
    return result('json', [{ record: 'file', field: '(file)', message: `not valid JSON: ${(error as Error).message}` }]);
  }
  const duplicate = duplicateJsonKey(json);
  if (duplicate !== null) {
    const claimed = (data as { integrity?: { contentSha256?: unknown } } | null)?.integrity?.contentSha256;
    return result(
      'json',
      [{ record: 'file', field: duplicate, message: 'this key appears twice in one object; Not Alone never writes that, and readers disagree on which value counts: it was changed after export' }],
      { contentSha256: typeof claimed === 'string' ? claimed : null },
    );
  }
  const raw = (data && typeof data === 'object' ? data : {}) as Record<string, unknown>;
  if (raw.format !== REPORT_FORMAT) return result('json', [{ record: 'file', field: 'format', message: `not a Not Alone report (expected format "${REPORT_FORMAT}")` }]);
  const schemaVersion = typeof raw.schemaVersion === 'number' ? raw.schemaVersion : null;
  const newer = newerVersion(raw.schemaVersion);
  if (newer) return result('json', [newer], { schemaVersion });
  const integrity = raw.integrity as { contentSha256?: unknown } | undefined;
  const claimed = typeof integrity?.contentSha256 === 'string' ? integrity.contentSha256 : null;
  const problems: VerifyProblem[] = [];
  if (claimed && (await reportContentHash(raw as unknown as Report)) !== claimed) {
    problems.push({ record: 'file', field: 'integrity.contentSha256', message: `the report content ${CHANGED}` });
  }
  const parsed = ReportSchema.safeParse(data);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.map(String);
      let record = 'file';
      if (path[0] === 'conversations' && path.length >= 2) {
        const conversation = (raw.conversations as Array<{ key?: unknown; messages?: Array<{ id?: unknown }> }> | undefined)?.[Number(path[1])];
        record = `conversation #${path[1]}${typeof conversation?.key === 'string' ? ` "${conversation.key}"` : ''}`;
        if (path[2] === 'messages' && path.length >= 4) {
          const id = conversation?.messages?.[Number(path[3])]?.id;
          record += ` message #${path[3]}${typeof id === 'string' ? ` "${id}"` : ''}`;
        }
      }
      problems.push({ record, field: path.join('.') || '(root)', message: issue.message });
    }
    return result('json', problems, { contentSha256: claimed, schemaVersion });
  }
  let records = 0;
  for (const conversation of parsed.data.conversations) {
    for (const message of conversation.messages) {
      records++;
      const label = messageLabel(conversation.key, message.id, message.index);
      message.findings.forEach((f, i) => {
        if (message.text.slice(f.start, f.end) !== f.matched) {
          problems.push({ record: label, field: `findings.${i}.matched`, message: 'the highlighted words are not in the message text at their position' });
        }
      });
      message.redactions?.forEach((r, i) => {
        if (message.text.slice(r.start, r.end) !== REDACTED[r.kind]) {
          problems.push({ record: label, field: `redactions.${i}`, message: `the text at the recorded position is not ${REDACTED[r.kind]}` });
        }
      });
      const hash = await messageRecordHash({ ...message, conversation: conversation.key });
      if (hash !== message.sha256) problems.push({ record: label, field: 'sha256', message: `the message record ${CHANGED}` });
    }
  }
  return result('json', problems, { contentSha256: claimed, records, schemaVersion });
}

function keyValues(cells: readonly string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const cell of cells.slice(1)) {
    const at = cell.indexOf('=');
    if (at > 0) map.set(cell.slice(0, at), cell.slice(at + 1));
  }
  return map;
}

async function verifyCsv(text: string): Promise<VerifyResult> {
  const source = normaliseNewlines(text);
  const marker = `"${CSV_INTEGRITY_MARKER}"`;
  const at = source.lastIndexOf('\n' + marker);
  if (at < 0) return result('csv', [{ record: 'file', field: CSV_INTEGRITY_MARKER, message: 'the integrity line is missing (was the file re-saved by a spreadsheet program?)' }]);
  const content = source.slice(0, at + 1);
  const trailer = parseCsv(source.slice(at + 1));
  const info = keyValues(trailer[0] ?? []);
  const problems: VerifyProblem[] = [];
  if (trailer.length > 1) problems.push({ record: 'file', field: '(file)', message: 'there are lines after the integrity line' });
  if (info.get('format') !== CSV_FORMAT) problems.push({ record: 'file', field: 'format', message: `not a Not Alone CSV report (expected format=${CSV_FORMAT})` });
  const schemaVersion = Number(info.get('schemaVersion')) || null;
  const newer = newerVersion(schemaVersion);
  if (newer) return result('csv', [newer], { schemaVersion });
  const claimed = info.get('contentSha256') ?? null;
  if (!claimed || !/^[0-9a-f]{64}$/.test(claimed)) problems.push({ record: 'file', field: 'contentSha256', message: 'the integrity line has no valid content hash' });
  else if ((await sha256Hex(content)) !== claimed) problems.push({ record: 'file', field: 'contentSha256', message: `the file content ${CHANGED}` });

  const rows = parseCsv(content);
  const header = rows.shift() ?? [];
  const columns = csvColumnsOf(schemaVersion);
  if (header.join(',') !== columns.join(',')) {
    problems.push({ record: 'row 1', field: '(header)', message: `the columns are not ${columns.join(', ')}` });
    return result('csv', problems, { contentSha256: claimed, schemaVersion });
  }
  if (info.has('rows') && Number(info.get('rows')) !== rows.length) {
    problems.push({ record: 'file', field: 'rows', message: `the file has ${rows.length} message rows; it was exported with ${info.get('rows')}` });
  }
  const column = (name: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(name);
  let records = 0;
  for (const [i, raw] of rows.entries()) {
    const rowLabel = `row ${i + 2}`;
    if (raw.length !== columns.length) {
      problems.push({ record: rowLabel, field: '(row)', message: `has ${raw.length} cells, expected ${columns.length}` });
      continue;
    }
    records++;
    const cells = raw.map(unsafeCell);
    const get = (name: (typeof CSV_COLUMNS)[number]) => cells[column(name)];
    const label = `${rowLabel} (${messageLabel(get('conversation_key'), get('message_id'), get('message_index'))})`;
    const findings = decodeFindings(get('findings'));
    if (!findings) {
      problems.push({ record: label, field: 'findings', message: 'is not in the form category:rule@start-end; ...' });
      continue;
    }
    const from = get('from');
    if (from !== 'self' && from !== 'other') {
      problems.push({ record: label, field: 'from', message: 'must be self or other' });
      continue;
    }
    const record: MessageRecord = {
      conversation: get('conversation_key'),
      index: Number(get('message_index')),
      id: get('message_id'),
      from,
      sender: get('sender') === '' ? null : get('sender'),
      sentAt: get('sent_at') === '' ? null : get('sent_at'),
      seenAt: get('seen_at'),
      text: get('text'),
      findings: findings as MessageRecord['findings'],
    };
    if ((await messageRecordHash(record)) !== get('record_sha256')) problems.push({ record: label, field: 'record_sha256', message: `the row ${CHANGED}` });
  }
  return result('csv', problems, { contentSha256: claimed, records, schemaVersion });
}

const HtmlIntegritySchema = z.object({
  format: z.literal(HTML_FORMAT),
  schemaVersion: z.number(),
  algorithm: z.literal('SHA-256'),
  contentSha256: z.string().regex(/^[0-9a-f]{64}$/),
  records: z.array(z.object({ conversation: z.string(), index: z.number(), id: z.string(), sha256: z.string() })),
});

function attributes(text: string): Map<string, string> {
  const map = new Map<string, string>();
  // A name starts only where no name character precedes it: otherwise a long tampered attribute is rescanned from
  // every position (quadratic; tests/unit/trust-exports.test.ts).
  for (const match of text.matchAll(/(?<![a-z0-9-])([a-z][a-z0-9-]*)="([^"]*)"/g)) map.set(match[1], unescapeHtml(match[2]));
  return map;
}

async function verifyHtml(text: string): Promise<VerifyResult> {
  const source = normaliseNewlines(text);
  const block = new RegExp(`<script type="application/json" id="${HTML_INTEGRITY_ID}">([\\s\\S]*?)</script>`).exec(source);
  if (!block) return result('html', [{ record: 'file', field: HTML_INTEGRITY_ID, message: 'the integrity block is missing: this is not a Not Alone printable report, or it was re-saved by a browser' }]);
  let integrity: z.infer<typeof HtmlIntegritySchema>;
  try {
    const parsed = HtmlIntegritySchema.safeParse(JSON.parse(block[1]));
    if (!parsed.success) {
      const newer = newerVersion((JSON.parse(block[1]) as { schemaVersion?: unknown }).schemaVersion);
      return result('html', [newer ?? { record: 'file', field: HTML_INTEGRITY_ID, message: `the integrity block is not valid: ${parsed.error.issues[0]?.message ?? ''}` }]);
    }
    integrity = parsed.data;
  } catch {
    return result('html', [{ record: 'file', field: HTML_INTEGRITY_ID, message: 'the integrity block is not valid JSON' }]);
  }
  const newer = newerVersion(integrity.schemaVersion);
  if (newer) return result('html', [newer], { schemaVersion: integrity.schemaVersion });
  const problems: VerifyProblem[] = [];
  const claimed = integrity.contentSha256;
  if ((await sha256Hex(source.split(claimed).join(ZERO_HASH))) !== claimed) {
    problems.push({ record: 'file', field: 'contentSha256', message: `the file content ${CHANGED}` });
  }
  let records = 0;
  const seen = new Set<number>();
  // Each scan stops at the next "<" of a tag that cannot belong to this message, so a tampered file without closing
  // tags is read in linear time, not rescanned from every "<li" (tests/unit/trust-exports.test.ts).
  for (const match of source.matchAll(/<li (class="msg[^"<>]*"[^<>]*)>((?:[^<]|<(?!\/li>|li[ >]))*)<\/li>/g)) {
    records++;
    const attrs = attributes(match[1]);
    const recordNo = Number(attrs.get('data-record'));
    const label = messageLabel(attrs.get('data-conversation') ?? '?', attrs.get('data-id') ?? '?', attrs.get('data-index') ?? '?');
    const textHtml = /<p class="text" data-field="text">([\s\S]*?)<\/p>/.exec(match[2])?.[1];
    const findings = decodeFindings(attrs.get('data-findings') ?? '');
    const from = attrs.get('data-from');
    if (textHtml === undefined || !findings || (from !== 'self' && from !== 'other')) {
      problems.push({ record: label, field: '(message)', message: 'the message element is incomplete' });
      continue;
    }
    const record: MessageRecord = {
      conversation: attrs.get('data-conversation') ?? '',
      index: Number(attrs.get('data-index')),
      id: attrs.get('data-id') ?? '',
      from,
      sender: attrs.get('data-sender') ?? null,
      sentAt: attrs.get('data-sent-at') ?? null,
      seenAt: attrs.get('data-seen-at') ?? '',
      text: unescapeHtml(textHtml.replace(/<mark[^<>]*>|<\/mark>/g, '')),
      findings: findings as MessageRecord['findings'],
    };
    const hash = await messageRecordHash(record);
    if (hash !== attrs.get('data-sha256')) problems.push({ record: label, field: 'text', message: `the message ${CHANGED}` });
    const listed = integrity.records[recordNo];
    if (!listed || listed.sha256 !== attrs.get('data-sha256') || listed.id !== record.id) {
      problems.push({ record: label, field: 'data-sha256', message: 'the message is not the one listed in the integrity block' });
    }
    seen.add(recordNo);
  }
  if (seen.size !== integrity.records.length) {
    problems.push({ record: 'file', field: 'records', message: `the file shows ${seen.size} messages; it was exported with ${integrity.records.length}` });
  }
  return result('html', problems, { contentSha256: claimed, records, schemaVersion: integrity.schemaVersion });
}

/** Check an exported report. `fileName` picks the format by extension; otherwise the content decides. */
export async function verifyReport(fileText: string, fileName?: string): Promise<VerifyResult> {
  const format = detectFormat(fileText, fileName);
  if (format === 'unknown') return result('unknown', [{ record: 'file', field: '(file)', message: 'not a Not Alone report (expected a .json, .csv or .html export)' }]);
  if (format === 'json') return verifyJson(fileText);
  const verified = await (format === 'csv' ? verifyCsv(fileText) : verifyHtml(fileText));
  // The CSV and the printable report end with a line break (editors that re-save a file keep it). Without it the
  // file was cut short, perhaps inside the CSV's last quoted cell, which a lenient reading would close by itself.
  // (A JSON report is checked by its structure: whitespace, the last line break included, is free to change.)
  if (!fileText.endsWith('\n')) {
    const cut: VerifyProblem = { record: 'file', field: '(file)', message: 'the file is cut short: it does not end with its last line break' };
    return { ...verified, ok: false, problems: [...verified.problems, described(cut)] };
  }
  return verified;
}
