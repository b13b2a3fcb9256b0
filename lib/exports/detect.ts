/**
 * Which export a file is, from its name and its first few kilobytes of text. Unknown files get an error that says
 * what the file looks like instead and how to get a supported export (the HTML variants of Telegram and Facebook
 * exports are common mistakes).
 */
import { WhatsAppSurvey } from './whatsapp';
import { ExportParseError, type ExportFormat } from './types';

export const SUPPORTED =
  'WhatsApp "Export chat" .txt, Telegram Desktop result.json, Messenger/Instagram message_N.json, DiscordChatExporter .json/.csv, or a folder or .zip of these';

/** Messenger or Instagram, from the path or the content (the two JSON formats are the same). */
export function metaFlavor(name: string, head: string): 'messenger' | 'instagram' {
  if (/instagram/i.test(name)) return 'instagram';
  if (/facebook|messenger/i.test(name)) return 'messenger';
  // Not `is_geoblocked_for_viewer`: current Messenger threads carry it too.
  if (/instagram\.com/.test(head)) return 'instagram';
  return 'messenger';
}

function unknown(file: string, detail: string, line?: number): ExportParseError {
  return new ExportParseError(file, `${detail}. Supported: ${SUPPORTED}`, line ? { line } : undefined);
}

/**
 * Whether the text starts like a JSON document a chat export could be: an object, or a list of objects, strings or
 * lists (every JSON chat export is one). `[3/18/R4, …]` or `[LINE] …` start with a bracket but are no JSON.
 */
function looksLikeJson(start: string): boolean {
  return /^\{\s*(?:"|\}|$)/.test(start) || /^\[\s*(?:[{["\]]|$)/.test(start);
}

function looksLikeJsonl(name: string, text: string): boolean {
  const lines = text.split(/\r?\n/).filter((l) => l.trim());
  if (lines.length === 0) return false;
  if (/\.(jsonl|ndjson)$/i.test(name)) return true;
  if (lines.length < 2 || !lines[0].trim().endsWith('}')) return false;
  try {
    const first = JSON.parse(lines[0]) as unknown;
    return typeof first === 'object' && first !== null && 'text' in first;
  } catch {
    return false;
  }
}

/**
 * The format of a file. `head` is the start of the file's text (a lenient decode is fine: encoding errors are
 * reported by the strict decode that follows). Throws ExportParseError for a file that is none of the known exports.
 */
export function detectFormat(name: string, head: string, headIsWholeFile = true): ExportFormat {
  const text = head.replace(/^\uFEFF/, '');
  const start = text.trimStart();
  if (!start) throw new ExportParseError(name, 'the file is empty (only blank lines)');
  if (start.startsWith('<')) {
    if (/class="message default|tgme|Exported Telegram data/i.test(text) || /(^|[\\/])messages\d*\.html$/i.test(name)) {
      throw unknown(name, 'this is Telegram\'s HTML export; export again in Telegram Desktop choosing "Machine-readable JSON"');
    }
    if (/message_\d+\.html$/i.test(name) || /facebook|instagram/i.test(text.slice(0, 4000))) {
      throw unknown(name, 'this is the HTML version of "Download your information"; request it again choosing the JSON format');
    }
    throw unknown(name, 'this is a web page (HTML), not a chat export');
  }
  const survey = surveyHead(text, headIsWholeFile);
  const chat = survey.headers > 0 ? (/signal/i.test(name) ? 'signal' : 'whatsapp') : undefined;
  // `[3/27/22, 21:41:35] Name:` (iOS) starts like a JSON list: a header on the first line decides.
  if (chat && !survey.strayLine && start.startsWith('[')) return chat;
  if (/^\[LINE\]/.test(start)) {
    throw unknown(name, 'this is a LINE chat history (.txt), which this tool cannot read yet');
  }
  if (looksLikeJson(start)) {
    if (looksLikeJsonl(name, start)) return 'jsonl';
    if (/"(?:chats|personal_information|date_unixtime|from_id)"\s*:/.test(text)) return 'telegram';
    if (/"type"\s*:\s*"(?:personal_chat|bot_chat|saved_messages|private_group|private_supergroup|public_supergroup|public_channel|private_channel)"/.test(text)) return 'telegram';
    if (/"(?:sender_name|timestamp_ms|thread_path)"\s*:/.test(text)) return metaFlavor(name, text);
    if (/"guild"\s*:/.test(text) && /"channel"\s*:/.test(text)) return 'discord';
    if (/"messages"\s*:/.test(text) && /"type"\s*:\s*"(?:message|service)"/.test(text)) return 'telegram';
    throw unknown(name, 'a JSON file, but not a chat export this tool knows');
  }
  const firstLine = start.split(/\r?\n/, 1)[0];
  if (/^AuthorID,Author,Date,Content/.test(firstLine)) return 'discord';
  if (chat) return chat;
  const stray = survey.strayLine;
  throw unknown(
    name,
    `not a chat export this tool knows: no line starts with a date and time like WhatsApp's "18/03/2022, 14:56 - Name: text"${stray ? ` (this line is "${stray.text.slice(0, 60)}")` : ''}`,
    stray?.line,
  );
}

function surveyHead(text: string, headIsWholeFile: boolean): WhatsAppSurvey {
  const survey = new WhatsAppSurvey();
  const lines = text.split(/\r\n|\n|\r/);
  // The last line of a partial head may be cut in the middle.
  const sample = lines.slice(0, Math.min(headIsWholeFile ? lines.length : lines.length - 1, 200));
  for (const line of sample) survey.push(line);
  return survey;
}
