/**
 * Storage limits that the content script needs too, apart from the zod schemas (lib/storage/schema.ts) so that it can
 * respect them without bundling zod.
 */

/** Presses of "I'm OK" kept per conversation (newest last). */
export const MAX_DISMISSALS = 50;
