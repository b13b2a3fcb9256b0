/**
 * From the labelled corpus to a weights file: features (the engine's own extractor, with the bundled rules' hits),
 * training on the train split, Platt calibration and thresholds on the calibration split. `npm run train` calls
 * `trainScorer` on everything; `npm run eval` also calls it with one source left out at a time.
 */
import { createEngine, type Engine } from '../../lib/engine';
import { EARLY_SHARE, isAlertLevel, levelForScore } from '../../lib/engine/risk';
import { decideMessage } from '../../lib/engine/combine';
import { extractFeatures, HEADS, HEAD_INDEX, parseScorerData, SCORER_FORMAT, SCORER_VERSION, Scorer, type ContextData, type ContextTables, type ScorerData, type ScorerThresholds } from '../../lib/engine/scorer';
import { CATEGORY_IDS } from '../../lib/engine/taxonomy';
import { loadBundledRules, loadBundledScripts } from '../../lib/node/rule-files';
import { isPositive, stripDiacritics, type LabelledConversation, type LabelledMessage } from '../corpus/load';
import { DEFAULT_TRAIN_OPTIONS, fitPlatt, quantize, toBase64, trainLogistic, uncalibratedScorer, type TrainingExample, type TrainOptions } from './logistic';

let rulesEngine: Engine | undefined;
/** The bundled rules alone, for the rule-hit features (the same rules the extension ships). */
export function ruleEngine(): Engine {
  return (rulesEngine ??= createEngine(loadBundledRules()));
}

interface MessageAnalysis {
  features: ReturnType<typeof extractFeatures>;
  /** Weights of the bundled rules that fired (the engine's `decideMessage` needs them). */
  ruleWeights: number[];
}

/** The bundled rules run once per distinct text: training, calibration and threshold choice all read this. */
const analysisCache = new Map<string, MessageAnalysis>();
function analysisOf(text: string): MessageAnalysis {
  let analysis = analysisCache.get(text);
  if (!analysis) {
    const findings = ruleEngine().analyze(text);
    analysis = { features: extractFeatures(text, findings.map((f) => f.category)), ruleWeights: findings.map((f) => f.weight) };
    analysisCache.set(text, analysis);
  }
  return analysis;
}

export function featuresOf(text: string): ReturnType<typeof extractFeatures> {
  return analysisOf(text).features;
}

export function targetsOf(message: Pick<LabelledMessage, 'kind' | 'categories'>): Uint8Array {
  const targets = new Uint8Array(HEADS.length);
  if (isPositive(message)) {
    targets[0] = 1;
    for (const c of message.categories) targets[HEAD_INDEX[c]] = 1;
  }
  if (message.kind === 'talk_about') targets[HEAD_INDEX.talk_about] = 1;
  if (message.kind === 'self_disclosure') targets[HEAD_INDEX.self_disclosure] = 1;
  return targets;
}

/**
 * A real ordinary line weighs `TrainOptions.realWeight` (a written line weighs 1). Chosen on the calibration split
 * (0.2 to 3 tried): weighing real lines twice gave the best calibration recall among thresholds that keep every
 * language's real lines, Vietnamese without diacritics too, under the limit below; lighter real lines let the model
 * lean on words that ordinary chat uses all the time.
 */
export function examplesOf(messages: readonly LabelledMessage[], realWeight = DEFAULT_TRAIN_OPTIONS.realWeight): TrainingExample[] {
  return messages.map((m) => ({ features: featuresOf(m.text), targets: targetsOf(m), weight: m.origin === 'real' ? realWeight : 1 }));
}

/**
 * Vietnamese is typed with and without diacritics: a copy without them of each Vietnamese line that has them teaches
 * both spellings, written lines (`weight`) and real ordinary ones (`weight × realWeight`) alike. Copies of the written
 * lines alone made real lines typed without diacritics look risky; with the real ones too, calibration recall rose
 * at the same precision and limit on real lines (0.5 won on calibration over none and 1; on the corpus of 56 writers,
 * +2.5 points in English and +3.7 in Vietnamese).
 */
export function plainCopiesOf(messages: readonly LabelledMessage[], weight: number, realWeight = DEFAULT_TRAIN_OPTIONS.realWeight): TrainingExample[] {
  if (weight <= 0) return [];
  const copies: TrainingExample[] = [];
  for (const m of messages) {
    if (m.lang !== 'vi') continue;
    const plain = stripDiacritics(m.text);
    if (plain !== m.text) copies.push({ features: featuresOf(plain), targets: targetsOf(m), weight: m.origin === 'real' ? weight * realWeight : weight });
  }
  return copies;
}

/** How teens shorten common words in chat (English chat-speak; Vietnamese teencode), for `chatCopiesOf`. */
const CHAT_SHORT_FORMS: Record<'en' | 'vi', Record<string, string>> = {
  en: {
    "you're": 'ur', your: 'ur', you: 'u', are: 'r', please: 'pls', because: 'bc', tonight: '2nite', really: 'rly', okay: 'ok',
    'right now': 'rn', "don't": 'dont', "i'm": 'im', "can't": 'cant', "won't": 'wont', though: 'tho', picture: 'pic',
    pictures: 'pics', with: 'w', people: 'ppl', thanks: 'thx', 'what are you doing': 'wyd',
  },
  vi: {
    không: 'ko', được: 'dc', gì: 'j', vậy: 'z', với: 'vs', biết: 'bít', 'bố mẹ': 'bme', rồi: 'r', thôi: 'thui', yêu: 'iu',
    mình: 'mk', chưa: 'chx', trước: 'trc', mới: 'ms', cũng: 'cx', 'người yêu': 'ny', nhé: 'nha', 'tin nhắn': 'tn', 'điện thoại': 'dt',
  },
};

/** Whole words or phrases only (letters of any script around them are not part of a match). */
const rewritesOf = (forms: Record<string, string>): ReadonlyArray<readonly [RegExp, string]> =>
  Object.entries(forms).map(([long, short]) => [new RegExp(`(?<![\\p{L}'])${long}(?![\\p{L}'])`, 'gu'), short] as const);
const CHAT_REWRITES = { en: rewritesOf(CHAT_SHORT_FORMS.en), vi: rewritesOf(CHAT_SHORT_FORMS.vi) };

/** A written line as a teen would type it quickly: lower case, short forms, no commas or full stops. */
export function chatSpeak(text: string, lang: 'en' | 'vi'): string {
  let out = text.toLowerCase();
  for (const [long, short] of CHAT_REWRITES[lang]) out = out.replace(long, short);
  return out.replace(/[.,!]+(?=\s|$)/g, '');
}

/**
 * Writers mostly spell words out; teens in a hurry do not. A chat-speak copy of each written line (`chatSpeak`) teaches
 * the short forms in both languages. Real ordinary lines get none: copies of them made no difference on calibration.
 * 0.5 chosen on calibration (December 2026: recall +1.6 points in English and +2.3 in Vietnamese at the same
 * precision; 1 was no better and flagged more real Vietnamese lines).
 */
export function chatCopiesOf(messages: readonly LabelledMessage[], weight: number): TrainingExample[] {
  if (weight <= 0) return [];
  const copies: TrainingExample[] = [];
  for (const m of messages) {
    if (m.origin === 'real') continue;
    const copy = chatSpeak(m.text, m.lang);
    if (copy !== m.text.toLowerCase()) copies.push({ features: featuresOf(copy), targets: targetsOf(m), weight });
  }
  return copies;
}

interface Candidate {
  thresholds: ScorerThresholds;
  recall: number;
  precision: number;
  realRate: number;
}

/**
 * Thresholds that keep precision ≥ 0.90 on the written calibration text of each language and flag ≤ 0.8% of the real
 * calibration lines of each language (Vietnamese also typed without diacritics),
 * with the best recall; when none does, the best F1. (A missed warning sign costs a teen more than a shown one
 * that turns out harmless, and a single flagged line alone does not raise the alert: see risk.ts.) Every candidate
 * is judged by the decision the engine really makes (combine.ts `decideMessage`) with its own thresholds. `veto` and
 * `strongVeto` are shares of `flag` (strong rules never doubted sooner than weak ones).
 */
const MIN_CALIBRATION_PRECISION = 0.9;
/** Below the 1% target for real lines, with a margin for the test split. */
const MAX_REAL_RATE = 0.008;

const round = (x: number): number => Math.round(x * 1000) / 1000;

export function chooseThresholds(scorer: Scorer, calibration: readonly LabelledMessage[]): ScorerThresholds {
  const written = calibration.filter((m) => m.origin !== 'real');
  const real = calibration.filter((m) => m.origin === 'real');
  const scored = (list: readonly LabelledMessage[], view: (text: string) => string = (text) => text) =>
    list.map((m) => {
      const { features, ruleWeights } = analysisOf(view(m.text));
      return { positive: isPositive(m), result: scorer.scoreFeatures(features), ruleWeights, from: m.from, lang: m.lang };
    });
  const writtenScored = scored(written);
  // The limit on real lines holds in each language, and for Vietnamese also typed without diacritics: a pooled rate
  // would let the larger English set hide a Vietnamese one several times too high.
  const realGroups = [scored(real.filter((m) => m.lang === 'en')), scored(real.filter((m) => m.lang === 'vi')), scored(real.filter((m) => m.lang === 'vi'), stripDiacritics)].filter((g) => g.length > 0);
  const candidates: Candidate[] = [];
  for (const flag of [0.3, 0.4, 0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95]) {
    const shares = [0.1, 0.25, 0.5, 1];
    const settings = shares.flatMap((veto) => shares.filter((strong) => strong <= veto).flatMap((strong) => [flag, 0.5, 0.6, 0.7, 0.8].filter((d) => d <= flag).map((d) => [veto, strong, d] as const)));
    for (const [vetoShare, strongShare, disclosureFlag] of settings) {
      const thresholds: ScorerThresholds = { flag, veto: round(flag * vetoShare), strongVeto: round(flag * strongShare), category: 0.5, talk: 0.5, disclosure: 0.5, disclosureFlag };
      let tp = 0, fn = 0;
      const byLanguage = new Map<string, { tp: number; fp: number }>();
      for (const s of writtenScored) {
        const flagged = decideMessage(s.result, s.ruleWeights, thresholds, 1, s.from).flagged;
        let counts = byLanguage.get(s.lang);
        if (!counts) byLanguage.set(s.lang, (counts = { tp: 0, fp: 0 }));
        if (flagged && s.positive) {
          tp++;
          counts.tp++;
        } else if (flagged) counts.fp++;
        else if (s.positive) fn++;
      }
      // Precision holds in each language (the targets are per language): pooled, the larger set could hide the other.
      // A language with nothing flagged has no false alarm (its recall is what suffers).
      const precision = Math.min(...[...byLanguage.values()].map((c) => (c.tp + c.fp === 0 ? 1 : c.tp / (c.tp + c.fp))));
      const realRates = realGroups.map((group) => group.filter((s) => decideMessage(s.result, s.ruleWeights, thresholds, 1, s.from).flagged).length / group.length);
      candidates.push({ thresholds, recall: tp / Math.max(1, tp + fn), precision, realRate: Math.max(0, ...realRates) });
    }
  }
  const acceptable = candidates.filter((c) => c.precision >= MIN_CALIBRATION_PRECISION && c.realRate <= MAX_REAL_RATE);
  const pool = acceptable.length ? acceptable : candidates;
  const key = (c: Candidate): number => (acceptable.length ? c.recall : (2 * c.precision * c.recall) / Math.max(1e-9, c.precision + c.recall));
  pool.sort((a, b) => key(b) - key(a) || b.thresholds.flag - a.thresholds.flag || b.thresholds.disclosureFlag - a.thresholds.disclosureFlag);
  return pool[0].thresholds;
}

/**
 * The conversation-context model (lib/engine/scorer.ts `ContextModel`). Chosen on calibration conversations
 * (December 2026, scorer of 184 writers, gate at 0.2: 13 of 21 English and 12 of 25 Vietnamese look-alikes that
 * alerted were held back, and no risky conversation): a window of 12 messages did as well as 20 and better than 8; 2^17 buckets
 * as well as 2^18; real ordinary conversations as negatives helped Vietnamese a little.
 */
export const CONTEXT_OPTIONS = { bits: 17, window: 12, epochs: 6 };

/** A message's text features (those do not depend on the rules): read from the cache the scorer's training filled. */
const contextFeaturesOf = (text: string): number[] => featuresOf(text).text;

/** The text features of messages `end - window + 1 … end`, one list (what the context model reads at `end`). */
function windowFeatures(messages: ReadonlyArray<{ text: string }>, end: number, window: number): number[] {
  const out: number[] = [];
  for (let i = Math.max(0, end + 1 - window); i <= end; i++) for (const f of contextFeaturesOf(messages[i].text)) out.push(f);
  return out;
}

/**
 * Trains the context model: every place in a written risky conversation from its first risky message on is a 1; every
 * place in a benign one (written look-alikes and real ordinary conversations) a 0; the places before a risky
 * conversation turns are left out (they are ordinary, and they are not).
 */
export function trainContext(conversations: readonly LabelledConversation[], seed = DEFAULT_TRAIN_OPTIONS.seed): Omit<ContextTables, 'threshold' | 'confirm'> {
  const { bits, window, epochs } = CONTEXT_OPTIONS;
  const examples: TrainingExample[] = [];
  for (const c of conversations) {
    for (let i = 0; i < c.messages.length; i++) {
      if (c.risky && (c.firstRisky === null || i < c.firstRisky)) continue;
      const targets = new Uint8Array(HEADS.length);
      targets[0] = c.risky ? 1 : 0;
      examples.push({ features: { text: windowFeatures(c.messages, i, window), textToken: [], rules: [], tokens: [] }, targets, weight: 1 });
    }
  }
  const model = quantize(trainLogistic(examples, { ...DEFAULT_TRAIN_OPTIONS, riskyBits: bits, sharedBits: 8, epochs, seed }));
  return { bits, window, bias: model.bias[0], scale: model.scale[0], weights: model.risky };
}

/**
 * The context model's two thresholds, both chosen on the calibration conversations with the scorer being trained.
 * - `threshold` (holding back): the highest (0.05 steps, at most 0.5) at which, in each language, the gated alerts
 *   still catch every risky conversation the ungated ones catch but at most one (`CONTEXT_MAX_LOST`), with a median
 *   delay (in messages after the first risky one) no longer. Why one: with 192 writers one English calibration
 *   conversation (a groomer arranging a bus trip, "dont bring anyone") reads as ordinary to the context model at
 *   every place; losing none would have meant no gate at all, and 19 of 188 English look-alikes alerted instead of 6.
 *   With 224 writers a second one of that writer (a controlling boyfriend) reads 0.08, so the threshold fell to 0.05.
 * - `confirm` (alerting early, risk.ts `EARLY_SHARE`): the lowest (0.1 steps from 0.3) at which, in each language,
 *   at most one more look-alike (`CONTEXT_MAX_MORE_LOOKALIKES`) and no more real ordinary conversation alerts than with
 *   `threshold` alone; 1 (never) when none does.
 */
const CONTEXT_MAX_LOST = 1;
const CONTEXT_MAX_MORE_LOOKALIKES = 1;

export function chooseContextThresholds(scorer: Scorer, calibration: readonly LabelledConversation[]): { threshold: number; confirm: number } {
  const context = scorer.context;
  if (!context) return { threshold: 0, confirm: 1 };
  const engine = createEngine(loadBundledRules(), { scorer, scripts: loadBundledScripts() });
  const alertScore = engine.preset.thresholds[engine.preset.alertLevel as 'medium' | 'high' | 'critical'];
  // Per conversation and place: whether the ungated level alerts there (and is critical, never held back), whether
  // the score reaches the early share, and the context probability.
  const traces = calibration.map((c) => {
    const analyzer = engine.conversation();
    const evidence = c.messages.map((m) => context.evidenceOf(contextFeaturesOf(m.text)));
    const places = c.messages.map((m, i) => {
      const risk = analyzer.add({ id: String(i), from: m.from, text: m.text }).risk;
      const level = levelForScore(risk.score, engine.preset);
      const p = context.probability(evidence.slice(Math.max(0, i + 1 - context.window), i + 1));
      return { at: i, p, alert: isAlertLevel(level, engine.preset), critical: level === 'critical', early: risk.score >= EARLY_SHARE * alertScore };
    });
    return { lang: c.lang, risky: c.risky, real: c.origin === 'real', first: c.firstRisky ?? 0, places };
  });
  const alertAt = (trace: (typeof traces)[number], t: number, confirm: number) =>
    trace.places.find((x) => (x.alert && (x.critical || x.p >= t)) || (!x.alert && x.early && x.p >= confirm));
  const outcome = (t: number, confirm: number, lang: string) => {
    const delays: number[] = [];
    let lookalikes = 0;
    let real = 0;
    for (const trace of traces) {
      if (trace.lang !== lang) continue;
      const alert = alertAt(trace, t, confirm);
      if (trace.real) real += alert ? 1 : 0;
      else if (!trace.risky) lookalikes += alert ? 1 : 0;
      else if (alert) delays.push(alert.at - trace.first);
    }
    delays.sort((a, b) => a - b);
    return { caught: delays.length, median: delays.length ? delays[Math.floor((delays.length - 1) / 2)] : 0, lookalikes, real };
  };
  const languages = [...new Set(traces.map((t) => t.lang))];
  const NEVER = 1;
  const ungated = new Map(languages.map((lang) => [lang, outcome(0, NEVER, lang)]));
  let threshold = 0;
  for (let step = 1; step <= 10; step++) {
    const t = step / 20;
    const holds = languages.every((lang) => {
      const gated = outcome(t, NEVER, lang);
      const before = ungated.get(lang)!;
      return gated.caught >= before.caught - CONTEXT_MAX_LOST && gated.median <= before.median;
    });
    if (!holds) break;
    threshold = t;
  }
  const gatedLate = new Map(languages.map((lang) => [lang, outcome(threshold, NEVER, lang)]));
  let confirm = NEVER;
  for (let step = 9; step >= 3; step--) {
    const c = Math.max(threshold, step / 10);
    const holds = languages.every((lang) => {
      const early = outcome(threshold, c, lang);
      const late = gatedLate.get(lang)!;
      return early.lookalikes <= late.lookalikes + CONTEXT_MAX_MORE_LOOKALIKES && early.real <= late.real;
    });
    if (!holds) break;
    confirm = c;
  }
  return { threshold, confirm };
}

export interface TrainedScorer {
  data: ScorerData;
  scorer: Scorer;
}

/**
 * `conversations`: the train and calibration conversations, for the context model (without them the scorer has none:
 * the leave-sources-out folds measure messages only).
 */
export function trainScorer(
  train: readonly LabelledMessage[],
  calibration: readonly LabelledMessage[],
  options: TrainOptions = DEFAULT_TRAIN_OPTIONS,
  record: Record<string, unknown> = {},
  conversations?: { train: readonly LabelledConversation[]; calibration: readonly LabelledConversation[] },
): TrainedScorer {
  const examples = [
    ...examplesOf(train, options.realWeight),
    ...plainCopiesOf(train, options.plainCopyWeight ?? 0, options.realWeight),
    ...chatCopiesOf(train, options.chatCopyWeight ?? 0),
  ];
  const model = quantize(trainLogistic(examples, options));
  const raw = uncalibratedScorer(model);
  const calibrationExamples = examplesOf(calibration, options.realWeight);
  const rawScores = HEADS.map(() => new Float64Array(calibrationExamples.length));
  const buffer = new Float64Array(HEADS.length);
  calibrationExamples.forEach((example, i) => {
    const scores = raw.rawScores(example.features, buffer);
    for (let k = 0; k < HEADS.length; k++) rawScores[k][i] = scores[k];
  });
  const calibrationParams = HEADS.map((_, k) =>
    fitPlatt(
      rawScores[k],
      calibrationExamples.map((e) => e.targets[k]),
    ),
  );
  const provisional = new Scorer({ ...model, calibration: calibrationParams, thresholds: { flag: 0.5, veto: 0.25, category: 0.5, talk: 0.5, disclosure: 0.5, disclosureFlag: 0.5 } });
  const thresholds = chooseThresholds(provisional, calibration);
  const count = (list: readonly LabelledMessage[]) => ({
    messages: list.length,
    positive: list.filter(isPositive).length,
    real: list.filter((m) => m.origin === 'real').length,
    byCategory: Object.fromEntries(CATEGORY_IDS.map((c) => [c, list.filter((m) => m.categories.includes(c)).length])),
  });
  const data: ScorerData = {
    format: SCORER_FORMAT,
    version: SCORER_VERSION,
    trainedOn: { ...record, options, train: count(train), calibration: count(calibration) },
    riskyBits: model.riskyBits,
    sharedBits: model.sharedBits,
    heads: [...HEADS],
    bias: model.bias.map((b) => Math.round(b * 1e6) / 1e6),
    scale: model.scale,
    calibration: calibrationParams.map(({ a, b }) => ({ a: Math.round(a * 1e6) / 1e6, b: Math.round(b * 1e6) / 1e6 })),
    thresholds,
    riskyWeights: toBase64(model.risky),
    sharedWeights: toBase64(model.shared),
  };
  if (conversations) {
    const tables = trainContext(conversations.train, options.seed);
    const ungated = new Scorer({ ...model, calibration: calibrationParams, thresholds, context: { ...tables, threshold: 0, confirm: 1 } });
    const { threshold, confirm } = chooseContextThresholds(ungated, conversations.calibration);
    const context: ContextData = { bits: tables.bits, window: tables.window, bias: Math.round(tables.bias * 1e6) / 1e6, scale: tables.scale, threshold, confirm, weights: toBase64(tables.weights as Int8Array) };
    data.context = context;
    data.trainedOn = { ...data.trainedOn, conversations: { train: conversations.train.length, calibration: conversations.calibration.length } };
  }
  // The scorer is read back from the data, so what is measured is exactly what ships.
  return { data, scorer: parseScorerData(data) };
}
