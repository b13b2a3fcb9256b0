/**
 * The engine built from the rule pack bundled at build time (see scripts/vite-plugin-rules.ts), plus user rules, with
 * the learned scorer (model/scorer.json, ~1.5 MB: the background only).
 * It is the background's engine (lib/background/analysis.ts), with its sentence parser (compromise): content
 * scripts never bundle it.
 */
import pack, { phrases, scripts } from 'virtual:not-alone-rules';
import scorerData from '../../model/scorer.json';
import { createEngine, parseScorerData, type CategoryId, type Engine, type Language, type Rule, type Scorer, type Sensitivity } from '../engine';
import { withCustomRules } from '../storage/custom-rules';

let scorer: Scorer | null | undefined;
/** The learned scorer shipped in model/scorer.json, decoded once; null (rules alone) if the file is damaged. */
function bundledScorer(): Scorer | undefined {
  if (scorer === undefined) {
    try {
      scorer = parseScorerData(scorerData);
    } catch (error) {
      console.error('Not Alone: the learned scorer could not be loaded; the rules decide alone.', error);
      scorer = null;
    }
  }
  return scorer ?? undefined;
}

/** The settings the engine depends on (lib/storage/schema.ts `Settings`). */
export interface EngineSettings {
  sensitivity: Sensitivity;
  disabledCategories: readonly CategoryId[];
  languages: readonly Language[];
}

function engineFor(settings: EngineSettings, rules: typeof pack, userRuleIds: readonly string[] = []): Engine {
  return createEngine(
    rules,
    { sensitivity: settings.sensitivity, disabledCategories: settings.disabledCategories, languages: settings.languages, scorer: bundledScorer(), userRuleIds, scripts },
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
    return engineFor(settings, withCustomRules(pack, customRules), customRules.map((rule) => rule.id));
  } catch {
    return engineFor(settings, pack);
  }
}
