/**
 * conversations v2 → v3: a stored message keeps every version of its text (`edits`, added by mergeScanReport when the
 * chat app shows the same message id with another text), long texts are kept as excerpts with the whole text's hash
 * (`original`), and a conversation records the titles it was shown under (`titles`) and what it could not keep for
 * want of room (`overBudget`). The new fields are optional: a v2 message has no edits and holds its whole text. The
 * one value this migration fills in is the title history, which starts with the title v2 stored, as of when the
 * conversation was first seen (the best known time). Records it cannot read are left for parseConversations to set
 * aside and report (a migration never drops data).
 */
export const version = 3;

const isRecord = (value: unknown): value is Record<string, unknown> => !!value && typeof value === 'object' && !Array.isArray(value);

export function migrate(v2: unknown): unknown {
  if (!isRecord(v2)) return v2;
  const out: Record<string, unknown> = {};
  for (const [key, record] of Object.entries(v2)) {
    if (!isRecord(record) || 'titles' in record || typeof record.title !== 'string' || typeof record.firstSeen !== 'number') {
      out[key] = record;
      continue;
    }
    out[key] = { ...record, titles: [{ title: record.title, at: record.firstSeen }] };
  }
  return out;
}
