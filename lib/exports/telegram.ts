/**
 * Telegram Desktop "Export chat history" / "Export Telegram data" in machine-readable JSON (`result.json`):
 *   single chat  {name, type, id, messages[]}
 *   full export  {personal_information?, chats: {list: [chat…]}, left_chats?: {list: [chat…]}}
 * A message is {id, type: "message"|"service", date (local, no zone), date_unixtime (string), from, from_id, text}
 * where `text` is a string or a list of strings and {type, text} parts. Service messages are skipped.
 */
import { fieldError, idString, isObject, optionalString, requireArray, type JsonObject } from './json-fields';
import type { ExportConversation, ExportMessage, ExportProblem, OwnerHint } from './types';

/** Entity parts that are whole tokens: kept apart from a neighbour written without a space ("Link:" + url). */
const TOKEN_PARTS = new Set(['link', 'text_link', 'mention', 'mention_name', 'email', 'phone', 'hashtag', 'cashtag', 'bot_command', 'bank_card']);
const PERSONAL_TYPES = new Set(['personal_chat', 'bot_chat', 'saved_messages']);
const MEDIA_NAMES: Record<string, string> = {
  sticker: 'sticker',
  voice_message: 'voice message',
  video_message: 'video message',
  video_file: 'video',
  audio_file: 'audio',
  animation: 'GIF',
};

/** The plain text of a Telegram `text` field (string, or list of strings and {type, text} parts). */
export function telegramText(text: unknown): string {
  if (typeof text === 'string') return text;
  if (!Array.isArray(text)) return '';
  let out = '';
  let previousToken = false;
  for (const part of text) {
    let piece = '';
    let token = false;
    if (typeof part === 'string') piece = part;
    else if (isObject(part) && typeof part.text === 'string') {
      piece = part.text;
      token = typeof part.type === 'string' && TOKEN_PARTS.has(part.type);
    }
    if (!piece) continue;
    if ((token || previousToken) && out && !/\s$/.test(out) && !/^\s/.test(piece)) out += ' ';
    out += piece;
    previousToken = token;
  }
  return out;
}

function mediaPlaceholder(message: JsonObject): string | undefined {
  if (typeof message.media_type === 'string') {
    const name = MEDIA_NAMES[message.media_type] ?? message.media_type.replace(/_/g, ' ');
    return typeof message.sticker_emoji === 'string' ? `[${name} ${message.sticker_emoji}]` : `[${name}]`;
  }
  if (message.photo !== undefined) return '[photo]';
  if (message.file !== undefined) return '[file]';
  if (message.location_information !== undefined) return '[location]';
  if (message.contact_information !== undefined) return '[contact]';
  if (message.poll !== undefined) return '[poll]';
  return undefined;
}

/** Milliseconds from `date_unixtime` (exact) or `date` (local time without zone). */
function telegramTime(message: JsonObject): number | undefined {
  const unix = message.date_unixtime;
  if ((typeof unix === 'string' && /^\d+$/.test(unix)) || typeof unix === 'number') return Number(unix) * 1000;
  if (typeof message.date === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(message.date)) {
    const ts = Date.parse(message.date);
    return Number.isNaN(ts) ? undefined : ts;
  }
  return undefined;
}

function parseChat(chat: JsonObject, file: string, path: string, index: number, problems: ExportProblem[]): ExportConversation {
  const raw = requireArray(file, chat, 'messages', path);
  const messages: ExportMessage[] = [];
  let skipped = 0;
  let badTimes = 0;
  raw.forEach((item, i) => {
    const where = `${path ? path + '.' : ''}messages[${i}]`;
    if (!isObject(item)) {
      problems.push({ file, where, message: 'not an object; skipped' });
      return;
    }
    if (item.type !== undefined && item.type !== 'message') {
      skipped++;
      return;
    }
    const ts = telegramTime(item);
    if (ts === undefined && badTimes++ === 0) problems.push({ file, where: `${where}.date`, message: 'no readable "date" or "date_unixtime"; the message has no time' });
    const senderId = optionalString(item.from_id);
    const sender = optionalString(item.from) ?? (senderId ? `Deleted account (${senderId})` : '');
    const text = telegramText(item.text);
    const media = text.trim() ? undefined : mediaPlaceholder(item);
    if (!text.trim() && !media) {
      skipped++;
      return;
    }
    messages.push({
      id: idString(item.id) ?? `m${i}`,
      sender,
      senderId,
      ts,
      text: media ?? text,
      kind: media ? 'media' : 'text',
    });
  });
  const type = optionalString(chat.type);
  const title = optionalString(chat.name) ?? (type === 'saved_messages' ? 'Saved Messages' : `Telegram chat ${index + 1}`);
  const conversation: ExportConversation = {
    format: 'telegram',
    file,
    id: idString(chat.id) ?? path,
    title,
    participants: [],
    kind: type === undefined ? 'unknown' : PERSONAL_TYPES.has(type) ? 'personal' : 'group',
    messages,
    skipped,
  };
  if (type === 'saved_messages') {
    const only = new Set(messages.map((m) => m.senderId ?? m.sender));
    if (only.size === 1) conversation.owner = { id: messages[0].senderId, name: messages[0].sender, reason: 'the only sender in Saved Messages' };
  }
  return conversation;
}

function ownerFrom(info: unknown): OwnerHint | undefined {
  if (!isObject(info)) return undefined;
  const id = info.user_id;
  if (typeof id !== 'number' && typeof id !== 'string') return undefined;
  const name = [optionalString(info.first_name), optionalString(info.last_name)].filter(Boolean).join(' ').trim();
  return { id: `user${id}`, name: name || undefined, reason: "the export's personal information" };
}

export interface TelegramResult {
  conversations: ExportConversation[];
  problems: ExportProblem[];
}

/** Parse a Telegram Desktop JSON value (already JSON.parse'd). Throws ExportParseError naming a missing field. */
export function parseTelegram(value: unknown, file: string): TelegramResult {
  const problems: ExportProblem[] = [];
  if (!isObject(value)) throw fieldError(file, '(top level)', 'expected a JSON object');
  if (value.messages !== undefined) {
    return { conversations: [parseChat(value, file, '', 0, problems)], problems };
  }
  const chats = value.chats;
  if (!isObject(chats)) throw fieldError(file, 'chats', 'neither "messages" (one chat) nor "chats.list" (full export) is present');
  const owner = ownerFrom(value.personal_information);
  const conversations: ExportConversation[] = [];
  const lists: Array<[string, unknown]> = [['chats', chats]];
  if (isObject(value.left_chats)) lists.push(['left_chats', value.left_chats]);
  for (const [name, group] of lists) {
    const list = requireArray(file, group as JsonObject, 'list', name);
    list.forEach((chat, i) => {
      const path = `${name}.list[${i}]`;
      if (!isObject(chat)) throw fieldError(file, path, 'a chat must be an object');
      const conversation = parseChat(chat, file, path, conversations.length, problems);
      if (owner && !conversation.owner) conversation.owner = owner;
      conversations.push(conversation);
    });
  }
  return { conversations, problems };
}
