/**
 * Parses and validates rule files (YAML or JSON text) into a RulePack. Pure: callers read the files.
 * Problems are collected, not thrown one by one, so an author sees every mistake at once, each with the file,
 * the field and what is wrong.
 */
import { parse as parseYaml } from 'yaml';
import { describeIssues, MacrosSchema, RuleSchema, type Rule, type RulePack } from './rule-schema';
import { ScriptSchema, type Script } from './script-schema';
import { CompiledRuleSet } from './matcher';

export interface RuleFile {
  /** Path as shown in messages, e.g. `rules/vi/vi-secrecy-dont-tell-parents.yaml`. */
  path: string;
  text: string;
}

export class RulePackError extends Error {
  constructor(readonly problems: string[]) {
    super(`${problems.length} problem(s) in rule files:\n` + problems.map((p) => '  ' + p).join('\n'));
    this.name = 'RulePackError';
  }
}

function baseName(path: string): string {
  const name = path.split(/[\\/]/).pop() ?? path;
  return name.replace(/\.(ya?ml|json)$/, '');
}

function folderLanguage(path: string): 'en' | 'vi' | undefined {
  const m = /(?:^|[\\/])(en|vi)[\\/][^\\/]+$/.exec(path);
  return m ? (m[1] as 'en' | 'vi') : undefined;
}

function parseText(file: RuleFile, problems: string[]): unknown {
  try {
    return file.path.endsWith('.json') ? (JSON.parse(file.text) as unknown) : (parseYaml(file.text, { maxAliasCount: 50 }) as unknown);
  } catch (error) {
    problems.push(`${file.path}: (file): not valid ${file.path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n')[0]}`);
    return undefined;
  }
}

/** Validate rule files and macro files (`_macros.yaml`) into a pack, then compile it once to catch pattern errors. */
export function loadRulePack(files: readonly RuleFile[]): RulePack {
  const problems: string[] = [];
  const rules: Rule[] = [];
  const macros: RulePack['macros'] = { en: {}, vi: {} };
  const origin = new Map<string, string>();
  for (const file of files) {
    const data = parseText(file, problems);
    if (data === undefined) continue;
    const name = baseName(file.path);
    if (name.startsWith('_')) {
      const language = folderLanguage(file.path);
      const parsed = MacrosSchema.safeParse(data ?? {});
      if (!language) problems.push(`${file.path}: (file): macro files live in rules/en/ or rules/vi/`);
      else if (!parsed.success) problems.push(...describeIssues(file.path, parsed.error));
      else Object.assign(macros[language], parsed.data);
      continue;
    }
    const parsed = RuleSchema.safeParse(data);
    if (!parsed.success) {
      problems.push(...describeIssues(file.path, parsed.error));
      continue;
    }
    const rule = parsed.data;
    if (rule.id !== name) problems.push(`${file.path}: id: "${rule.id}" must equal the file name "${name}"`);
    const language = folderLanguage(file.path);
    if (language && !rule.languages.includes(language)) {
      problems.push(`${file.path}: languages: a rule in rules/${language}/ must cover "${language}"`);
    }
    const previous = origin.get(rule.id);
    if (previous) problems.push(`${file.path}: id: "${rule.id}" is already used by ${previous}`);
    origin.set(rule.id, file.path);
    rules.push(rule);
  }
  const pack: RulePack = { rules, macros };
  if (problems.length === 0) {
    for (const problem of new CompiledRuleSet(pack).problems) {
      if (problem.severity === 'error') problems.push(`${origin.get(problem.ruleId) ?? problem.ruleId}: patterns: ${problem.message}`);
    }
  }
  if (problems.length) throw new RulePackError(problems);
  return pack;
}

/** Validate script files (rules/scripts/*.yaml); throws RulePackError listing every problem. */
export function loadScripts(files: readonly RuleFile[]): Script[] {
  const problems: string[] = [];
  const scripts: Script[] = [];
  const origin = new Map<string, string>();
  for (const file of files) {
    const data = parseText(file, problems);
    if (data === undefined) continue;
    const parsed = ScriptSchema.safeParse(data);
    if (!parsed.success) {
      problems.push(...describeIssues(file.path, parsed.error));
      continue;
    }
    const script = parsed.data;
    const name = baseName(file.path);
    if (script.id !== name) problems.push(`${file.path}: id: "${script.id}" must equal the file name "${name}"`);
    const previous = origin.get(script.id);
    if (previous) problems.push(`${file.path}: id: "${script.id}" is already used by ${previous}`);
    origin.set(script.id, file.path);
    scripts.push(script);
  }
  if (problems.length) throw new RulePackError(problems);
  return scripts;
}

/** What the extension and the built CLI need at run time: the rules' own examples stay out of the bundle. */
export function runtimePack(pack: RulePack): RulePack {
  return {
    macros: pack.macros,
    rules: pack.rules.map((rule) => ({ ...rule, tests: { match: [], no_match: [] }, falsepositives: [] })),
  };
}
