/** The engine built from the rule pack bundled at build time (see scripts/vite-plugin-rules.ts). */
import pack from 'virtual:not-alone-rules';
import { createEngine, type Engine } from '../engine';
import type { Settings } from '../storage/schema';

export function createBundledEngine(settings: Pick<Settings, 'sensitivity' | 'disabledCategories' | 'languages'>): Engine {
  return createEngine(pack, {
    sensitivity: settings.sensitivity,
    disabledCategories: settings.disabledCategories,
    languages: settings.languages,
  });
}
