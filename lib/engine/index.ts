/**
 * The detection engine's public face, with its sentence parser (compromise). Pure: no DOM, no `browser.*`, no Node
 * APIs, so the same code runs in the background, the CLI and the tests. (Content scripts do not bundle it: they send
 * the messages they read to the background, which analyses them; see lib/background/analysis.ts.)
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

type AnalyzedMessage = Pick<ChatMessage, 'id' | 'from' | 'text' | 'ts'>;

export interface ConversationAnalyzer {
  add(message: AnalyzedMessage): MessageResult;
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

/**
 * A message's result whose risk is worked out only if the caller reads it (a page scan reads the conversation's risk
 * once per batch, not once per message). Reading it after the next message was added is a mistake, and says so.
 */
class LazyRiskResult implements MessageResult {
  private known: ConversationRisk | undefined;
  private readonly version: number;

  constructor(
    readonly findings: Finding[],
    readonly flagged: boolean,
    readonly truncated: boolean,
    private readonly tracker: ConversationRiskTracker,
  ) {
    this.version = tracker.version;
  }

  get risk(): ConversationRisk {
    if (this.known) return this.known;
    if (this.tracker.version !== this.version) throw new Error('MessageResult.risk read after a later message was added: read it right away');
    return (this.known = this.tracker.current);
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
          tracker.addLater(message, findings);
          return new LazyRiskResult(findings, shown(findings).length > 0, truncated, tracker);
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
