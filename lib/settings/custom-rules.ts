/**
 * Validating custom rule files before they are imported (pure). Same schema as the bundled rules
 * (lib/engine/rule-schema.ts, rules/README.md), the bundled macros available, every rule's own examples run, and the
 * whole set compiled together with the bundled rules. Any problem stops the import and nothing changes; every
 * problem is listed as `file: field: what is wrong`.
 */
import { createEngine, RuleCompileError } from '../engine';
import { checkRuleExamples } from '../engine/rule-examples';
import { loadRulePack, RulePackError, type RuleFile } from '../engine/rule-loader';
import type { Rule, RulePack } from '../engine/rule-schema';
import { sha256Hex } from '../report/integrity';
import { MAX_CUSTOM_RULES, withCustomRules, type CustomRules } from '../storage/custom-rules';

export const MAX_RULE_FILE_BYTES = 256 * 1024;
export const MAX_RULE_FILES = 50;

export interface ImportedFile {
  name: string;
  text: string;
  /** Size in bytes as the file picker reported it. */
  size: number;
}

export type ImportResult = { ok: true; value: CustomRules } | { ok: false; problems: string[] };

export async function validateCustomRuleFiles(files: readonly ImportedFile[], bundled: RulePack, now: number = Date.now()): Promise<ImportResult> {
  const problems: string[] = [];
  if (files.length === 0) return { ok: false, problems: ['(no file): choose at least one rule file (.yaml, .yml or .json)'] };
  if (files.length > MAX_RULE_FILES) return { ok: false, problems: [`(files): at most ${MAX_RULE_FILES} files can be imported at once`] };
  for (const file of files) {
    if (file.size > MAX_RULE_FILE_BYTES) problems.push(`${file.name}: (file): is ${Math.ceil(file.size / 1024)} KB; a rule file can be at most ${MAX_RULE_FILE_BYTES / 1024} KB`);
    else if (!/\.(ya?ml|json)$/i.test(file.name)) problems.push(`${file.name}: (file): a rule file ends in .yaml, .yml or .json`);
    else if (file.name.startsWith('_')) problems.push(`${file.name}: (file): macro files cannot be imported; rules can use the bundled macros`);
  }
  if (problems.length) return { ok: false, problems };

  // The bundled macros, as macro files the loader understands, so custom rules can use {macro} references.
  const macroFiles: RuleFile[] = (['en', 'vi'] as const).map((language) => ({ path: `bundled/${language}/_macros.json`, text: JSON.stringify(bundled.macros[language]) }));
  let pack: RulePack;
  try {
    pack = loadRulePack([...macroFiles, ...files.map((file) => ({ path: file.name, text: file.text }))]);
  } catch (error) {
    if (error instanceof RulePackError) return { ok: false, problems: error.problems };
    return { ok: false, problems: [`(files): ${(error as Error).message}`] };
  }
  const fileOf = new Map<string, string>();
  for (const file of files) fileOf.set(file.name.replace(/\.(ya?ml|json)$/i, ''), file.name);
  const bundledIds = new Set(bundled.rules.map((rule) => rule.id));
  for (const rule of pack.rules) {
    if (bundledIds.has(rule.id)) problems.push(`${fileOf.get(rule.id) ?? rule.id}: id: "${rule.id}" is already a bundled rule; choose another id (and file name)`);
  }
  if (pack.rules.length === 0) problems.push('(files): the files hold no rules');
  if (pack.rules.length > MAX_CUSTOM_RULES) problems.push(`(files): at most ${MAX_CUSTOM_RULES} custom rules`);
  for (const failure of checkRuleExamples(pack)) {
    const field = failure.kind === 'match' ? 'tests.match' : 'tests.no_match';
    const what = failure.kind === 'match' ? 'is not matched by the rule' : 'is matched by the rule but should not be';
    problems.push(`${fileOf.get(failure.ruleId) ?? failure.ruleId}: ${field}: "${failure.example}" ${what}`);
  }
  if (problems.length) return { ok: false, problems };
  try {
    createEngine(withCustomRules(bundled, pack.rules));
  } catch (error) {
    if (error instanceof RuleCompileError) return { ok: false, problems: error.problems.map((p) => `${fileOf.get(p.ruleId) ?? p.ruleId}: patterns: ${p.message}`) };
    throw error;
  }
  const rules: Rule[] = pack.rules;
  return {
    ok: true,
    value: {
      importedAt: now,
      files: await Promise.all(
        files.map(async (file) => ({
          name: file.name,
          sha256: await sha256Hex(file.text),
          ruleIds: rules.filter((rule) => fileOf.get(rule.id) === file.name).map((rule) => rule.id),
        })),
      ),
      rules,
    },
  };
}
