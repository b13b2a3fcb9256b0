/**
 * Integrity hashes for exports. WebCrypto (`globalThis.crypto.subtle`) works the same in browsers and Node 20.
 *
 * - Message record hash: SHA-256 of the canonical JSON of the fields every export format carries in full
 *   (conversation key, index, id, from, sender, sentAt, seenAt, text and the findings' category, rule and offsets),
 *   so the same message has the same hash in the JSON, the CSV and the printable report. Line breaks in the text
 *   count as LF whatever they were (CRLF, CR), so converting a file's line endings does not look like an edit.
 * - Content hash: JSON: the canonical JSON of the report without `integrity` (re-indenting the file does not change
 *   it); CSV: every line before the trailing integrity line; HTML: the whole file with the hash itself blanked.
 *
 * A hash shows that a file is unchanged since it was exported as long as the reader can compare it with a copy they
 * trust (for example the content hash written down from the printed report); it is not a signature.
 */
import { sha256Hex } from '../hash';
import type { ReportFinding } from './schema';

/** JSON with object keys sorted and no whitespace; `undefined` members are left out, non-finite numbers are null. */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : 'null';
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return '[' + value.map((item) => canonicalJson(item)).join(',') + ']';
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record)
      .filter((key) => record[key] !== undefined)
      .sort();
    return '{' + keys.map((key) => JSON.stringify(key) + ':' + canonicalJson(record[key])).join(',') + '}';
  }
  return 'null';
}

export { sha256Hex };

/** The fields a message record hash covers. */
export interface MessageRecord {
  conversation: string;
  index: number;
  id: string;
  from: 'self' | 'other';
  sender: string | null;
  sentAt: string | null;
  seenAt: string;
  text: string;
  findings: ReadonlyArray<Pick<ReportFinding, 'category' | 'ruleId' | 'start' | 'end'>>;
}

export function messageRecordHash(record: MessageRecord): Promise<string> {
  return sha256Hex(
    canonicalJson({
      v: 1,
      conversation: record.conversation,
      index: record.index,
      id: record.id,
      from: record.from,
      sender: record.sender === null ? null : normaliseNewlines(record.sender),
      sentAt: record.sentAt,
      seenAt: record.seenAt,
      text: normaliseNewlines(record.text),
      findings: record.findings.map((f) => [f.category, f.ruleId, f.start, f.end]),
    }),
  );
}

/** Findings as one CSV / HTML attribute value: `category:ruleId@start-end` joined by `; `. */
export function encodeFindings(findings: ReadonlyArray<Pick<ReportFinding, 'category' | 'ruleId' | 'start' | 'end'>>): string {
  return findings.map((f) => `${f.category}:${f.ruleId}@${f.start}-${f.end}`).join('; ');
}

/** The inverse of encodeFindings; null when the text is not in that form. */
export function decodeFindings(text: string): Array<Pick<ReportFinding, 'ruleId' | 'start' | 'end'> & { category: string }> | null {
  if (text.trim() === '') return [];
  const out: Array<Pick<ReportFinding, 'ruleId' | 'start' | 'end'> & { category: string }> = [];
  for (const part of text.split(';')) {
    const match = /^\s*([a-z_]+):([A-Za-z0-9_.-]+)@(\d+)-(\d+)\s*$/.exec(part);
    if (!match) return null;
    out.push({ category: match[1], ruleId: match[2], start: Number(match[3]), end: Number(match[4]) });
  }
  return out;
}

/** What redaction hid, as one CSV / HTML attribute value: `kind@start-end` joined by `; ` (offsets into the text). */
export function encodeRedactions(redactions: ReadonlyArray<{ kind: string; start: number; end: number }>): string {
  return redactions.map((r) => `${r.kind}@${r.start}-${r.end}`).join('; ');
}

/** Line endings are normalised before hashing, so a copy whose CRLF became LF (or back) still verifies. */
export function normaliseNewlines(text: string): string {
  return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
}

export const ZERO_HASH = '0'.repeat(64);
