/**
 * The report format shared by the extension's report page and the CLI (`not-alone scan ... --out`): one zod schema,
 * versioned. `docs/report-schema.json` is generated from it (`npm run build:schema` / tests/unit/report-schema.test.ts
 * fails when it is stale). A change that an older reader could misread needs a new `schemaVersion`.
 *
 * Pure: no DOM, no `browser.*`, no Node APIs.
 */
import { z } from 'zod';
import { CATEGORY_IDS, LANGUAGES, RISK_LEVELS, SENSITIVITIES } from '../engine/taxonomy';

export const REPORT_FORMAT = 'not-alone-report';
export const REPORT_SCHEMA_VERSION = 3;
// Version 2 added what redaction hid (`messages[].redactions`, `originalSha256`, `settings.redaction.nameScope`) and
// the CSV columns `redactions` and `original_sha256`; version 3 the known script a conversation follows
// (`conversations[].pattern`) and the CSV column `conversation_pattern`. Older files are still read and checked as
// they were written.
/** How `sha256` values are computed (see integrity.ts). Named so a future change cannot be confused with this one. */
export const CANONICALIZATION = 'not-alone-canonical-json-1';

const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 is 64 lowercase hex digits');
const IsoDate = z.iso.datetime({ offset: true });
const Direction = z.enum(['self', 'other']);
/**
 * Which of the conversation's `keyedByName.pictures` (its number, from 1) the chat's header showed when Not Alone
 * read this version; null: it showed none. Only in a conversation shown with two pictures or more.
 */
const PictureNumber = z.number().int().min(1).nullable();

export const ReportFindingSchema = z.strictObject({
  ruleId: z.string().max(120),
  category: z.enum(CATEGORY_IDS),
  language: z.enum(LANGUAGES),
  weight: z.number().min(0).max(10),
  /** Offsets into `text` (UTF-16 code units, end exclusive), after redaction. */
  start: z.number().int().min(0),
  end: z.number().int().min(0),
  /** `text.slice(start, end)`: the words that raised the flag. */
  matched: z.string(),
});
export type ReportFinding = z.infer<typeof ReportFindingSchema>;

export const ReportRedactionSchema = z.strictObject({
  /** Offsets of the placeholder (`[name]`, `[phone]`, `[email]`) in `text`, end exclusive. */
  start: z.number().int().min(0),
  end: z.number().int().min(0),
  kind: z.enum(['name', 'phone', 'email']),
});

/** Where a stored excerpt comes from: the whole text's length and SHA-256, and the excerpt's offset in it. */
export const ReportOriginalSchema = z.strictObject({
  length: z.number().int().min(0),
  sha256: Sha256Hex,
  start: z.number().int().min(0),
});

/** A later version of a message: the chat app showed the same message with another text after it was stored. */
export const ReportEditSchema = z.strictObject({
  seenAt: IsoDate.describe('when Not Alone read this version'),
  text: z.string(),
  flagged: z.boolean(),
  findings: z.array(ReportFindingSchema),
  original: ReportOriginalSchema.optional(),
  picture: PictureNumber.optional(),
});
export type ReportEdit = z.infer<typeof ReportEditSchema>;

export const ReportMessageSchema = z.strictObject({
  /** Position among the conversation's stored messages (0-based); gaps are messages left out of the context. */
  index: z.number().int().min(0),
  id: z.string().min(1).max(300),
  from: Direction.describe('self: written by the person the extension protects; other: by someone else'),
  sender: z.string().nullable().describe('display name shown by the chat app, when it showed one'),
  sentAt: IsoDate.nullable().describe('time the chat app showed for the message, when it showed one'),
  seenAt: IsoDate.describe('when Not Alone first read the message'),
  /** The text as first stored (an edit never replaces it: see `edits`). */
  text: z.string(),
  /** Whether this or any later version had warning signs. */
  flagged: z.boolean(),
  /** The findings in `text`. */
  findings: z.array(ReportFindingSchema),
  /** Present when `text` is an excerpt of a longer message. */
  original: ReportOriginalSchema.optional(),
  /**
   * Present when the message was edited after it was stored: every later version, oldest first. An edit that
   * removes the warning signs is itself evidence. Covered by the report's content hash, not by `sha256`.
   */
  edits: z.array(ReportEditSchema).optional(),
  /** The picture the header showed when the message was first read. Covered by the content hash, not by `sha256`. */
  picture: PictureNumber.optional(),
  /** SHA-256 of this message record (see integrity.ts `messageRecordHash`). */
  sha256: Sha256Hex,
  /** Only on a message the export changed: where it hid something. */
  redactions: z.array(ReportRedactionSchema).optional(),
  /**
   * Only on a message the export changed: the record hash of the message as it was stored (text, sender and
   * finding offsets before redaction), so the original on the device can still be matched to this report.
   */
  originalSha256: Sha256Hex.optional(),
});
export type ReportMessage = z.infer<typeof ReportMessageSchema>;

export const ReportParticipantSchema = z.strictObject({
  role: Direction,
  /** Display name from the chat app; null when it showed none (the user's own side often has none). */
  name: z.string().nullable(),
  messageCount: z.number().int().min(0),
});
export type ReportParticipant = z.infer<typeof ReportParticipantSchema>;

export const TimelinePointSchema = z.strictObject({
  /** `index` of the message after which the risk was measured. */
  messageIndex: z.number().int().min(0),
  at: IsoDate.nullable(),
  score: z.number().min(0),
  level: z.enum(RISK_LEVELS),
});
export type TimelinePoint = z.infer<typeof TimelinePointSchema>;

export const ReportReasonSchema = z.strictObject({
  category: z.enum(CATEGORY_IDS),
  ruleId: z.string().max(120),
  messageId: z.string().max(300),
  matched: z.string(),
  from: Direction,
  contribution: z.number(),
});

/** The known manipulation script a conversation follows (rules/scripts), as far as it has shown. */
export const ReportPatternSchema = z.strictObject({
  /** The script's id (rules/scripts/<id>.yaml), e.g. `online-kidnapping`. */
  script: z.string().min(1).max(100),
  /** Its name in the report's language. */
  name: z.string(),
  /** The steps seen, in the order they first appeared: where (`messageId`) and who said it. */
  steps: z
    .array(
      z.strictObject({
        step: z.string().min(1).max(100),
        name: z.string(),
        messageId: z.string().min(1).max(300),
        from: Direction,
      }),
    )
    .max(20),
  /** How many steps the script has. */
  total: z.number().int().min(1).max(20),
});
export type ReportPattern = z.infer<typeof ReportPatternSchema>;

export const ReportConversationSchema = z.strictObject({
  key: z.string().min(1).max(400),
  site: z.string().min(1).max(100),
  title: z.string(),
  /**
   * Present when the conversation was shown under more than one title (a chat renamed to look like another one):
   * every title, oldest first, with when it was first seen.
   */
  titles: z.array(z.strictObject({ title: z.string(), at: IsoDate })).optional(),
  /**
   * Present when the chat app shows no id for this conversation, so it is stored under its display name (WhatsApp,
   * Zalo): every profile picture its header showed, in the order first seen, as a fingerprint (the first 16 hex
   * digits of the SHA-256 of the picture's address, never the address). None: another chat that took the same name
   * could not be told apart. Two or more: another chat may have taken this one's name (or the person changed their
   * picture), and every message says under which picture it was read (`picture`).
   */
  keyedByName: z
    .strictObject({
      pictures: z.array(z.strictObject({ number: z.number().int().min(1), fingerprint: z.string().regex(/^[0-9a-f]{16}$/), firstSeen: IsoDate })),
    })
    .optional(),
  url: z.string(),
  firstSeen: IsoDate,
  lastUpdated: IsoDate,
  /** The user pressed "Save for a report" on this conversation. */
  savedByUser: z.boolean(),
  level: z.enum(RISK_LEVELS),
  peakLevel: z.enum(RISK_LEVELS),
  score: z.number(),
  categories: z.array(z.enum(CATEGORY_IDS)),
  /** Only when the conversation follows a known script (schema version 3). */
  pattern: ReportPatternSchema.optional(),
  reasons: z.array(ReportReasonSchema),
  participants: z.array(ReportParticipantSchema),
  storedMessageCount: z.number().int().min(0),
  /** Present when messages with warning signs were not kept because this conversation used up its share of storage. */
  notKept: z.strictObject({ messages: z.number().int().min(1), since: IsoDate }).optional(),
  /** Stored messages left out because they were further from a flagged message than `settings.contextMessages`. */
  omittedMessageCount: z.number().int().min(0),
  messages: z.array(ReportMessageSchema),
  /**
   * Conversation risk after each stored message, recomputed from the stored findings (long conversations sampled to
   * about 400 points, always keeping the first, the last and every flagged message).
   */
  timeline: z.array(TimelinePointSchema),
});
export type ReportConversation = z.infer<typeof ReportConversationSchema>;

export const RedactionSettingsSchema = z.strictObject({
  /** The user's own name(s) were replaced by `[name]` (the names themselves are never written to the report). */
  ownName: z.boolean(),
  /** Where names were hidden: the user's own messages and sender label only (default), or every message. */
  nameScope: z.enum(['self', 'all']).optional(),
  phones: z.boolean(),
  emails: z.boolean(),
  /** Where phone numbers and e-mail addresses were hidden: the user's own messages only, or every message. */
  scope: z.enum(['self', 'all']),
});
export type RedactionSettings = z.infer<typeof RedactionSettingsSchema>;

export const ReportIntegritySchema = z.strictObject({
  algorithm: z.literal('SHA-256'),
  canonicalization: z.literal(CANONICALIZATION),
  /** SHA-256 of the canonical JSON of the report without `integrity`. */
  contentSha256: Sha256Hex,
});

export const ReportSchema = z
  .strictObject({
    format: z.literal(REPORT_FORMAT),
    schemaVersion: z.union([z.literal(1), z.literal(2), z.literal(3)]),
    generatedAt: IsoDate,
    generator: z.strictObject({
      name: z.literal('not-alone'),
      kind: z.enum(['extension', 'cli']),
      version: z.string().max(40),
    }),
    /** Language of the printable report and of the labels; message text is never translated. */
    language: z.enum(['en', 'vi']),
    /** IANA time zone the printable report shows times in (timestamps in this file are UTC). */
    timeZone: z.string().max(64),
    settings: z.strictObject({
      /** Messages kept around each flagged message; null means every stored message. */
      contextMessages: z.number().int().min(0).nullable(),
      sensitivity: z.enum(SENSITIVITIES),
      redaction: RedactionSettingsSchema.nullable(),
    }),
    summary: z.strictObject({
      conversations: z.number().int().min(0),
      messages: z.number().int().min(0),
      flaggedMessages: z.number().int().min(0),
      highestLevel: z.enum(RISK_LEVELS),
      from: IsoDate.nullable(),
      to: IsoDate.nullable(),
    }),
    conversations: z.array(ReportConversationSchema),
    integrity: ReportIntegritySchema,
  })
  .describe('Not Alone report export (JSON). See docs/report-format.md.');
export type Report = z.infer<typeof ReportSchema>;
export type ReportContent = Omit<Report, 'integrity'>;
