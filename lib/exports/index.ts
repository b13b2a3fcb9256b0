/**
 * Chat export files → conversations, for `not-alone scan` (and later the extension). Pure: bytes or text plus a file
 * name in; no fs. Reading files, folders and zips lives in cli/export-files.ts.
 *
 *   const { conversations, problems } = parseExportBytes('WhatsApp Chat with Anna.txt', bytes);
 */
import { detectFormat } from './detect';
import { parseDiscordCsv, parseDiscordJson } from './discord';
import { parseMetaThread } from './meta';
import { parseTelegram } from './telegram';
import { decodeText, parseJson } from './text';
import { ExportParseError, type ExportConversation, type ExportFormat, type ExportProblem } from './types';
import { parseWhatsAppText } from './whatsapp';

export interface ParsedExport {
  format: ExportFormat;
  conversations: ExportConversation[];
  problems: ExportProblem[];
}

/** Parse decoded text in a known format (not `jsonl`: that is the CLI's machine format). */
export function parseExportText(file: string, text: string, format: Exclude<ExportFormat, 'jsonl'>): ParsedExport {
  switch (format) {
    case 'whatsapp':
    case 'signal': {
      const problems: ExportProblem[] = [];
      return { format, conversations: [parseWhatsAppText(text, file, { format }, problems)], problems };
    }
    case 'telegram': {
      const { conversations, problems } = parseTelegram(parseJson(text, file), file);
      return { format, conversations, problems };
    }
    case 'messenger':
    case 'instagram': {
      const { conversation, problems } = parseMetaThread([{ file, value: parseJson(text, file) }], format, threadIdFromPath(file));
      return { format, conversations: [conversation], problems };
    }
    case 'discord': {
      const { conversation, problems } = /\.csv$/i.test(file) || /^\uFEFF?AuthorID,/.test(text) ? parseDiscordCsv(text, file) : parseDiscordJson(parseJson(text, file), file);
      return { format, conversations: [conversation], problems };
    }
  }
}

/** Decode (strictly), detect when `format` is auto, parse. */
export function parseExportBytes(file: string, bytes: Uint8Array, format: ExportFormat | 'auto' = 'auto'): ParsedExport {
  const text = decodeText(bytes, file);
  const chosen = format === 'auto' ? detectFormat(file, text) : format;
  if (chosen === 'jsonl') throw new ExportParseError(file, 'JSONL input is read by the CLI (not-alone scan --format jsonl)');
  return parseExportText(file, text, chosen);
}

/** `…/inbox/anna_12345/message_1.json` → `anna_12345`. */
export function threadIdFromPath(file: string): string {
  const parts = file.split(/[\\/]/);
  return parts.length >= 2 ? parts[parts.length - 2] : '';
}

export { detectFormat, metaFlavor, SUPPORTED } from './detect';
export { parseDiscordCsv, parseDiscordJson } from './discord';
export { parseMetaThread, type MetaPart } from './meta';
export { chooseSelf, commonNames, isSelf, matchSelf, sameName, senderStats, visibleName, type SelfChoice, type SenderStat } from './self';
export { ConversationScanner, conversationKey, toChatMessage, topMessages, byRisk, DEFAULT_CONTEXT_MESSAGES, type ScannedConversation, type TopMessage } from './scan';
export { parseTelegram, telegramText } from './telegram';
export { decodeText, LineDecoder, parseJson, repairMojibake, sniffEncoding, SNIFF_BYTES } from './text';
export * from './types';
export { chooseDaysFirst, classifyWhatsAppText, dateFits, inferDaysFirst, parseWhatsAppText, whatsappInfo, whatsappTitleFromName, WhatsAppParser, WhatsAppSurvey, type WhatsAppLayout } from './whatsapp';
