/**
 * WhatsApp "Export chat" .txt (Android `18/03/2022, 14:56 - Name: text`, iOS `[3/27/22, 21:41:35] Name: text`, any
 * locale), parsed with the `whatsapp-chat-parser` package ONE LINE AT A TIME, so a 100,000-message export streams
 * through in bounded memory. Also reads the WhatsApp-style text of third-party Signal exporters.
 *
 * Two passes over the lines, both streaming:
 *   1. `WhatsAppSurvey`: which lines are message headers, the distinct dates (to decide day-first vs month-first
 *      exactly as the package does for a whole file), who writes how much, and hints of who the owner is;
 *   2. `WhatsAppParser`: the messages, with multi-line continuation, system lines dropped and media placeholders marked.
 *
 * What the package does not cover is normalised on header lines before it sees them: the time-first order of the
 * Vietnamese iOS export (`[21:41:35, 3/27/22]`), Buddhist-era years (`2565`) and Japanese era years (`R4/03/27`).
 */
import { parseString, type Message } from 'whatsapp-chat-parser';
import type { ExportConversation, ExportFormat, ExportMessage, ExportMessageKind } from './types';
import { ExportParseError } from './types';

const MARKS = /^[\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF]+/;
/** A header starts with a date, a bracket or a direction mark; anything else is a continuation line. */
const HEADER_START = /^[\u200E\u200F[\d]/;
const TIME_FIRST = /^([\u200E\u200F]*)(\[?)(\d{1,2}[:.]\d{2}(?:[:.]\d{2})?(?:\s?[ap]\.?\s?m\.?)?),?\s+(\d{1,4}[-/.]\s?\d{1,4}[-/.]\s?\d{1,4})(\]?)/i;
const ERA_YEAR = /^([\u200E\u200F]*\[?)([RHS])(\d{1,2})([-/.])/;
const ERA_BASE: Record<string, number> = { R: 2018, H: 1988, S: 1925 };
const DATE_PARTS = /^([\u200E\u200F]*\[?)(\d{1,4})([-/.]\s?)(\d{1,4})([-/.]\s?)(\d{1,4})/;
/** The date as the package captures it (its first group), to decide day-first vs month-first. */
const RAW_DATE = /^[\u200E\u200F]*\[?(\d{1,4}[-/.]\s?\d{1,4}[-/.]\s?\d{1,4})/;
/** Text longer than this in one message is cut (the report keeps 20,000 characters at most anyway). */
const MAX_MESSAGE_CHARS = 100_000;

/** Gregorian years for Japanese era (`R4/03/27`) and Buddhist-era (`27/3/2565`) dates at the start of a line. */
function normalizeCalendar(line: string): string {
  let out = line;
  const era = ERA_YEAR.exec(out);
  if (era) out = `${era[1]}${ERA_BASE[era[2]] + Number(era[3])}${era[4]}${out.slice(era[0].length)}`;
  const parts = DATE_PARTS.exec(out);
  if (parts) {
    const fix = (year: string): string => (year.length === 4 && Number(year) >= 2400 && Number(year) < 2700 ? String(Number(year) - 543) : year);
    const [a, b, c] = [fix(parts[2]), fix(parts[4]), fix(parts[6])];
    if (a !== parts[2] || b !== parts[4] || c !== parts[6]) out = `${parts[1]}${a}${parts[3]}${b}${parts[5]}${c}${out.slice(parts[0].length)}`;
  }
  return out;
}

/** `[21:41:35, 3/27/22] Name:` (Vietnamese iOS) → `[3/27/22, 21:41:35] Name:`; the line unchanged otherwise. */
function swapTimeFirst(line: string): string {
  const m = TIME_FIRST.exec(line);
  return m ? `${m[1]}${m[2]}${m[4]}, ${m[3]}${m[5]}${line.slice(m[0].length)}` : line;
}

interface Header {
  message: Message;
  /** The (normalised) line the package parsed. */
  line: string;
}

function parseOne(line: string, daysFirst: boolean): Header | undefined {
  const [message] = parseString(line, { daysFirst, parseAttachments: true });
  return message ? { message, line } : undefined;
}

/** Parse one line as a message header with the package; undefined for a continuation line. */
function parseHeader(line: string, daysFirst: boolean): Header | undefined {
  if (!line) return undefined;
  const calendar = normalizeCalendar(line);
  if (!HEADER_START.test(calendar)) return undefined;
  const header = parseOne(calendar, daysFirst);
  if (header) return header;
  const swapped = swapTimeFirst(line);
  return swapped === line ? undefined : parseOne(normalizeCalendar(swapped), daysFirst);
}

/**
 * Day-first or month-first, decided by the package's own inference over the distinct dates of the whole file (the
 * same answer it would give parsing the file at once), without holding the file.
 */
export function inferDaysFirst(dates: readonly string[]): boolean {
  if (dates.length === 0) return true;
  const synthetic = dates.map((d) => `${d}, 00:00 - a: b`).join('\n');
  const inferred = parseString(synthetic).map((m) => m.date.getTime());
  const dayFirst = parseString(synthetic, { daysFirst: true }).map((m) => m.date.getTime());
  return inferred.every((t, i) => t === dayFirst[i]);
}

// Placeholders WhatsApp writes instead of content, in the locales seen so far. Matched on the whole message.
const MEDIA = [
  /^<?(?:media omitted|đã bỏ qua tệp phương tiện|tệp phương tiện bị bỏ qua|medien ausgeschlossen|multimedia omitido|archivo omitido|médias omis|fichier omis|mídia oculta|arquivo de mídia oculto|media tidak disertakan|media weggelaten|file multimediale omesso)>?$/i,
  /^(?:image|video|audio|sticker|gif|document|contact card|view once (?:voice message|photo|video)|voice message) omitted$/i,
  /^<(?:view once (?:voice message|photo|video)) omitted>$/i,
  /^(?:đã )?bỏ qua (?:hình ảnh|ảnh|video|âm thanh|tin nhắn thoại|nhãn dán|gif|tài liệu|thẻ liên hệ|tệp phương tiện)\.?$/i,
  /^(?:hình ảnh|ảnh|video|âm thanh|nhãn dán|gif|tài liệu|thẻ liên hệ) (?:đã )?bị bỏ qua\.?$/i,
  /^<(?:attached|đã đính kèm|đính kèm): [^>]+>$/i,
  /^\S.*\.\w{2,5} \((?:file attached|tệp đính kèm|đã đính kèm tệp|datei angehängt|archivo adjunto|fichier joint|arquivo anexado|file terlampir)\)$/i,
  /^null$/,
];
const DELETED_BY_OWNER = /^(?:you deleted this message|bạn đã (?:xóa|xoá) tin nhắn này)\.?$/i;
const DELETED = /^(?:this message was deleted|you deleted this message|tin nhắn này đã bị (?:xóa|xoá)|bạn đã (?:xóa|xoá) tin nhắn này|diese nachricht wurde gelöscht|se eliminó este mensaje|ce message a été supprimé|essa mensagem foi apagada)\.?$/i;
/** Notices iOS writes under the chat's name, marked with U+200E: not messages. */
const SYSTEM_NOTICE =
  /end-to-end encrypted|mã hóa đầu cuối|mã hoá đầu cuối|missed (?:voice|video|group voice|group video) call|cuộc gọi (?:thoại|video)(?: nhóm)? (?:bị )?nhỡ|security code|mã bảo mật|created group|đã tạo nhóm|changed (?:the subject|this group's|the group|their phone number)|đã (?:đổi|thay đổi)|joined using|đã tham gia|disappearing messages|tin nhắn tự hủy|tin nhắn tự huỷ|is a contact|blocked this contact|unblocked this contact|đã chặn|đã bỏ chặn/i;
const EDITED = /\s*<(?:this message was edited|tin nhắn này đã được chỉnh sửa|diese nachricht wurde bearbeitet|se editó este mensaje)>\s*$/i;

export interface ClassifiedText {
  kind: ExportMessageKind | 'system';
  text: string;
}

/** What a WhatsApp message body is: text, a media placeholder, a deletion notice or an iOS system notice. */
export function classifyWhatsAppText(raw: string, hasAttachment: boolean): ClassifiedText {
  const marked = MARKS.test(raw);
  let text = raw.replace(MARKS, '').replace(EDITED, '').trimEnd();
  if (hasAttachment) {
    // Android puts a caption on the lines after "IMG-….jpg (file attached)".
    const caption = text.split('\n').slice(1).join('\n').trim();
    return caption ? { kind: 'text', text: caption } : { kind: 'media', text };
  }
  const oneLine = text.trim();
  if (MEDIA.some((re) => re.test(oneLine))) return { kind: 'media', text: oneLine };
  if (DELETED.test(oneLine)) return { kind: 'deleted', text: oneLine };
  if (marked && SYSTEM_NOTICE.test(oneLine) && !oneLine.includes('\n')) return { kind: 'system', text: oneLine };
  text = text.replace(/^\n+/, '');
  return { kind: 'text', text };
}

/** Pass 1: everything that must be known before the messages are analysed. */
export class WhatsAppSurvey {
  private readonly dates = new Set<string>();
  readonly senders = new Map<string, number>();
  /** Authors of "You deleted this message": the export's owner. */
  readonly ownerSenders = new Set<string>();
  /** iOS writes its encryption notice under the chat's title (the other person in a 1:1 chat). */
  noticeAuthor: string | undefined;
  lines = 0;
  headers = 0;
  messages = 0;
  systemLines = 0;
  /** First non-blank line that came before any message header, if any. */
  strayLine: { line: number; text: string } | undefined;
  firstHeaderLine: number | undefined;

  push(line: string): void {
    this.lines++;
    const header = parseHeader(line, true);
    if (!header) {
      if (this.headers === 0 && !this.strayLine && line.trim()) this.strayLine = { line: this.lines, text: line };
      return;
    }
    this.headers++;
    this.firstHeaderLine ??= this.lines;
    const raw = RAW_DATE.exec(header.line);
    if (raw && this.dates.size < 200_000) this.dates.add(raw[1]);
    const { author, message } = header.message;
    if (author === null) {
      this.systemLines++;
      return;
    }
    const kind = classifyWhatsAppText(message, Boolean(header.message.attachment)).kind;
    if (kind === 'system') {
      this.noticeAuthor ??= author;
      this.systemLines++;
      return;
    }
    this.messages++;
    this.senders.set(author, (this.senders.get(author) ?? 0) + 1);
    if (kind === 'deleted' && DELETED_BY_OWNER.test(message.replace(MARKS, '').trim())) this.ownerSenders.add(author);
  }

  /** Day-first or month-first for this file. */
  daysFirst(): boolean {
    return inferDaysFirst([...this.dates]);
  }

  /** Throws when the text has no WhatsApp-style message at all. */
  assertChat(file: string): void {
    if (this.headers > 0) return;
    const stray = this.strayLine;
    throw new ExportParseError(
      file,
      stray
        ? `not a chat export this tool knows: the line does not start with a date and time like WhatsApp's "18/03/2022, 14:56 - Name: text" or "[3/27/22, 21:41:35] Name: text" (found "${stray.text.slice(0, 60)}")`
        : 'the file is empty (only blank lines)',
      stray ? { line: stray.line } : undefined,
    );
  }
}

interface Pending {
  line: number;
  header: Message;
  parts: string[];
  chars: number;
}

/** Pass 2: messages one at a time. `push` returns the message the line completed, if any. */
export class WhatsAppParser {
  private current: Pending | undefined;
  private lineNo = 0;
  skipped = 0;
  /** Lines with a date the package could not turn into a time. */
  badDates: number[] = [];

  constructor(private readonly daysFirst: boolean) {}

  push(line: string): ExportMessage | undefined {
    this.lineNo++;
    const header = parseHeader(line, this.daysFirst);
    if (!header) {
      const current = this.current;
      if (current && current.chars < MAX_MESSAGE_CHARS) {
        current.parts.push(line);
        current.chars += line.length + 1;
      }
      return undefined;
    }
    const done = this.finish();
    this.current = { line: this.lineNo, header: header.message, parts: [header.message.message], chars: header.message.message.length };
    return done;
  }

  end(): ExportMessage | undefined {
    return this.finish();
  }

  private finish(): ExportMessage | undefined {
    const current = this.current;
    this.current = undefined;
    if (!current) return undefined;
    const { header } = current;
    if (header.author === null) {
      this.skipped++;
      return undefined;
    }
    const { kind, text } = classifyWhatsAppText(current.parts.join('\n').slice(0, MAX_MESSAGE_CHARS), Boolean(header.attachment));
    if (kind === 'system') {
      this.skipped++;
      return undefined;
    }
    const ts = header.date.getTime();
    if (Number.isNaN(ts) && this.badDates.length < 100) this.badDates.push(current.line);
    return { id: `L${current.line}`, sender: header.author, ts: Number.isNaN(ts) ? undefined : ts, text, kind, line: current.line };
  }
}

const TITLE_PATTERNS = [
  /^WhatsApp Chat (?:with|-) (.+)$/i,
  /^(?:Đoạn chat|Cuộc trò chuyện|Trò chuyện) WhatsApp (?:với|-) (.+)$/i,
  /^WhatsApp[- ](?:Chat|Unterhaltung) mit (.+)$/i,
  /^(?:Chat de WhatsApp|Chat WhatsApp|Conversa do WhatsApp|Conversa de WhatsApp|Discussion WhatsApp) (?:con|com|avec|dengan|-) (.+)$/i,
  /^Chat WhatsApp dengan (.+)$/i,
];

/** The chat's title from the export's file name ("WhatsApp Chat with Anna.txt" → "Anna"); undefined when generic. */
export function whatsappTitleFromName(name: string): string | undefined {
  const base = name.normalize('NFC').replace(/^.*[\\/]/, '').replace(/\.(txt|zip)$/i, '').trim();
  for (const pattern of TITLE_PATTERNS) {
    const match = pattern.exec(base);
    if (match) return match[1].trim();
  }
  return undefined;
}

export interface WhatsAppTextOptions {
  format?: Extract<ExportFormat, 'whatsapp' | 'signal'>;
  /** Title from the containing zip or folder, used for the generic `_chat.txt` (inside "WhatsApp Chat - Anna.zip"). */
  title?: string;
}

function splitLines(text: string): string[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Both passes over lines already in memory (tests, small files, zip entries). */
export function parseWhatsAppText(text: string, file: string, options: WhatsAppTextOptions = {}): ExportConversation {
  const lines = splitLines(text);
  const survey = new WhatsAppSurvey();
  for (const line of lines) survey.push(line);
  survey.assertChat(file);
  const parser = new WhatsAppParser(survey.daysFirst());
  const messages: ExportMessage[] = [];
  for (const line of lines) {
    const message = parser.push(line);
    if (message) messages.push(message);
  }
  const last = parser.end();
  if (last) messages.push(last);
  return { ...whatsappInfo(file, survey, options), messages, skipped: parser.skipped };
}

/** The conversation's description from the survey (used by the streaming path too). */
export function whatsappInfo(file: string, survey: WhatsAppSurvey, options: WhatsAppTextOptions = {}): Omit<ExportConversation, 'messages' | 'skipped'> {
  const base = file.replace(/^.*[\\/]/, '');
  // iOS names the text `_chat.txt` inside "WhatsApp Chat - Anna.zip": the container names the chat.
  const generic = /^_?chat\.txt$/i.test(base);
  const title = whatsappTitleFromName(base) ?? (generic ? options.title : undefined) ?? survey.noticeAuthor ?? base.replace(/\.txt$/i, '');
  const kind = survey.senders.size > 2 ? 'group' : 'unknown';
  return {
    format: options.format ?? 'whatsapp',
    file,
    id: '',
    title,
    participants: [],
    kind,
    ownerSenders: [...survey.ownerSenders],
  };
}
