/**
 * The rule file format (see rules/README.md), as a zod schema. The same schema validates bundled rules at build
 * time, rule files loaded by the CLI, and custom rule files a user imports; `rules/schema.json` is exported from it.
 */
import { z } from 'zod';
import { CATEGORY_IDS, LANGUAGES } from './taxonomy';

/** Letters (with marks), digits, spaces, `?` and the phrase-pattern syntax; no raw RegExp reaches the compiler. */
const PATTERN_TEXT = /^[\p{L}\p{M}0-9 ?*()[\]|~{}_'’]+$/u;

function patternTextUpTo(max: number) {
  return z
    .string()
    .trim()
    .min(1, 'a pattern cannot be empty')
    .max(max, `a pattern is limited to ${max} characters`)
    .regex(PATTERN_TEXT, 'only letters, digits, apostrophes, spaces, ? and the pattern syntax ( ) [ ] | * ~N {macro} are allowed');
}
const patternText = patternTextUpTo(600);

export const PatternSchema = z.union([
  patternText,
  z.strictObject({
    p: patternText,
    accents: z.boolean().optional().describe('match against the text with its diacritics kept'),
  }),
]);

const example = z.string().min(1).max(2000);

export const RuleSchema = z
  .strictObject({
    id: z
      .string()
      .regex(/^(en|vi|xx)-[a-z0-9]+(?:-[a-z0-9]+)*$/, 'an id is lowercase words joined by dashes, starting with en-, vi- or xx-'),
    title: z.string().min(3).max(160),
    category: z.enum(CATEGORY_IDS),
    languages: z.array(z.enum(LANGUAGES)).min(1).max(2),
    weight: z.number().int().min(1).max(5),
    tags: z.array(z.string().regex(/^[a-z0-9-]+$/)).max(20).optional(),
    patterns: z.array(PatternSchema).min(1).max(80),
    guards: z.array(PatternSchema).max(80).optional(),
    grammar: z
      .strictObject({
        not_negated: z.boolean().optional(),
        question: z.enum(['required', 'forbidden']).optional(),
      })
      .optional(),
    falsepositives: z.array(z.string().min(1)).min(1),
    advice: z.string().regex(/^[a-z_]+$/).optional(),
    self_compliance: z.boolean().optional(),
    tests: z.strictObject({
      match: z.array(example).min(3),
      no_match: z.array(example).min(3),
    }),
  })
  .superRefine((rule, ctx) => {
    if (rule.grammar && !rule.languages.includes('en')) {
      ctx.addIssue({ code: 'custom', path: ['grammar'], message: 'grammar checks exist for English rules only' });
    }
    const perLanguage = 3;
    if (rule.tests.match.length < perLanguage * rule.languages.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['tests', 'match'],
        message: `needs at least ${perLanguage} examples per language (${perLanguage * rule.languages.length})`,
      });
    }
    if (rule.tests.no_match.length < perLanguage * rule.languages.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['tests', 'no_match'],
        message: `needs at least ${perLanguage} examples per language (${perLanguage * rule.languages.length})`,
      });
    }
  });

export type Rule = z.infer<typeof RuleSchema>;
export type Pattern = z.infer<typeof PatternSchema>;

/** `_macros.yaml`: macro name → a pattern fragment (usually a group of alternatives). */
export const MacrosSchema = z.record(z.string().regex(/^[a-z][a-z0-9_]*$/, 'a macro name is lowercase letters, digits and _'), patternTextUpTo(3000));
export type Macros = z.infer<typeof MacrosSchema>;

/** A rule pack as bundled into the extension or imported by the user. */
export const RulePackSchema = z.strictObject({
  rules: z.array(RuleSchema),
  macros: z.strictObject({ en: MacrosSchema, vi: MacrosSchema }),
});
export type RulePack = z.infer<typeof RulePackSchema>;

/** Turn zod issues into "file: field.path: message" lines a rule author can act on. */
export function describeIssues(file: string, error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.length ? issue.path.map(String).join('.') : '(root)';
    return `${file}: ${path}: ${issue.message}`;
  });
}
