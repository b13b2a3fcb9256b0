/**
 * Where the extension runs. One list feeds the manifest's host permissions, the content script's matches and
 * the popup's "supported site" check, so they cannot drift apart.
 */
export const CHAT_SITE_MATCHES = [
  'https://web.whatsapp.com/*',
  'https://www.messenger.com/*',
  'https://www.facebook.com/messages/*',
  'https://m.facebook.com/messages/*',
  'https://web.facebook.com/messages/*',
  'https://www.instagram.com/direct/*',
  'https://web.telegram.org/*',
  'https://discord.com/channels/*',
  'https://canary.discord.com/channels/*',
  'https://ptb.discord.com/channels/*',
  'https://chat.zalo.me/*',
] as const;

/** Facebook's hosts that open Messenger chats under /messages (www, the mobile site, and web. in some countries). */
export const FACEBOOK_HOSTS: readonly string[] = ['www.facebook.com', 'm.facebook.com', 'web.facebook.com'];
/** Discord's stable build and its public test (PTB) and canary builds: the same web app. */
export const DISCORD_HOSTS: readonly string[] = ['discord.com', 'canary.discord.com', 'ptb.discord.com'];

/** The host of a match pattern ("https://discord.com/channels/*" → "discord.com"). */
export function patternHost(pattern: string): string {
  return /^[a-z]+:\/\/([^/]+)\//.exec(pattern)?.[1] ?? pattern;
}

/**
 * The chat sites whose access the browser no longer grants (the user set site access to "On click" or removed it),
 * given the browser's `permissions.contains`: their patterns, to ask for them again.
 */
export async function withdrawnChatSites(contains: (pattern: string) => Promise<boolean>): Promise<string[]> {
  const granted = await Promise.all(CHAT_SITE_MATCHES.map((pattern) => contains(pattern).catch(() => true)));
  return CHAT_SITE_MATCHES.filter((_, i) => !granted[i]);
}

/**
 * The local demo chat (`npm start`) and test pages; any port. Only builds made with `--mode demo` (the e2e tests,
 * `npm start`, the page benchmark) and the dev server carry them: a production build and the store zip do not
 * (wxt.config.ts, `withoutDemoMatches`).
 */
export const DEMO_MATCHES = ['http://localhost/*', 'http://127.0.0.1/*'] as const;

/** The WXT build mode of the builds that run on the local demo chat (output in `.output/chrome-mv3-demo`). */
export const DEMO_BUILD_MODE = 'demo';

/** Match patterns without the demo hosts (for production builds). */
export function withoutDemoMatches(patterns: readonly string[]): string[] {
  return patterns.filter((pattern) => !(DEMO_MATCHES as readonly string[]).includes(pattern));
}

export const CONTENT_SCRIPT_MATCHES = [...CHAT_SITE_MATCHES, ...DEMO_MATCHES];

/**
 * Sites whose messages open without a page load from their other pages (Instagram's feed → Direct): a content
 * script is only injected on page loads, so a tiny launcher (entrypoints/chat-launcher.content.ts) runs on the rest
 * of the site and asks the background to start the real content script when the address becomes a chat. The
 * launcher only reads the address; the big content script (engine, rules) is never loaded on the feed.
 */
export const LAUNCHER_SITES = [
  ...FACEBOOK_HOSTS.map((host) => ({ matches: `https://${host}/*`, chat: /^\/messages(\/|$)/ })),
  { matches: 'https://www.instagram.com/*', chat: /^\/direct(\/|$)/ },
  ...DISCORD_HOSTS.map((host) => ({ matches: `https://${host}/*`, chat: /^\/channels\// })),
];

export const LAUNCHER_MATCHES = LAUNCHER_SITES.map((site) => site.matches);

/** Whether the launcher should start the content script at this address. */
export function launcherWantsChat(url: URL): boolean {
  return LAUNCHER_SITES.some((site) => new URL(site.matches.replace('/*', '/')).host === url.host && site.chat.test(url.pathname));
}
