/** The engine built from the rule pack bundled at build time (see scripts/vite-plugin-rules.ts), plus user rules. */
import pack, { phrases } from 'virtual:not-alone-rules';
import { createEngine, type Engine, type Rule } from '../engine';
import { withCustomRules } from '../storage/custom-rules';
import type { Settings } from '../storage/schema';

type EngineSettings = Pick<Settings, 'sensitivity' | 'disabledCategories' | 'languages'>;

function engineFor(settings: EngineSettings, rules: typeof pack): Engine {
  return createEngine(
    rules,
    { sensitivity: settings.sensitivity, disabledCategories: settings.disabledCategories, languages: settings.languages },
    phrases,
  );
}

/**
 * The engine for these settings, with the user's imported rules. Imported rules were validated on import; if they
 * still fail to compile (an older extension version, a damaged record), protection falls back to the bundled rules
 * rather than stopping.
 */
export function createBundledEngine(settings: EngineSettings, customRules: readonly Rule[] = []): Engine {
  if (customRules.length === 0) return engineFor(settings, pack);
  try {
    return engineFor(settings, withCustomRules(pack, customRules));
  } catch {
    return engineFor(settings, pack);
  }
}
