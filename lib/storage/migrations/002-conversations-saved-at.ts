/**
 * conversations v1 → v2: each conversation records WHEN the user pressed "Save for a report" (`savedAt`), so the
 * report page and exports can say "saved by you on ...". v1 only had `saved: boolean`; for a saved v1 conversation
 * the best known time is its last update. Records that are not objects are left untouched for parseConversations to
 * set aside and report (a migration never drops data).
 */
export const version = 2;

export function migrate(v1: unknown): unknown {
  if (!v1 || typeof v1 !== 'object' || Array.isArray(v1)) return v1;
  const out: Record<string, unknown> = {};
  for (const [key, record] of Object.entries(v1 as Record<string, unknown>)) {
    if (!record || typeof record !== 'object' || Array.isArray(record) || 'savedAt' in record) {
      out[key] = record;
      continue;
    }
    const conversation = record as Record<string, unknown>;
    const saved = conversation.saved === true;
    out[key] = { ...conversation, savedAt: saved && typeof conversation.updatedAt === 'number' ? conversation.updatedAt : null };
  }
  return out;
}
