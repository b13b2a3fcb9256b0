/**
 * The engine built from the rule pack bundled at build time (see scripts/vite-plugin-rules.ts), plus user rules.
 * It is the content script's engine, so it is built from lib/engine/core.ts, never lib/engine/index.ts: that one
 * brings compromise, whose start-up alone would stall the chat page. Sentences come from `parseSentences`
 * (lib/content/remote-sentences.ts asks the background).
 */
import pack, { phrases } from 'virtual:not-alone-rules';
import { createEngine, type Engine, type Rule, type SentenceParser } from '../engine/core';
import { withCustomRules } from '../storage/custom-rules';
import type { Settings } from '../storage/schema';

type EngineSettings = Pick<Settings, 'sensitivity' | 'disabledCategories' | 'languages'>;

function engineFor(settings: EngineSettings, rules: typeof pack, parseSentences: SentenceParser | undefined): Engine {
  return createEngine(
    rules,
    { sensitivity: settings.sensitivity, disabledCategories: settings.disabledCategories, languages: settings.languages, parseSentences },
    phrases,
  );
}

/**
 * The engine for these settings, with the user's imported rules. Imported rules were validated on import; if they
 * still fail to compile (an older extension version, a damaged record), protection falls back to the bundled rules
 * rather than stopping. Without `parseSentences`, grammar checks that need a parse stay pending
 * (`MessageResult.grammarPending`).
 */
export function createBundledEngine(settings: EngineSettings, customRules: readonly Rule[] = [], parseSentences?: SentenceParser): Engine {
  if (customRules.length === 0) return engineFor(settings, pack, parseSentences);
  try {
    return engineFor(settings, withCustomRules(pack, customRules), parseSentences);
  } catch {
    return engineFor(settings, pack, parseSentences);
  }
}
