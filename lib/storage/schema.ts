/**
 * Shapes of everything the extension stores, as zod schemas. Storage is untrusted on read (an older version, a
 * half-written record or a hand-edited profile): every read goes through these schemas, and what fails is reported,
 * never silently dropped together with what is still valid.
 */
import { z } from 'zod';
import { CATEGORY_IDS, LANGUAGES, RISK_LEVELS, SENSITIVITIES } from '../engine/taxonomy';
import { MAX_DISMISSALS } from './limits';

export const MAX_TEXT = 20_000;

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
});

export const StoredMessageSchema = z.object({
  id: z.string().min(1).max(300),
  from: z.enum(['self', 'other']),
  text: z.string().max(MAX_TEXT),
  ts: z.number().optional(),
  sender: z.string().max(300).optional(),
  findings: z.array(FindingSchema).max(100),
  /** When the extension first saw the message (ms). */
  seenAt: z.number(),
});
export type StoredMessage = z.infer<typeof StoredMessageSchema>;

export const RiskReasonSchema = z.object({
  category: z.enum(CATEGORY_IDS),
  ruleId: z.string().max(120),
  messageId: z.string().max(300),
  matched: z.string().max(2000),
  from: z.enum(['self', 'other']),
  contribution: z.number(),
});

export const RiskSchema = z.object({
  level: z.enum(RISK_LEVELS),
  score: z.number(),
  alert: z.boolean(),
  categories: z.array(z.enum(CATEGORY_IDS)).max(12),
  reasons: z.array(RiskReasonSchema).max(50),
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

/** One press of "I'm OK" on a warning: shown back to the user on the report page, never sent anywhere. */
export const DismissalSchema = z.object({
  level: z.enum(RISK_LEVELS),
  at: z.number(),
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
