/** Validating what storage returned (pure, no `browser.*`): shared by extension pages, scripts and tests. */
import { type z } from 'zod';
import type { ConversationMap } from './conversations';
import { DEFAULT_SETTINGS, DismissalSchema, SettingsSchema, StoredConversationSchema, StoredMessageSchema, type Dismissals, type Settings } from './schema';

export interface LoadResult<T> {
  value: T;
  /** Human-readable descriptions of what could not be read. */
  problems: string[];
}

/** What a read of the stored conversations could not keep (counts only: no names, safe to keep as a notice). */
export interface ConversationLoss {
  conversations: number;
  messages: number;
}

const ConversationShellSchema = StoredConversationSchema.omit({ messages: true });

/**
 * Validate stored conversations record by record, and inside a record message by message: a half-written or damaged
 * message costs only itself, so every flagged message that still validates is kept. What could not be read is
 * described in `problems` and counted in `lost`.
 */
export function parseConversations(raw: unknown): LoadResult<ConversationMap> & { lost: ConversationLoss } {
  const problems: string[] = [];
  const value: ConversationMap = {};
  const lost: ConversationLoss = { conversations: 0, messages: 0 };
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    if (raw !== undefined && raw !== null) {
      problems.push('stored conversations were not an object and were reset');
      lost.conversations++;
    }
    return { value, problems, lost };
  }
  for (const [key, record] of Object.entries(raw as Record<string, unknown>)) {
    const label = key.slice(0, 80);
    const parsed = StoredConversationSchema.safeParse(record);
    if (parsed.success && parsed.data.key === key) {
      value[key] = parsed.data;
      continue;
    }
    // Keep what still validates: the conversation itself and each readable message.
    const shell = ConversationShellSchema.safeParse(record);
    const messages = (record as { messages?: unknown } | null)?.messages;
    if (shell.success && shell.data.key === key && Array.isArray(messages)) {
      const kept = messages.flatMap((message) => {
        const m = StoredMessageSchema.safeParse(message);
        return m.success ? [m.data] : [];
      });
      const dropped = messages.length - kept.length;
      value[key] = { ...shell.data, messages: kept };
      lost.messages += dropped;
      problems.push(`${dropped} message(s) of conversation "${label}" could not be read and were set aside`);
      continue;
    }
    lost.conversations++;
    problems.push(`conversation "${label}" could not be read and was set aside`);
  }
  return { value, problems, lost };
}

export function parseSettings(raw: unknown): LoadResult<Settings> {
  const merged = { ...DEFAULT_SETTINGS, ...(raw && typeof raw === 'object' ? (raw) : {}) };
  const parsed = SettingsSchema.safeParse(merged);
  if (parsed.success) return { value: parsed.data, problems: [] };
  // Keep every field that is valid on its own; reset only the broken ones.
  const value: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  const problems: string[] = [];
  const shape = SettingsSchema.shape as Record<string, z.ZodType>;
  for (const [field, schema] of Object.entries(shape)) {
    const result = schema.safeParse((merged as Record<string, unknown>)[field]);
    if (result.success) value[field] = result.data;
    else problems.push(`setting "${field}" was invalid and was reset to its default`);
  }
  return { value: value as Settings, problems };
}

export function parseDismissals(raw: unknown): LoadResult<Dismissals> {
  const value: Dismissals = {};
  const problems: string[] = [];
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { value, problems };
  for (const [key, list] of Object.entries(raw as Record<string, unknown>)) {
    if (!Array.isArray(list)) {
      problems.push(`dismissals of "${key.slice(0, 80)}" could not be read and were set aside`);
      continue;
    }
    const valid = list.flatMap((item) => {
      const parsed = DismissalSchema.safeParse(item);
      return parsed.success ? [parsed.data] : [];
    });
    if (valid.length < list.length) problems.push(`${list.length - valid.length} dismissal(s) of "${key.slice(0, 80)}" could not be read`);
    if (valid.length) value[key] = valid;
  }
  return { value, problems };
}
