/**
 * Custom rule files the user (or a parent) imported in the options page: validated there with the bundled rules'
 * schema and examples (lib/settings/custom-rules.ts), stored here as parsed rules, merged with the bundled pack by
 * the background's engine (lib/extension/bundled-engine.ts):
 *
 *   const engine = createEngine(withCustomRules(pack, await loadCustomRules()), options);
 *
 * Storage is untrusted on read: every rule is validated again, an invalid one is left out.
 */
import { z } from 'zod';
import { storage } from 'wxt/utils/storage';
import { RuleSchema, type Rule, type RulePack } from '../engine/rule-schema';
import { CUSTOM_RULES_VERSION } from './migrations';

export const MAX_CUSTOM_RULES = 500;

export const CustomRulesSchema = z.object({
  importedAt: z.number(),
  files: z
    .array(
      z.object({
        name: z.string().max(255),
        /** SHA-256 of the file as imported, so a parent can tell which version is in use. */
        sha256: z.string().regex(/^[0-9a-f]{64}$/),
        ruleIds: z.array(z.string().max(120)).max(MAX_CUSTOM_RULES),
      }),
    )
    .max(50),
  rules: z.array(z.unknown()).max(MAX_CUSTOM_RULES),
});
export type CustomRules = Omit<z.infer<typeof CustomRulesSchema>, 'rules'> & { rules: Rule[] };

export const customRulesItem = storage.defineItem<unknown>('local:custom-rules', {
  fallback: null,
  version: CUSTOM_RULES_VERSION,
  migrations: {},
});

/** Parse what storage holds; rules that no longer validate are left out and counted. */
export function parseCustomRules(raw: unknown): { value: CustomRules | null; problems: string[] } {
  if (raw === null || raw === undefined) return { value: null, problems: [] };
  const parsed = CustomRulesSchema.safeParse(raw);
  if (!parsed.success) return { value: null, problems: ['the imported rules could not be read and are not used'] };
  const rules: Rule[] = [];
  let invalid = 0;
  for (const candidate of parsed.data.rules) {
    const rule = RuleSchema.safeParse(candidate);
    if (rule.success) rules.push(rule.data);
    else invalid++;
  }
  return { value: { ...parsed.data, rules }, problems: invalid ? [`${invalid} imported rule(s) could not be read and are not used`] : [] };
}

export async function loadCustomRuleSet(): Promise<{ value: CustomRules | null; problems: string[] }> {
  return parseCustomRules(await customRulesItem.getValue());
}

/** The imported rules to run next to the bundled ones ([] when none). Never throws. */
export async function loadCustomRules(): Promise<Rule[]> {
  try {
    return (await loadCustomRuleSet()).value?.rules ?? [];
  } catch {
    return [];
  }
}

export async function saveCustomRules(value: CustomRules | null): Promise<void> {
  await customRulesItem.setValue(value);
}

/** The bundled pack plus custom rules (a custom rule never replaces a bundled rule with the same id). */
export function withCustomRules(pack: RulePack, rules: readonly Rule[]): RulePack {
  if (rules.length === 0) return pack;
  const ids = new Set(pack.rules.map((rule) => rule.id));
  return { macros: pack.macros, rules: [...pack.rules, ...rules.filter((rule) => !ids.has(rule.id))] };
}
