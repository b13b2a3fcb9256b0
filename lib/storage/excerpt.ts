/**
 * What storage keeps of a long message: at most MAX_STORED_TEXT characters around its first finding, with the length
 * and SHA-256 of the whole text it was cut from (`original`). A chat partner who floods a chat with 20,000-character
 * messages fills storage ten times more slowly, and a copy of the whole text can still be checked against the hash.
 */
import { sha256Hex } from '../hash';
import type { ScanReport } from './conversations';
import { MAX_STORED_TEXT, type StoredMessage } from './schema';

/** Characters kept before the first finding, so the excerpt shows what led to it. */
const LEAD = 200;

const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

export async function compactMessage(message: StoredMessage, limit: number = MAX_STORED_TEXT): Promise<StoredMessage> {
  const { text } = message;
  if (text.length <= limit) return message;
  const anchor = message.findings.length ? Math.min(...message.findings.map((f) => f.start)) : 0;
  let start = Math.max(0, Math.min(anchor - LEAD, text.length - limit));
  if (start > 0 && isLowSurrogate(text.charCodeAt(start))) start--;
  let end = Math.min(text.length, start + limit);
  if (end < text.length && isHighSurrogate(text.charCodeAt(end - 1))) end--;
  const findings = message.findings
    .filter((f) => f.start >= start && f.end <= end)
    .map((f) => ({ ...f, start: f.start - start, end: f.end - start }));
  return { ...message, text: text.slice(start, end), findings, original: { length: text.length, sha256: await sha256Hex(text), start } };
}

/** A scan report with every message's text cut to what storage keeps. */
export async function compactReport(report: ScanReport, limit: number = MAX_STORED_TEXT): Promise<ScanReport> {
  return { ...report, messages: await Promise.all(report.messages.map((m) => compactMessage(m, limit))) };
}
