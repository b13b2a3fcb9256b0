/**
 * The detection engine's public face, with its sentence parser (compromise). Pure: no DOM, no `browser.*`, no Node
 * APIs, so the same code runs in the background, the CLI and the tests. (Content scripts do not bundle it: they send
 * the messages they read to the background, which analyses them; see lib/background/analysis.ts.)
 *
 *   const engine = createEngine(pack, { sensitivity: 'balanced' });
 *   const conversation = engine.conversation();
 *   const { findings, risk } = conversation.add(message);
 */
import { analyzeText, CompiledRuleSet, WINDOW_CHARS, type CompileProblem, type PrecompiledPhrases } from './matcher';
import { ConversationRiskTracker, DEFAULT_SENSITIVITY, SENSITIVITY_PRESETS, type SensitivityPreset } from './risk';
import type { RulePack } from './rule-schema';
import { combineFindings, isShownOnly, type MessageContext } from './combine';
import { likelyLanguages, normalizeMessage, tokenize, type NormalizedMessage, type RawToken } from './normalize';
import { extractFeatures, MODEL_MAX_CHARS, type Scorer } from './scorer';
import { compileScripts } from './scripts';
import type { ChatMessage, ConversationRisk, EngineOptions, Finding, Language } from './types';

/** The language a model finding is reported in: Vietnamese when the message reads as Vietnamese only. */
function messageLanguage(tokens: readonly RawToken[]): Language {
  const likely = likelyLanguages(tokens);
  return likely.vi && !likely.en ? 'vi' : 'en';
}
/** Characters of a message `messageLanguage` reads. */
const LANGUAGE_CHARS = 2000;

/**
 * A message short enough that the rules read it in one window and the scorer reads all of it is tokenised once, for
 * both (undefined for a longer one: each then reads its own part).
 */
function sharedNormalization(text: string): NormalizedMessage | undefined {
  return text.length <= Math.min(WINDOW_CHARS, MODEL_MAX_CHARS) ? normalizeMessage(text) : undefined;
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

/** The message before, for cues split over two messages. */
interface PreviousMessage {
  from: ChatMessage['from'];
  text: string;
  words: number;
  categories: readonly Finding['category'][];
}

/**
 * After a message the scorer reads as talk about danger (a retelling, the news, a school warning), the next this many
 * messages are read in that light (combine.ts `talkFrame`): "and they tell u not to tell ur parents" continues the
 * story. Chosen on the calibration writers' conversations (look-alikes alerted fell, no risky one was lost).
 */
const TALK_FRAME_MESSAGES = 3;

/** Two messages in a row are also read across their break when one of them has at most this many words... */
const CONTINUED_FRAGMENT_WORDS = 4;
/** ...over this many words either side of the break. */
const CONTINUED_CONTEXT_WORDS = 6;

function wordCount(text: string, stopAt = CONTINUED_FRAGMENT_WORDS + 1): number {
  let count = 0;
  for (const _ of text.matchAll(/\S+/g)) if (++count >= stopAt) break;
  return count;
}

/** Where the last `n` words of a text begin. */
function startOfLastWords(text: string, n: number): number {
  let start = text.length;
  let seen = 0;
  for (let i = text.length - 1; i >= 0 && seen < n; i--) {
    if (!/\s/.test(text[i]) && (i === 0 || /\s/.test(text[i - 1]))) {
      start = i;
      seen++;
    }
  }
  return start;
}

/** Where the first `n` words of a text end. */
function endOfFirstWords(text: string, n: number): number {
  let seen = 0;
  for (const match of text.matchAll(/\S+/g)) if (++seen === n) return match.index + match[0].length;
  return text.length;
}

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
  /**
   * A risk tracker as `conversation()` uses (scripts, the context model, the user's imported rules never held back),
   * to be fed findings already made: a report recomputes a stored conversation's risk after each message with it, so
   * its timeline agrees with what the user was shown. `preset`: another sensitivity than the engine's.
   */
  riskTracker(preset?: SensitivityPreset): ConversationRiskTracker;
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
  const scripts = compileScripts(options.scripts ?? []);

  const scorer = options.scorer;
  const userRules = new Set(options.userRuleIds ?? []);
  const isUserRule = (ruleId: string): boolean => userRules.has(ruleId);
  const counted = (f: Finding): boolean => f.weight >= preset.minShownWeight && !isShownOnly(f);

  /**
   * Cues split over two messages in a row from the same sender ("dont tell" … "ur parents"): when one of the two is a
   * fragment of a few words, the rules run once more over the words either side of the break, and a hit that crosses
   * it, of a category neither message had alone, is a finding of the second message.
   */
  const continuedFindings = (previous: PreviousMessage, text: string, own: readonly Finding[]): Finding[] => {
    const tail = previous.text.slice(startOfLastWords(previous.text, CONTINUED_CONTEXT_WORDS));
    const head = text.slice(0, endOfFirstWords(text, CONTINUED_CONTEXT_WORDS));
    const joined = `${tail} ${head}`;
    const boundary = tail.length + 1;
    const known = new Set([...previous.categories, ...own.map((f) => f.category)]);
    const normalized = sharedNormalization(joined);
    const crossing = analyzeText(compiled, joined, {}, normalized).findings.filter((f) => f.start < tail.length && f.end > boundary && !known.has(f.category));
    if (crossing.length === 0) return [];
    // The scorer reads the pair as it reads one message (a retelling stays talk); only the crossing rule hits are kept.
    const crossingRules = new Set(crossing.map((f) => f.ruleId));
    const kept = scorer ? combineWithScorer(scorer, joined, crossing, previous.from, normalized).findings.filter((f) => crossingRules.has(f.ruleId)) : crossing;
    return kept.map((f) => {
      const start = Math.max(0, f.start - boundary);
      return { ...f, start, end: f.end - boundary, matched: text.slice(start, f.end - boundary), continues: true };
    });
  };

  /** Rules first, then (with a scorer) the scorer's reading of the message over the rules' hits. */
  const analyzeMessage = (text: string, from: ChatMessage['from'], context: MessageContext = {}): { findings: Finding[]; truncated: boolean; talk: boolean } => {
    const normalized = sharedNormalization(text);
    const analysis = analyzeText(compiled, text, {}, normalized);
    if (!scorer) return { ...analysis, talk: false };
    const combined = combineWithScorer(scorer, text, analysis.findings, from, normalized, context);
    return { findings: combined.findings, truncated: analysis.truncated, talk: combined.talk };
  };

  function combineWithScorer(scorer: Scorer, text: string, ruleFindings: readonly Finding[], from: ChatMessage['from'], normalized?: NormalizedMessage, context: MessageContext = {}): { findings: Finding[]; talk: boolean } {
    const ruleCategories = ruleFindings.filter((f) => !isUserRule(f.ruleId)).map((f) => f.category);
    const tokens = normalized?.tokens;
    const result = scorer.score(text, ruleCategories, tokens);
    const { findings, decision } = combineFindings({
      context,
      text,
      ruleFindings,
      isUserRule,
      scorer,
      features: () => extractFeatures(text, ruleCategories, tokens),
      result,
      language: () => messageLanguage(tokens && text.length <= LANGUAGE_CHARS ? tokens : tokenize(text.slice(0, LANGUAGE_CHARS))),
      minShownWeight: preset.minShownWeight,
      from,
    });
    // Switched-off categories and languages hold for the scorer's findings too.
    return { findings: findings.filter((f) => !disabled.has(f.category) && (!languages || languages.has(f.language))), talk: decision.talk };
  }

  /** The conversation's tracker: scripts, the context model, the user's imported rules never held back by it. */
  const riskTracker = (other = preset): ConversationRiskTracker => new ConversationRiskTracker(other, scripts, scorer?.context, (f) => isUserRule(f.ruleId));

  return {
    preset,
    problems: compiled.problems,
    ruleCount: compiled.rules.length,
    analyze: (text) => analyzeMessage(text, 'other').findings,
    riskTracker,
    conversation() {
      const tracker = riskTracker();
      let previous: PreviousMessage | undefined;
      let frameLeft = 0;
      return {
        add(message) {
          const { findings, truncated, talk } = analyzeMessage(message.text, message.from, { talkFrame: frameLeft > 0, followsScript: tracker.followsScript });
          frameLeft = talk ? TALK_FRAME_MESSAGES : Math.max(0, frameLeft - 1);
          const words = wordCount(message.text);
          if (previous?.from === message.from && Math.min(previous.words, words) <= CONTINUED_FRAGMENT_WORDS) {
            findings.push(...continuedFindings(previous, message.text, findings));
          }
          previous = { from: message.from, text: message.text, words, categories: findings.map((f) => f.category) };
          tracker.addLater({ id: message.id, from: message.from, ts: message.ts, text: message.text }, findings);
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
export type { Script, ScriptStep } from './script-schema';
export { scriptTexts, type RuntimeScript, type ScriptProgress, type SeenStep } from './scripts';
