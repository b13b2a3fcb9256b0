/**
 * Rules and the learned scorer decide together what a message is:
 *   - the scorer says it is a warning sign (P(risky) ≥ `flag`): it names the categories the rules did not already
 *     find, each as a finding on the words that raised the score most (`model-<category>`);
 *   - a bundled rule fired and the scorer does not rule it out (P(risky) ≥ `veto`; for a strong rule, weight ≥ 4,
 *     P(risky) ≥ `strongVeto`): the rule's finding counts;
 *   - the scorer is sure the message is benign (P < `veto`), or that it is talk *about* danger (a retelling, the
 *     news, a warning): the rules' findings stay visible, marked, at a fifth of their weight, and do not flag it;
 *   - the user telling what is happening to them (self-disclosure) is marked, so the conversation counts it fully.
 * Rules the user imported are never overruled: the model knows nothing of them.
 */
import { modelFlags, readsAsDisclosure, STRONG_RULE_WEIGHT, type MessageFeatures, type Scorer, type ScorerResult, type ScorerThresholds } from './scorer';
import type { Direction, Finding, Language } from './types';

/** Weight left to a finding the scorer doubts or reads as talk about danger. */
export const DISCOUNT = 0.2;
export const MODEL_RULE_PREFIX = 'model-';
const MODEL_WEIGHT_MIN = 2;
const MODEL_WEIGHT_MAX = 5;

export interface MessageDecision {
  /** A warning sign: counted as flagged. */
  flagged: boolean;
  /** The scorer itself calls it a warning sign (its categories become findings where the rules found none). */
  modelFlagged: boolean;
  /** The bundled rules' findings count at full weight. */
  trustRules: boolean;
  /** The bundled rules' strong findings (weight ≥ `STRONG_RULE_WEIGHT`) count at full weight. */
  trustStrongRules: boolean;
  /** Talk about danger (retelling, news, warning): findings are shown, not counted. */
  talk: boolean;
  /** The user telling what happens to them (meaningful on their own messages). */
  disclosure: boolean;
}

export interface MessageContext {
  /** The conversation has just been talking about danger (a retelling, a warning): read this message in that light. */
  talkFrame?: boolean;
  /** The conversation already follows a known script (rules/scripts): a precise cue of it is not argued away. */
  followsScript?: boolean;
}

export function decideMessage(result: ScorerResult, ruleWeights: readonly number[], t: ScorerThresholds, minShownWeight = 1, from: Direction = 'other', context: MessageContext = {}): MessageDecision {
  const { talkFrame = false, followsScript = false } = context;
  // In a talk frame, a message the scorer reads as talk is talk, however risky its words: they are the retelling's.
  const framedTalk = talkFrame && result.talk >= t.talk;
  const disclosure = readsAsDisclosure(result, t, from) && !framedTalk;
  const talk = result.talk >= t.talk && (result.risky < t.flag || talkFrame) && !disclosure;
  const modelFlagged = !talk && modelFlags(result, t, from);
  const trustRules = !talk && result.risky >= t.veto;
  // A strong rule counts on its own only outside a talk frame; inside one the scorer must not doubt it at all. In a
  // conversation that already follows a known script, a strong rule counts unless the message is talk.
  const strongBar = talkFrame ? t.veto : followsScript ? 0 : (t.strongVeto ?? t.veto);
  const trustStrongRules = !talk && result.risky >= strongBar;
  const strong = Math.max(STRONG_RULE_WEIGHT, minShownWeight);
  const flagged = modelFlagged || (trustRules && ruleWeights.some((w) => w >= minShownWeight)) || (trustStrongRules && ruleWeights.some((w) => w >= strong));
  return { flagged, modelFlagged, trustRules, trustStrongRules, talk, disclosure: disclosure || (result.disclosure >= t.disclosure && !talk) };
}

/** A finding shown but not counted: talk about danger, or a rule hit the scorer is sure is benign. */
export function isShownOnly(finding: Pick<Finding, 'evidence'>): boolean {
  return finding.evidence === 'talk' || finding.evidence === 'doubt';
}

/** The weight of a finding the scorer made: 2 at the flag threshold, 5 when it is certain. */
export function modelWeight(probability: number, flag: number): number {
  const share = flag >= 1 ? 1 : Math.min(1, Math.max(0, (probability - flag) / (1 - flag)));
  return Math.round((MODEL_WEIGHT_MIN + (MODEL_WEIGHT_MAX - MODEL_WEIGHT_MIN) * share) * 100) / 100;
}

/** The words to highlight for a model finding: those that raised its category most, else its risk, else the start. */
function explainSpan(scorer: Scorer, features: MessageFeatures, category: Finding['category'], text: string): { start: number; end: number } {
  return scorer.explain(features, category) ?? scorer.explain(features, 'risky') ?? { start: 0, end: Math.min(text.length, 80) };
}

export interface CombineInput {
  text: string;
  ruleFindings: readonly Finding[];
  /** Imported rules: never overruled. */
  isUserRule: (ruleId: string) => boolean;
  scorer: Scorer;
  /** The message's features, worked out only when a model finding needs its words explained. */
  features: () => MessageFeatures;
  result: ScorerResult;
  /** The language model findings are reported in (worked out only when there is one). */
  language: () => Language;
  minShownWeight: number;
  /** Who wrote the message. */
  from: Direction;
  /** What the conversation so far says about how to read this message. */
  context?: MessageContext;
}

export interface Combined {
  findings: Finding[];
  decision: MessageDecision;
}

export function combineFindings(input: CombineInput): Combined {
  const { scorer, result, features, text } = input;
  const t = scorer.thresholds;
  const bundledWeights = input.ruleFindings.filter((f) => !input.isUserRule(f.ruleId)).map((f) => f.weight);
  const decision = decideMessage(result, bundledWeights, t, input.minShownWeight, input.from, input.context);
  const findings: Finding[] = [];
  for (const finding of input.ruleFindings) {
    if (input.isUserRule(finding.ruleId) || decision.trustRules || (decision.trustStrongRules && finding.weight >= STRONG_RULE_WEIGHT)) {
      findings.push(decision.disclosure ? { ...finding, evidence: 'disclosure' } : finding);
    } else {
      findings.push({ ...finding, weight: Math.round(finding.weight * DISCOUNT * 100) / 100, evidence: decision.talk ? 'talk' : 'doubt' });
    }
  }
  if (decision.modelFlagged) {
    const found = new Set(findings.filter((f) => !isShownOnly(f)).map((f) => f.category));
    const weight = modelWeight(result.risky, t.flag);
    let explained: MessageFeatures | undefined;
    let language: Language | undefined;
    for (const category of result.named) {
      if (found.has(category)) continue;
      const span = explainSpan(scorer, (explained ??= features()), category, text);
      findings.push({
        ruleId: MODEL_RULE_PREFIX + category,
        category,
        language: (language ??= input.language()),
        weight,
        start: span.start,
        end: span.end,
        matched: text.slice(span.start, span.end),
        adviceKey: category,
        selfCompliance: false,
        ...(decision.disclosure ? { evidence: 'disclosure' as const } : {}),
      });
    }
  }
  return { findings, decision };
}
