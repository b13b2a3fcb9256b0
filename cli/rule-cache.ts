/**
 * The CLI's rule pack, fast: `npm run build:cli` validates rules/ and compiles its phrases once, into
 * dist/cli/rules.json, stamped with a hash of the rule files' text. At run time the CLI still reads rules/ (a few ms)
 * and uses the compiled copy only when the hash matches, so an edited rule is never ignored: it is then validated
 * and compiled from the YAML, as before (about a second).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { precompilePhrases, type PrecompiledPhrases } from '../lib/engine/matcher';
import { loadRulePack, runtimePack, type RuleFile } from '../lib/engine/rule-loader';
import type { RulePack } from '../lib/engine/rule-schema';
import { readRuleFiles, RULES_DIR } from '../lib/node/rule-files';

/** Next to the built bundle (dist/cli/not-alone.js), found from rules/ so that the sources and the build agree. */
export const COMPILED_RULES_FILE = join(RULES_DIR, '..', 'dist', 'cli', 'rules.json');

export interface CompiledRules {
  hash: string;
  pack: RulePack;
  phrases: PrecompiledPhrases;
}

export function ruleFilesHash(files: readonly RuleFile[]): string {
  const hash = createHash('sha256');
  for (const file of files) hash.update(`${file.path}\u0000${file.text}\u0000`);
  return hash.digest('hex');
}

/** What the build writes: the validated pack without the rules' own examples, and its compiled phrases. */
export function compileRules(files: readonly RuleFile[] = readRuleFiles()): CompiledRules {
  const runtime = runtimePack(loadRulePack(files));
  return { hash: ruleFilesHash(files), pack: runtime, phrases: precompilePhrases(runtime) };
}

/** The bundled rules: the compiled copy when it matches rules/, otherwise validated from the files (throws RulePackError). */
export function loadCliRules(compiledFile = COMPILED_RULES_FILE): { pack: RulePack; phrases?: PrecompiledPhrases } {
  const files = readRuleFiles();
  try {
    const compiled = JSON.parse(readFileSync(compiledFile, 'utf8')) as CompiledRules;
    if (compiled.hash === ruleFilesHash(files)) return compiled;
  } catch {
    // No build yet (running from the sources) or a damaged file: read the rules themselves.
  }
  return { pack: loadRulePack(files) };
}
