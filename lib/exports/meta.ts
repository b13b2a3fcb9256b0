/**
 * Facebook Messenger and Instagram "Download your information" in JSON: one folder per thread
 * (`messages/inbox/<thread>/message_1.json`, `message_2.json`, …), each file
 *   {participants[{name}], messages[{sender_name, timestamp_ms, content, photos, share, is_unsent, type}], title,
 *    thread_path}; the current format drops `type` (a call is an entry with `call_duration`) and writes reactions as
 *    notices without a name ("Reacted 😒 to your message").
 * NEWEST FIRST and split over message_1..N. Every string is UTF-8 bytes escaped as Latin-1 ("mojibake"), repaired here.
 */
import { fieldError, isObject, optionalString, requireArray } from './json-fields';
import { repairMojibake } from './text';
import type { ExportConversation, ExportFormat, ExportMessage, ExportMessageKind, ExportProblem } from './types';

export interface MetaPart {
  /** File name (used in messages and to order message_1..N). */
  file: string;
  value: unknown;
}

const SKIP_TYPES = new Set(['Call', 'Subscribe', 'Unsubscribe']);
const ATTACHMENT_NOTICE = /^(?:.{1,80} sent an attachment\.|.{1,80} sent a (?:photo|video|voice message|sticker|GIF)\.|.{1,80} đã gửi (?:một )?(?:tệp đính kèm|ảnh|video|nhãn dán)\.?)$/i;
/** Reaction notices, with the reactor's name (older exports) or without ("Reacted 😒 to your message", current). */
const REACTION_NOTICE = /^(?:Liked a message|(?:.{1,80} )?reacted .{1,20} to (?:your|a|their|his|her) message|(?:.{1,80} )?đã bày tỏ cảm xúc .{1,40})$/i;

/** Order of message_N files: by N. */
function partNumber(file: string): number {
  const match = /message_(\d+)\.json$/i.exec(file);
  return match ? Number(match[1]) : 0;
}

function fix(value: unknown): string | undefined {
  const text = optionalString(value);
  return text === undefined ? undefined : repairMojibake(text);
}

function placeholder(message: Record<string, unknown>): string | undefined {
  for (const [key, name] of [
    ['photos', 'photo'],
    ['videos', 'video'],
    ['audio_files', 'audio'],
    ['gifs', 'GIF'],
    ['files', 'file'],
  ] as const) {
    if (Array.isArray(message[key]) && (message[key] as unknown[]).length) return `[${name}]`;
  }
  if (message.sticker !== undefined) return '[sticker]';
  if (isObject(message.share)) return fix(message.share.link) ?? '[shared link]';
  return undefined;
}

export interface MetaResult {
  conversation: ExportConversation;
  problems: ExportProblem[];
}

/** One thread from its message_N.json parts (any order). Throws ExportParseError naming the file and field. */
export function parseMetaThread(parts: readonly MetaPart[], format: Extract<ExportFormat, 'messenger' | 'instagram'>, threadId: string): MetaResult {
  const problems: ExportProblem[] = [];
  const ordered = [...parts].sort((a, b) => partNumber(a.file) - partNumber(b.file));
  const participants = new Set<string>();
  let title: string | undefined;
  let threadPath: string | undefined;
  type Raw = { message: Record<string, unknown>; file: string; index: number };
  const raws: Raw[] = [];
  for (const part of ordered) {
    if (!isObject(part.value)) throw fieldError(part.file, '(top level)', 'expected a JSON object');
    const list = requireArray(part.file, part.value, 'messages', '');
    if (Array.isArray(part.value.participants)) {
      for (const p of part.value.participants) {
        const name = isObject(p) ? fix(p.name) : undefined;
        if (name) participants.add(name);
      }
    }
    title ??= fix(part.value.title);
    threadPath ??= optionalString(part.value.thread_path);
    list.forEach((message, index) => {
      if (!isObject(message)) problems.push({ file: part.file, where: `messages[${index}]`, message: 'not an object; skipped' });
      else raws.push({ message, file: part.file, index });
    });
  }
  // Newest first within and across files: reverse, then a stable sort by time puts the thread oldest first.
  raws.reverse();
  const timed = raws.map((raw) => ({ raw, ts: typeof raw.message.timestamp_ms === 'number' ? raw.message.timestamp_ms : undefined }));
  const missing = timed.find((t) => t.ts === undefined);
  if (missing) problems.push({ file: missing.raw.file, where: `messages[${missing.raw.index}].timestamp_ms`, message: 'no "timestamp_ms"; the message has no time' });
  timed.sort((a, b) => (a.ts ?? 0) - (b.ts ?? 0));
  const messages: ExportMessage[] = [];
  let skipped = 0;
  for (const { raw, ts } of timed) {
    const m = raw.message;
    // Calls: `type: "Call"` in older exports; only `call_duration` in the current format.
    if ((typeof m.type === 'string' && SKIP_TYPES.has(m.type)) || m.call_duration !== undefined) {
      skipped++;
      continue;
    }
    const content = fix(m.content);
    let kind: ExportMessageKind = 'text';
    let text = content ?? '';
    if (m.is_unsent === true) {
      kind = 'deleted';
      text = text || '[unsent message]';
    } else if (content && REACTION_NOTICE.test(content)) {
      skipped++;
      continue;
    } else if (content && ATTACHMENT_NOTICE.test(content)) {
      kind = 'media';
      text = placeholder(m) ?? content;
    } else if (!content?.trim()) {
      const media = placeholder(m);
      if (!media) {
        skipped++;
        continue;
      }
      kind = 'media';
      text = media;
    }
    messages.push({ id: `m${messages.length + 1}`, sender: fix(m.sender_name) ?? '', ts, text, kind });
  }
  const names = [...participants];
  return {
    conversation: {
      format,
      file: ordered.length === 1 ? ordered[0].file : ordered[0].file.replace(/message_\d+\.json$/i, 'message_*.json'),
      id: threadPath ?? threadId,
      title: title ?? (names.length ? names.join(', ') : threadId || 'chat'),
      participants: names,
      kind: names.length === 2 ? 'personal' : names.length > 2 ? 'group' : 'unknown',
      messages,
      skipped,
    },
    problems,
  };
}
