/**
 * The twelve manipulation-cue categories. This list is a fixed contract shared by the engine, the CLI
 * output, the UI, exports and tests (see ../shared/reference/cue-taxonomy.md). Never rename an id.
 */
export const CATEGORY_IDS = [
  'isolation',
  'secrecy',
  'threat',
  'impersonation',
  'money',
  'personal_info',
  'meeting',
  'platform_move',
  'sexual',
  'gifts_flattery',
  'age_probe',
  'monitoring',
] as const;

export type CategoryId = (typeof CATEGORY_IDS)[number];

export const LANGUAGES = ['en', 'vi'] as const;
export type Language = (typeof LANGUAGES)[number];

export const RISK_LEVELS = ['none', 'low', 'medium', 'high', 'critical'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

export const SENSITIVITIES = ['cautious', 'balanced', 'relaxed'] as const;
export type Sensitivity = (typeof SENSITIVITIES)[number];

export function isCategoryId(value: unknown): value is CategoryId {
  return typeof value === 'string' && (CATEGORY_IDS as readonly string[]).includes(value);
}

export function levelRank(level: RiskLevel): number {
  return RISK_LEVELS.indexOf(level);
}
