/** Every site adapter, most specific first. */
import { demoAdapter } from './demo';
import type { SiteAdapter } from './types';

export const ADAPTERS: readonly SiteAdapter[] = [demoAdapter];

export function adapterFor(url: URL): SiteAdapter | undefined {
  return ADAPTERS.find((adapter) => adapter.matches(url));
}
