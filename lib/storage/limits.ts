/**
 * Storage limits that the content script needs too, apart from the zod schemas (lib/storage/schema.ts) so that it can
 * respect them without bundling zod.
 */

/** Presses of "I'm OK" kept per conversation (newest last). */
export const MAX_DISMISSALS = 50;

/**
 * What closed a warning: "I'm OK" (`ok`), the × button (`close`) or Escape (`escape`). Dismissals stored before
 * storage v2 of `local:dismissals` did not say which, and are `unknown` (migrations/003-dismissals-kind.ts).
 */
export const DISMISSAL_KINDS = ['ok', 'close', 'escape', 'unknown'] as const;
export type DismissalKind = (typeof DISMISSAL_KINDS)[number];
