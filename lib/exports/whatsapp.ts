/**
 * WhatsApp "Export chat" .txt (Android `18/03/2022, 14:56 - Name: text`, iOS `[3/27/22, 21:41:35] Name: text`, any
 * locale), parsed with the `whatsapp-chat-parser` package ONE LINE AT A TIME, so a 100,000-message export streams
 * through in bounded memory. Also reads the WhatsApp-style text of third-party Signal exporters.
 *
 * Two passes over the lines, both streaming:
 *   1. `WhatsAppSurvey`: which lines are message headers and in which layout (the export's one layout is the one
 *      most headers use), the distinct dates (to decide day-first vs month-first), who writes how much, and hints
 *      of who the owner is;
 *   2. `WhatsAppParser`: the messages, with multi-line continuation, system lines dropped and media placeholders
 *      marked; a header in another layout or with an impossible date is continuation text, and reported.
 *
 * What the package does not cover is normalised on the header part of a line (never the message text) before it
 * sees it: the time-first order of the Vietnamese iOS export (`[21:41:35, 3/27/22]`), Buddhist-era years (`2565`),
 * Japanese era years (`R4/03/27`, `3/18/R4`), Arabic-Indic digits and comma, invisible marks, day periods and
 * localised AM/PM words.
 */
import { parseString, type Message } from 'whatsapp-chat-parser';
import type { ExportConversation, ExportFormat, ExportMessage, ExportMessageKind, ExportProblem } from './types';
import { INVISIBLE_MARKS, visibleName } from './self';
import { ExportParseError } from './types';

const MARKS = /^[\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF]+/;
/** Digits a header may be written in: ASCII, Arabic-Indic (U+0660…) and Eastern Arabic-Indic (U+06F0…). */
const DIGIT = '[0-9\\u0660-\\u0669\\u06F0-\\u06F9]';
/** A header starts with a date, a bracket or an invisible mark; anything else is a continuation line. */
const HEADER_START = new RegExp(`^[\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069\\uFEFF[]*(?:${DIGIT}|[RHS]\\d)`);
/** The time of a header, in any of those digits: where the header's date-and-time part ends is found from it. */
const TIME_IN_HEADER = new RegExp(`${DIGIT}{1,2}[:.]${DIGIT}{2}`);
/** A date in any of those digits, with a Japanese era year possibly in front or at the end. */
const DATE_IN_HEADER = new RegExp(`[RHS]?${DIGIT}{1,4}[-/.]\\s?${DIGIT}{1,4}[-/.]\\s?[RHS]?${DIGIT}{1,4}`);
/** After the time (and a day period), the header ends at `] ` (iOS), ` - ` (Android) or `: ` (old iOS). */
const HEADER_END = /\]|\s[-–]\s|:\s|:$/;
const TIME_FIRST = /^([\u200E\u200F]*)(\[?)(\d{1,2}[:.]\d{2}(?:[:.]\d{2})?(?:\s?[ap]\.?\s?m\.?)?),?\s+(\d{1,4}[-/.]\s?\d{1,4}[-/.]\s?\d{1,4})(\]?)/i;
const ERA_YEAR = /^([\u200E\u200F]*\[?)([RHS])(\d{1,2})([-/.])/;
/** A Japanese era year at the end of the date: `[3/18/R4, 21:40:00]`. */
const ERA_YEAR_LAST = /([-/.]\s?)([RHS])(\d{1,2})(?=[,\s\]])/;
const ERA_BASE: Record<string, number> = { R: 2018, H: 1988, S: 1925 };
const DATE_PARTS = /^([\u200E\u200F]*\[?)(\d{1,4})([-/.]\s?)(\d{1,4})([-/.]\s?)(\d{1,4})/;
/** The date as the package captures it (its first group), to decide day-first vs month-first. */
const RAW_DATE = /^[\u200E\u200F]*\[?(\d{1,4}[-/.]\s?\d{1,4}[-/.]\s?\d{1,4})/;
/** Day periods some Android locales write instead of AM/PM ("9:15 in the morning"). */
const DAY_PERIOD = /(\d{1,2})([:.]\d{2}(?:[:.]\d{2})?)\s*(in the morning|in the afternoon|in the evening|at night|noon|midnight)/i;
/** Arabic `م`/`ص` after the time; Japanese, Chinese and Korean AM/PM words before it (`午後9:41`, `오후 9:41`). */
const AMPM_AFTER = /(\d{1,2}[:.]\d{2}(?:[:.]\d{2})?)\s*([صم])\s*$/;
const AMPM_BEFORE = /(午前|午後|上午|下午|오전|오후)\s*(\d{1,2}[:.]\d{2}(?:[:.]\d{2})?)/;
const PM_WORDS = new Set(['م', '午後', '下午', '오후']);
/** What the package took for a sender when the line was a system notice after a 12-hour time (`9:41:35 PM: …`). */
const AMPM_AUTHOR = /^[ap]\.?\s?m\.?$/i;
/** Text longer than this in one message is cut (the report keeps 20,000 characters at most anyway). */
const MAX_MESSAGE_CHARS = 100_000;

/** Gregorian years for Japanese era (`R4/03/27`, `3/27/R4`) and Buddhist-era (`27/3/2565`) dates at the start of a line. */
function normalizeCalendar(line: string): string {
  let out = line;
  const era = ERA_YEAR.exec(out);
  if (era) out = `${era[1]}${ERA_BASE[era[2]] + Number(era[3])}${era[4]}${out.slice(era[0].length)}`;
  out = out.replace(ERA_YEAR_LAST, (_all, separator: string, era: string, year: string) => `${separator}${ERA_BASE[era] + Number(year)}`);
  const parts = DATE_PARTS.exec(out);
  if (parts) {
    const fix = (year: string): string => (year.length === 4 && Number(year) >= 2400 && Number(year) < 2700 ? String(Number(year) - 543) : year);
    const [a, b, c] = [fix(parts[2]), fix(parts[4]), fix(parts[6])];
    if (a !== parts[2] || b !== parts[4] || c !== parts[6]) out = `${parts[1]}${a}${parts[3]}${b}${parts[5]}${c}${out.slice(parts[0].length)}`;
  }
  return out;
}

/** `9:15 in the morning` → `9:15 AM`; "at night" is PM from 6 to 11 and AM from 12 to 5. */
function dayPeriodToAmPm(prefix: string): string {
  const ampm = (word: string): string => (PM_WORDS.has(word) ? 'PM' : 'AM');
  return prefix
    .replace(AMPM_AFTER, (_all, time: string, word: string) => `${time} ${ampm(word)}`)
    .replace(AMPM_BEFORE, (_all, word: string, time: string) => `${time} ${ampm(word)}`)
    .replace(DAY_PERIOD, (_all, hour: string, rest: string, period: string) => {
    const h = Number(hour);
    const p = period.toLowerCase();
    const pm = p === 'in the afternoon' || p === 'in the evening' || p === 'noon' || (p === 'at night' && h >= 6 && h < 12);
    return `${hour}${rest} ${pm ? 'PM' : 'AM'}`;
  });
}

/**
 * The date-and-time part of a header line in the form the package reads, the rest of the line untouched: ASCII
 * digits, `,` for the Arabic comma, no invisible marks inside (German iOS puts U+FEFF inside `[…]`, Arabic exports
 * U+200F between the parts), ordinary spaces, AM/PM for day periods, Gregorian years. Marks before the bracket stay:
 * they tell system lines apart.
 */
function normalizeHeaderPrefix(line: string): string {
  // The time after the date (`27.03.22, 14:56`: "27.03" is no time), or before it (`[21:41:35, 3/27/22]`).
  const date = DATE_IN_HEADER.exec(line);
  const from = date && date.index <= 20 ? date.index + date[0].length : 0;
  const later = TIME_IN_HEADER.exec(line.slice(from));
  const time = later ?? TIME_IN_HEADER.exec(line);
  if (!time) return line;
  const afterTime = (later ? from : 0) + time.index + time[0].length;
  if (afterTime > 60) return line;
  const end = HEADER_END.exec(line.slice(afterTime, afterTime + 40));
  const cut = end ? afterTime + end.index : Math.min(line.length, afterTime + 6);
  const lead = /^[\u200E\u200F]*/.exec(line)![0];
  const prefix = line
    .slice(lead.length, cut)
    .replace(INVISIBLE_MARKS, '')
    .replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(/[\u06F0-\u06F9]/g, (d) => String(d.charCodeAt(0) - 0x06f0))
    .replace(/\u060C/g, ',')
    .replace(/[\u00A0\u202F\u2007]/g, ' ');
  return normalizeCalendar(lead + dayPeriodToAmPm(prefix)) + line.slice(cut);
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
  /**
   * The header's layout with the numbers left out (`[n/n/n, n:n:n] `, `n.n.Y, n:n - `): one export writes every
   * header the same way, so a header in another layout is text someone pasted into a message.
   */
  layout: string;
  /** The date as written (`3/27/22`). */
  date: string;
}

function parseOne(line: string, daysFirst: boolean): Header | undefined {
  const raw = RAW_DATE.exec(line);
  if (!raw) return undefined;
  // A message with no text at all (a view-once photo in some exports) ends right after "Name:".
  const padded = /:\s*$/.test(line) ? `${line.trimEnd()} ` : line;
  const [message] = parseString(padded, { daysFirst, parseAttachments: true });
  if (!message) return undefined;
  if (padded !== line) message.message = message.message.replace(/ $/, '');
  if (message.author !== null && AMPM_AUTHOR.test(message.author.trim())) {
    // `3/27/22, 9:41:35 PM: Messages to this chat…`: a system line whose AM/PM the package took for a sender.
    message.message = `${message.author}: ${message.message}`;
    message.author = null;
  }
  if (message.author !== null) message.author = visibleName(message.author);
  const head = line.replace(/^[\u200E\u200F]+/, '');
  const layout = head
    .slice(0, headerLength(head))
    .replace(/\d{3,4}/g, 'Y')
    .replace(/\d{1,2}/g, 'n')
    .replace(/\s+/g, ' ')
    .replace(/[ap]\.?\s?m\.?/i, 'A');
  return { message, line, layout, date: raw[1] };
}

/** Where the date-and-time part of a (normalised, date-first) header ends: after `]`, ` -`, `:`, or the time. */
function headerLength(head: string): number {
  const date = RAW_DATE.exec(head);
  const from = date ? date[0].length : 0;
  const time = /\d{1,2}[:.]\d{2}(?:[:.]\d{2})?(?:\s?[ap]\.?\s?m\.?)?/i.exec(head.slice(from));
  if (!time) return head.length;
  const after = from + time.index + time[0].length;
  const end = /^\]|^\s[-–]|^:/.exec(head.slice(after));
  return after + (end ? end[0].length : 0);
}

/** Parse one line as a message header with the package; undefined for a continuation line. */
function parseHeader(line: string, daysFirst: boolean): Header | undefined {
  if (!line || !HEADER_START.test(line)) return undefined;
  const normalized = normalizeHeaderPrefix(line);
  const header = parseOne(normalized, daysFirst);
  if (header) return header;
  const swapped = swapTimeFirst(normalized);
  return swapped === normalized ? undefined : parseOne(normalizeCalendar(swapped), daysFirst);
}

/** The date's day, month and year under an order, or undefined when it is no real date (month 27, 31 April). */
export function dateFits(date: string, daysFirst: boolean): boolean {
  const parts = date.split(/[-/.]\s?/).map((p) => p.trim());
  if (parts.length !== 3) return false;
  const longest = Math.max(...parts.map((p) => p.length));
  // The year is the longest field (the package's rule), the last one when all are as long.
  const [a, b, c] = parts;
  const [first, second, year] = c.length === longest ? [a, b, c] : b.length === longest ? [a, c, b] : [b, c, a];
  const yearFirst = a.length === longest && c.length !== longest;
  const [day, month] = yearFirst ? [Number(second), Number(first)] : daysFirst ? [Number(first), Number(second)] : [Number(second), Number(first)];
  const fullYear = year.length <= 2 ? 2000 + Number(year) : Number(year);
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(fullYear, month, 0).getDate();
}

/**
 * Day-first or month-first for dates written one way: the order most dates can only be read in (`27/3` is day-first,
 * `3/27` month-first); when none or as many say either, the package's own inference (how the dates change).
 */
export function chooseDaysFirst(dates: readonly string[]): boolean {
  let dayFirst = 0;
  let monthFirst = 0;
  for (const date of dates) {
    const fitsDay = dateFits(date, true);
    const fitsMonth = dateFits(date, false);
    if (fitsDay && !fitsMonth) dayFirst++;
    else if (fitsMonth && !fitsDay) monthFirst++;
  }
  return dayFirst !== monthFirst ? dayFirst > monthFirst : inferDaysFirst(dates);
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
/** "You deleted this message" in the export's language: written under the owner's own name. */
const OWNER_DELETED =
  'you deleted this message|bạn đã (?:xóa|xoá) tin nhắn này|du hast diese nachricht gelöscht|eliminaste este mensaje|vous avez supprimé ce message|você apagou esta mensagem|apagou esta mensagem|hai eliminato questo messaggio|je hebt dit bericht verwijderd|u hebt dit bericht verwijderd|smazali jste tuto zprávu|tuto zprávu jste smazal(?:\\(a\\)|a)?|вы удалили это сообщение|bu mesajı sildiniz|anda menghapus pesan ini|usunięto tę wiadomość|ta wiadomość została usunięta przez ciebie|لقد حذفت هذه الرسالة|حذفت هذه الرسالة|מחקת את ההודעה הזו|คุณลบข้อความนี้แล้ว|このメッセージを削除しました|你删除了此消息';
const DELETED_BY_OWNER = new RegExp(`^(?:${OWNER_DELETED})\\.?$`, 'i');
const DELETED = new RegExp(
  `^(?:${OWNER_DELETED}|this message was deleted|tin nhắn này đã bị (?:xóa|xoá)|diese nachricht wurde gelöscht|se eliminó este mensaje|ce message a été supprimé|essa mensagem foi apagada|questo messaggio è stato eliminato|dit bericht is verwijderd|tato zpráva byla smazána|это сообщение удалено|данное сообщение удалено|bu mesaj silindi|pesan ini telah dihapus|ta wiadomość została usunięta|تم حذف هذه الرسالة|ההודעה הזו נמחקה|ข้อความนี้ถูกลบแล้ว|このメッセージは削除されました|此消息已删除)\\.?$`,
  'i',
);
/**
 * Notices iOS writes under the chat's name, marked with U+200E: not messages. The encryption and security-code
 * notices in every language seen in exports, and the usual group and call notices in English and Vietnamese.
 */
const SYSTEM_NOTICE = new RegExp(
  [
    // Encryption: "Messages and calls are end-to-end encrypted."
    'end-to-end', 'mã hóa đầu cuối', 'mã hoá đầu cuối', 'ende-zu-ende', 'de extremo a extremo', 'de bout en bout', 'de ponta a ponta',
    'crittografati end-to-end', 'end-to-end versleuteld', 'koncově šifrovan', 'сквозным шифрованием', 'uçtan uca', 'secara end-to-end',
    'szyfrowane end-to-end', 'مشفرة تمامًا', 'مشفّرة', 'מוצפנות מקצה לקצה', 'ต้นทางถึงปลายทาง', 'エンドツーエンド', '端到端', '종단간',
    // Security code changed.
    'security code', 'mã bảo mật', 'sicherheitsnummer', 'código de seguridad', 'code de sécurité', 'código de segurança', 'codice di sicurezza',
    'beveiligingscode', 'bezpečnostní kód', 'код безопасности', 'güvenlik kodu', 'kode keamanan', 'kod zabezpieczenia', 'رمز الأمان',
    'קוד האבטחה', 'รหัสความปลอดภัย', 'セキュリティコード', '安全码', '보안 코드',
    // Calls, groups, contacts (English, Vietnamese).
    'missed (?:voice|video|group voice|group video) call', 'cuộc gọi (?:thoại|video)(?: nhóm)? (?:bị )?nhỡ', 'created group', 'đã tạo nhóm',
    "changed (?:the subject|this group's|the group|their phone number)", 'đã (?:đổi|thay đổi)', 'joined using', 'đã tham gia',
    'disappearing messages', 'tin nhắn tự hủy', 'tin nhắn tự huỷ', 'is a contact', 'blocked this contact', 'unblocked this contact', 'đã chặn',
    'đã bỏ chặn',
  ].join('|'),
  'i',
);
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
  // No text at all: a view-once photo or voice message in some exports. Still a message from its sender.
  if (!oneLine) return { kind: 'media', text: '' };
  if (MEDIA.some((re) => re.test(oneLine))) return { kind: 'media', text: oneLine };
  if (DELETED.test(oneLine)) return { kind: 'deleted', text: oneLine };
  if (marked && SYSTEM_NOTICE.test(oneLine) && !oneLine.includes('\n')) return { kind: 'system', text: oneLine };
  text = text.replace(/^\n+/, '');
  return { kind: 'text', text };
}

/** What the survey learns about the headers written in one layout. */
class LayoutStats {
  headers = 0;
  /** Date as written → sender → messages ('' for system lines): senders are counted once the date order is known. */
  readonly byDate = new Map<string, Map<string, number>>();
  readonly ownerSenders = new Set<string>();
  noticeAuthor: string | undefined;
}

const SYSTEM = '';

/** How the headers of one export are written: their layout and date order. */
export interface WhatsAppLayout {
  layout: string;
  daysFirst: boolean;
}

/**
 * Pass 1: everything that must be known before the messages are analysed. The export's ONE header layout is the
 * one most headers use, its date order the one its dates can be read in; headers written otherwise (a message
 * pasted from another chat) or with an impossible date are continuation text, and counted for no sender.
 */
export class WhatsAppSurvey {
  private readonly layouts = new Map<string, LayoutStats>();
  private decided: { stats: LayoutStats; layout: WhatsAppLayout; senders: Map<string, number>; systemLines: number; messages: number } | undefined;
  lines = 0;
  headers = 0;
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
    this.decided = undefined;
    this.headers++;
    this.firstHeaderLine ??= this.lines;
    let stats = this.layouts.get(header.layout);
    if (!stats) {
      if (this.layouts.size >= 1000) return;
      stats = new LayoutStats();
      this.layouts.set(header.layout, stats);
    }
    stats.headers++;
    const { author, message } = header.message;
    const kind = author === null ? 'system' : classifyWhatsAppText(message, Boolean(header.message.attachment)).kind;
    if (kind === 'system' && author !== null) stats.noticeAuthor ??= author;
    if (kind === 'deleted' && author !== null && DELETED_BY_OWNER.test(message.replace(MARKS, '').trim())) stats.ownerSenders.add(author);
    let senders = stats.byDate.get(header.date);
    if (!senders) {
      if (stats.byDate.size >= 200_000) return;
      senders = new Map();
      stats.byDate.set(header.date, senders);
    }
    const key = kind === 'system' ? SYSTEM : author!;
    senders.set(key, (senders.get(key) ?? 0) + 1);
  }

  private decide(): NonNullable<WhatsAppSurvey['decided']> {
    if (this.decided) return this.decided;
    let best: [string, LayoutStats] = ['', new LayoutStats()];
    for (const entry of this.layouts) if (entry[1].headers > best[1].headers) best = entry;
    const [layout, stats] = best;
    const daysFirst = chooseDaysFirst([...stats.byDate.keys()]);
    const senders = new Map<string, number>();
    let systemLines = 0;
    let messages = 0;
    for (const [date, counts] of stats.byDate) {
      if (!dateFits(date, daysFirst)) continue;
      for (const [sender, n] of counts) {
        if (sender === SYSTEM) systemLines += n;
        else {
          messages += n;
          senders.set(sender, (senders.get(sender) ?? 0) + n);
        }
      }
    }
    this.decided = { stats, layout: { layout, daysFirst }, senders, systemLines, messages };
    return this.decided;
  }

  /** The export's header layout and date order. */
  layout(): WhatsAppLayout {
    return this.decide().layout;
  }

  /** Day-first or month-first for this file. */
  daysFirst(): boolean {
    return this.decide().layout.daysFirst;
  }

  /** Messages by sender (names without invisible marks), headers in the export's layout only. */
  get senders(): Map<string, number> {
    return this.decide().senders;
  }

  get messages(): number {
    return this.decide().messages;
  }

  get systemLines(): number {
    return this.decide().systemLines;
  }

  /** Authors of "You deleted this message": the export's owner. */
  get ownerSenders(): Set<string> {
    return this.decide().stats.ownerSenders;
  }

  /** iOS writes its encryption notice under the chat's title (the other person in a 1:1 chat). */
  get noticeAuthor(): string | undefined {
    return this.decide().stats.noticeAuthor;
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
  private readonly layout: WhatsAppLayout | undefined;
  private readonly daysFirst: boolean;
  skipped = 0;
  /** Lines with a date the package could not turn into a time. */
  badDates: number[] = [];
  /** Lines that look like a header but not one of this export (another layout, an impossible date): kept as text. */
  readonly foreignHeaders: number[] = [];
  foreignHeaderCount = 0;

  /** `layout` from the survey; a bare day-first flag accepts a header in any layout. */
  constructor(layout: WhatsAppLayout | boolean) {
    this.layout = typeof layout === 'boolean' ? undefined : layout;
    this.daysFirst = typeof layout === 'boolean' ? layout : layout.daysFirst;
  }

  push(line: string): ExportMessage | undefined {
    this.lineNo++;
    let header = parseHeader(line, this.daysFirst);
    if (header && this.layout && (header.layout !== this.layout.layout || !dateFits(header.date, this.daysFirst))) {
      this.foreignHeaderCount++;
      if (this.foreignHeaders.length < 100) this.foreignHeaders.push(this.lineNo);
      header = undefined;
    }
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

  /** What the user must know about lines read differently from how they look. */
  problems(file: string): ExportProblem[] {
    const problems: ExportProblem[] = [];
    if (this.foreignHeaderCount) {
      const lines = this.foreignHeaders.slice(0, 5).join(', ');
      problems.push({
        file,
        where: String(this.foreignHeaders[0]),
        message: `${this.foreignHeaderCount} line(s) start like a message but not the way this export writes its messages (another date style, or an impossible date), so they were kept as text of the message before them: line ${lines}${this.foreignHeaderCount > 5 ? ', …' : ''}`,
      });
    }
    if (this.badDates.length) {
      problems.push({ file, where: String(this.badDates[0]), message: `${this.badDates.length} message(s) have a date that could not be read; they have no time` });
    }
    return problems;
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
  /^(?:Chat WhatsApp|Obrolan WhatsApp) dengan (.+)$/i,
  /^WhatsApp[- ]chat met (.+)$/i,
  /^(?:Chat služby WhatsApp|WhatsApp chat) s (.+)$/i,
  /^Чат WhatsApp с (.+)$/i,
  /^(?:Czat WhatsApp z|WhatsApp Sohbeti: |WhatsApp sohbeti - )(.+)$/i,
  /^دردشة واتساب مع (.+)$/,
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
export function parseWhatsAppText(text: string, file: string, options: WhatsAppTextOptions = {}, problems: ExportProblem[] = []): ExportConversation {
  const lines = splitLines(text);
  const survey = new WhatsAppSurvey();
  for (const line of lines) survey.push(line);
  survey.assertChat(file);
  const parser = new WhatsAppParser(survey.layout());
  const messages: ExportMessage[] = [];
  for (const line of lines) {
    const message = parser.push(line);
    if (message) messages.push(message);
  }
  const last = parser.end();
  if (last) messages.push(last);
  problems.push(...parser.problems(file));
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
