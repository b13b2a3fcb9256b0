/**
 * Recognises the steps of known manipulation scripts (rules/scripts/*.yaml) in a conversation: a counted cue of a
 * step's category, in a message that also has one of the step's words, is that step. The conversation risk
 * (risk.ts) keeps which steps were seen, in order and from whom, names the script once enough of it has shown, and
 * rises with the script's progress rather than only with the count of cues.
 *
 * Words are matched on the same normalised views as rules (teencode expanded, diacritics folded, letters squeezed),
 * so a script author writes "cong an" or "công an" and it matches "CA", "cong an" and "công an" alike.
 */
import { getView, normalizeMessage, type NormalizedMessage } from './normalize';
import type { RuntimeScript } from './script-schema';
import type { CategoryId, Language, ScriptProgress, SeenStep } from './types';

export type { RuntimeScript, ScriptProgress, SeenStep };

const VIEWS = ['en', 'vi'] as const;

interface CompiledSign {
  categories: ReadonlySet<CategoryId>;
  /** Per view, each word list as ` w1 w2 ` (spaces around, to match whole words); undefined: category alone. */
  words: Record<(typeof VIEWS)[number], string[]> | undefined;
}

interface CompiledStep {
  id: string;
  signs: CompiledSign[];
  key: boolean;
}

export interface CompiledScript {
  id: string;
  namedAfter: number;
  steps: CompiledStep[];
}

function viewText(message: NormalizedMessage, view: (typeof VIEWS)[number]): string {
  return ` ${getView(message, view).words.join(' ')} `;
}

export function compileScripts(scripts: readonly RuntimeScript[]): CompiledScript[] {
  return scripts.map((script) => ({
    id: script.id,
    namedAfter: script.named_after,
    steps: script.steps.map((step) => ({
      id: step.id,
      key: step.key ?? false,
      signs: step.when.map((sign) => {
        let words: CompiledSign['words'];
        if (sign.words?.length) {
          words = { en: [], vi: [] };
          for (const phrase of sign.words) {
            const normalized = normalizeMessage(phrase.toLowerCase());
            for (const view of VIEWS) words[view].push(viewText(normalized, view));
          }
        }
        return { categories: new Set(sign.categories), words };
      }),
    })),
  }));
}

/**
 * The steps a message shows: `[script index, step index]` pairs. `categories` are the message's counted cue
 * categories (the other side's, or the user's disclosure). The text is normalised only when a step needs words.
 */
export function stepsInMessage(scripts: readonly CompiledScript[], text: string, categories: ReadonlySet<CategoryId>): Array<[number, number]> {
  const found: Array<[number, number]> = [];
  if (categories.size === 0) return found;
  let views: Record<(typeof VIEWS)[number], string> | undefined;
  const shows = (sign: CompiledSign): boolean => {
    if (![...sign.categories].some((c) => categories.has(c))) return false;
    if (!sign.words) return true;
    if (!views) {
      const normalized = normalizeMessage(text.slice(0, 4000));
      views = { en: viewText(normalized, 'en'), vi: viewText(normalized, 'vi') };
    }
    const seen = views;
    return VIEWS.some((view) => sign.words![view].some((w) => seen[view].includes(w)));
  };
  scripts.forEach((script, s) =>
    script.steps.forEach((step, i) => {
      if (step.signs.some(shows)) found.push([s, i]);
    }),
  );
  return found;
}

const MIN_MESSAGES_TO_NAME = 2;

/**
 * The script a conversation follows, if any: among the scripts with `named_after` steps seen including a key step,
 * seen in at least two messages, the one with most key steps seen (they tell scripts apart: a hotel room is a step of
 * more than one), then the largest share of its steps seen. Ties go to the script listed first. Two messages: one
 * message is one piece of evidence, however many steps its words touch (a mum's "I saw the photo you posted" read as
 * both the images and the threat of sextortion named the script, and its step bonus alerted, on its own). The user's
 * own account is the exception: it retells steps the other side took elsewhere ("a police officer called me about
 * money laundering"), so one such message can name the script.
 */
export function leadingScript(scripts: readonly CompiledScript[], seen: ReadonlyArray<ReadonlyMap<number, SeenStep>>): ScriptProgress | undefined {
  let best: ScriptProgress | undefined;
  let bestRank: [number, number] = [0, 0];
  scripts.forEach((script, s) => {
    const steps = seen[s];
    if (!steps || steps.size < script.namedAfter) return;
    const seenSteps = [...steps.values()];
    if (new Set(seenSteps.map((step) => step.messageId)).size < MIN_MESSAGES_TO_NAME && !seenSteps.some((step) => step.from === 'self')) return;
    const keys = [...steps.keys()].filter((i) => script.steps[i].key).length;
    if (keys === 0) return;
    const share = steps.size / script.steps.length;
    if (keys > bestRank[0] || (keys === bestRank[0] && share > bestRank[1])) {
      bestRank = [keys, share];
      best = { script: script.id, steps: [...steps.values()], total: script.steps.length };
    }
  });
  return best;
}

/** The localised texts of a script, for a warning. */
export function scriptTexts(script: RuntimeScript, language: Language): { name: string; summary: string; advice: string[]; steps: Record<string, string> } {
  return {
    name: script.name[language],
    summary: script.summary[language],
    advice: script.advice[language],
    steps: Object.fromEntries(script.steps.map((s) => [s.id, s.name[language]])),
  };
}
