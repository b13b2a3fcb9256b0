/**
 * dismissals v1 → v2: each dismissal records what closed the warning (`kind`: "I'm OK", ×, or Escape). v1 stored
 * every way of closing a warning as a press of "I'm OK", so what was really pressed is not known: those become
 * `unknown`, never `ok` (the report page must not tell a parent the teen said "I'm OK" when they may only have closed
 * it). Dismissals that already have a kind (the content script writes the raw item without its version, so the
 * migration can meet new records) and values that are not dismissals are left as they are for parseDismissals.
 */
export const version = 2;

const isRecord = (value: unknown): value is Record<string, unknown> => !!value && typeof value === 'object' && !Array.isArray(value);

export function migrate(v1: unknown): unknown {
  if (!isRecord(v1)) return v1;
  const out: Record<string, unknown> = {};
  for (const [key, list] of Object.entries(v1)) {
    out[key] = Array.isArray(list) ? list.map((item: unknown) => (isRecord(item) && !('kind' in item) ? { ...item, kind: 'unknown' } : item)) : list;
  }
  return out;
}
