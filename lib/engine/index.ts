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
import { combineFindings, isShownOnly } from './combine';
import { likelyLanguages, tokenize, type RawToken } from './normalize';
import { extractFeatures } from './scorer';
import type { ChatMessage, ConversationRisk, EngineOptions, Finding, Language } from './types';

/** The language a model finding is reported in: Vietnamese when the message reads as Vietnamese only. */
function messageLanguage(tokens: readonly RawToken[]): Language {
  const likely = likelyLanguages(tokens);
  return likely.vi && !likely.en ? 'vi' : 'en';
}

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
  // Imported rules run after the bundled ones, on a budget of their own (matcher.ts): they cannot starve them.
  const compiled = new CompiledRuleSet({ rules, macros: pack.macros }, phrases, { importedRuleIds: options.userRuleIds });
  const errors = compiled.problems.filter((p) => p.severity === 'error');
  if (errors.length) throw new RuleCompileError(errors);
  const preset = SENSITIVITY_PRESETS[options.sensitivity ?? DEFAULT_SENSITIVITY];

  const scorer = options.scorer;
  const userRules = new Set(options.userRuleIds ?? []);
  const isUserRule = (ruleId: string): boolean => userRules.has(ruleId);
  const counted = (f: Finding): boolean => f.weight >= preset.minShownWeight && !isShownOnly(f);

  /** Rules first, then (with a scorer) the scorer's reading of the message over the rules' hits. */
  const analyzeMessage = (text: string): { findings: Finding[]; truncated: boolean } => {
    const analysis = analyzeText(compiled, text);
    if (!scorer) return analysis;
    const ruleCategories = analysis.findings.filter((f) => !isUserRule(f.ruleId)).map((f) => f.category);
    const result = scorer.score(text, ruleCategories);
    const { findings } = combineFindings({
      text,
      ruleFindings: analysis.findings,
      isUserRule,
      scorer,
      features: () => extractFeatures(text, ruleCategories),
      result,
      language: () => messageLanguage(tokenize(text.slice(0, 2000))),
      minShownWeight: preset.minShownWeight,
    });
    // Switched-off categories and languages hold for the scorer's findings too.
    const kept = findings.filter((f) => !disabled.has(f.category) && (!languages || languages.has(f.language)));
    return { findings: kept, truncated: analysis.truncated };
  };

  return {
    preset,
    problems: compiled.problems,
    ruleCount: compiled.rules.length,
    analyze: (text) => analyzeMessage(text).findings,
    conversation() {
      const tracker = new ConversationRiskTracker(preset);
      return {
        add(message) {
          const { findings, truncated } = analyzeMessage(message.text);
          tracker.addLater(message, findings);
          return new LazyRiskResult(findings, findings.some(counted), truncated, tracker);
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
export { parseScorerData, Scorer, ScorerDataError, type ScorerData } from './scorer';
export { MODEL_RULE_PREFIX } from './combine';
export type * from './types';
export type { Rule, RulePack, Pattern, Macros } from './rule-schema';
