/**
 * The one message protocol between extension parts. Content scripts run inside hostile pages, so everything they
 * send is validated against these schemas in the background; unknown types are dropped.
 */
import { z } from 'zod';
import { ConversationRefSchema, RiskSchema, StoredMessageSchema } from './storage/schema';

export const MAX_MESSAGES_PER_REPORT = 500;

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

export const ScanReportSchema = z.strictObject({
  type: z.literal('scan-report'),
  conversation: ConversationRefSchema.extend({ key: ConversationKeySchema }).refine((c) => c.key.startsWith(`${c.site}:`), {
    message: 'the key belongs to another site',
  }),
  /** New or changed messages worth keeping: flagged ones and their context. */
  messages: z.array(StoredMessageSchema).max(MAX_MESSAGES_PER_REPORT),
  risk: RiskSchema,
});

export const SaveForReportSchema = z.strictObject({
  type: z.literal('save-for-report'),
  conversationKey: ConversationKeySchema,
});

export const ConversationShownSchema = z.strictObject({
  type: z.literal('conversation-shown'),
  /** The conversation now open in the tab, or null when the page shows none. */
  conversationKey: ConversationKeySchema.nullable(),
  risk: RiskSchema.nullable(),
});

/** From the report page only (the background checks the sender is an extension page): delete stored evidence. */
export const DeleteConversationsSchema = z.strictObject({
  type: z.literal('delete-conversations'),
  keys: z.union([z.literal('all'), z.array(z.string().min(1).max(400)).min(1).max(10_000)]),
});

/**
 * From the chat launcher (entrypoints/chat-launcher.content.ts), on a site whose messages open without a page load:
 * the address just became a chat page, start the real content script in this frame. The background checks the
 * sender's own address (not anything in the message) before it injects.
 */
export const StartContentScriptSchema = z.strictObject({
  type: z.literal('start-content-script'),
});

/** Texts per 'parse-sentences' request, and characters per text (the engine's analysis window, WINDOW_CHARS). */
export const MAX_PARSE_TEXTS = 20;
export const MAX_PARSE_TEXT_CHARS = 4000;

/**
 * From a content script: parse these texts into sentences for the grammar checks (lib/engine/grammar.ts). The
 * content script does not load the parser itself (compromise stalls a chat page for ~150 ms); the background does.
 */
export const ParseSentencesSchema = z.strictObject({
  type: z.literal('parse-sentences'),
  texts: z.array(z.string().min(1).max(MAX_PARSE_TEXT_CHARS)).min(1).max(MAX_PARSE_TEXTS),
});

/** An offset into a parsed text. Every sentence, clause and negation covers at least one character of the text. */
const TextOffsetSchema = z.number().int().min(0).max(MAX_PARSE_TEXT_CHARS);
const SpanSchema = z.strictObject({ start: TextOffsetSchema, end: TextOffsetSchema }).refine((span) => span.start <= span.end, {
  message: 'a span ends after it starts',
});

/** `SentenceFacts` (lib/engine/grammar.ts) as it crosses from the background to a content script. */
export const SentenceFactsSchema = z
  .strictObject({
    start: TextOffsetSchema,
    end: TextOffsetSchema,
    isQuestion: z.boolean(),
    clauses: z.array(SpanSchema).max(MAX_PARSE_TEXT_CHARS),
    negations: z.array(TextOffsetSchema).max(MAX_PARSE_TEXT_CHARS),
  })
  .refine((sentence) => sentence.start <= sentence.end, { message: 'a sentence ends after it starts' });

/** The background's answer to 'parse-sentences': one list of sentences per text, in the order asked. */
export const ParseSentencesResponseSchema = z.strictObject({
  ok: z.literal(true),
  sentences: z.array(z.array(SentenceFactsSchema).max(MAX_PARSE_TEXT_CHARS)).max(MAX_PARSE_TEXTS),
});

export const ProtocolMessageSchema = z.discriminatedUnion('type', [
  ScanReportSchema,
  SaveForReportSchema,
  ConversationShownSchema,
  DeleteConversationsSchema,
  StartContentScriptSchema,
  ParseSentencesSchema,
]);

export type ScanReport = z.infer<typeof ScanReportSchema>;
export type SaveForReport = z.infer<typeof SaveForReportSchema>;
export type ConversationShown = z.infer<typeof ConversationShownSchema>;
export type DeleteConversations = z.infer<typeof DeleteConversationsSchema>;
export type StartContentScript = z.infer<typeof StartContentScriptSchema>;
export type ParseSentences = z.infer<typeof ParseSentencesSchema>;
export type ParseSentencesResponse = z.infer<typeof ParseSentencesResponseSchema>;
export type ProtocolMessage = z.infer<typeof ProtocolMessageSchema>;

export type ProtocolResponse = { ok: true } | ParseSentencesResponse | { ok: false; error: string };
