/**
 * The detection engine's public face. Pure: no DOM, no `browser.*`, no Node APIs, so the same code runs in the
 * content script, the background, the CLI and the tests.
 *
 *   const engine = createEngine(pack, { sensitivity: 'balanced' });
 *   const conversation = engine.conversation();
 *   const { findings, risk } = conversation.add(message);
 */
import { analyzeText, CompiledRuleSet, type CompileProblem, type PrecompiledPhrases } from './matcher';
import { ConversationRiskTracker, DEFAULT_SENSITIVITY, SENSITIVITY_PRESETS, type SensitivityPreset } from './risk';
import type { RulePack } from './rule-schema';
import type { ChatMessage, ConversationRisk, EngineOptions, Finding } from './types';

export interface MessageResult {
  findings: Finding[];
  /** True when the message carries at least one cue shown at this sensitivity. */
  flagged: boolean;
  /** The conversation's risk after this message. */
  risk: ConversationRisk;
  /** The message was too long to analyse completely. */
  truncated: boolean;
}

export interface ConversationAnalyzer {
  add(message: Pick<ChatMessage, 'id' | 'from' | 'text' | 'ts'>): MessageResult;
  readonly risk: ConversationRisk;
}

export interface Engine {
  readonly preset: SensitivityPreset;
  readonly problems: readonly CompileProblem[];
  readonly ruleCount: number;
  /** Findings of one message, without conversation context. */
  analyze(text: string): Finding[];
  /** A fresh tracker for one conversation. */
  conversation(): ConversationAnalyzer;
}

export class RuleCompileError extends Error {
  constructor(readonly problems: CompileProblem[]) {
    super('rules failed to compile:\n' + problems.map((p) => `  ${p.ruleId}: ${p.message}`).join('\n'));
    this.name = 'RuleCompileError';
  }
}

export function createEngine(pack: RulePack, options: EngineOptions = {}, phrases?: PrecompiledPhrases): Engine {
  const disabled = new Set(options.disabledCategories ?? []);
  const languages = options.languages ? new Set(options.languages) : undefined;
  const rules = pack.rules
    .filter((rule) => !disabled.has(rule.category))
    .map((rule) => (languages ? { ...rule, languages: rule.languages.filter((l) => languages.has(l)) } : rule))
    .filter((rule) => rule.languages.length > 0);
  const compiled = new CompiledRuleSet({ rules, macros: pack.macros }, phrases);
  const errors = compiled.problems.filter((p) => p.severity === 'error');
  if (errors.length) throw new RuleCompileError(errors);
  const preset = SENSITIVITY_PRESETS[options.sensitivity ?? DEFAULT_SENSITIVITY];

  const shown = (findings: Finding[]): Finding[] => findings.filter((f) => f.weight >= preset.minShownWeight);

  return {
    preset,
    problems: compiled.problems,
    ruleCount: compiled.rules.length,
    analyze: (text) => analyzeText(compiled, text).findings,
    conversation() {
      const tracker = new ConversationRiskTracker(preset);
      return {
        add(message) {
          const { findings, truncated } = analyzeText(compiled, message.text);
          const risk = tracker.add(message, findings);
          return { findings, flagged: shown(findings).length > 0, risk, truncated };
        },
        get risk() {
          return tracker.current;
        },
      };
    },
  };
}

export { SENSITIVITY_PRESETS, DEFAULT_SENSITIVITY } from './risk';
export type { SensitivityPreset } from './risk';
export type { CompileProblem, PrecompiledPhrases } from './matcher';
export { precompilePhrases } from './matcher';
export * from './taxonomy';
export type * from './types';
export type { Rule, RulePack, Pattern, Macros } from './rule-schema';
