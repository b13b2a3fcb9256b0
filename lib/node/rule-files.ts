/**
 * Reads rule files from disk (Node only: the CLI, build scripts and tests). Validation lives in
 * lib/engine/rule-loader.ts so that the options page can validate an imported file with the same code.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRulePack, loadScripts, type RuleFile } from '../engine/rule-loader';
import type { RulePack } from '../engine/rule-schema';
import type { Script } from '../engine/script-schema';

export const RULES_DIR = fileURLToPath(new URL('../../rules', import.meta.url));

export function readRuleFiles(dir = RULES_DIR): RuleFile[] {
  const files: RuleFile[] = [];
  for (const language of ['en', 'vi']) {
    let names: string[];
    try {
      names = readdirSync(join(dir, language));
    } catch {
      continue;
    }
    for (const name of names.sort()) {
      if (!/\.(ya?ml|json)$/.test(name)) continue;
      const path = join(dir, language, name);
      files.push({ path: relative(join(dir, '..'), path), text: readFileSync(path, 'utf8') });
    }
  }
  return files;
}

/** The bundled pack, validated; throws RulePackError listing every problem. */
export function loadBundledRules(dir = RULES_DIR): RulePack {
  return loadRulePack(readRuleFiles(dir));
}

/** The script files (rules/scripts/*.yaml), sorted by name. */
export function readScriptFiles(dir = RULES_DIR): RuleFile[] {
  const folder = join(dir, 'scripts');
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return [];
  }
  return names
    .filter((name) => /\.(ya?ml|json)$/.test(name))
    .sort()
    .map((name) => ({ path: relative(join(dir, '..'), join(folder, name)), text: readFileSync(join(folder, name), 'utf8') }));
}

/** The bundled scripts, validated; throws RulePackError listing every problem. */
export function loadBundledScripts(dir = RULES_DIR): Script[] {
  return loadScripts(readScriptFiles(dir));
}
