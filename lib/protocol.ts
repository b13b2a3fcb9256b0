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

export const ProtocolMessageSchema = z.discriminatedUnion('type', [ScanReportSchema, SaveForReportSchema, ConversationShownSchema, DeleteConversationsSchema, StartContentScriptSchema]);

export type ScanReport = z.infer<typeof ScanReportSchema>;
export type SaveForReport = z.infer<typeof SaveForReportSchema>;
export type ConversationShown = z.infer<typeof ConversationShownSchema>;
export type DeleteConversations = z.infer<typeof DeleteConversationsSchema>;
export type StartContentScript = z.infer<typeof StartContentScriptSchema>;
export type ProtocolMessage = z.infer<typeof ProtocolMessageSchema>;

export type ProtocolResponse = { ok: true } | { ok: false; error: string };
