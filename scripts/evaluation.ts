/**
 * Scores the engine on the labelled corpus in tests/corpus/ (see its README): message precision/recall/F1 per
 * language and per category, conversation alert rates and alert latency, and a Sigma-style sweep of every rule over
 * benign text. Used by `npm run eval` (prints) and tests/unit/eval.test.ts (asserts the targets).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createEngine, type Engine } from '../lib/engine';
import { CATEGORY_IDS, type CategoryId, type Language, type Sensitivity } from '../lib/engine/taxonomy';
import { loadBundledRules } from '../lib/node/rule-files';

export const CORPUS = resolve(import.meta.dirname, '../tests/corpus');
/** A held-out set written independently and never used to tune rules: it measures generalisation. */
export const HOLDOUT = resolve(CORPUS, 'holdout');

export interface CorpusMessage {
  text: string;
  categories: CategoryId[];
  note?: string;
}

export interface CorpusConversation {
  id: string;
  lang: Language;
  risky: boolean;
  description: string;
  first_risky?: number;
  messages: Array<{ from: 'self' | 'other'; text: string; ts?: string }>;
}

export interface Score {
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  f1: number;
}

export function score(tp: number, fp: number, fn: number): Score {
  const precision = tp + fp ? tp / (tp + fp) : 1;
  const recall = tp + fn ? tp / (tp + fn) : 1;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { tp, fp, fn, precision, recall, f1 };
}

export function loadMessages(language: Language, corpus = CORPUS): CorpusMessage[] {
  return readFileSync(join(corpus, `messages-${language}.jsonl`), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as CorpusMessage);
}

export function loadConversations(corpus = CORPUS): CorpusConversation[] {
  const dir = join(corpus, 'conversations');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as CorpusConversation);
}

export interface MessageErrors {
  falsePositives: Array<{ text: string; found: string[] }>;
  falseNegatives: Array<{ text: string; expected: CategoryId[] }>;
}

export interface EvaluationResult {
  messages: Record<Language, { overall: Score; byCategory: Record<CategoryId, Score>; errors: MessageErrors; count: number }>;
  conversations: {
    risky: number;
    benign: number;
    riskyAlerted: number;
    benignAlerted: number;
    /** Messages between the first risky one and the alert, for each alerted risky conversation. */
    latencies: number[];
    missed: string[];
    falseAlerts: string[];
  };
  /** Rule id → benign texts it fired on. */
  sweep: Record<string, string[]>;
}

export function evaluate(
  sensitivity: Sensitivity = 'balanced',
  engine: Engine = createEngine(loadBundledRules(), { sensitivity }),
  corpus = CORPUS,
): EvaluationResult {
  const sweep: Record<string, string[]> = {};
  const recordSweep = (ruleIds: string[], text: string): void => {
    for (const id of ruleIds) (sweep[id] ??= []).push(text);
  };

  const messages = {} as EvaluationResult['messages'];
  for (const language of ['en', 'vi'] as const) {
    const items = loadMessages(language, corpus);
    let tp = 0;
    let fp = 0;
    let fn = 0;
    const perCategory = Object.fromEntries(CATEGORY_IDS.map((c) => [c, { tp: 0, fp: 0, fn: 0 }])) as Record<CategoryId, { tp: number; fp: number; fn: number }>;
    const errors: MessageErrors = { falsePositives: [], falseNegatives: [] };
    for (const item of items) {
      const result = engine.conversation().add({ id: 'm', from: 'other', text: item.text });
      const found = new Set(result.findings.map((f) => f.category));
      const risky = item.categories.length > 0;
      if (result.flagged && risky) tp++;
      else if (result.flagged && !risky) {
        fp++;
        errors.falsePositives.push({ text: item.text, found: result.findings.map((f) => f.ruleId) });
        recordSweep(result.findings.map((f) => f.ruleId), item.text);
      } else if (!result.flagged && risky) {
        fn++;
        errors.falseNegatives.push({ text: item.text, expected: item.categories });
      }
      for (const category of CATEGORY_IDS) {
        const expected = item.categories.includes(category);
        const predicted = found.has(category);
        if (expected && predicted) perCategory[category].tp++;
        else if (predicted) perCategory[category].fp++;
        else if (expected) perCategory[category].fn++;
      }
    }
    messages[language] = {
      overall: score(tp, fp, fn),
      byCategory: Object.fromEntries(CATEGORY_IDS.map((c) => [c, score(perCategory[c].tp, perCategory[c].fp, perCategory[c].fn)])) as Record<CategoryId, Score>,
      errors,
      count: items.length,
    };
  }

  const conversations: EvaluationResult['conversations'] = { risky: 0, benign: 0, riskyAlerted: 0, benignAlerted: 0, latencies: [], missed: [], falseAlerts: [] };
  for (const conversation of loadConversations(corpus)) {
    const analyzer = engine.conversation();
    let alertAt = -1;
    conversation.messages.forEach((message, index) => {
      const result = analyzer.add({ id: String(index), from: message.from, text: message.text, ts: message.ts ? Date.parse(message.ts) : undefined });
      if (result.risk.alert && alertAt < 0) alertAt = index;
      if (!conversation.risky && message.from === 'other') recordSweep(result.findings.map((f) => f.ruleId), message.text);
    });
    if (conversation.risky) {
      conversations.risky++;
      if (alertAt >= 0) {
        conversations.riskyAlerted++;
        conversations.latencies.push(Math.max(0, alertAt - (conversation.first_risky ?? 0)));
      } else conversations.missed.push(conversation.id);
    } else {
      conversations.benign++;
      if (alertAt >= 0) {
        conversations.benignAlerted++;
        conversations.falseAlerts.push(conversation.id);
      }
    }
  }
  return { messages, conversations, sweep };
}

export const TARGETS = { precision: 0.95, recall: 0.9, riskyAlerted: 1, benignAlertedMax: 0.05 };

export function targetFailures(result: EvaluationResult): string[] {
  const failures: string[] = [];
  for (const language of ['en', 'vi'] as const) {
    const { precision, recall } = result.messages[language].overall;
    if (precision < TARGETS.precision) failures.push(`${language} message precision ${precision.toFixed(3)} < ${TARGETS.precision}`);
    if (recall < TARGETS.recall) failures.push(`${language} message recall ${recall.toFixed(3)} < ${TARGETS.recall}`);
  }
  const c = result.conversations;
  if (c.riskyAlerted / c.risky < TARGETS.riskyAlerted) failures.push(`risky conversations alerted ${c.riskyAlerted}/${c.risky} (missed: ${c.missed.join(', ')})`);
  if (c.benignAlerted / c.benign > TARGETS.benignAlertedMax) failures.push(`benign conversations alerted ${c.benignAlerted}/${c.benign} (${c.falseAlerts.join(', ')})`);
  return failures;
}
