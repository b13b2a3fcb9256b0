/**
 * The detection engine without its sentence parser: what the content script bundles (lib/engine/index.ts adds the
 * parser, compromise, for everything else). Pure: no DOM, no `browser.*`, no Node APIs.
 *
 *   const engine = createEngine(pack, { sensitivity: 'balanced', parseSentences });
 *   const conversation = engine.conversation();
 *   const { findings, risk } = conversation.add(message);
 */
import type { SentenceParser } from './grammar';
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
  /**
   * A grammar check needed the sentence parser, which the engine was built without or which had no answer yet:
   * the rule it guards found nothing for now. Call `recheck` once the parser can answer.
   */
  grammarPending: boolean;
}

type AnalyzedMessage = Pick<ChatMessage, 'id' | 'from' | 'text' | 'ts'>;

export interface ConversationAnalyzer {
  add(message: AnalyzedMessage): MessageResult;
  /**
   * Analyse a message whose grammar checks were pending again, adding only the findings of rules it did not have
   * before. Null when the message has nothing pending (unknown id, or a different text).
   */
  recheck(message: AnalyzedMessage): MessageResult | null;
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
function resultWithRisk(base: Omit<MessageResult, 'risk'>, tracker: ConversationRiskTracker): MessageResult {
  const version = tracker.version;
  let risk: ConversationRisk | undefined;
  return {
    ...base,
    get risk(): ConversationRisk {
      if (risk) return risk;
      if (tracker.version !== version) throw new Error('MessageResult.risk read after a later message was added: read it right away');
      return (risk = tracker.current);
    },
  };
}

/** Messages with pending grammar checks kept per conversation, for `recheck` (they are rare). */
const MAX_PENDING = 1000;

export interface EngineRuntime {
  /** The sentence parser for grammar checks; without one, checks that need it stay pending. */
  parseSentences?: SentenceParser;
}

export function createEngine(pack: RulePack, options: EngineOptions & EngineRuntime = {}, phrases?: PrecompiledPhrases): Engine {
  const { parseSentences } = options;
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
    analyze: (text) => analyzeText(compiled, text, {}, parseSentences).findings,
    conversation() {
      const tracker = new ConversationRiskTracker(preset);
      /** Message id → its text and the rules found so far, while a grammar check is pending. */
      const pending = new Map<string, { text: string; ruleIds: Set<string> }>();
      return {
        add(message) {
          const { findings, truncated, grammarPending } = analyzeText(compiled, message.text, {}, parseSentences);
          tracker.addLater(message, findings);
          pending.delete(message.id);
          if (grammarPending) {
            pending.set(message.id, { text: message.text, ruleIds: new Set(findings.map((f) => f.ruleId)) });
            if (pending.size > MAX_PENDING) pending.delete(pending.keys().next().value as string);
          }
          return resultWithRisk({ findings, flagged: shown(findings).length > 0, truncated, grammarPending }, tracker);
        },
        recheck(message) {
          const earlier = pending.get(message.id);
          if (!earlier || earlier.text !== message.text) return null;
          const analysis = analyzeText(compiled, message.text, {}, parseSentences);
          const findings = analysis.findings.filter((f) => !earlier.ruleIds.has(f.ruleId));
          for (const finding of findings) earlier.ruleIds.add(finding.ruleId);
          if (!analysis.grammarPending) pending.delete(message.id);
          if (findings.length) tracker.addLater(message, findings);
          return resultWithRisk({ findings, flagged: shown(findings).length > 0, truncated: analysis.truncated, grammarPending: analysis.grammarPending }, tracker);
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
export type { SentenceFacts, SentenceParser } from './grammar';
export { precompilePhrases } from './matcher';
export * from './taxonomy';
export type * from './types';
export type { Rule, RulePack, Pattern, Macros } from './rule-schema';
