/**
 * Typed storage items (WXT storage). Every item has a version; migrations live in ./migrations/, one numbered file
 * each. Reads are validated: a record that fails validation is dropped from the result and reported in `problems`,
 * so the UI can tell the user what could not be kept.
 *
 *   local:conversations   conversations with their flagged messages (every version), context, titles (v3)
 *   local:settings        the user's settings (v1); `loadSettings()` applies the administrator's policy on top
 *   local:dismissals      warnings closed, per conversation, with what closed them (v2)
 *   local:pin-lock        the parental PIN lock, or null (v1)
 *   local:custom-rules    imported rule files (lib/storage/custom-rules.ts, v1)
 *   local:storage-notices what storage could not keep (counts and dates, no names; `session:` when local is full)
 *   session:tab-states    what the popup shows for each tab (gone when the browser closes)
 *   managed (read-only)   the administrator's policy (public/managed-schema.json)
 */
import { browser } from 'wxt/browser';
import { storage } from 'wxt/utils/storage';
import { applyPolicy, parsePolicy, type Policy } from '../settings/policy';
import { z } from 'zod';
import { enforceSizeCap, isFlagged, jsonSize, type ConversationMap } from './conversations';
import {
  CONVERSATIONS_VERSION,
  conversationsMigrations,
  DISMISSALS_VERSION,
  dismissalsMigrations,
  PIN_LOCK_VERSION,
  SETTINGS_VERSION,
  settingsMigrations,
} from './migrations';
import { parseConversations, parseDismissals, parseSettings, type LoadResult } from './parse';
import type { RiskLevel } from '../engine/taxonomy';
import { MAX_DISMISSALS, type DismissalKind } from './limits';
import { PinLockSchema, SettingsSchema, type Dismissals, type PinLock, type Settings, type TabState } from './schema';

export { parseConversations, parseSettings, type LoadResult } from './parse';

/** Options of the conversations item, exported so the migration test can define it on seeded storage. */
export const CONVERSATIONS_ITEM_OPTIONS = {
  fallback: {},
  version: CONVERSATIONS_VERSION,
  migrations: conversationsMigrations,
};

export const conversationsItem = storage.defineItem<Record<string, unknown>>('local:conversations', CONVERSATIONS_ITEM_OPTIONS);

export const settingsItem = storage.defineItem<Record<string, unknown>>('local:settings', {
  fallback: {},
  version: SETTINGS_VERSION,
  migrations: settingsMigrations,
});

/** Options of the dismissals item, exported so the migration test can define it on seeded storage. */
export const DISMISSALS_ITEM_OPTIONS = {
  fallback: {},
  version: DISMISSALS_VERSION,
  migrations: dismissalsMigrations,
};

export const dismissalsItem = storage.defineItem<Record<string, unknown>>('local:dismissals', DISMISSALS_ITEM_OPTIONS);

export const pinLockItem = storage.defineItem<unknown>('local:pin-lock', {
  fallback: null,
  version: PIN_LOCK_VERSION,
  migrations: {},
});

/**
 * What storage could not keep, remembered so the report page can tell the user even after the background has
 * rewritten the conversations without it. Counts and dates only (no names: a notice outlives "Delete everything").
 * Kept in `local`, or in `session` when `local` is full; shown for NOTICE_DAYS.
 */
export const StorageNoticeSchema = z.object({
  at: z.number(),
  kind: z.enum(['unreadable', 'pruned-for-space', 'not-saved-full']),
  conversations: z.number().int().min(0),
  messages: z.number().int().min(0),
});
export type StorageNotice = z.infer<typeof StorageNoticeSchema>;
export const storageNoticesItem = storage.defineItem<unknown>('local:storage-notices', { fallback: [] });
export const sessionStorageNoticesItem = storage.defineItem<unknown>('session:storage-notices', { fallback: [] });
const NOTICE_DAYS = 30;
const MAX_NOTICES = 20;

function readNotices(raw: unknown): StorageNotice[] {
  return Array.isArray(raw) ? raw.flatMap((n) => (StorageNoticeSchema.safeParse(n).success ? [n as StorageNotice] : [])) : [];
}

export async function loadStorageNotices(now: number = Date.now()): Promise<StorageNotice[]> {
  const [local, session] = await Promise.all([
    storageNoticesItem.getValue().catch(() => []),
    sessionStorageNoticesItem.getValue().catch(() => []),
  ]);
  const seen = new Set<string>();
  return [...readNotices(local), ...readNotices(session)]
    .filter((n) => now - n.at < NOTICE_DAYS * 86_400_000)
    .filter((n) => !seen.has(JSON.stringify(n)) && Boolean(seen.add(JSON.stringify(n))))
    .sort((a, b) => a.at - b.at);
}

/** Remember a notice; never throws (storage may be the very thing that is failing). */
export async function recordStorageNotice(notice: StorageNotice): Promise<void> {
  const add = async (item: typeof storageNoticesItem): Promise<void> => {
    const previous = readNotices(await item.getValue());
    // Every page that reads damaged storage notices the same loss: remember it once a day.
    const same = (n: StorageNotice): boolean =>
      n.kind === notice.kind && n.conversations === notice.conversations && n.messages === notice.messages && notice.at - n.at < 86_400_000;
    if (previous.some(same)) return;
    await item.setValue([...previous, notice].slice(-MAX_NOTICES));
  };
  try {
    await add(storageNoticesItem);
  } catch {
    await add(sessionStorageNoticesItem).catch(() => undefined);
  }
}

export function describeStorageNotice(notice: StorageNotice): string {
  const day = new Date(notice.at).toISOString().slice(0, 10);
  switch (notice.kind) {
    case 'unreadable':
      return `${day}: ${notice.conversations} conversation(s) and ${notice.messages} message(s) in storage could not be read and were removed; every readable warning sign was kept`;
    case 'pruned-for-space':
      return `${day}: storage was full, so ${notice.messages} older message(s) without warning signs were removed to keep the warning signs`;
    case 'not-saved-full':
      return `${day}: storage is full and ${notice.messages} new message(s) with warning signs could not be saved; export a report and delete old conversations to make room`;
  }
}

/**
 * The stored conversations, validated (see parseConversations), with what storage could not keep in `problems`:
 * what this read set aside, and what earlier reads and writes (in the background) could not keep.
 */
export async function loadConversations(): Promise<LoadResult<ConversationMap>> {
  const { value, problems, lost } = parseConversations(await conversationsItem.getValue());
  if (lost.conversations || lost.messages) {
    await recordStorageNotice({ at: Date.now(), kind: 'unreadable', ...lost });
  }
  const notices = (await loadStorageNotices()).filter((n) => n.kind !== 'unreadable' || !(lost.conversations || lost.messages));
  return { value, problems: [...problems, ...notices.map(describeStorageNotice)] };
}

export function isQuotaError(error: unknown): boolean {
  const e = error as { name?: unknown; message?: unknown } | null;
  return e?.name === 'QuotaExceededError' || /quota/i.test(String(e?.message ?? error));
}

/**
 * Write the conversations. When storage is full, plain context messages are removed (oldest first, never flagged
 * evidence) until the write fits, and the user is told; if even the evidence does not fit, what is stored stays as
 * it was, the user is told what could not be saved, and the error is thrown.
 */
export async function saveConversations(conversations: ConversationMap): Promise<void> {
  try {
    await conversationsItem.setValue(conversations);
    return;
  } catch (error) {
    if (!isQuotaError(error)) throw error;
  }
  const before = jsonSize(conversations);
  for (const share of [0.75, 0.5, 0]) {
    const { value, prunedMessages } = enforceSizeCap(conversations, Math.floor(before * share));
    try {
      await conversationsItem.setValue(value);
      await recordStorageNotice({ at: Date.now(), kind: 'pruned-for-space', conversations: 0, messages: prunedMessages });
      return;
    } catch (error) {
      if (!isQuotaError(error)) throw error;
    }
  }
  const stored = parseConversations(await conversationsItem.getValue().catch(() => ({}))).value;
  const storedIds = new Set(Object.values(stored).flatMap((c) => c.messages.map((m) => `${c.key}\u0000${m.id}`)));
  const unsaved = Object.values(conversations).flatMap((c) => c.messages.filter((m) => isFlagged(m) && !storedIds.has(`${c.key}\u0000${m.id}`)));
  await recordStorageNotice({ at: Date.now(), kind: 'not-saved-full', conversations: 0, messages: unsaved.length });
  throw new Error(`storage is full: ${unsaved.length} message(s) with warning signs could not be saved`);
}

/** The administrator's policy; empty when there is none or the browser has no managed storage. */
export async function loadPolicy(): Promise<LoadResult<Policy>> {
  try {
    const managed = browser.storage?.managed;
    if (!managed) return { value: {}, problems: [] };
    const { policy, problems } = parsePolicy(await managed.get());
    return { value: policy, problems };
  } catch {
    // Firefox without a policy, or a browser without managed storage.
    return { value: {}, problems: [] };
  }
}

/** The user's own settings, without the policy (what the options page edits). */
export async function loadUserSettings(): Promise<LoadResult<Settings>> {
  return parseSettings(await settingsItem.getValue());
}

/** The settings in effect: the user's, with the administrator's policy applied. */
export async function loadSettings(): Promise<LoadResult<Settings>> {
  const [user, policy] = await Promise.all([loadUserSettings(), loadPolicy()]);
  return { value: applyPolicy(user.value, policy.value), problems: [...user.problems, ...policy.problems] };
}

export async function saveSettings(settings: Settings): Promise<void> {
  await settingsItem.setValue(SettingsSchema.parse(settings));
}

/** Change some of the user's settings (read, patch, validate, write). */
export async function updateSettings(change: (settings: Settings) => Partial<Settings>): Promise<Settings> {
  const { value } = await loadUserSettings();
  const next = SettingsSchema.parse({ ...value, ...change(value) });
  await settingsItem.setValue(next);
  return next;
}

export async function loadDismissals(): Promise<LoadResult<Dismissals>> {
  return parseDismissals(await dismissalsItem.getValue());
}

/**
 * The dismissals with one more closed warning and what closed it (newest last, at most `MAX_DISMISSALS` per
 * conversation). What is stored is kept as it is: the report page validates it when it reads it
 * (lib/storage/parse.ts `parseDismissals`, after migrations/003-dismissals-kind.ts).
 */
export function withDismissal(raw: unknown, conversationKey: string, level: RiskLevel, kind: DismissalKind, at: number): Record<string, unknown> {
  const all: Record<string, unknown> = raw && typeof raw === 'object' && !Array.isArray(raw) ? { ...(raw as Record<string, unknown>) } : {};
  const previous = Object.hasOwn(all, conversationKey) ? all[conversationKey] : undefined;
  const list = Array.isArray(previous) ? (previous as unknown[]) : [];
  all[conversationKey] = [...list, { level, at, kind }].slice(-MAX_DISMISSALS);
  return all;
}

/** Remember a closed warning and how (the background, for the content script: shown on the report page, never sent anywhere). */
export async function recordDismissal(conversationKey: string, level: RiskLevel, kind: DismissalKind, at: number = Date.now()): Promise<void> {
  await dismissalsItem.setValue(withDismissal(await dismissalsItem.getValue(), conversationKey, level, kind, at));
}

export async function deleteDismissals(keys: readonly string[] | 'all'): Promise<void> {
  if (keys === 'all') {
    await dismissalsItem.setValue({});
    return;
  }
  const { value } = await loadDismissals();
  for (const key of keys) delete value[key];
  await dismissalsItem.setValue(value);
}

/**
 * The parental PIN lock, or null when none is set. A lock that cannot be read is reported (`unreadable`) and the
 * options page says so plainly and asks for a new PIN; someone able to damage storage could delete it as well.
 */
export async function loadPinLock(): Promise<{ lock: PinLock | null; unreadable: boolean }> {
  const raw = await pinLockItem.getValue();
  if (raw === null || raw === undefined) return { lock: null, unreadable: false };
  const parsed = PinLockSchema.safeParse(raw);
  return parsed.success ? { lock: parsed.data, unreadable: false } : { lock: null, unreadable: true };
}

export async function savePinLock(lock: PinLock | null): Promise<void> {
  await pinLockItem.setValue(lock === null ? null : PinLockSchema.parse(lock));
}

/**
 * Per-tab state for the popup (session area: gone when the browser closes). Tab id → state. Defined on first use
 * (WXT reads every item once when it is defined), so a page that never needs it never reads the session area, which
 * content scripts may not touch.
 */
let tabStates: ReturnType<typeof defineTabStates> | undefined;
function defineTabStates() {
  return storage.defineItem<Record<string, TabState>>('session:tab-states', { fallback: {} });
}

export async function loadTabStates(): Promise<Record<string, TabState>> {
  return (tabStates ??= defineTabStates()).getValue();
}

export async function setTabState(tabId: number, state: TabState | null): Promise<void> {
  const item = (tabStates ??= defineTabStates());
  const states = { ...(await item.getValue()) };
  if (state) states[String(tabId)] = state;
  else delete states[String(tabId)];
  await item.setValue(states);
}
