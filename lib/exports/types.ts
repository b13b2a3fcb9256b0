/**
 * The one shape every export parser produces: conversations of messages with sender NAMES (not yet directions),
 * because who "you" are is decided after parsing (`--self`, or the export's own hints, see self.ts).
 *
 * Everything in lib/exports/ is pure: text or bytes plus a file name in, data out. No fs, no DOM, no process, so the
 * extension can reuse the parsers (e.g. an "open an export file" page) later.
 */

/** Export formats the parsers understand. `signal` is the WhatsApp-style text of third-party Signal exporters. */
export const EXPORT_FORMATS = ['whatsapp', 'signal', 'telegram', 'messenger', 'instagram', 'discord', 'jsonl'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const FORMAT_NAMES: Record<ExportFormat, string> = {
  whatsapp: 'WhatsApp',
  signal: 'Signal',
  telegram: 'Telegram',
  messenger: 'Messenger',
  instagram: 'Instagram',
  discord: 'Discord',
  jsonl: 'JSONL',
};

/**
 * What a message is: `text` is analysed; `media` (a photo, a sticker, "<Media omitted>") and `deleted` ("This message
 * was deleted") are placeholders kept as context but never analysed (their wording is the app's, not the sender's).
 */
export type ExportMessageKind = 'text' | 'media' | 'deleted';

export interface ExportMessage {
  /** Stable within the conversation: the app's own id when it has one, else the line (`L12`) or position (`m3`). */
  id: string;
  /** Display name of the sender ('' when the export has none). */
  sender: string;
  /** The app's account id of the sender when the export has one (Telegram `user123`, Discord snowflake). */
  senderId?: string;
  /** Milliseconds since the epoch. Exports without a zone (WhatsApp, Telegram `date`) are read as local time. */
  ts?: number;
  text: string;
  kind: ExportMessageKind;
  /** Where the message starts in its file: 1-based line for text formats. */
  line?: number;
}

/** A hint from the export itself about who its owner ("you") is. */
export interface OwnerHint {
  name?: string;
  id?: string;
  /** Human-readable reason, printed with the choice: `the export's personal information`. */
  reason: string;
}

export interface ExportConversationInfo {
  format: ExportFormat;
  /** The file (or folder / zip entry) it came from, as given by the caller: used in keys and messages. */
  file: string;
  /** Unique within the file: the app's chat id, the thread folder, or '' for single-chat files. */
  id: string;
  title: string;
  /** Participants listed by the export's metadata (Messenger/Instagram), if any. */
  participants: string[];
  /** `personal` for a 1:1 chat, `group` for several people, `unknown` when the export does not say. */
  kind: 'personal' | 'group' | 'unknown';
  owner?: OwnerHint;
  /** Signs inside the messages of who the owner is ("You deleted this message" is written by the owner). */
  ownerSenders?: string[];
}

export interface ExportConversation extends ExportConversationInfo {
  /** Oldest first. */
  messages: ExportMessage[];
  /** Service / system lines that are not messages (joins, calls, "created group"). */
  skipped: number;
}

/** A non-fatal problem: the parser went on, and the CLI prints it as a warning. */
export interface ExportProblem {
  file: string;
  /** `12` (a line) or `messages[3].date` (a field). */
  where?: string;
  message: string;
}

/** A fatal problem with an input: names the file and the line or field. */
export class ExportParseError extends Error {
  constructor(
    readonly file: string,
    readonly detail: string,
    readonly where?: { line: number; column?: number } | { field: string },
  ) {
    super(`${file}${formatWhere(where)}: ${detail}`);
    this.name = 'ExportParseError';
  }
}

export function formatWhere(where: { line: number; column?: number } | { field: string } | undefined): string {
  if (!where) return '';
  if ('field' in where) return ` (at ${where.field})`;
  return `:${where.line}${where.column !== undefined ? `:${where.column}` : ''}`;
}

export function problemText(problem: ExportProblem): string {
  const where = problem.where === undefined ? '' : /^\d+$/.test(problem.where) ? `:${problem.where}` : ` (at ${problem.where})`;
  return `${problem.file}${where}: ${problem.message}`;
}
