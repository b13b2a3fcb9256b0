export { parseConversations, parseSettings, type LoadResult } from './parse';

/**
 * Typed storage items (WXT storage, `local:` area). Reads are validated; a record that fails validation is dropped
 * from the result and counted in `problems`, so the UI can tell the user what could not be kept.
 */
import { storage } from 'wxt/utils/storage';
import type { TabState } from '../background/handler';
import type { ConversationMap } from './conversations';
import { parseConversations, parseSettings, type LoadResult } from './parse';
import { SettingsSchema, type Settings } from './schema';

export const conversationsItem = storage.defineItem<Record<string, unknown>>('local:conversations', {
  fallback: {},
  version: 1,
});

export const settingsItem = storage.defineItem<Record<string, unknown>>('local:settings', {
  fallback: {},
  version: 1,
});

export async function loadConversations(): Promise<LoadResult<ConversationMap>> {
  return parseConversations(await conversationsItem.getValue());
}

export async function saveConversations(conversations: ConversationMap): Promise<void> {
  await conversationsItem.setValue(conversations);
}

export async function loadSettings(): Promise<LoadResult<Settings>> {
  return parseSettings(await settingsItem.getValue());
}

export async function saveSettings(settings: Settings): Promise<void> {
  await settingsItem.setValue(SettingsSchema.parse(settings));
}

/** Per-tab state for the popup (session area: gone when the browser closes). Tab id → state. */
export const tabStatesItem = storage.defineItem<Record<string, TabState>>('session:tab-states', { fallback: {} });

export async function setTabState(tabId: number, state: TabState | null): Promise<void> {
  const states = { ...(await tabStatesItem.getValue()) };
  if (state) states[String(tabId)] = state;
  else delete states[String(tabId)];
  await tabStatesItem.setValue(states);
}
