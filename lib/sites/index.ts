/**
 * Every built-in site adapter, most specific first. The generic adapter is not in this list: it runs only on a site
 * the user turned on with "Watch this site" (see watch.ts), so `adapterFor` answers "is this a supported chat app".
 */
import { demoAdapter } from './demo';
import { discordAdapter } from './discord';
import { createGenericAdapter } from './generic';
import { instagramAdapter } from './instagram';
import { messengerAdapter } from './messenger';
import { telegramAAdapter } from './telegram-a';
import { telegramKAdapter } from './telegram-k';
import type { SiteAdapter } from './types';
import { whatsappAdapter } from './whatsapp';
import { zaloAdapter } from './zalo';

export const ADAPTERS: readonly SiteAdapter[] = [
  whatsappAdapter,
  messengerAdapter,
  instagramAdapter,
  telegramKAdapter,
  telegramAAdapter,
  discordAdapter,
  zaloAdapter,
  demoAdapter,
];

export function adapterFor(url: URL): SiteAdapter | undefined {
  return ADAPTERS.find((adapter) => adapter.matches(url));
}

/**
 * The adapter for a page the content script runs on: the app's own, else the generic one when the user watches
 * this host, else none. (Once running, the scanner follows the app's own navigation: it idles while the address is
 * not a chat, e.g. after leaving Instagram's Direct for the feed.)
 */
export function adapterForPage(url: URL, watchedHosts: readonly string[]): SiteAdapter | undefined {
  return adapterFor(url) ?? (watchedHosts.includes(url.host) ? createGenericAdapter() : undefined);
}

export { createGenericAdapter };
export type { SiteAdapter };
