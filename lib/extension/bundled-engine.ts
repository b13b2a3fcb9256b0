/**
 * The engine built from the rule pack bundled at build time (see scripts/vite-plugin-rules.ts), plus user rules.
 * It is the background's engine (lib/background/analysis.ts), with its sentence parser (compromise): content
 * scripts never bundle it.
 */
import pack, { phrases } from 'virtual:not-alone-rules';
import { createEngine, type CategoryId, type Engine, type Language, type Rule, type Sensitivity } from '../engine';
import { withCustomRules } from '../storage/custom-rules';

/** The settings the engine depends on (lib/storage/schema.ts `Settings`). */
export interface EngineSettings {
  sensitivity: Sensitivity;
  disabledCategories: readonly CategoryId[];
  languages: readonly Language[];
}

function engineFor(settings: EngineSettings, rules: typeof pack): Engine {
  return createEngine(rules, { sensitivity: settings.sensitivity, disabledCategories: settings.disabledCategories, languages: settings.languages }, phrases);
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
