/**
 * Where the extension runs. One list feeds the manifest's host permissions, the content script's matches and
 * the popup's "supported site" check, so they cannot drift apart.
 */
export const CHAT_SITE_MATCHES = [
  'https://web.whatsapp.com/*',
  'https://www.messenger.com/*',
  'https://www.facebook.com/messages/*',
  'https://www.instagram.com/direct/*',
  'https://web.telegram.org/*',
  'https://discord.com/*',
  'https://chat.zalo.me/*',
] as const;

/** The local demo chat (`npm start`) and test pages; any port. */
export const DEMO_MATCHES = ['http://localhost/*', 'http://127.0.0.1/*'] as const;

export const CONTENT_SCRIPT_MATCHES = [...CHAT_SITE_MATCHES, ...DEMO_MATCHES];
