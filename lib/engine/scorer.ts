/**
 * The learned scorer: a logistic model over hashed features of a message, beside the rules. Pure inference: the
 * weights are data (`ScorerData`, written by `npm run train`, scripts/train.ts) and this file both extracts the
 * features (training uses the very same function) and scores them.
 *
 * Features, all hashed into one 32-bit space (FNV-1a, a seed per kind):
 *   - words of the folded Vietnamese view (diacritics off, teencode expanded) and their bigrams: the same for text
 *     typed with or without marks;
 *   - words of the English view where chat-speak expansion changed them ("u" → "you");
 *   - accented words where marks disambiguate ("bố mẹ" vs "bỏ");
 *   - character 3- to 5-grams inside each padded folded word (" khach ", " hotel "): unseen spellings and
 *     inflections are caught by their pieces;
 *   - the categories of the rules that fired (so rules and model agree or the model overrules a weak rule).
 * Text features weigh 1/√n (n = their count), so a long message does not score high by length alone.
 *
 * Heads: `risky` (is this a warning sign at all), one per category (which kind), `talk_about` (talk *about*
 * danger: a retelling, a news story, a warning) and `self_disclosure` (the user telling what is happening to them).
 * The risky head has its own, larger table; the others share one. Raw scores go through Platt calibration fitted
 * on a split the training never saw, so a probability means one.
 */
import { expandedToken, tokenize, type RawToken } from './normalize';
import { CATEGORY_IDS, type CategoryId } from './taxonomy';

export const SCORER_FORMAT = 'not-alone-scorer';
/** 2: word trigrams added to the features (a version-1 file was trained without them). */
export const SCORER_VERSION = 2;
export const HEADS = ['risky', ...CATEGORY_IDS, 'talk_about', 'self_disclosure'] as const;
export type Head = (typeof HEADS)[number];
/** Heads after `risky`, stored interleaved in the shared table: `shared[bucket * SHARED_HEADS + head - 1]`. */
export const SHARED_HEADS = HEADS.length - 1;
export const HEAD_INDEX: Readonly<Record<Head, number>> = Object.fromEntries(HEADS.map((h, i) => [h, i])) as Record<Head, number>;

/** Only the start of a very long message is scored by the model (the rules still see all of it). */
export const MODEL_MAX_CHARS = 4_000;

/** The weights file as `npm run train` writes it (JSON). */
export interface ScorerData {
  format: typeof SCORER_FORMAT;
  version: typeof SCORER_VERSION;
  /** What it was trained on, for the record (counts, seed, date of the corpus). */
  trainedOn: Record<string, unknown>;
  riskyBits: number;
  sharedBits: number;
  heads: readonly string[];
  bias: number[];
  /** Per head: int8 weight × scale = weight. */
  scale: number[];
  /** Per head: calibrated probability = sigmoid(a × raw + b). */
  calibration: Array<{ a: number; b: number }>;
  /** Decision thresholds on calibrated probabilities, chosen on the calibration split. */
  thresholds: ScorerThresholds;
  /** Base64 of the int8 risky table (2^riskyBits) and the shared table (2^sharedBits × SHARED_HEADS). */
  riskyWeights: string;
  sharedWeights: string;
  /** The conversation-context model (see `ContextModel`); absent in files trained without conversations. */
  context?: ContextData;
}

/**
 * The conversation-context model as stored: one logistic head over the text features of the last `window` messages
 * of a conversation (both sides), trained on written conversations: from the first risky message of a risky one on
 * (1) against every place in a benign look-alike and in real ordinary conversations (0).
 */
export interface ContextData {
  bits: number;
  window: number;
  bias: number;
  scale: number;
  /** An alert below the critical level needs P(risky conversation) ≥ this (chosen on calibration conversations). */
  threshold: number;
  /** At or above this, a score below the alert level alerts (risk.ts `EARLY_SHARE`); chosen on calibration too. */
  confirm: number;
  /** Base64 of the int8 table (2^bits). */
  weights: string;
}

export interface ScorerThresholds {
  /** A message is a warning sign when P(risky) reaches this. */
  flag: number;
  /** Below this P(risky), the rules' own findings are not trusted on their own (the model is sure it is benign). */
  veto: number;
  /** A category is named when its probability reaches this (the strongest category is always named). */
  category: number;
  /** Talk about danger, not danger. */
  talk: number;
  /** The user telling what is happening to them. */
  disclosure: number;
  /**
   * P(risky) at which a message the scorer reads as the writer telling what is happening to them (disclosure above
   * its threshold and above talk) is a warning sign; at most `flag`.
   */
  disclosureFlag: number;
  /**
   * Below this P(risky), a strong rule finding (weight ≥ `STRONG_RULE_WEIGHT`: an explicit accusation, a demand for
   * nudes) is not trusted either; at most `veto`, and `veto` when absent. The model may doubt a weak cue where it
   * would still let a precise one count.
   */
  strongVeto?: number;
}

/** Rule findings of this weight or more are strong: only `strongVeto` overrules them. */
export const STRONG_RULE_WEIGHT = 4;

export class ScorerDataError extends Error {
  constructor(message: string) {
    super(`scorer weights: ${message}`);
    this.name = 'ScorerDataError';
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Feature hashing

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function hashString(seed: number, s: string): number {
  let h = (FNV_OFFSET ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return h >>> 0;
}

function mix(a: number, b: number): number {
  let h = Math.imul(a ^ (b >>> 15), 0x2c1b3c6d);
  h = Math.imul(h ^ (h >>> 12) ^ b, 0x297a2d39);
  return (h ^ (h >>> 15)) >>> 0;
}

const SEED_WORD = 0x1001;
const SEED_EN = 0x2002;
const SEED_ACCENT = 0x3003;
const SEED_BIGRAM = 0x4004;
const SEED_CHAR = 0x5005;
const SEED_RULE = 0x6006;
const SEED_LONG = 0x7007;
const SEED_TRIGRAM = 0x8008;

/** Hashes of one folded word: the word itself and its character n-grams (cached: chat repeats words). */
const wordFeatureCache = new Map<string, Uint32Array>();
const WORD_CACHE_LIMIT = 50_000;

function wordFeatures(word: string): Uint32Array {
  const cached = wordFeatureCache.get(word);
  if (cached) return cached;
  const padded = ` ${word} `;
  const out: number[] = [hashString(SEED_WORD, word)];
  for (let start = 0; start + 3 <= padded.length; start++) {
    let h = (FNV_OFFSET ^ SEED_CHAR) >>> 0;
    for (let k = 0; k < 5 && start + k < padded.length; k++) {
      h = Math.imul(h ^ padded.charCodeAt(start + k), FNV_PRIME) >>> 0;
      if (k >= 2) out.push(mix(h, k));
    }
  }
  const features = Uint32Array.from(out);
  if (wordFeatureCache.size >= WORD_CACHE_LIMIT) wordFeatureCache.clear();
  wordFeatureCache.set(word, features);
  return features;
}

/**
 * Word trigrams (on the folded words, across token breaks like the bigrams): three words in a row tell a demand from
 * its look-alike ("dont tell ur" against "dont tell her") where pairs cannot. Chosen on calibration (December 2026,
 * 176 writers, both models at the same thresholds): English precision +0.8 points and recall +0.6, Vietnamese even
 * (+0.4 / −0.5); look-alike conversations alerted 21 against 22 and 22 against 24 of 152; real English lines 0.27%
 * against 0.21% (the one cost).
 */
function trigram(first: number, second: number, third: number): number {
  return mix(mix(first ^ SEED_TRIGRAM, second), third);
}

/** The features of one message: text features (each weighs 1/√count) and rule features (each weighs 1). */
export interface MessageFeatures {
  text: number[];
  /** For each text feature, the raw token it came from (used to explain a score). */
  textToken: number[];
  rules: number[];
  tokens: RawToken[];
}

/** The tokens the model reads: those of the message's first `MODEL_MAX_CHARS` characters. */
export function modelTokens(text: string): RawToken[] {
  return tokenize(text.length > MODEL_MAX_CHARS ? text.slice(0, MODEL_MAX_CHARS) : text);
}

/**
 * Extract the features of a message; `ruleCategories` are the categories of the rules that fired on it. `tokens`:
 * `modelTokens(text)`, when the caller has them already.
 */
export function extractFeatures(text: string, ruleCategories: readonly CategoryId[] = [], tokens: RawToken[] = modelTokens(text)): MessageFeatures {
  const features: number[] = [];
  const featureToken: number[] = [];
  let previous = 0;
  let beforePrevious = 0;
  let wordsSeen = 0;
  for (let t = 0; t < tokens.length; t++) {
    const raw = tokens[t].raw;
    const expanded = expandedToken(raw);
    const vi = expanded.vi;
    for (let w = 0; w < vi.length; w++) {
      const word = vi[w];
      const wf = wordFeatures(word);
      for (let k = 0; k < wf.length; k++) {
        features.push(wf[k]);
        featureToken.push(t);
      }
      if (wordsSeen >= 1) {
        features.push(mix(previous ^ SEED_BIGRAM, wf[0]));
        featureToken.push(t);
      }
      if (wordsSeen >= 2) {
        features.push(trigram(beforePrevious, previous, wf[0]));
        featureToken.push(t);
      }
      beforePrevious = previous;
      previous = wf[0];
      wordsSeen++;
    }
    const en = expanded.en;
    if (en.length !== vi.length || en[0] !== vi[0]) {
      for (let w = 0; w < en.length; w++) {
        features.push(hashString(SEED_EN, en[w]));
        featureToken.push(t);
      }
    }
    const accented = expanded.viAccented;
    if (accented.length === vi.length && accented[0] !== vi[0]) {
      for (let w = 0; w < accented.length; w++) {
        features.push(hashString(SEED_ACCENT, accented[w]));
        featureToken.push(t);
      }
    }
  }
  // A length bucket, so the bias can differ between "ok" and a paragraph.
  features.push(mix(SEED_LONG, Math.min(6, Math.floor(Math.log2(1 + tokens.length)))));
  featureToken.push(-1);
  const rules: number[] = [];
  for (const category of new Set(ruleCategories)) rules.push(hashString(SEED_RULE, category));
  if (ruleCategories.length) rules.push(hashString(SEED_RULE, ruleCategories.length > 1 ? '*many' : '*one'));
  return { text: features, textToken: featureToken, rules, tokens };
}

// ---------------------------------------------------------------------------------------------------------------
// Inference

/**
 * Whether the scorer alone calls a message a warning sign: P(risky) reached `flag`, or the user's own message reads
 * as a disclosure and reached `disclosureFlag`.
 */
export function modelFlags(result: Pick<ScorerResult, 'risky' | 'talk' | 'disclosure'>, t: ScorerThresholds, from: 'self' | 'other'): boolean {
  if (result.risky >= t.flag) return true;
  return result.risky >= t.disclosureFlag && readsAsDisclosure(result, t, from);
}

/**
 * The user's account of what is happening to them ("a policeman called me…") reads much like a retelling: it is one
 * when the scorer says so more. Only the user's own messages: what the other side retells is not their disclosure.
 */
export function readsAsDisclosure(result: Pick<ScorerResult, 'talk' | 'disclosure'>, t: ScorerThresholds, from: 'self' | 'other'): boolean {
  return from === 'self' && result.disclosure >= t.disclosure && result.disclosure > result.talk;
}

export interface ScorerResult {
  /** Calibrated probabilities, by head. */
  risky: number;
  categories: Record<CategoryId, number>;
  talk: number;
  disclosure: number;
  /** The categories to name if the message is a warning sign, strongest first (the strongest, then up to two more). */
  named: CategoryId[];
  /** P(risky) reached `flag` (who wrote it is not known here: see `modelFlags`). */
  flagged: boolean;
}

export interface Explanation {
  /** Offsets into the original text (UTF-16), end exclusive, of the words that raised the score most. */
  start: number;
  end: number;
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

function decodeInt8(base64: string, expected: number, what: string): Int8Array {
  let binary: string;
  try {
    binary = atob(base64);
  } catch {
    throw new ScorerDataError(`${what} is not base64`);
  }
  if (binary.length !== expected) throw new ScorerDataError(`${what} has ${binary.length} weights, expected ${expected}`);
  const out = new Int8Array(expected);
  for (let i = 0; i < expected; i++) out[i] = (binary.charCodeAt(i) << 24) >> 24;
  return out;
}

function finiteArray(value: unknown, length: number, what: string): number[] {
  if (!Array.isArray(value) || value.length !== length || !value.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw new ScorerDataError(`${what} must be ${length} finite numbers`);
  }
  return value as number[];
}

/** Check a parsed weights file and decode its tables; throws ScorerDataError naming the first problem. */
export function parseScorerData(value: unknown): Scorer {
  if (typeof value !== 'object' || value === null) throw new ScorerDataError('not an object');
  const data = value as Partial<ScorerData>;
  if (data.format !== SCORER_FORMAT) throw new ScorerDataError(`format must be "${SCORER_FORMAT}"`);
  if (data.version !== SCORER_VERSION) throw new ScorerDataError(`version ${String(data.version)} is not supported (expected ${SCORER_VERSION})`);
  if (!Array.isArray(data.heads) || data.heads.join() !== HEADS.join()) throw new ScorerDataError(`heads must be ${HEADS.join(', ')}`);
  const riskyBits = bits(data.riskyBits, 'riskyBits');
  const sharedBits = bits(data.sharedBits, 'sharedBits');
  const bias = finiteArray(data.bias, HEADS.length, 'bias');
  const scale = finiteArray(data.scale, HEADS.length, 'scale');
  if (!Array.isArray(data.calibration) || data.calibration.length !== HEADS.length) throw new ScorerDataError(`calibration must have ${HEADS.length} entries`);
  const calibration = data.calibration.map((c, i) => {
    const [a, b] = finiteArray([c?.a, c?.b], 2, `calibration[${i}]`);
    return { a, b };
  });
  const t = data.thresholds;
  if (!t) throw new ScorerDataError('thresholds missing');
  const [flag, veto, category, talk, disclosure] = finiteArray([t.flag, t.veto, t.category, t.talk, t.disclosure], 5, 'thresholds');
  // Files trained before the disclosure path existed flag disclosures like any message.
  const [disclosureFlag] = t.disclosureFlag === undefined ? [flag] : finiteArray([t.disclosureFlag], 1, 'thresholds');
  const strongVeto = t.strongVeto === undefined ? undefined : Math.min(veto, finiteArray([t.strongVeto], 1, 'thresholds')[0]);
  if (typeof data.riskyWeights !== 'string' || typeof data.sharedWeights !== 'string') throw new ScorerDataError('weight tables missing');
  const context = data.context === undefined ? undefined : parseContextData(data.context);
  return new Scorer({
    riskyBits,
    sharedBits,
    bias,
    scale,
    calibration,
    thresholds: { flag, veto, category, talk, disclosure, disclosureFlag: Math.min(flag, disclosureFlag), ...(strongVeto === undefined ? {} : { strongVeto }) },
    risky: decodeInt8(data.riskyWeights, 2 ** riskyBits, 'riskyWeights'),
    shared: decodeInt8(data.sharedWeights, 2 ** sharedBits * SHARED_HEADS, 'sharedWeights'),
    ...(context ? { context } : {}),
  });
}

/** A hash table's size in bits, as a weights file gives it. */
function bits(x: unknown, what: string): number {
  if (typeof x !== 'number' || !Number.isInteger(x) || x < 8 || x > 22) throw new ScorerDataError(`${what} must be an integer from 8 to 22`);
  return x;
}

function parseContextData(value: unknown): ContextTables {
  if (typeof value !== 'object' || value === null) throw new ScorerDataError('context must be an object');
  const c = value as Partial<ContextData>;
  const contextBits = bits(c.bits, 'context.bits');
  if (typeof c.window !== 'number' || !Number.isInteger(c.window) || c.window < 1 || c.window > 100) throw new ScorerDataError('context.window must be an integer from 1 to 100');
  const [bias, scale, threshold, confirm] = finiteArray([c.bias, c.scale, c.threshold, c.confirm], 4, 'context');
  if (threshold < 0 || threshold > 1) throw new ScorerDataError('context.threshold must be from 0 to 1');
  if (confirm < threshold || confirm > 1) throw new ScorerDataError('context.confirm must be from context.threshold to 1');
  if (typeof c.weights !== 'string') throw new ScorerDataError('context.weights missing');
  return { bits: contextBits, window: c.window, bias, scale, threshold, confirm, weights: decodeInt8(c.weights, 2 ** contextBits, 'context.weights') };
}

/** The context model's tables: as stored, with the weights decoded. */
export type ContextTables = Omit<ContextData, 'weights'> & { weights: ArrayLike<number> };

/** What one message gives the context model: the sum of its text features' weights and their count. */
export interface ContextEvidence {
  sum: number;
  count: number;
}

/**
 * The conversation-context model (the `ContextGate` of risk.ts): how much the last messages of a conversation, read
 * together, look like a risky conversation rather than an ordinary one that happens to hold cues (a surprise party's
 * secret, a parent asking where their child is, a sale paid by transfer). Each message's features are summed once;
 * the conversation's score is `bias + scale × Σ sums / √(Σ counts)` over the window, as in training.
 */
export class ContextModel {
  private readonly mask: number;

  constructor(readonly tables: ContextTables) {
    this.mask = 2 ** tables.bits - 1;
  }

  get window(): number {
    return this.tables.window;
  }

  get threshold(): number {
    return this.tables.threshold;
  }

  get confirm(): number {
    return this.tables.confirm;
  }

  evidence(text: string): ContextEvidence {
    return this.evidenceOf(extractFeatures(text).text);
  }

  evidenceOf(features: readonly number[]): ContextEvidence {
    const { weights } = this.tables;
    let sum = 0;
    for (let i = 0; i < features.length; i++) sum += weights[features[i] & this.mask];
    return { sum, count: features.length };
  }

  probability(parts: readonly ContextEvidence[]): number {
    let sum = 0;
    let count = 0;
    for (const part of parts) {
      sum += part.sum;
      count += part.count;
    }
    const { bias, scale } = this.tables;
    return sigmoid(bias + (count ? (sum * scale) / Math.sqrt(count) : 0));
  }
}

export interface ScorerTables {
  riskyBits: number;
  sharedBits: number;
  bias: readonly number[];
  scale: readonly number[];
  calibration: ReadonlyArray<{ a: number; b: number }>;
  thresholds: ScorerThresholds;
  /** Weights as stored: int8 (shipped) or float (while training). */
  risky: ArrayLike<number>;
  shared: ArrayLike<number>;
  context?: ContextTables;
}

const CATEGORY_HEAD_START = 1;

/** Slots of a token vector (`Scorer.tokenVector`) after its per-head sums. */
const TOKEN_COUNT = HEADS.length;
const TOKEN_FIRST_HASH = HEADS.length + 1;
const TOKEN_LAST_HASH = HEADS.length + 2;
const TOKEN_WORDS = HEADS.length + 3;
const TOKEN_SECOND_HASH = HEADS.length + 4;
const TOKEN_BEFORE_LAST_HASH = HEADS.length + 5;
const TOKEN_VECTOR_LENGTH = HEADS.length + 6;

export class Scorer {
  readonly thresholds: ScorerThresholds;
  /** The conversation-context model, when the weights file has one. */
  readonly context: ContextModel | undefined;
  private readonly riskyMask: number;
  private readonly sharedMask: number;
  private readonly raw = new Float64Array(HEADS.length);

  constructor(private readonly tables: ScorerTables) {
    this.thresholds = tables.thresholds;
    this.context = tables.context ? new ContextModel(tables.context) : undefined;
    this.riskyMask = 2 ** tables.riskyBits - 1;
    this.sharedMask = 2 ** tables.sharedBits - 1;
  }

  /** Raw (uncalibrated) scores of every head for these features, into `out`. */
  rawScores(features: MessageFeatures, out: Float64Array = this.raw): Float64Array {
    const { scale, bias } = this.tables;
    const heads = HEADS.length;
    const sums = out;
    sums.fill(0);
    const text = features.text;
    const textValue = text.length ? 1 / Math.sqrt(text.length) : 0;
    for (let i = 0; i < text.length; i++) this.addWeights(sums, text[i], textValue);
    for (const h of features.rules) this.addWeights(sums, h, 1);
    for (let k = 0; k < heads; k++) sums[k] = bias[k] + sums[k] * scale[k];
    return sums;
  }

  probability(head: number, raw: number): number {
    const { a, b } = this.tables.calibration[head];
    return sigmoid(a * raw + b);
  }

  /**
   * The scores of a message without materialising its features: each raw token's own features (its words with
   * their character n-grams, the bigrams and trigrams inside it, its English and accented words) are summed once per
   * token and cached, so a message costs one lookup per token plus the word pairs and triples across its token breaks.
   * Same result as `rawScores(extractFeatures(text, ruleCategories))` (a test checks it). `tokens`: `modelTokens(text)`,
   * when the caller has them already (the rules tokenised the same text).
   */
  rawScoresOf(text: string, ruleCategories: readonly CategoryId[] = [], tokens: readonly RawToken[] = modelTokens(text)): Float64Array {
    const sums = this.raw;
    sums.fill(0);
    let count = 0;
    let previous = 0;
    let beforePrevious = 0;
    let wordsSeen = 0;
    for (let t = 0; t < tokens.length; t++) {
      const vector = this.tokenVector(tokens[t].raw);
      for (let k = 0; k < HEADS.length; k++) sums[k] += vector[k];
      count += vector[TOKEN_COUNT];
      const words = vector[TOKEN_WORDS];
      if (words === 0) continue;
      // The bigram and trigrams across the break between this token's first words and the previous tokens' last ones.
      const first = vector[TOKEN_FIRST_HASH];
      if (wordsSeen >= 1) {
        this.addWeights(sums, mix(previous ^ SEED_BIGRAM, first), 1);
        count++;
        if (words >= 2) {
          this.addWeights(sums, trigram(previous, first, vector[TOKEN_SECOND_HASH]), 1);
          count++;
        }
      }
      if (wordsSeen >= 2) {
        this.addWeights(sums, trigram(beforePrevious, previous, first), 1);
        count++;
      }
      beforePrevious = words >= 2 ? vector[TOKEN_BEFORE_LAST_HASH] : previous;
      previous = vector[TOKEN_LAST_HASH];
      wordsSeen += words;
    }
    this.addWeights(sums, mix(SEED_LONG, Math.min(6, Math.floor(Math.log2(1 + tokens.length)))), 1);
    count++;
    const value = 1 / Math.sqrt(count);
    for (let k = 0; k < HEADS.length; k++) sums[k] *= value;
    const ruleSeen = new Set<CategoryId>();
    for (const category of ruleCategories) {
      if (ruleSeen.has(category)) continue;
      ruleSeen.add(category);
      this.addWeights(sums, hashString(SEED_RULE, category), 1);
    }
    if (ruleCategories.length) this.addWeights(sums, hashString(SEED_RULE, ruleCategories.length > 1 ? '*many' : '*one'), 1);
    const { scale, bias } = this.tables;
    for (let k = 0; k < HEADS.length; k++) sums[k] = bias[k] + sums[k] * scale[k];
    return sums;
  }

  /**
   * Per raw token: the unscaled sums per head of every feature it gives on its own (its folded words with their
   * character n-grams, the bigrams and trigrams inside it, its English and accented words), their count, its number of
   * folded words and the hashes of its first two and last two, for the pairs and triples across token breaks (cached:
   * chat repeats tokens). Summing per token first changes nothing: the shipped weights are int8, so every sum before
   * scaling is an exact integer.
   */
  private readonly tokenVectors = new Map<string, Float64Array>();
  private tokenVector(raw: string): Float64Array {
    let vector = this.tokenVectors.get(raw);
    if (vector) return vector;
    vector = new Float64Array(TOKEN_VECTOR_LENGTH);
    const expanded = expandedToken(raw);
    const vi = expanded.vi;
    let count = 0;
    for (let w = 0; w < vi.length; w++) {
      const words = this.wordVector(vi[w]);
      for (let k = 0; k < HEADS.length; k++) vector[k] += words[k];
      count += words[HEADS.length];
      const hash = words[HEADS.length + 1];
      if (w > 0) {
        this.addWeights(vector, mix(vector[TOKEN_LAST_HASH] ^ SEED_BIGRAM, hash), 1);
        count++;
      } else vector[TOKEN_FIRST_HASH] = hash;
      if (w > 1) {
        this.addWeights(vector, trigram(vector[TOKEN_BEFORE_LAST_HASH], vector[TOKEN_LAST_HASH], hash), 1);
        count++;
      }
      if (w === 1) vector[TOKEN_SECOND_HASH] = hash;
      if (w > 0) vector[TOKEN_BEFORE_LAST_HASH] = vector[TOKEN_LAST_HASH];
      vector[TOKEN_LAST_HASH] = hash;
    }
    vector[TOKEN_WORDS] = vi.length;
    const en = expanded.en;
    if (en.length !== vi.length || en[0] !== vi[0]) {
      for (let w = 0; w < en.length; w++) this.addWeights(vector, hashString(SEED_EN, en[w]), 1);
      count += en.length;
    }
    const accented = expanded.viAccented;
    if (accented.length === vi.length && accented[0] !== vi[0]) {
      for (let w = 0; w < accented.length; w++) this.addWeights(vector, hashString(SEED_ACCENT, accented[w]), 1);
      count += accented.length;
    }
    vector[TOKEN_COUNT] = count;
    if (this.tokenVectors.size >= WORD_CACHE_LIMIT) this.tokenVectors.clear();
    this.tokenVectors.set(raw, vector);
    return vector;
  }

  /** Unscaled weights of one feature added to `sums` (× value). */
  private addWeights(sums: Float64Array, h: number, value: number): void {
    const { risky, shared } = this.tables;
    sums[0] += risky[h & this.riskyMask] * value;
    const base = (h & this.sharedMask) * SHARED_HEADS;
    for (let k = 0; k < SHARED_HEADS; k++) sums[k + 1] += shared[base + k] * value;
  }

  /** Per word: the unscaled sums of its own features per head, their count, and the word's hash (cached). */
  private readonly wordVectors = new Map<string, Float64Array>();
  private wordVector(word: string): Float64Array {
    let vector = this.wordVectors.get(word);
    if (vector) return vector;
    const features = wordFeatures(word);
    vector = new Float64Array(HEADS.length + 2);
    for (let i = 0; i < features.length; i++) this.addWeights(vector, features[i], 1);
    vector[HEADS.length] = features.length;
    vector[HEADS.length + 1] = features[0];
    if (this.wordVectors.size >= WORD_CACHE_LIMIT) this.wordVectors.clear();
    this.wordVectors.set(word, vector);
    return vector;
  }

  score(text: string, ruleCategories: readonly CategoryId[] = [], tokens?: readonly RawToken[]): ScorerResult {
    return this.resultOf(this.rawScoresOf(text, ruleCategories, tokens));
  }

  scoreFeatures(features: MessageFeatures): ScorerResult {
    return this.resultOf(this.rawScores(features));
  }

  private resultOf(raw: Float64Array): ScorerResult {
    const risky = this.probability(0, raw[0]);
    const categories = {} as Record<CategoryId, number>;
    let best: CategoryId = CATEGORY_IDS[0];
    for (let i = 0; i < CATEGORY_IDS.length; i++) {
      const p = this.probability(CATEGORY_HEAD_START + i, raw[CATEGORY_HEAD_START + i]);
      categories[CATEGORY_IDS[i]] = p;
      if (p > categories[best]) best = CATEGORY_IDS[i];
    }
    const talk = this.probability(HEAD_INDEX.talk_about, raw[HEAD_INDEX.talk_about]);
    const disclosure = this.probability(HEAD_INDEX.self_disclosure, raw[HEAD_INDEX.self_disclosure]);
    const named: CategoryId[] = [best];
    const others = CATEGORY_IDS.filter((c) => c !== best && categories[c] >= this.thresholds.category);
    others.sort((x, y) => categories[y] - categories[x]);
    named.push(...others.slice(0, 2));
    return { risky, categories, talk, disclosure, named, flagged: risky >= this.thresholds.flag };
  }

  /**
   * The words that raised a head's score most: the token with the largest positive contribution, widened to its
   * neighbours while they also push the score up (at most five words). Null when nothing pushed it up.
   */
  explain(features: MessageFeatures, head: Head): Explanation | null {
    const index = HEAD_INDEX[head];
    const { risky, shared, scale } = this.tables;
    const perToken = new Float64Array(features.tokens.length);
    const value = features.text.length ? 1 / Math.sqrt(features.text.length) : 0;
    for (let i = 0; i < features.text.length; i++) {
      const token = features.textToken[i];
      if (token < 0) continue;
      const h = features.text[i];
      const w = index === 0 ? risky[h & this.riskyMask] : shared[(h & this.sharedMask) * SHARED_HEADS + index - 1];
      perToken[token] += w * value * scale[index];
    }
    let best = -1;
    for (let t = 0; t < perToken.length; t++) if (perToken[t] > 0 && (best < 0 || perToken[t] > perToken[best])) best = t;
    if (best < 0) return null;
    let from = best;
    let to = best;
    const floor = perToken[best] * 0.25;
    while (to - from < 4) {
      const left = from > 0 ? perToken[from - 1] : -Infinity;
      const right = to + 1 < perToken.length ? perToken[to + 1] : -Infinity;
      if (Math.max(left, right) < floor) break;
      if (left >= right) from--;
      else to++;
    }
    return { start: features.tokens[from].start, end: features.tokens[to].end };
  }
}
