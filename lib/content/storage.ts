/**
 * The settings the content script needs and the closed warnings it records (and how each was closed), without zod (the content script runs in
 * every chat page and stays small: it bundles no schema library) and without touching storage: it asks the background
 * (lib/protocol.ts 'get-content-settings', 'record-dismissal'). It needs three settings (which sites it watches, where
 * it is paused, the banner's language). The checks of what it is sent follow lib/storage/schema.ts
 * (`SettingsSchema`) and lib/settings/policy.ts (`parsePolicy`, `applyPolicy`) for these fields, field by field: a
 * field that is not valid falls back to its default, as `parseSettings` does (tests/unit/content-storage.test.ts
 * compares the two).
 */
import { browser } from 'wxt/browser';
import type { RiskLevel } from '../engine/taxonomy';
import type { ProtocolMessage } from '../protocol';
import { isSettingsChangedMessage } from '../protocol-limits';
import type { ContentSettings, Settings } from '../storage/schema';
import type { DismissalKind } from '../storage/limits';

export type { ContentSettings };

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

type Send = (message: ProtocolMessage) => Promise<unknown>;
const sendToBackground: Send = (message) => browser.runtime.sendMessage(message);

/**
 * The settings in effect for the content script, asked of the background ('get-content-settings'): the content
 * script has no access to storage (the background restricts it where the browser allows, issue 15). The answer is
 * checked field by field like a stored value; without one (the extension was reloaded) the defaults apply.
 */
export async function loadContentSettings(send: Send = sendToBackground): Promise<ContentSettings> {
  const answer = (await send({ type: 'get-content-settings' }).catch(() => null)) as { ok?: unknown; settings?: unknown } | null;
  return contentSettingsFrom(answer?.ok === true ? answer.settings : undefined, {});
}

/**
 * Call `onChange` with the settings in effect whenever they change (the background says so: SETTINGS_CHANGED_MESSAGE);
 * returns the unwatch function.
 */
export function watchContentSettings(onChange: (settings: ContentSettings) => void, send: Send = sendToBackground): () => void {
  const listener = (message: unknown): undefined => {
    if (isSettingsChangedMessage(message)) void loadContentSettings(send).then(onChange);
    return undefined;
  };
  browser.runtime.onMessage.addListener(listener);
  return () => browser.runtime.onMessage.removeListener(listener);
}

/** Remember a closed warning and what closed it (the background stores it; shown back to the user on the report page, never sent anywhere). */
export async function recordDismissal(conversationKey: string, level: RiskLevel, kind: DismissalKind, send: Send = sendToBackground): Promise<void> {
  await send({ type: 'record-dismissal', conversationKey, level, kind });
}
