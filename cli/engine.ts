/** The engine the CLI uses: the bundled rules read from rules/ and the learned scorer, at the chosen sensitivity. */
import { createEngine, RuleCompileError, SENSITIVITIES, type Engine, type Language, type Sensitivity } from '../lib/engine';
import { RulePackError } from '../lib/engine/rule-loader';
import { ScorerDataError } from '../lib/engine/scorer';
import { loadBundledScripts } from '../lib/node/rule-files';
import { loadShippedScorer } from '../lib/node/scorer-file';
import { CliError } from './errors';
import { loadCliRules } from './rule-cache';

export function parseSensitivity(value: string | undefined): Sensitivity {
  if (value === undefined) return 'balanced';
  if ((SENSITIVITIES as readonly string[]).includes(value)) return value as Sensitivity;
  throw new CliError(`--sensitivity must be one of ${SENSITIVITIES.join(', ')}`);
}

export function cliEngine(sensitivity: Sensitivity = 'balanced', languages?: Language[]): Engine {
  try {
    const { pack, phrases } = loadCliRules();
    return createEngine(pack, { sensitivity, languages, scorer: loadShippedScorer(), scripts: loadBundledScripts() }, phrases);
  } catch (error) {
    if (error instanceof RulePackError || error instanceof RuleCompileError || error instanceof ScorerDataError) throw new CliError(error.message, 1);
    throw error;
  }
}
