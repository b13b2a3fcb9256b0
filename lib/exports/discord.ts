/**
 * DiscordChatExporter output, one channel a file:
 *   JSON {guild{name}, channel{type, name}, messages[{id, type, timestamp, content, author{id, name, nickname,
 *        isBot}, attachments[], stickers[]}]}
 *   CSV  header `AuthorID,Author,Date,Content,Attachments,Reactions` (RFC 4180 quoting, multi-line content).
 */
import { fieldError, idString, isObject, optionalString, requireArray } from './json-fields';
import type { ExportConversation, ExportMessage, ExportProblem } from './types';
import { ExportParseError } from './types';

const MESSAGE_TYPES = new Set(['Default', 'Reply', 'ThreadStarterMessage']);
const DM_TYPES = new Set(['DirectTextChat', 'DirectGroupTextChat']);

export interface DiscordResult {
  conversation: ExportConversation;
  problems: ExportProblem[];
}

export function parseDiscordJson(value: unknown, file: string): DiscordResult {
  const problems: ExportProblem[] = [];
  if (!isObject(value)) throw fieldError(file, '(top level)', 'expected a JSON object');
  const list = requireArray(file, value, 'messages', '');
  const guild = isObject(value.guild) ? value.guild : {};
  const channel = isObject(value.channel) ? value.channel : {};
  const messages: ExportMessage[] = [];
  let skipped = 0;
  let badTimes = 0;
  list.forEach((item, i) => {
    if (!isObject(item)) {
      problems.push({ file, where: `messages[${i}]`, message: 'not an object; skipped' });
      return;
    }
    if (typeof item.type === 'string' && !MESSAGE_TYPES.has(item.type)) {
      skipped++;
      return;
    }
    const author = isObject(item.author) ? item.author : {};
    const ts = typeof item.timestamp === 'string' ? Date.parse(item.timestamp) : NaN;
    if (Number.isNaN(ts) && badTimes++ === 0) problems.push({ file, where: `messages[${i}].timestamp`, message: 'no readable "timestamp"; the message has no time' });
    const content = optionalString(item.content) ?? '';
    const attachments = Array.isArray(item.attachments) ? item.attachments.length : 0;
    const stickers = Array.isArray(item.stickers) ? item.stickers.length : 0;
    if (!content.trim() && !attachments && !stickers) {
      skipped++;
      return;
    }
    messages.push({
      id: idString(item.id) ?? `m${i}`,
      sender: optionalString(author.nickname) ?? optionalString(author.name) ?? '',
      senderId: optionalString(author.id),
      ts: Number.isNaN(ts) ? undefined : ts,
      text: content.trim() ? content : attachments ? '[attachment]' : '[sticker]',
      kind: content.trim() ? 'text' : 'media',
    });
  });
  const channelType = optionalString(channel.type);
  const dm = (channelType !== undefined && DM_TYPES.has(channelType)) || guild.name === 'Direct Messages';
  const channelName = optionalString(channel.name) ?? file;
  const guildName = optionalString(guild.name);
  return {
    conversation: {
      format: 'discord',
      file,
      id: optionalString(channel.id) ?? '',
      title: dm || !guildName ? channelName : `${guildName} / #${channelName}`,
      participants: [],
      kind: channelType === 'DirectTextChat' ? 'personal' : dm ? 'group' : 'unknown',
      messages,
      skipped,
    },
    problems,
  };
}

/** RFC 4180 rows with the line each starts on. Throws for a quote left open. */
export function parseCsvRows(text: string, file: string): Array<{ line: number; cells: string[] }> {
  const rows: Array<{ line: number; cells: string[] }> = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  const n = text.length;
  while (i < n) {
    const start = line;
    const cells: string[] = [];
    for (;;) {
      let cell = '';
      if (text[i] === '"') {
        const open = line;
        i++;
        for (;;) {
          if (i >= n) throw new ExportParseError(file, 'a quoted field is never closed (the file looks truncated)', { line: open });
          const c = text[i];
          if (c === '"') {
            if (text[i + 1] === '"') {
              cell += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (c === '\n') line++;
          cell += c;
          i++;
        }
        while (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') cell += text[i++];
      } else {
        while (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') cell += text[i++];
      }
      cells.push(cell);
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '\r') i++;
      if (text[i] === '\n') i++;
      line++;
      break;
    }
    if (cells.length === 1 && cells[0] === '') continue;
    rows.push({ line: start, cells });
  }
  return rows;
}

export const DISCORD_CSV_HEADER = ['AuthorID', 'Author', 'Date', 'Content', 'Attachments', 'Reactions'];

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** ISO dates, or the older DiscordChatExporter `24-Dec-20 12:23 PM` (local time). */
export function parseDiscordDate(value: string): number | undefined {
  const iso = Date.parse(value);
  if (/^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(iso)) return iso;
  const m = /^(\d{1,2})-([A-Za-z]{3})-(\d{2}|\d{4}) (\d{1,2}):(\d{2})(?::(\d{2}))?(?: ?([AP]M))?$/i.exec(value.trim());
  if (!m) return undefined;
  const month = MONTHS.indexOf(m[2].toLowerCase());
  if (month < 0) return undefined;
  let hour = Number(m[4]) % (m[7] ? 12 : 24);
  if (m[7]?.toUpperCase() === 'PM') hour += 12;
  const year = m[3].length === 2 ? 2000 + Number(m[3]) : Number(m[3]);
  return new Date(year, month, Number(m[1]), hour, Number(m[5]), Number(m[6] ?? 0)).getTime();
}

export function parseDiscordCsv(text: string, file: string): DiscordResult {
  const problems: ExportProblem[] = [];
  const rows = parseCsvRows(text, file);
  const header = rows.shift();
  if (!header || header.cells.slice(0, 4).join(',') !== DISCORD_CSV_HEADER.slice(0, 4).join(',')) {
    throw new ExportParseError(file, `not a DiscordChatExporter CSV: the first line must be "${DISCORD_CSV_HEADER.join(',')}"`, { line: header?.line ?? 1 });
  }
  const messages: ExportMessage[] = [];
  let badTimes = 0;
  for (const { line, cells } of rows) {
    if (cells.length < 4) {
      problems.push({ file, where: String(line), message: `expected at least 4 fields, found ${cells.length}; skipped` });
      continue;
    }
    const [authorId, author, date, content, attachments = ''] = cells;
    const ts = parseDiscordDate(date);
    if (ts === undefined && badTimes++ === 0) problems.push({ file, where: String(line), message: `unreadable date "${date.slice(0, 40)}"; the message has no time` });
    if (!content.trim() && !attachments.trim()) continue;
    messages.push({
      id: `L${line}`,
      sender: author,
      senderId: authorId || undefined,
      ts,
      text: content.trim() ? content : '[attachment]',
      kind: content.trim() ? 'text' : 'media',
      line,
    });
  }
  const base = file.replace(/^.*[\\/]/, '').replace(/\.csv$/i, '');
  return {
    conversation: { format: 'discord', file, id: '', title: base, participants: [], kind: 'unknown', messages, skipped: 0 },
    problems,
  };
}
