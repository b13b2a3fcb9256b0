/**
 * The learned scorer (lib/engine/scorer.ts), its training (scripts/training) and how the engine combines it with
 * the rules (lib/engine/combine.ts).
 */
import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../lib/engine';
import { combineFindings, decideMessage, DISCOUNT, modelWeight } from '../../lib/engine/combine';
import { ConversationRiskTracker } from '../../lib/engine/risk';
import { ContextModel, extractFeatures, HEADS, parseScorerData, Scorer, ScorerDataError, type ScorerData, type ScorerResult } from '../../lib/engine/scorer';
import type { Finding } from '../../lib/engine/types';
import { loadBundledRules } from '../../lib/node/rule-files';
import { loadShippedScorer, SCORER_FILE } from '../../lib/node/scorer-file';
import { fitPlatt, quantize, toBase64, trainLogistic, type TrainingExample } from '../../scripts/training/logistic';
import { chatCopiesOf, chatSpeak, chooseThresholds, examplesOf, featuresOf, plainCopiesOf, targetsOf, trainContext } from '../../scripts/training/pipeline';
import type { LabelledConversation } from '../../scripts/corpus/load';

const shippedText = readFileSync(SCORER_FILE, 'utf8');
const shipped = JSON.parse(shippedText) as ScorerData;
const scorer = loadShippedScorer();

describe('the shipped weights file', () => {
  it('is at most 2 MB and says what it was trained on', () => {
    expect(statSync(SCORER_FILE).size).toBeLessThanOrEqual(2 * 1024 * 1024);
    expect(shipped.trainedOn).toHaveProperty('train');
    expect(shipped.heads).toEqual([...HEADS]);
  });

  it('has a conversation-context model with its window and a threshold chosen on calibration', () => {
    expect(shipped.context).toBeDefined();
    expect(shipped.context?.window).toBeGreaterThan(1);
    expect(shipped.context?.threshold).toBeGreaterThan(0);
    expect(shipped.context?.threshold).toBeLessThanOrEqual(0.5);
    expect(shipped.context?.confirm).toBeGreaterThanOrEqual(shipped.context?.threshold ?? 0);
    expect(shipped.context?.confirm).toBeLessThanOrEqual(1);
    expect(scorer.context?.window).toBe(shipped.context?.window);
  });

  it('reads a file without a context model (trained on messages alone): no context gate', () => {
    const { context: _, ...withoutContext } = JSON.parse(shippedText) as ScorerData;
    expect(parseScorerData(withoutContext).context).toBeUndefined();
  });

  it('has thresholds that are probabilities, the veto below the flag', () => {
    const t = shipped.thresholds;
    for (const value of Object.values(t)) {
      expect(value).toBeGreaterThan(0);
      expect(value).toBeLessThan(1);
    }
    expect(t.veto).toBeLessThanOrEqual(t.flag);
  });
});

describe('parseScorerData refuses a damaged file with the reason', () => {
  const cases: Array<[string, (d: Record<string, unknown>) => unknown, RegExp]> = [
    ['not an object', () => 'weights', /not an object/],
    ['another format', (d) => ({ ...d, format: 'x' }), /format/],
    ['a newer version', (d) => ({ ...d, version: 99 }), /version 99/],
    ['other heads', (d) => ({ ...d, heads: ['risky'] }), /heads/],
    ['absurd table sizes', (d) => ({ ...d, riskyBits: 40 }), /riskyBits/],
    ['a NaN bias', (d) => ({ ...d, bias: (d.bias as number[]).map(() => Number.NaN) }), /bias/],
    ['a short table', (d) => ({ ...d, riskyWeights: 'AAAA' }), /riskyWeights has 3 weights/],
    ['a table that is not base64', (d) => ({ ...d, sharedWeights: '***' }), /not base64/],
    ['missing thresholds', (d) => ({ ...d, thresholds: undefined }), /thresholds/],
    ['a string threshold', (d) => ({ ...d, thresholds: { ...(d.thresholds as object), flag: '0.5' } }), /thresholds/],
    ['a context model that is not an object', (d) => ({ ...d, context: 7 }), /context must be an object/],
    ['a context window of none', (d) => ({ ...d, context: { ...(d.context as object), window: 0 } }), /context.window/],
    ['a context threshold above 1', (d) => ({ ...d, context: { ...(d.context as object), threshold: 2 } }), /context.threshold/],
    ['a confirming threshold below the holding one', (d) => ({ ...d, context: { ...(d.context as object), threshold: 0.5, confirm: 0.2 } }), /context.confirm/],
    ['a short context table', (d) => ({ ...d, context: { ...(d.context as object), weights: 'AAAA' } }), /context.weights has 3 weights/],
  ];
  for (const [name, damage, message] of cases) {
    it(name, () => {
      const damaged = damage(JSON.parse(shippedText) as Record<string, unknown>);
      expect(() => parseScorerData(damaged)).toThrow(ScorerDataError);
      expect(() => parseScorerData(damaged)).toThrow(message);
    });
  }
});

describe('scoring', () => {
  const texts = [
    'ok see you at practice tmr',
    'dont tell ur parents about us, this is our secret ok?',
    'Tôi là cán bộ công an, em đang liên quan đến vụ án rửa tiền, không được nói với ai',
    'toi la can bo cong an, em dang lien quan den vu an rua tien',
    'e nhiêu tuổi r? bme có kiểm tra đt ko',
    '',
    '🤫📸 u up?',
    'a'.repeat(5000) + ' send pics',
  ];

  it('the per-word fast path gives the same scores as the features it stands for', () => {
    for (const text of texts) {
      for (const categories of [[], ['secrecy'], ['secrecy', 'money', 'secrecy']] as const) {
        const fast = Array.from(scorer.rawScoresOf(text, categories));
        const slow = Array.from(scorer.rawScores(extractFeatures(text, categories), new Float64Array(HEADS.length)));
        fast.forEach((value, k) => expect(value).toBeCloseTo(slow[k], 9));
      }
    }
  });

  it('reads Vietnamese with and without diacritics alike', () => {
    const accented = scorer.score(texts[2]).risky;
    const plain = scorer.score(texts[3]).risky;
    expect(Math.abs(accented - plain)).toBeLessThan(0.15);
  });

  it('explains a score with words of the message', () => {
    const text = texts[1];
    const features = extractFeatures(text);
    const span = scorer.explain(features, 'risky');
    expect(span).not.toBeNull();
    expect(span!.start).toBeGreaterThanOrEqual(0);
    expect(span!.end).toBeLessThanOrEqual(text.length);
    expect(span!.end).toBeGreaterThan(span!.start);
  });
});

describe('training', () => {
  const words = ['secret', 'hotel', 'alone', 'police', 'homework', 'pizza', 'football', 'party'];
  const examples = (): TrainingExample[] =>
    Array.from({ length: 400 }, (_, i) => {
      const risky = i % 2 === 0;
      const pick = Math.floor(i / 2) % 4;
      const text = `${risky ? words[pick] : words[4 + pick]} ${words[(i * 7) % 8]} message ${i % 13}`;
      return { features: extractFeatures(text), targets: targetsOf({ kind: risky ? 'risky' : 'benign', categories: risky ? ['secrecy'] : [] }), weight: 1 };
    });
  const options = { riskyBits: 12, sharedBits: 10, epochs: 3, learningRate: 0.2, l2: 1e-6, seed: 7, realWeight: 1 };

  it('chooses message thresholds that keep calibration precision in each language, not only pooled', () => {
    // A stand-in scorer: English warning signs at 0.9 and 0.7, two English false alarms at 0.7, forty Vietnamese
    // warning signs at 0.7. Pooled, a flag at 0.7 keeps precision at 50 / 52; English alone would be at 10 / 12.
    const lines: Array<{ text: string; lang: 'en' | 'vi'; positive: boolean; p: number }> = [
      ...Array.from({ length: 5 }, (_, i) => ({ text: `zq en sure ${i}`, lang: 'en' as const, positive: true, p: 0.9 })),
      ...Array.from({ length: 5 }, (_, i) => ({ text: `zq en unsure ${i}`, lang: 'en' as const, positive: true, p: 0.7 })),
      ...Array.from({ length: 2 }, (_, i) => ({ text: `zq en benign ${i}`, lang: 'en' as const, positive: false, p: 0.7 })),
      ...Array.from({ length: 40 }, (_, i) => ({ text: `zq vi chac ${i}`, lang: 'vi' as const, positive: true, p: 0.7 })),
    ];
    const byFeatures = new Map(lines.map((l) => [featuresOf(l.text), l.p]));
    const result = (p: number): ScorerResult => ({ risky: p, categories: {} as ScorerResult['categories'], talk: 0, disclosure: 0, named: [], flagged: false });
    const standIn = { scoreFeatures: (features: unknown) => result(byFeatures.get(features as ReturnType<typeof featuresOf>) ?? 0) } as unknown as Scorer;
    const calibration = lines.map((l) => ({ text: l.text, lang: l.lang, categories: l.positive ? (['secrecy'] as const).slice() : [], kind: l.positive ? ('risky' as const) : ('benign' as const), from: 'other' as const, source: 's', origin: 'written' as const, split: 'calibration' as const }));
    const chosen = chooseThresholds(standIn, calibration);
    // Only a flag above 0.7 keeps English precision at 0.90: the English false alarms (and the unsure lines) go.
    expect(chosen.flag).toBeGreaterThan(0.7);
    // With the English false alarms gone, the lower flag is chosen again (most recall).
    const fair = calibration.filter((m) => !m.text.startsWith('zq en benign'));
    expect(chooseThresholds(standIn, fair).flag).toBeLessThanOrEqual(0.7);
  });

  it('weighs a real ordinary line by the option, a written line by one', () => {
    const line = (origin: 'real' | 'written') => ({ text: 'see you at school', lang: 'en' as const, categories: [], kind: 'benign' as const, from: 'other' as const, source: 's', origin, split: 'train' as const });
    expect(examplesOf([line('real'), line('written')], 2).map((e) => e.weight)).toEqual([2, 1]);
    expect(examplesOf([line('real')], 0.5)[0].weight).toBe(0.5);
  });

  it('adds a copy without diacritics of each Vietnamese line that has them (a real one weighs as real lines do), and of nothing else', () => {
    const line = (text: string, lang: 'en' | 'vi', origin: 'real' | 'written' = 'written') => ({ text, lang, categories: ['secrecy' as const], kind: 'risky' as const, from: 'other' as const, source: 's', origin, split: 'train' as const });
    const copies = plainCopiesOf([line('đừng nói với bố mẹ nhé', 'vi'), line('dung noi voi bo me nhe', 'vi'), line('đi học chưa', 'vi', 'real'), line("don't tell mum", 'en')], 0.5, 2);
    expect(copies.map((c) => c.weight)).toEqual([0.5, 1]);
    expect(copies[1].features.text).toEqual(featuresOf('di hoc chua').text);
    expect(copies[0].features.text).toEqual(featuresOf('dung noi voi bo me nhe').text);
    expect([...copies[0].targets]).toEqual([...targetsOf({ kind: 'risky', categories: ['secrecy'] })]);
    expect(plainCopiesOf([line('đừng nói với bố mẹ nhé', 'vi')], 0)).toEqual([]);
  });

  it('adds a chat-speak copy of each written line that changes (lower case, whole-word short forms), never of a real line', () => {
    expect(chatSpeak("Don't tell your parents, you're my favourite. Send a picture tonight!", 'en')).toBe('dont tell ur parents ur my favourite send a pic 2nite');
    // Whole words only: "young", "youth" and "yourself" keep their letters.
    expect(chatSpeak('young youth yourself', 'en')).toBe('young youth yourself');
    expect(chatSpeak('Em không được nói với bố mẹ nhé.', 'vi')).toBe('em ko dc nói vs bme nha');
    expect(chatSpeak('gìn giữ', 'vi')).toBe('gìn giữ');
    const line = (text: string, lang: 'en' | 'vi', origin: 'real' | 'written' = 'written') => ({ text, lang, categories: ['secrecy' as const], kind: 'risky' as const, from: 'other' as const, source: 's', origin, split: 'train' as const });
    const copies = chatCopiesOf([line("don't tell your mum", 'en'), line('ok', 'en'), line('you there?', 'en', 'real'), line('không được nói', 'vi')], 0.5);
    expect(copies.map((c) => c.weight)).toEqual([0.5, 0.5]);
    expect(copies[0].features.text).toEqual(featuresOf('dont tell ur mum').text);
    expect(copies[1].features.text).toEqual(featuresOf('ko dc nói').text);
    expect(chatCopiesOf([line("don't tell your mum", 'en')], 0)).toEqual([]);
  });

  it('is deterministic: the same data and seed give the same weights bit for bit', () => {
    const a = quantize(trainLogistic(examples(), options));
    const b = quantize(trainLogistic(examples(), options));
    expect(toBase64(a.risky)).toBe(toBase64(b.risky));
    expect(toBase64(a.shared)).toBe(toBase64(b.shared));
    const c = quantize(trainLogistic(examples(), { ...options, seed: 8 }));
    expect(toBase64(c.risky)).not.toBe(toBase64(a.risky));
  });

  it('trains the context model on places in conversations: risky ones from their first risky message, benign ones everywhere', () => {
    const conversation = (id: string, risky: boolean, texts: string[], firstRisky: number | null): LabelledConversation => ({
      id, lang: 'en', risky, script: 'grooming', firstRisky, source: 'test', origin: 'written', split: 'train',
      messages: texts.map((text) => ({ from: 'other', text, categories: [], kind: 'benign' })),
    });
    const conversations: LabelledConversation[] = [];
    for (let i = 0; i < 20; i++) {
      conversations.push(conversation(`r${i}`, true, ['hi there', `nice game ${i}`, 'come to the motel alone', 'keep the camera on'], 2));
      conversations.push(conversation(`b${i}`, false, ['hi there', `nice game ${i}`, 'surprise party at the motel', 'bring a cake'], null));
    }
    const tables = trainContext(conversations, 3);
    expect(toBase64(trainContext(conversations, 3).weights as Int8Array)).toBe(toBase64(tables.weights as Int8Array));
    const model = new ContextModel({ ...tables, threshold: 0.5, confirm: 0.9 });
    const read = (texts: string[]) => model.probability(texts.map((t) => model.evidence(t)));
    expect(read(['hi there', 'come to the motel alone', 'keep the camera on'])).toBeGreaterThan(0.5);
    expect(read(['hi there', 'surprise party at the motel', 'bring a cake'])).toBeLessThan(0.5);
  });

  it('learns which words make a message risky, and its category', () => {
    const model = quantize(trainLogistic(examples(), { ...options, epochs: 8 }));
    const trained = new Scorer({ ...model, calibration: HEADS.map(() => ({ a: 1, b: 0 })), thresholds: { flag: 0.5, veto: 0.2, category: 0.5, talk: 0.5, disclosure: 0.5, disclosureFlag: 0.5 } });
    const risky = trained.score('secret hotel message 3');
    const benign = trained.score('homework pizza message 3');
    expect(risky.risky).toBeGreaterThan(0.8);
    expect(benign.risky).toBeLessThan(0.2);
    expect(risky.categories.secrecy).toBeGreaterThan(benign.categories.secrecy);
  });

  it('calibrates: Platt scaling of a noisy score recovers its probabilities', () => {
    const raw: number[] = [];
    const targets: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const x = (i % 200) / 20 - 5;
      raw.push(x);
      // True probability sigmoid(2x - 1), sampled deterministically.
      targets.push((i * 0.618033) % 1 < 1 / (1 + Math.exp(-(2 * x - 1))) ? 1 : 0);
    }
    const { a, b } = fitPlatt(raw, targets);
    expect(a).toBeGreaterThan(1.6);
    expect(a).toBeLessThan(2.4);
    expect(b).toBeGreaterThan(-1.4);
    expect(b).toBeLessThan(-0.6);
  });
});

describe('rules and scorer together', () => {
  const thresholds = { flag: 0.8, veto: 0.1, category: 0.5, talk: 0.5, disclosure: 0.5, disclosureFlag: 0.6 };
  const result = (risky: number, talk = 0, disclosure = 0): ScorerResult => ({
    risky,
    talk,
    disclosure,
    categories: {} as ScorerResult['categories'],
    named: ['secrecy'],
    flagged: risky >= thresholds.flag,
  });

  it('flags what the scorer is sure of, and a rule hit the scorer does not rule out', () => {
    expect(decideMessage(result(0.9), [], thresholds).flagged).toBe(true);
    expect(decideMessage(result(0.3), [3], thresholds).flagged).toBe(true);
    expect(decideMessage(result(0.05), [3], thresholds).flagged).toBe(false);
    expect(decideMessage(result(0.3), [], thresholds).flagged).toBe(false);
  });

  it('never flags talk about danger, and marks disclosure', () => {
    expect(decideMessage(result(0.3, 0.9), [4], thresholds)).toMatchObject({ flagged: false, talk: true, trustRules: false });
    expect(decideMessage(result(0.9, 0.1, 0.8), [], thresholds)).toMatchObject({ flagged: true, disclosure: true });
  });

  it("reads the user's account of what is happening to them as disclosure when it is more that than talk, and flags it lower", () => {
    // "a policeman called me and said…": a retelling and a disclosure look alike; the larger reading wins.
    expect(decideMessage(result(0.7, 0.69, 0.87), [], thresholds, 1, 'self')).toMatchObject({ flagged: true, modelFlagged: true, talk: false, disclosure: true });
    expect(decideMessage(result(0.7, 0.87, 0.69), [], thresholds, 1, 'self')).toMatchObject({ flagged: false, talk: true });
    expect(decideMessage(result(0.5, 0.1, 0.87), [], thresholds, 1, 'self')).toMatchObject({ flagged: false, disclosure: true });
    expect(decideMessage(result(0.7, 0.1, 0.3), [], thresholds, 1, 'self').flagged).toBe(false);
    // What the other side retells ("they made her buy a new sim") stays talk.
    expect(decideMessage(result(0.7, 0.69, 0.87), [], thresholds, 1, 'other')).toMatchObject({ flagged: false, talk: true });
  });

  it('reads a message in a talk frame (just after a retelling) as talk when the scorer says it is talk, however risky its words', () => {
    // "and they tell u not to tell ur parents and go to a hotel alone": risky words, a retelling's grammar.
    expect(decideMessage(result(0.97, 0.96), [4], thresholds)).toMatchObject({ flagged: true, talk: false });
    expect(decideMessage(result(0.97, 0.96), [4], thresholds, 1, 'other', { talkFrame: true })).toMatchObject({ flagged: false, talk: true, modelFlagged: false });
    // In the frame a strong rule needs the scorer's plain trust (veto), not only the strong one.
    const strict = { ...thresholds, veto: 0.8, strongVeto: 0.1 };
    expect(decideMessage(result(0.5, 0.2), [4], strict).flagged).toBe(true);
    expect(decideMessage(result(0.5, 0.2), [4], strict, 1, 'other', { talkFrame: true })).toMatchObject({ flagged: false, talk: false, trustStrongRules: false });
    // The user's account that reads more as talk than disclosure does not count as disclosure inside the frame.
    expect(decideMessage(result(0.99, 0.95, 1), [3], thresholds, 1, 'self')).toMatchObject({ flagged: true, disclosure: true });
    expect(decideMessage(result(0.99, 0.95, 1), [3], thresholds, 1, 'self', { talkFrame: true })).toMatchObject({ flagged: false, talk: true });
    // What the scorer does not read as talk is judged as usual inside the frame.
    expect(decideMessage(result(0.9, 0.1), [], thresholds, 1, 'other', { talkFrame: true })).toMatchObject({ flagged: true, talk: false });
  });

  it('trusts a strong rule in a conversation that already follows a known script, unless the message is talk', () => {
    // "Sau đó chuyển tiền vào tài khoản an toàn…" after the fake-police steps: a precise cue of the script's next step.
    const strict = { ...thresholds, veto: 0.8, strongVeto: 0.3 };
    expect(decideMessage(result(0.2), [5], strict).flagged).toBe(false);
    expect(decideMessage(result(0.2), [5], strict, 1, 'other', { followsScript: true })).toMatchObject({ flagged: true, trustStrongRules: true, trustRules: false });
    // A weak rule is still the scorer's to doubt, and talk stays talk.
    expect(decideMessage(result(0.2), [3], strict, 1, 'other', { followsScript: true }).flagged).toBe(false);
    expect(decideMessage(result(0.2, 0.9), [5], strict, 1, 'other', { followsScript: true })).toMatchObject({ flagged: false, talk: true });
  });

  it('gives model findings a weight between 2 and 5 that grows with certainty', () => {
    expect(modelWeight(0.8, 0.8)).toBe(2);
    expect(modelWeight(1, 0.8)).toBe(5);
    expect(modelWeight(0.9, 0.8)).toBeGreaterThan(2);
  });

  const finding = (ruleId: string, weight = 3): Finding => ({
    ruleId,
    category: 'secrecy',
    language: 'en',
    weight,
    start: 0,
    end: 4,
    matched: 'dont',
    adviceKey: 'secrecy',
    selfCompliance: false,
  });

  /** `combineFindings` on an English message from the other side, with the defaults every case here shares. */
  const combine = (text: string, ruleFindings: Finding[], risky: number, overrides: Partial<Parameters<typeof combineFindings>[0]> = {}) =>
    combineFindings({ text, ruleFindings, isUserRule: () => false, scorer, features: () => extractFeatures(text), result: result(risky), language: () => 'en', minShownWeight: 1, from: 'other', ...overrides });

  it('keeps a doubted rule finding visible at a fifth of its weight; an imported rule is never overruled', () => {
    const text = "don't tell anyone";
    const combined = combine(text, [finding('en-bundled'), finding('en-imported')], 0.01, { isUserRule: (id) => id === 'en-imported' });
    expect(combined.decision.flagged).toBe(false);
    expect(combined.findings).toEqual([{ ...finding('en-bundled'), weight: 0.6, evidence: 'doubt' }, finding('en-imported')]);
  });

  it('lets the model doubt a weak rule hit sooner than a strong one (weight 4 or more), below `strongVeto`', () => {
    const strict = { ...thresholds, veto: 0.8, strongVeto: 0.1 };
    expect(decideMessage(result(0.5), [3], strict)).toMatchObject({ flagged: false, trustRules: false, trustStrongRules: true });
    expect(decideMessage(result(0.5), [4], strict)).toMatchObject({ flagged: true, trustRules: false, trustStrongRules: true });
    expect(decideMessage(result(0.05), [5], strict).flagged).toBe(false);
    // Talk about danger stays talk, however strong the rule.
    expect(decideMessage(result(0.5, 0.9), [5], strict)).toMatchObject({ flagged: false, talk: true, trustStrongRules: false });
    // A weights file without strongVeto treats strong rules like the others.
    expect(decideMessage(result(0.5), [5], { ...thresholds, veto: 0.8 }).flagged).toBe(false);

    const withStrong = parseScorerData({ ...shipped, thresholds: { ...strict } });
    expect(withStrong.thresholds.strongVeto).toBe(0.1);
    expect(parseScorerData({ ...shipped, thresholds: { ...strict, strongVeto: 0.9 } }).thresholds.strongVeto).toBe(0.8);
    const text = 'your ID card was used to open an account for money laundering, do not tell anyone';
    const combined = combine(text, [finding('en-strong', 4), finding('en-weak', 3)], 0.5, { scorer: withStrong });
    expect(combined.decision.flagged).toBe(true);
    expect(combined.findings).toEqual([finding('en-strong', 4), { ...finding('en-weak', 3), weight: 0.6, evidence: 'doubt' }]);
  });

  it('adds a model finding on words of the message when no rule named the category', () => {
    const text = 'keep this between us and never mention me to your mum';
    const combined = combine(text, [], 0.95);
    expect(combined.findings).toHaveLength(1);
    const [model] = combined.findings;
    expect(model.ruleId).toBe('model-secrecy');
    expect(model.matched).toBe(text.slice(model.start, model.end));
    expect(model.matched.length).toBeGreaterThan(0);
  });

  it('counts a disclosure by the user in full, where the user’s own words otherwise count 0.3', () => {
    const plain = new ConversationRiskTracker();
    plain.add({ id: '1', from: 'self', ts: 0 }, [finding('en-x', 4)]);
    const disclosed = new ConversationRiskTracker();
    disclosed.add({ id: '1', from: 'self', ts: 0 }, [{ ...finding('en-x', 4), evidence: 'disclosure' }]);
    expect(disclosed.current.score).toBeGreaterThan(plain.current.score * 2);
  });

  it('talk about danger makes no dangerous combination', () => {
    const talk = new ConversationRiskTracker();
    talk.add({ id: '1', from: 'other' }, [{ ...finding('en-a', 4 * DISCOUNT), category: 'impersonation', evidence: 'talk' }, { ...finding('en-b', 4 * DISCOUNT), evidence: 'talk' }]);
    const real = new ConversationRiskTracker();
    real.add({ id: '1', from: 'other' }, [{ ...finding('en-a', 4), category: 'impersonation' }, finding('en-b', 4)]);
    expect(talk.current.alert).toBe(false);
    expect(real.current.score).toBeGreaterThan(talk.current.score + 3);
  });

  it('the context model reads a risky conversation as riskier than its ordinary look-alike', () => {
    const context = scorer.context!;
    const read = (texts: string[]) => context.probability(texts.map((t) => context.evidence(t)));
    const party = read(['ok so the surprise party for mia is saturday', 'dont tell her, keep it secret', 'can u get her out of the house til 7', 'we are all chipping in for a gift']);
    const police = read(['this is officer lee from the cybercrime police, your bank account is part of a money laundering case', 'do not tell anyone, not even your parents', 'go to a hotel alone and keep the video call on', 'transfer your savings to the safe account']);
    expect(police).toBeGreaterThan(context.threshold);
    expect(party).toBeLessThan(police);
  });

  it('the engine with the shipped scorer still runs every rule example it can, and flags a clear demand', () => {
    const engine = createEngine(loadBundledRules(), { scorer });
    const flagged = engine.conversation().add({ id: '1', from: 'other', text: 'Send me a pic without your top now or I will post your other pics to all your followers' });
    expect(flagged.flagged).toBe(true);
    expect(engine.conversation().add({ id: '1', from: 'other', text: 'see u at practice at 5, bring water' }).flagged).toBe(false);
  });
});
