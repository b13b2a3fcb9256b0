/**
 * Storage migrations, one numbered file each (`NNN-<item>-<change>.ts` exporting `version` and `migrate`), each with
 * a test that runs it on a stored example of the old shape (tests/fixtures/storage/, tests/unit/storage-migrations
 * .test.ts). WXT runs them in order when an item's stored version is older than its `version`
 * (`storage.defineItem(key, { version, migrations })`). A migration must never throw or drop data: what it cannot
 * convert is left as it is for the schema check on read to set aside and report.
 */
import * as conversationsSavedAt from './002-conversations-saved-at';
import * as dismissalsKind from './003-dismissals-kind';
import * as conversationsVersions from './004-conversations-versions';

export const CONVERSATIONS_VERSION = 3;
export const conversationsMigrations: Record<number, (old: unknown) => unknown> = {
  [conversationsSavedAt.version]: conversationsSavedAt.migrate,
  [conversationsVersions.version]: conversationsVersions.migrate,
};

export const SETTINGS_VERSION = 1;
export const settingsMigrations: Record<number, (old: unknown) => unknown> = {};

export const DISMISSALS_VERSION = 2;
export const dismissalsMigrations: Record<number, (old: unknown) => unknown> = {
  [dismissalsKind.version]: dismissalsKind.migrate,
};
export const PIN_LOCK_VERSION = 1;
export const CUSTOM_RULES_VERSION = 1;
