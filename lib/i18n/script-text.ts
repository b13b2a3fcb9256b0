/**
 * The words of a known manipulation script (rules/scripts) for a warning: its name, its steps and the advice that
 * fits it first. Pure: the texts are generated into script-texts.ts at build time.
 */
import { t, type UiLanguage } from './index';
import { SCRIPT_TEXTS, type ScriptText } from './script-texts';

export type { ScriptText };

/** The texts of a script, or undefined for a script this build does not know (a report from a newer version). */
export function scriptText(language: UiLanguage, scriptId: string): ScriptText | undefined {
  return Object.hasOwn(SCRIPT_TEXTS, scriptId) ? SCRIPT_TEXTS[scriptId][language] : undefined;
}

/** What a warning leads with when a conversation follows a known script: the named pattern, its steps, its advice. */
export interface PatternSummary {
  headline: string;
  /** Names of the steps seen, in the order they appeared. */
  steps: string[];
  advice: string[];
}

export function patternSummary(language: UiLanguage, pattern: { script: string; steps: ReadonlyArray<{ step: string }>; total: number }): PatternSummary | undefined {
  const text = scriptText(language, pattern.script);
  if (!text) return undefined;
  return {
    headline: t(language, 'patternHeadline', { name: text.name, seen: pattern.steps.length, total: pattern.total }),
    steps: pattern.steps.map((s) => text.steps[s.step] ?? s.step),
    advice: text.advice,
  };
}
