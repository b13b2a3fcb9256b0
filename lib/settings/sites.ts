/** Which sites are watched, paused or switched off (pure). */
import { CHAT_SITE_MATCHES } from '../sites/hosts';
import type { Settings } from '../storage/schema';

/** `pausedSites[host]` at or above this means "switched off in the settings" rather than paused for a while. */
export const PAUSED_FOREVER = Number.MAX_SAFE_INTEGER;
export const PAUSE_MS = 3_600_000;

/** Hosts of the chat apps the extension supports out of the box, in manifest order. */
export function chatSiteHosts(): string[] {
  return [...new Set(CHAT_SITE_MATCHES.map((pattern) => new URL(pattern.replace('*', '')).host))];
}

export type SiteState = { kind: 'on' } | { kind: 'off' } | { kind: 'paused'; until: number };

export function siteState(settings: Pick<Settings, 'pausedSites'>, host: string, now: number): SiteState {
  const until = settings.pausedSites[host] ?? 0;
  if (until >= PAUSED_FOREVER) return { kind: 'off' };
  if (until > now) return { kind: 'paused', until };
  return { kind: 'on' };
}

/** pausedSites without entries that already ended. */
export function activePauses(pausedSites: Settings['pausedSites'], now: number): Settings['pausedSites'] {
  return Object.fromEntries(Object.entries(pausedSites).filter(([, until]) => until > now));
}
