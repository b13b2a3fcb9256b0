/**
 * "Watch this site": the user turns the extension on for one more https site, which the generic adapter then reads.
 *
 *   popup (user gesture)  requestWatchSite(origin) → permissions.request({origins: ["https://host/*"]}) → settings
 *   background            permissions.onAdded/onRemoved and every start → syncWatchedSites():
 *                         settings.watchedSites = granted hosts; one registered content script for all of them
 *                         (scripting.registerContentScripts); injected at once into tabs already open there.
 *
 * The granted optional host permissions are the source of truth (the user can also revoke one in the browser's
 * extension settings); settings.watchedSites mirrors them for the popup and the content script, plus any local
 * demo host (localhost, 127.0.0.1), which the manifest's own host permissions already cover.
 * The background logic takes its browser calls as `WatchDeps`, so it is tested without a browser.
 */
import { browser } from 'wxt/browser';
import { updateSettings, loadUserSettings } from '../storage/items';
import { CHAT_SITE_MATCHES, DEMO_MATCHES } from '../sites/hosts';

export const WATCHED_SCRIPT_ID = 'not-alone-watched-sites';
/** The content script as WXT builds it (entrypoints/content.ts). */
export const CONTENT_SCRIPT_FILE = '/content-scripts/content.js';

/** Hosts the manifest's own content script already covers (the local demo, any port): watched without asking. */
const DEMO_HOSTNAMES = new Set(DEMO_MATCHES.map((pattern) => new URL(pattern.replace('/*', '/')).hostname));

export function coveredByManifest(host: string): boolean {
  return DEMO_HOSTNAMES.has(host.replace(/:\d+$/, ''));
}

const BUILT_IN_HOSTS = new Set(CHAT_SITE_MATCHES.map((pattern) => new URL(pattern.replace('/*', '/')).host));
const HOSTNAME = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/**
 * The match pattern for watching `origin` ("https://chat.example.org" → "https://chat.example.org/*"), or null when
 * it cannot be watched: not https, not a plain host name, a wildcard, or a chat app already supported.
 */
export function watchPattern(origin: string): string | null {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' || !HOSTNAME.test(url.hostname) || BUILT_IN_HOSTS.has(url.host)) return null;
  return `https://${url.hostname}/*`;
}

/** The host a granted origin pattern stands for ("https://chat.example.org/*" → "chat.example.org"), or null. */
export function hostOfPattern(pattern: string): string | null {
  const match = /^https:\/\/([^/*]+)\/\*?$/.exec(pattern);
  if (!match || !HOSTNAME.test(match[1]) || BUILT_IN_HOSTS.has(match[1])) return null;
  return match[1].toLowerCase();
}

export type WatchResult = { ok: true; host: string } | { ok: false; reason: 'not-watchable' | 'denied' };

/**
 * For the popup's "Watch this site" button. Call it directly from the click handler, before any other await:
 * browsers show the permission prompt only during a user gesture. The background does the rest (see
 * `syncWatchedSites`); the settings are updated here too, so the popup can show the new state at once.
 */
export async function requestWatchSite(origin: string): Promise<WatchResult> {
  const pattern = watchPattern(origin);
  if (!pattern) return { ok: false, reason: 'not-watchable' };
  const granted = await browser.permissions.request({ origins: [pattern] });
  if (!granted) return { ok: false, reason: 'denied' };
  const host = new URL(origin).hostname.toLowerCase();
  await updateSettings((s) => ({ watchedSites: [...new Set([...s.watchedSites, host])] }));
  return { ok: true, host };
}

/** Stop watching a site: gives the permission back (the background unregisters the script). */
export async function stopWatchingSite(origin: string): Promise<void> {
  const pattern = watchPattern(origin);
  if (pattern) await browser.permissions.remove({ origins: [pattern] });
  const host = new URL(origin).hostname.toLowerCase();
  await updateSettings((s) => ({ watchedSites: s.watchedSites.filter((h) => h !== host) }));
}

export interface WatchDeps {
  /** Origins the user granted (`permissions.getAll().origins`). */
  grantedOrigins(): Promise<string[]>;
  /** Match patterns of our registered content script, or null when none is registered. */
  registeredMatches(): Promise<string[] | null>;
  register(matches: string[]): Promise<void>;
  updateRegistration(matches: string[]): Promise<void>;
  unregister(): Promise<void>;
  /** Inject the content script into tabs open on these patterns now (registration only affects new loads). */
  injectInto(patterns: string[]): Promise<void>;
  watchedHosts(): Promise<string[]>;
  setWatchedHosts(hosts: string[]): Promise<void>;
}

const samePatterns = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');

/**
 * Make the registration and the settings match the granted permissions. `added` are patterns granted just now:
 * tabs already open there get the content script at once. Settings are written before injecting, so the injected
 * script finds its host in `watchedSites`.
 */
export async function syncWatchedSites(deps: WatchDeps, added: readonly string[] = []): Promise<{ hosts: string[]; patterns: string[] }> {
  const hosts = [...new Set((await deps.grantedOrigins()).map(hostOfPattern).filter((h): h is string => h !== null))].sort();
  const patterns = hosts.map((host) => `https://${host}/*`);
  const watched = await deps.watchedHosts();
  const next = [...new Set([...watched.filter(coveredByManifest), ...hosts])];
  if (!samePatterns(watched, next)) await deps.setWatchedHosts(next);
  const registered = await deps.registeredMatches();
  if (patterns.length === 0) {
    if (registered) await deps.unregister();
  } else if (!registered) {
    await deps.register(patterns);
  } else if (!samePatterns(registered, patterns)) {
    await deps.updateRegistration(patterns);
  }
  const fresh = added.map(hostOfPattern).filter((h): h is string => h !== null && hosts.includes(h));
  if (fresh.length) await deps.injectInto(fresh.map((host) => `https://${host}/*`));
  return { hosts, patterns };
}

/** The real browser calls (background only: needs the `scripting` permission). */
export function browserWatchDeps(): WatchDeps {
  const script = { id: WATCHED_SCRIPT_ID, js: [CONTENT_SCRIPT_FILE], runAt: 'document_idle' as const };
  return {
    grantedOrigins: async () => (await browser.permissions.getAll()).origins ?? [],
    async registeredMatches() {
      const found = await browser.scripting.getRegisteredContentScripts({ ids: [WATCHED_SCRIPT_ID] });
      return found[0]?.matches ?? null;
    },
    register: (matches) => browser.scripting.registerContentScripts([{ ...script, matches }]),
    updateRegistration: (matches) => browser.scripting.updateContentScripts([{ ...script, matches }]),
    unregister: () => browser.scripting.unregisterContentScripts({ ids: [WATCHED_SCRIPT_ID] }),
    async injectInto(patterns) {
      for (const tab of await browser.tabs.query({ url: patterns })) {
        if (tab.id === undefined) continue;
        await browser.scripting.executeScript({ target: { tabId: tab.id }, files: [CONTENT_SCRIPT_FILE] }).catch(() => {
          // A tab that closed or navigated away meanwhile.
        });
      }
    },
    watchedHosts: async () => (await loadUserSettings()).value.watchedSites,
    async setWatchedHosts(hosts) {
      await updateSettings(() => ({ watchedSites: hosts }));
    },
  };
}
