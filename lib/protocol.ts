/**
 * The one message protocol between extension parts. Content scripts run inside hostile pages, so everything they
 * send is validated against these schemas in the background; unknown types are dropped.
 *
 * The content script only reads the page: it sends the messages of the open conversation to the background
 * ('analyze-messages'), which analyses them with the detection engine, stores what is worth keeping, badges the tab
 * and answers with the conversation's risk, whether to warn, and which messages were flagged.
 */
import { z } from 'zod';
import { DISMISSAL_KINDS } from './storage/limits';
import { RISK_LEVELS, SENSITIVITIES } from './engine/taxonomy';
import type { ConversationRisk, Finding } from './engine/types';
import { MAX_AVATAR_CHARS, MAX_ID_CHARS, MAX_MESSAGE_CHARS, MAX_MESSAGES_PER_REQUEST, MAX_REQUEST_CHARS, MAX_SENDER_CHARS } from './protocol-limits';
import type { TimelinePoint } from './report/schema';
import { ConversationRefSchema, type ContentSettings } from './storage/schema';

export * from './protocol-limits';

/**
 * `<site>:<conversation id>`, as the content script builds it (lib/content/page-scanner.ts). The site prefix also
 * keeps a key from ever naming an Object.prototype member ("__proto__", "constructor"): stored conversations are a
 * plain object keyed by it (tests/unit/trust-background.test.ts).
 */
export const ConversationKeySchema = z
  .string()
  .min(3)
  .max(400)
  .regex(/^[a-z0-9][a-z0-9-]{0,99}:[\s\S]/, 'a conversation key is "<site>:<id>"');

/**
 * The open conversation, as the content script sees it; its key must belong to its site. `avatar` is the address of
 * the header's profile picture for a conversation keyed by its name (`ConversationInfo.avatar`): the background keeps
 * only its fingerprint (lib/storage/pictures.ts).
 */
export const ConversationSchema = ConversationRefSchema.extend({ key: ConversationKeySchema, avatar: z.string().min(1).max(MAX_AVATAR_CHARS).optional() }).refine(
  (c) => c.key.startsWith(`${c.site}:`),
  { message: 'the key belongs to another site' },
);
export type PageConversation = z.infer<typeof ConversationSchema>;

/** One message read from the page (`ExtractedMessage`, lib/sites/types.ts). */
export const PageMessageSchema = z.strictObject({
  id: z.string().min(1).max(MAX_ID_CHARS),
  from: z.enum(['self', 'other']),
  text: z.string().max(MAX_MESSAGE_CHARS),
  ts: z.number().optional(),
  sender: z.string().max(MAX_SENDER_CHARS).optional(),
});
export type PageMessage = z.infer<typeof PageMessageSchema>;

/**
 * From a content script: analyse these messages of the open conversation (in page order, new or changed ones). A
 * `scanId` names one scan of a content script (random, new for each run and after each 'resync'); `seq` counts its
 * requests from 0. A request with `seq` > 0 for a scan the background does not know (its service worker was
 * restarted, or the settings changed) is answered with `resync`: the content script then scans the page again
 * under a new scanId.
 */
export const AnalyzeMessagesSchema = z.strictObject({
  type: z.literal('analyze-messages'),
  scanId: z.string().min(1).max(64),
  seq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  conversation: ConversationSchema,
  messages: z
    .array(PageMessageSchema)
    .max(MAX_MESSAGES_PER_REQUEST)
    .refine((messages) => messages.reduce((sum, m) => sum + m.text.length, 0) <= MAX_REQUEST_CHARS, {
      message: `at most ${MAX_REQUEST_CHARS} characters of text per request`,
    }),
});

export const SaveForReportSchema = z.strictObject({
  type: z.literal('save-for-report'),
  conversationKey: ConversationKeySchema,
});

/** The conversation now open in the tab, or null when the page shows none. The background knows its risk. */
export const ConversationShownSchema = z.strictObject({
  type: z.literal('conversation-shown'),
  conversationKey: ConversationKeySchema.nullable(),
});

/** From the report page only (the background checks the sender is an extension page): delete stored evidence. */
export const DeleteConversationsSchema = z.strictObject({
  type: z.literal('delete-conversations'),
  keys: z.union([z.literal('all'), z.array(z.string().min(1).max(400)).min(1).max(10_000)]),
});

/** Conversations per 'risk-timelines' request (each answer holds up to MAX_TIMELINE_POINTS points a conversation). */
export const MAX_TIMELINE_KEYS = 200;

/**
 * From the report page only (an extension page, checked like 'delete-conversations'): the risk after each stored
 * message of these conversations, worked out by the background's engine (script steps and the context model
 * included, which the report page does not load), so the report's chart agrees with the warnings the user saw.
 */
export const RiskTimelinesSchema = z.strictObject({
  type: z.literal('risk-timelines'),
  keys: z.array(z.string().min(1).max(400)).min(1).max(MAX_TIMELINE_KEYS),
  sensitivity: z.enum(SENSITIVITIES),
});

/**
 * From the chat launcher (entrypoints/chat-launcher.content.ts), on a site whose messages open without a page load:
 * the address just became a chat page, start the real content script in this frame. The background checks the
 * sender's own address (not anything in the message) before it injects.
 */
export const StartContentScriptSchema = z.strictObject({
  type: z.literal('start-content-script'),
});

/**
 * From the content script: the few settings it needs (lib/content/storage.ts). It has no access to storage itself:
 * the background restricts `storage.local` to the extension's own pages and worker where the browser allows it
 * (`setAccessLevel`), so a compromised content script cannot read the stored evidence (issue 15).
 */
export const GetContentSettingsSchema = z.strictObject({
  type: z.literal('get-content-settings'),
});

/** From the content script: the user closed a warning, and how (shown back to them on the report page). */
export const RecordDismissalSchema = z.strictObject({
  type: z.literal('record-dismissal'),
  conversationKey: ConversationKeySchema,
  level: z.enum(RISK_LEVELS),
  kind: z.enum(DISMISSAL_KINDS),
});

export const ProtocolMessageSchema = z.discriminatedUnion('type', [
  AnalyzeMessagesSchema,
  SaveForReportSchema,
  ConversationShownSchema,
  DeleteConversationsSchema,
  StartContentScriptSchema,
  GetContentSettingsSchema,
  RecordDismissalSchema,
  RiskTimelinesSchema,
]);

export type AnalyzeMessages = z.infer<typeof AnalyzeMessagesSchema>;
export type SaveForReport = z.infer<typeof SaveForReportSchema>;
export type ConversationShown = z.infer<typeof ConversationShownSchema>;
export type DeleteConversations = z.infer<typeof DeleteConversationsSchema>;
export type StartContentScript = z.infer<typeof StartContentScriptSchema>;
export type GetContentSettings = z.infer<typeof GetContentSettingsSchema>;
export type RecordDismissal = z.infer<typeof RecordDismissalSchema>;
export type RiskTimelines = z.infer<typeof RiskTimelinesSchema>;
export type ProtocolMessage = z.infer<typeof ProtocolMessageSchema>;

/** A message the background flagged, with its findings (offsets into the text as sent). */
export interface FlaggedMessage {
  id: string;
  findings: Finding[];
}

/** What the background decided after analysing an 'analyze-messages' request. */
export interface MessageAnalysis {
  /** The conversation's risk after these messages. */
  risk: ConversationRisk;
  /** The conversation just reached a warning level higher than any warned about before: show the banner. */
  warn: boolean;
  /** The messages of this request that carry findings. */
  flagged: FlaggedMessage[];
}

/** The background's answer to 'analyze-messages'. */
export type AnalyzeResponse = { ok: true; analysis: MessageAnalysis } | { ok: true; resync: true } | { ok: false; error: string };

/** The background's answer to 'get-content-settings': the settings in effect (the administrator's policy applied). */
export type ContentSettingsResponse = { ok: true; settings: ContentSettings } | { ok: false; error: string };

/** The background's answer to 'risk-timelines': a timeline for each requested key that is stored. */
export type RiskTimelinesResponse = { ok: true; timelines: Record<string, TimelinePoint[]> } | { ok: false; error: string };

export type ProtocolResponse = { ok: true } | AnalyzeResponse | ContentSettingsResponse | RiskTimelinesResponse | { ok: false; error: string };
