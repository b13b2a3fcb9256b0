/**
 * Shapes of everything the extension stores, as zod schemas. Storage is untrusted on read (an older version, a
 * half-written record or a hand-edited profile): every read goes through these schemas, and what fails is reported,
 * never silently dropped together with what is still valid.
 */
import { z } from 'zod';
import { CATEGORY_IDS, LANGUAGES, RISK_LEVELS, SENSITIVITIES } from '../engine/taxonomy';
import type { ConversationRisk } from '../engine/types';
import { DISMISSAL_KINDS, MAX_DISMISSALS } from './limits';

export const MAX_TEXT = 20_000;
/**
 * Characters of a message's text kept in storage (storage v3). A longer text keeps an excerpt (around its first
 * finding) with the length and SHA-256 of the whole text (`original`): one flood of 20,000-character messages cannot
 * fill storage, and the excerpt can still be matched against the original.
 */
export const MAX_STORED_TEXT = 2_000;

export const FindingSchema = z.object({
  ruleId: z.string().max(120),
  category: z.enum(CATEGORY_IDS),
  language: z.enum(LANGUAGES),
  weight: z.number().min(0).max(10),
  start: z.number().int().min(0),
  end: z.number().int().min(0),
  matched: z.string().max(2000),
  adviceKey: z.string().max(60),
  selfCompliance: z.boolean(),
  evidence: z.enum(['talk', 'doubt', 'disclosure']).optional(),
  /** The cue began in the sender's previous message ("dont tell" … "ur parents"). */
  continues: z.boolean().optional(),
});

/** The whole text a stored excerpt was cut from (storage v3): its length, its SHA-256 and where the excerpt starts. */
export const OriginalTextSchema = z.object({
  length: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** Offset of the stored excerpt in the whole text (findings are offsets into the excerpt). */
  start: z.number().int().min(0),
});
export type OriginalText = z.infer<typeof OriginalTextSchema>;

/**
 * The fingerprint of a profile picture a chat's header showed (lib/storage/pictures.ts `pictureFingerprint`): the
 * first 16 hex digits of the SHA-256 of its address, never the address.
 */
export const PictureFingerprintSchema = z.string().regex(/^[0-9a-f]{16}$/, 'a picture fingerprint is 16 lowercase hex digits');

/** One later version of a stored message: the chat app showed the same message id with another text (an edit). */
export const MessageEditSchema = z.object({
  text: z.string().max(MAX_TEXT),
  findings: z.array(FindingSchema).max(100),
  /** When the extension read this version (ms). */
  seenAt: z.number(),
  original: OriginalTextSchema.optional(),
  /** The picture the chat's header showed when this version was read (name-keyed conversations only, when shown). */
  picture: PictureFingerprintSchema.optional(),
});
export type MessageEdit = z.infer<typeof MessageEditSchema>;

/** Later versions kept per message at most: the first one (the evidence) and the latest stay whatever happens. */
export const MAX_EDITS = 20;

export const StoredMessageSchema = z.object({
  id: z.string().min(1).max(300),
  from: z.enum(['self', 'other']),
  /** The text as first stored. An edit never replaces it: it goes to `edits` (storage v3). */
  text: z.string().max(MAX_TEXT),
  ts: z.number().optional(),
  sender: z.string().max(300).optional(),
  findings: z.array(FindingSchema).max(100),
  /** When the extension first saw the message (ms). */
  seenAt: z.number(),
  /** Set when `text` is an excerpt of a longer text (storage v3). */
  original: OriginalTextSchema.optional(),
  /** Later versions of the message (edits made after it was stored), oldest first (storage v3). */
  edits: z.array(MessageEditSchema).max(MAX_EDITS).optional(),
  /**
   * The picture the chat's header showed when the message was first read: only in a conversation keyed by its name
   * (lib/storage/pictures.ts), and only when the header showed one.
   */
  picture: PictureFingerprintSchema.optional(),
});
export type StoredMessage = z.infer<typeof StoredMessageSchema>;

/** A title the conversation was shown under, and when it was first seen under it (storage v3). */
export const TitleChangeSchema = z.object({ title: z.string().max(300), at: z.number() });
export type TitleChange = z.infer<typeof TitleChangeSchema>;
export const MAX_TITLES = 20;

/** A profile picture a name-keyed conversation was shown with, and when it was first seen with it. */
export const PictureSeenSchema = z.object({ fingerprint: PictureFingerprintSchema, at: z.number() });
export type PictureSeen = z.infer<typeof PictureSeenSchema>;
export const MAX_PICTURES = 20;

export const RiskReasonSchema = z.object({
  category: z.enum(CATEGORY_IDS),
  ruleId: z.string().max(120),
  messageId: z.string().max(300),
  matched: z.string().max(2000),
  from: z.enum(['self', 'other']),
  contribution: z.number(),
});

/** The known script a conversation follows (lib/engine/scripts.ts `ScriptProgress`). */
export const ScriptProgressSchema = z.object({
  script: z.string().max(100),
  steps: z.array(z.object({ step: z.string().max(100), messageId: z.string().max(300), from: z.enum(['self', 'other']) })).max(20),
  total: z.number().int().min(1).max(20),
});

export const RiskSchema = z.object({
  level: z.enum(RISK_LEVELS),
  score: z.number(),
  alert: z.boolean(),
  categories: z.array(z.enum(CATEGORY_IDS)).max(12),
  reasons: z.array(RiskReasonSchema).max(50),
  pattern: ScriptProgressSchema.optional(),
  ordinaryContext: z.number().min(0).max(1).optional(),
  riskyContext: z.number().min(0).max(1).optional(),
});

export const ConversationRefSchema = z.object({
  /** `<site>:<conversation id>`, unique across sites. */
  key: z.string().min(1).max(400),
  site: z.string().min(1).max(100),
  title: z.string().max(300),
  url: z.string().max(2000),
});
export type ConversationRef = z.infer<typeof ConversationRefSchema>;

export const StoredConversationSchema = ConversationRefSchema.extend({
  firstSeen: z.number(),
  updatedAt: z.number(),
  risk: RiskSchema,
  /** The highest level this conversation ever reached (warnings are shown once per rise). */
  peakLevel: z.enum(RISK_LEVELS),
  /** The user pressed "Save for a report": kept until they delete it, whatever the retention. */
  saved: z.boolean(),
  /**
   * When they pressed it (ms), null when not saved. Added in storage v2 (migrations/002-conversations-saved-at.ts
   * fills it in for stored v1 records); optional so conversations built outside storage (the CLI) may leave it out.
   */
  savedAt: z.number().nullable().optional(),
  /**
   * Every title the conversation was shown under, oldest first (storage v3): a chat renamed to look like another
   * ("Mẹ") under the same key is visible in the report instead of silently merging.
   */
  titles: z.array(TitleChangeSchema).max(MAX_TITLES).optional(),
  /**
   * For a conversation keyed by its display name (the app shows no chat id): every profile picture its header showed,
   * in the order first seen (lib/storage/pictures.ts). Two or more: another chat may have taken this one's name.
   */
  pictures: z.array(PictureSeenSchema).max(MAX_PICTURES).optional(),
  /**
   * Messages with warning signs this conversation could not keep because it used up its share of storage
   * (`CONVERSATION_BUDGET_BYTES`, lib/storage/conversations.ts), and since when (storage v3).
   */
  overBudget: z.object({ messages: z.number().int().min(0), since: z.number() }).optional(),
  messages: z.array(StoredMessageSchema),
});
export type StoredConversation = z.infer<typeof StoredConversationSchema>;

export const SettingsSchema = z.object({
  sensitivity: z.enum(SENSITIVITIES),
  disabledCategories: z.array(z.enum(CATEGORY_IDS)),
  languages: z.array(z.enum(LANGUAGES)).min(1),
  retentionDays: z.number().int().min(1).max(3650),
  uiLanguage: z.enum(['auto', 'en', 'vi']),
  /** Site (host) → paused until (ms). */
  pausedSites: z.record(z.string(), z.number()),
  /** Hosts the user turned on with "Watch this site". */
  watchedSites: z.array(z.string().max(253)),
  /** Messages kept around each flagged message as context. */
  contextMessages: z.number().int().min(0).max(50),
});
export type Settings = z.infer<typeof SettingsSchema>;

/** The settings the content script needs (lib/content/storage.ts), which the background sends it. */
export type ContentSettings = Pick<Settings, 'uiLanguage' | 'pausedSites' | 'watchedSites'>;

export const DEFAULT_SETTINGS: Settings = {
  sensitivity: 'balanced',
  disabledCategories: [],
  languages: ['en', 'vi'],
  retentionDays: 30,
  uiLanguage: 'auto',
  pausedSites: {},
  watchedSites: [],
  contextMessages: 5,
};

/**
 * A warning the user closed, and how ("I'm OK", × or Escape; `unknown` before storage v2): shown back to the user on
 * the report page, never sent anywhere.
 */
export const DismissalSchema = z.object({
  level: z.enum(RISK_LEVELS),
  at: z.number(),
  kind: z.enum(DISMISSAL_KINDS),
});
export type Dismissal = z.infer<typeof DismissalSchema>;

/** Conversation key → its dismissals, oldest first (at most MAX_DISMISSALS each). */
export const DismissalsSchema = z.record(z.string().min(1).max(400), z.array(DismissalSchema).max(MAX_DISMISSALS));
export type Dismissals = z.infer<typeof DismissalsSchema>;
export { MAX_DISMISSALS };

/** The parental PIN, derived with PBKDF2 (lib/settings/pin.ts); the PIN itself is never stored. */
export const PinLockSchema = z.object({
  algorithm: z.literal('PBKDF2-SHA-256'),
  iterations: z.number().int().min(100_000).max(10_000_000),
  /** base64 */
  salt: z.string().min(16).max(200),
  /** base64 of the 32-byte derived key */
  hash: z.string().min(40).max(200),
  createdAt: z.number(),
  /** The shortest PIN allowed when it was set (6 since issue 15; missing on older locks, whose PIN may be 4 digits). */
  minLength: z.number().int().min(1).max(64).optional(),
});
export type PinLock = z.infer<typeof PinLockSchema>;

/** What the popup shows for a tab (`session:tab-states`): the conversation open in it and its risk. */
export interface TabState {
  conversationKey: string;
  risk: ConversationRisk;
  /** Messages of the open conversation whose analysis was cut short (the popup says so). */
  truncated?: number;
}
