/**
 * Size limits of the messages a content script sends (lib/protocol.ts), apart from the schemas so that the content
 * script can respect them without bundling zod.
 */

/** Messages per 'analyze-messages' request. */
export const MAX_MESSAGES_PER_REQUEST = 500;
/**
 * Characters per message text: the engine analyses at most 64 windows of 4,000 characters of a message
 * (lib/engine/matcher.ts), so nothing it could read is cut. The content script cuts longer texts before sending.
 */
export const MAX_MESSAGE_CHARS = 262_144;
/** Characters of all texts of one request together, so a hostile page cannot make one huge request. */
export const MAX_REQUEST_CHARS = 4 * 1024 * 1024;
/** Characters of a message id and of a sender name (as stored: lib/storage/schema.ts). */
export const MAX_ID_CHARS = 300;
export const MAX_SENDER_CHARS = 300;
/** Characters of a conversation title and address (lib/storage/schema.ts `ConversationRefSchema`). */
export const MAX_TITLE_CHARS = 300;
export const MAX_URL_CHARS = 2000;
/**
 * Characters of a conversation header's profile-picture address (`ConversationInfo.avatar`): an avatar drawn from a
 * `data:` address is sent whole up to this (the background keeps only a fingerprint of it, never the address).
 */
export const MAX_AVATAR_CHARS = 65_536;

/**
 * The one message the background sends a content script (`tabs.sendMessage`): the settings or imported rules changed,
 * so read the open conversation again for a new scan. Only the extension can send it (content scripts' runtime
 * messages never come from the page).
 */
export const READ_AGAIN_MESSAGE = { type: 'read-again' } as const;

export function isReadAgainMessage(message: unknown): boolean {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === READ_AGAIN_MESSAGE.type;
}

/**
 * The background tells every content script that the settings changed: it asks for them again
 * ('get-content-settings'). Content scripts do not watch storage themselves (they have no access to it).
 */
export const SETTINGS_CHANGED_MESSAGE = { type: 'settings-changed' } as const;

export function isSettingsChangedMessage(message: unknown): boolean {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === SETTINGS_CHANGED_MESSAGE.type;
}
