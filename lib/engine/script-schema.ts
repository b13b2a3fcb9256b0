/**
 * The script file format (rules/scripts/*.yaml, see rules/README.md): a manipulation script as police, schools and
 * researchers describe it, as ordered steps the engine can recognise in a conversation, with the advice that fits
 * it and example conversations that run as tests. Like rules, scripts are data.
 */
import { z } from 'zod';
import { CATEGORY_IDS } from './taxonomy';

const text = z.string().trim().min(1).max(400);
const localized = z.strictObject({ en: text, vi: text });
const id = z.string().regex(/^[a-z0-9]+(?:[-_][a-z0-9]+)*$/, 'an id is lowercase words joined by dashes or underscores');
/** Plain words (any case, with or without diacritics), matched on the engine's normalised views, word by word. */
const word = z
  .string()
  .trim()
  .min(1)
  .max(60)
  .regex(/^[\p{L}\p{M}0-9 ]+$/u, 'only letters, digits and spaces');

/** One way a step shows in a message. */
export const StepSignSchema = z.strictObject({
  /** A counted cue of one of these categories, from the other side or disclosed by the user... */
  categories: z.array(z.enum(CATEGORY_IDS)).min(1).max(6),
  /** ...in a message that also has one of these words (none listed: the category alone is enough). */
  words: z.array(word).min(1).max(200).optional(),
});

export const ScriptStepSchema = z.strictObject({
  id,
  name: localized,
  /** The step shows when any of these signs does. */
  when: z.array(StepSignSchema).min(1).max(6),
  /** A key step tells this script apart from others: the pattern is named only once a key step was seen. */
  key: z.boolean().optional(),
});

const exampleMessage = z.strictObject({ from: z.enum(['self', 'other']), text: z.string().min(1).max(2000) });

export const ScriptSchema = z
  .strictObject({
    id,
    name: localized,
    /** One sentence: what happens in this script. */
    summary: localized,
    steps: z.array(ScriptStepSchema).min(2).max(10),
    /** Steps seen (one of them key) before the conversation is said to follow this script. */
    named_after: z.number().int().min(2).max(10),
    /** What helps, most important first. */
    advice: z.strictObject({ en: z.array(text).min(1).max(6), vi: z.array(text).min(1).max(6) }),
    sources: z.array(z.string().min(3).max(300)).min(1),
    tests: z.strictObject({
      /** Conversations that must be named as this script, with the steps that must have been seen. */
      match: z
        .array(z.strictObject({ name: z.string().min(3), steps: z.array(id).min(1), messages: z.array(exampleMessage).min(2).max(40) }))
        .min(2),
      /** Look-alike conversations (talk about the script, real appointments) that must not be named as it. */
      no_match: z.array(z.strictObject({ name: z.string().min(3), messages: z.array(exampleMessage).min(2).max(40) })).min(2),
    }),
  })
  .superRefine((script, ctx) => {
    const ids = new Set<string>();
    script.steps.forEach((step, i) => {
      if (ids.has(step.id)) ctx.addIssue({ code: 'custom', path: ['steps', i, 'id'], message: `step "${step.id}" is listed twice` });
      ids.add(step.id);
    });
    if (!script.steps.some((s) => s.key)) ctx.addIssue({ code: 'custom', path: ['steps'], message: 'at least one step must be `key: true`' });
    if (script.named_after > script.steps.length) {
      ctx.addIssue({ code: 'custom', path: ['named_after'], message: `cannot exceed the number of steps (${script.steps.length})` });
    }
    script.tests.match.forEach((example, i) =>
      example.steps.forEach((s, j) => {
        if (!ids.has(s)) ctx.addIssue({ code: 'custom', path: ['tests', 'match', i, 'steps', j], message: `unknown step "${s}"` });
      }),
    );
  });

export type Script = z.infer<typeof ScriptSchema>;
/** What the extension needs of a script at run time (its example conversations stay out of the bundle). */
export type RuntimeScript = Omit<Script, 'tests' | 'sources'> & Partial<Pick<Script, 'tests' | 'sources'>>;
export type ScriptStep = z.infer<typeof ScriptStepSchema>;
