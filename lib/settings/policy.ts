/**
 * Settings an administrator presets through browser policy (`storage.managed`, declared by
 * public/managed-schema.json), for family and school computers. A field the policy sets wins over the user's value
 * and is shown as "set by your administrator"; `lockSettings` makes every setting read-only and turns off pausing.
 * Each field is validated on its own: an invalid one is ignored and reported, the others still apply.
 */
import { z } from 'zod';
import { CATEGORY_IDS, LANGUAGES, SENSITIVITIES } from '../engine/taxonomy';
import type { Settings } from '../storage/schema';

export const PolicySchema = z.object({
  sensitivity: z.enum(SENSITIVITIES).optional(),
  disabledCategories: z.array(z.enum(CATEGORY_IDS)).optional(),
  languages: z.array(z.enum(LANGUAGES)).min(1).optional(),
  retentionDays: z.number().int().min(1).max(3650).optional(),
  uiLanguage: z.enum(['auto', 'en', 'vi']).optional(),
  contextMessages: z.number().int().min(0).max(50).optional(),
  /** Extra hosts to watch (added to the user's "Watch this site" list). */
  watchedSites: z.array(z.string().min(1).max(253)).max(200).optional(),
  /** Every setting read-only, no pausing, no custom rules. */
  lockSettings: z.boolean().optional(),
  /** Whether custom rule files may be imported (default true). */
  allowCustomRules: z.boolean().optional(),
});
export type Policy = z.infer<typeof PolicySchema>;

/** The settings fields a policy can set. */
export const POLICY_SETTING_FIELDS = ['sensitivity', 'disabledCategories', 'languages', 'retentionDays', 'uiLanguage', 'contextMessages', 'watchedSites'] as const;
export type PolicySettingField = (typeof POLICY_SETTING_FIELDS)[number];

export function parsePolicy(raw: unknown): { policy: Policy; problems: string[] } {
  const policy: Policy = {};
  const problems: string[] = [];
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { policy: {}, problems: [] };
  const shape = PolicySchema.shape as Record<string, z.ZodType>;
  for (const [field, value] of Object.entries(raw as Record<string, unknown>)) {
    // Own fields only: a policy field named "valueOf" or "constructor" is unknown, not Object.prototype's.
    const schema = Object.hasOwn(shape, field) ? shape[field] : undefined;
    if (!schema) {
      problems.push(`policy "${field}" is not known and was ignored`);
      continue;
    }
    const parsed = schema.safeParse(value);
    if (parsed.success) (policy as Record<string, unknown>)[field] = parsed.data;
    else problems.push(`policy "${field}" is invalid and was ignored`);
  }
  return { policy, problems };
}

/** The settings in effect: the user's, with what the policy sets. */
export function applyPolicy(settings: Settings, policy: Policy): Settings {
  const out: Settings = { ...settings };
  if (policy.sensitivity) out.sensitivity = policy.sensitivity;
  if (policy.disabledCategories) out.disabledCategories = [...policy.disabledCategories];
  if (policy.languages) out.languages = [...policy.languages];
  if (policy.retentionDays !== undefined) out.retentionDays = policy.retentionDays;
  if (policy.uiLanguage) out.uiLanguage = policy.uiLanguage;
  if (policy.contextMessages !== undefined) out.contextMessages = policy.contextMessages;
  if (policy.watchedSites) out.watchedSites = [...new Set([...settings.watchedSites, ...policy.watchedSites])];
  return out;
}

/** Settings fields the policy sets (shown read-only in the options page). */
export function managedFields(policy: Policy): Set<PolicySettingField> {
  return new Set(POLICY_SETTING_FIELDS.filter((field) => policy[field] !== undefined));
}
