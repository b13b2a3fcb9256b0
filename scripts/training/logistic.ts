/**
 * Trains the scorer's heads (lib/engine/scorer.ts): multi-label logistic regression over hashed sparse features,
 * AdaGrad with L2 on the weights a step touches, a seeded shuffle per epoch, single-threaded, so the same corpus
 * and seed give the same weights bit for bit. Then quantises to int8 and fits Platt calibration on a split the
 * training never saw.
 */
import { HEADS, SHARED_HEADS, Scorer, type MessageFeatures, type ScorerThresholds } from '../../lib/engine/scorer';

export interface TrainingExample {
  features: MessageFeatures;
  /** One 0/1 target per head (HEADS order). */
  targets: Uint8Array;
  /** Sample weight (1 by default). */
  weight: number;
}

export interface TrainOptions {
  riskyBits: number;
  sharedBits: number;
  epochs: number;
  learningRate: number;
  l2: number;
  seed: number;
  /** Sample weight of a real ordinary line (a written line weighs 1). */
  realWeight: number;
  /** Weight of an extra copy, without diacritics, of each Vietnamese training line that has them (0: none; a real line's copy also weighs `realWeight`). */
  plainCopyWeight?: number;
  /** Weight of an extra chat-speak copy (lower case, short forms) of each written training line (0: none). */
  chatCopyWeight?: number;
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = { riskyBits: 18, sharedBits: 16, epochs: 10, learningRate: 0.2, l2: 1e-6, seed: 20251207, realWeight: 2, plainCopyWeight: 0.5, chatCopyWeight: 0.5 };

export interface FloatModel {
  riskyBits: number;
  sharedBits: number;
  bias: Float64Array;
  risky: Float32Array;
  shared: Float32Array;
}

/** mulberry32: a small seeded generator, so the shuffle is the same on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

export function trainLogistic(examples: readonly TrainingExample[], options: TrainOptions = DEFAULT_TRAIN_OPTIONS): FloatModel {
  const heads = HEADS.length;
  const riskyMask = 2 ** options.riskyBits - 1;
  const sharedMask = 2 ** options.sharedBits - 1;
  const risky = new Float32Array(2 ** options.riskyBits);
  const shared = new Float32Array(2 ** options.sharedBits * SHARED_HEADS);
  const riskyG = new Float32Array(risky.length);
  const sharedG = new Float32Array(shared.length);
  const bias = new Float64Array(heads);
  const biasG = new Float64Array(heads);
  // Start each bias at the base rate's log-odds: the first epoch then learns features, not the prior.
  for (let k = 0; k < heads; k++) {
    let positives = 0;
    let total = 0;
    for (const e of examples) {
      positives += e.targets[k] * e.weight;
      total += e.weight;
    }
    const rate = Math.min(0.999, Math.max(0.001, positives / Math.max(total, 1)));
    bias[k] = Math.log(rate / (1 - rate));
  }
  const random = seededRandom(options.seed);
  const order = Array.from(examples.keys());
  const z = new Float64Array(heads);
  const gradient = new Float64Array(heads);
  const { learningRate: lr, l2 } = options;
  const EPS = 1e-8;
  const MIN_GRADIENT = 1e-3;
  const active = new Int32Array(SHARED_HEADS);

  for (let epoch = 0; epoch < options.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (const index of order) {
      const example = examples[index];
      const { text, rules } = example.features;
      const textValue = text.length ? 1 / Math.sqrt(text.length) : 0;
      z.fill(0);
      for (let f = 0; f < text.length + rules.length; f++) {
        const h = f < text.length ? text[f] : rules[f - text.length];
        const value = f < text.length ? textValue : 1;
        z[0] += risky[h & riskyMask] * value;
        const base = (h & sharedMask) * SHARED_HEADS;
        for (let k = 0; k < SHARED_HEADS; k++) z[k + 1] += shared[base + k] * value;
      }
      for (let k = 0; k < heads; k++) gradient[k] = (sigmoid(z[k] + bias[k]) - example.targets[k]) * example.weight;
      // Heads this example barely moves are skipped: after the first epoch most heads are sure of most examples.
      let activeCount = 0;
      for (let k = 1; k < heads; k++) if (Math.abs(gradient[k]) > MIN_GRADIENT) active[activeCount++] = k - 1;
      for (let k = 0; k < heads; k++) {
        biasG[k] += gradient[k] * gradient[k];
        bias[k] -= (lr * gradient[k]) / Math.sqrt(biasG[k] + EPS);
      }
      for (let f = 0; f < text.length + rules.length; f++) {
        const h = f < text.length ? text[f] : rules[f - text.length];
        const value = f < text.length ? textValue : 1;
        const r = h & riskyMask;
        const g0 = gradient[0] * value + l2 * risky[r];
        riskyG[r] += g0 * g0;
        risky[r] -= (lr * g0) / Math.sqrt(riskyG[r] + EPS);
        const base = (h & sharedMask) * SHARED_HEADS;
        for (let a = 0; a < activeCount; a++) {
          const k = active[a];
          const s = base + k;
          const g = gradient[k + 1] * value + l2 * shared[s];
          sharedG[s] += g * g;
          shared[s] -= (lr * g) / Math.sqrt(sharedG[s] + EPS);
        }
      }
    }
  }
  return { riskyBits: options.riskyBits, sharedBits: options.sharedBits, bias, risky, shared };
}

export interface QuantizedModel {
  riskyBits: number;
  sharedBits: number;
  bias: number[];
  scale: number[];
  risky: Int8Array;
  shared: Int8Array;
}

/** Int8 weights with one scale per head (the largest weight maps to ±127). */
export function quantize(model: FloatModel): QuantizedModel {
  const heads = HEADS.length;
  const max = new Float64Array(heads);
  for (const w of model.risky) max[0] = Math.max(max[0], Math.abs(w));
  for (let i = 0; i < model.shared.length; i++) {
    const k = (i % SHARED_HEADS) + 1;
    max[k] = Math.max(max[k], Math.abs(model.shared[i]));
  }
  const scale = Array.from(max, (m) => (m > 0 ? m / 127 : 1));
  const risky = new Int8Array(model.risky.length);
  for (let i = 0; i < risky.length; i++) risky[i] = Math.round(model.risky[i] / scale[0]);
  const shared = new Int8Array(model.shared.length);
  for (let i = 0; i < shared.length; i++) shared[i] = Math.round(model.shared[i] / scale[(i % SHARED_HEADS) + 1]);
  return { riskyBits: model.riskyBits, sharedBits: model.sharedBits, bias: Array.from(model.bias), scale, risky, shared };
}

const IDENTITY = { a: 1, b: 0 };
const NEUTRAL_THRESHOLDS: ScorerThresholds = { flag: 0.5, veto: 0.5, category: 0.5, talk: 0.5, disclosure: 0.5, disclosureFlag: 0.5 };

/** A scorer over quantised weights with uncalibrated (identity) probabilities: for fitting the calibration. */
export function uncalibratedScorer(model: QuantizedModel): Scorer {
  return new Scorer({ ...model, calibration: HEADS.map(() => IDENTITY), thresholds: NEUTRAL_THRESHOLDS });
}

/** Platt scaling: a and b minimising the log loss of sigmoid(a·raw + b) on held-out (raw, target) pairs. */
export function fitPlatt(raw: ArrayLike<number>, targets: ArrayLike<number>): { a: number; b: number } {
  const n = raw.length;
  let positives = 0;
  for (let i = 0; i < n; i++) positives += targets[i];
  if (positives === 0 || positives === n) return IDENTITY;
  // Platt's smoothed targets keep the fit finite on separable data.
  const hi = (positives + 1) / (positives + 2);
  const lo = 1 / (n - positives + 2);
  let a = 1;
  let b = 0;
  for (let iteration = 0; iteration < 100; iteration++) {
    let ga = 0, gb = 0, haa = 0, hab = 0, hbb = 0;
    for (let i = 0; i < n; i++) {
      const t = targets[i] ? hi : lo;
      const p = sigmoid(a * raw[i] + b);
      const d = p - t;
      const w = Math.max(p * (1 - p), 1e-12);
      ga += d * raw[i];
      gb += d;
      haa += w * raw[i] * raw[i];
      hab += w * raw[i];
      hbb += w;
    }
    haa += 1e-9;
    hbb += 1e-9;
    const det = haa * hbb - hab * hab;
    if (Math.abs(det) < 1e-18) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    a -= da;
    b -= db;
    if (Math.abs(da) < 1e-9 && Math.abs(db) < 1e-9) break;
  }
  return { a, b };
}

export function toBase64(bytes: Int8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
