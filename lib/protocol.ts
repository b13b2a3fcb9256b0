/**
 * The one message protocol between extension parts. Content scripts run inside hostile pages, so everything they
 * send is validated against these schemas in the background; unknown types are dropped.
 */
import { z } from 'zod';
import { ConversationRefSchema, RiskSchema, StoredMessageSchema } from './storage/schema';

export const MAX_MESSAGES_PER_REPORT = 500;

export const ScanReportSchema = z.strictObject({
  type: z.literal('scan-report'),
  conversation: ConversationRefSchema,
  /** New or changed messages worth keeping: flagged ones and their context. */
  messages: z.array(StoredMessageSchema).max(MAX_MESSAGES_PER_REPORT),
  risk: RiskSchema,
});

export const SaveForReportSchema = z.strictObject({
  type: z.literal('save-for-report'),
  conversationKey: z.string().min(1).max(400),
});

export const ConversationShownSchema = z.strictObject({
  type: z.literal('conversation-shown'),
  /** The conversation now open in the tab, or null when the page shows none. */
  conversationKey: z.string().min(1).max(400).nullable(),
  risk: RiskSchema.nullable(),
});

/** From the report page only (the background checks the sender is an extension page): delete stored evidence. */
export const DeleteConversationsSchema = z.strictObject({
  type: z.literal('delete-conversations'),
  keys: z.union([z.literal('all'), z.array(z.string().min(1).max(400)).min(1).max(10_000)]),
});

export const ProtocolMessageSchema = z.discriminatedUnion('type', [ScanReportSchema, SaveForReportSchema, ConversationShownSchema, DeleteConversationsSchema]);

export type ScanReport = z.infer<typeof ScanReportSchema>;
export type SaveForReport = z.infer<typeof SaveForReportSchema>;
export type ConversationShown = z.infer<typeof ConversationShownSchema>;
export type DeleteConversations = z.infer<typeof DeleteConversationsSchema>;
export type ProtocolMessage = z.infer<typeof ProtocolMessageSchema>;

export type ProtocolResponse = { ok: true } | { ok: false; error: string };
