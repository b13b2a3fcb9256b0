/**
 * What the content script reads and writes in storage, without zod (the content script runs in every chat page and
 * stays small: it bundles no schema library). It needs three settings (which sites it watches, where it is paused,
 * the banner's language) and records the warnings the user closed, and how. The checks follow lib/storage/schema.ts
 * (`SettingsSchema`) and lib/settings/policy.ts (`parsePolicy`, `applyPolicy`) for these fields, field by field: a
 * field that is not valid falls back to its default, as `parseSettings` does (tests/unit/content-storage.test.ts
 * compares the two).
 */
import { browser } from 'wxt/browser';
import { storage } from 'wxt/utils/storage';
import type { RiskLevel } from '../engine/taxonomy';
import { MAX_DISMISSALS, type DismissalKind } from '../storage/limits';
import type { Settings } from '../storage/schema';

export type ContentSettings = Pick<Settings, 'uiLanguage' | 'pausedSites' | 'watchedSites'>;

const DEFAULTS: ContentSettings = { uiLanguage: 'auto', pausedSites: {}, watchedSites: [] };
const UI_LANGUAGES: readonly string[] = ['auto', 'en', 'vi'];

const isRecord = (value: unknown): value is Record<string, unknown> => !!value && typeof value === 'object' && !Array.isArray(value);
const isUiLanguage = (value: unknown): value is Settings['uiLanguage'] => typeof value === 'string' && UI_LANGUAGES.includes(value);
const isHostList = (value: unknown, min: number, max = Infinity): value is string[] =>
  Array.isArray(value) && value.length <= max && value.every((host) => typeof host === 'string' && host.length >= min && host.length <= 253);
const isPausedSites = (value: unknown): value is Record<string, number> =>
  isRecord(value) && Object.values(value).every((until) => typeof until === 'number' && Number.isFinite(until));

/** The settings in effect for the content script: the user's (`local:settings`) with the administrator's policy. */
export function contentSettingsFrom(rawSettings: unknown, rawPolicy: unknown): ContentSettings {
  const user = isRecord(rawSettings) ? rawSettings : {};
  const settings: ContentSettings = {
    uiLanguage: isUiLanguage(user.uiLanguage) ? user.uiLanguage : DEFAULTS.uiLanguage,
    pausedSites: isPausedSites(user.pausedSites) ? { ...user.pausedSites } : { ...DEFAULTS.pausedSites },
    watchedSites: isHostList(user.watchedSites, 0) ? [...user.watchedSites] : [...DEFAULTS.watchedSites],
  };
  const policy = isRecord(rawPolicy) ? rawPolicy : {};
  if (isUiLanguage(policy.uiLanguage)) settings.uiLanguage = policy.uiLanguage;
  if (isHostList(policy.watchedSites, 1, 200)) settings.watchedSites = [...new Set([...settings.watchedSites, ...policy.watchedSites])];
  return settings;
}

async function readPolicy(): Promise<unknown> {
  try {
    const managed = browser.storage?.managed;
    return managed ? await managed.get() : {};
  } catch {
    // Firefox without a policy, or a browser without managed storage.
    return {};
  }
}

export async function loadContentSettings(): Promise<ContentSettings> {
  const [raw, policy] = await Promise.all([storage.getItem<unknown>('local:settings'), readPolicy()]);
  return contentSettingsFrom(raw, policy);
}

/** Call `onChange` with the settings in effect whenever the user's settings change; returns the unwatch function. */
export function watchContentSettings(onChange: (settings: ContentSettings) => void): () => void {
  return storage.watch<unknown>('local:settings', (raw) => {
    void readPolicy().then((policy) => onChange(contentSettingsFrom(raw, policy)));
  });
}

/**
 * The dismissals with one more closed warning and what closed it (newest last, at most `MAX_DISMISSALS` per
 * conversation). What is stored is kept as it is: the report page validates it when it reads it
 * (lib/storage/parse.ts `parseDismissals`, after migrations/003-dismissals-kind.ts).
 */
export function withDismissal(raw: unknown, conversationKey: string, level: RiskLevel, kind: DismissalKind, at: number): Record<string, unknown> {
  const all: Record<string, unknown> = isRecord(raw) ? { ...raw } : {};
  const previous = Object.hasOwn(all, conversationKey) ? all[conversationKey] : undefined;
  const list = Array.isArray(previous) ? (previous as unknown[]) : [];
  all[conversationKey] = [...list, { level, at, kind }].slice(-MAX_DISMISSALS);
  return all;
}

/** Remember a closed warning and what closed it (shown back to the user on the report page, never sent anywhere). */
export async function recordDismissal(conversationKey: string, level: RiskLevel, kind: DismissalKind, now: number = Date.now()): Promise<void> {
  await storage.setItem('local:dismissals', withDismissal(await storage.getItem<unknown>('local:dismissals'), conversationKey, level, kind, now));
}
