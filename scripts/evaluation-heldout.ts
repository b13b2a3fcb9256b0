/**
 * The honest measures (`npm run eval`): the engine (rules + learned scorer) and the rules alone on the held-out
 * test split (writers never trained or tuned on, the independent hold-out set, quotes of real abuse), on real
 * ordinary text (lines and conversations), with and without Vietnamese diacritics, and sources held out in folds.
 */
import { createEngine, type Engine, type Scorer } from '../lib/engine';
import type { Language } from '../lib/engine/taxonomy';
import { loadBundledRules, loadBundledScripts } from '../lib/node/rule-files';
import { isPositive, stripDiacritics, type LabelledConversation, type LabelledMessage } from './corpus/load';
import { score } from './evaluation';
import { featuresOf, trainScorer } from './training/pipeline';

export interface Counts {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

export function precisionRecall(c: Counts): { precision: number; recall: number; f1: number } {
  const { precision, recall, f1 } = score(c.tp, c.fp, c.fn);
  return { precision, recall, f1 };
}

export function engines(scorer: Scorer): { engine: Engine; rules: Engine } {
  const pack = loadBundledRules();
  const scripts = loadBundledScripts();
  return { engine: createEngine(pack, { scorer, scripts }), rules: createEngine(pack, { scripts }) };
}

/** Whether the engine flags one message on its own (as said by the other side, or by the user for disclosures). */
export function flags(engine: Engine, message: Pick<LabelledMessage, 'text' | 'from'>, text = message.text): boolean {
  return engine.conversation().add({ id: 'm', from: message.from, text }).flagged;
}

export function countMessages(engine: Engine, messages: readonly LabelledMessage[], transform?: (text: string) => string): Counts {
  const c: Counts = { tp: 0, fp: 0, fn: 0, tn: 0 };
  for (const m of messages) {
    const flagged = flags(engine, m, transform ? transform(m.text) : m.text);
    const positive = isPositive(m);
    if (flagged && positive) c.tp++;
    else if (flagged) c.fp++;
    else if (positive) c.fn++;
    else c.tn++;
  }
  return c;
}

export interface ConversationOutcome {
  alertAt: number;
  firstRisky: number | null;
  /** The script the conversation was named as at its end (rules/scripts), if any. */
  pattern: string | undefined;
}

export function runConversation(engine: Engine, conversation: LabelledConversation, transform?: (text: string) => string): ConversationOutcome {
  const analyzer = engine.conversation();
  let alertAt = -1;
  conversation.messages.forEach((m, index) => {
    const result = analyzer.add({ id: String(index), from: m.from, text: transform ? transform(m.text) : m.text, ts: m.ts });
    if (alertAt < 0 && result.risk.alert) alertAt = index;
  });
  return { alertAt, firstRisky: conversation.firstRisky, pattern: analyzer.risk.pattern?.script };
}

export interface ConversationSummary {
  risky: number;
  riskyAlerted: number;
  benign: number;
  benignAlerted: number;
  /** Messages from the first risky one to the alert, for alerted risky conversations. */
  latencies: number[];
  missed: string[];
  falseAlerts: string[];
  /** Risky conversations of a script the engine knows (`scriptIds`) named as that script at their end. */
  namedRight: number;
  /** Risky conversations of a known script. */
  ofKnownScript: number;
  /** Benign conversations named as any script. */
  benignNamed: number;
}

export function summariseConversations(
  engine: Engine,
  conversations: readonly LabelledConversation[],
  transform?: (text: string) => string,
  scriptIds: ReadonlySet<string> = new Set(),
): ConversationSummary {
  const s: ConversationSummary = { risky: 0, riskyAlerted: 0, benign: 0, benignAlerted: 0, latencies: [], missed: [], falseAlerts: [], namedRight: 0, ofKnownScript: 0, benignNamed: 0 };
  for (const conversation of conversations) {
    const outcome = runConversation(engine, conversation, transform);
    if (conversation.risky && scriptIds.has(conversation.script)) {
      s.ofKnownScript++;
      if (outcome.pattern === conversation.script) s.namedRight++;
    }
    if (!conversation.risky && outcome.pattern) s.benignNamed++;
    if (conversation.risky) {
      s.risky++;
      if (outcome.alertAt >= 0) {
        s.riskyAlerted++;
        s.latencies.push(Math.max(0, outcome.alertAt - (outcome.firstRisky ?? 0)));
      } else s.missed.push(conversation.id);
    } else {
      s.benign++;
      if (outcome.alertAt >= 0) {
        s.benignAlerted++;
        s.falseAlerts.push(conversation.id);
      }
    }
  }
  return s;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Precision/recall of the scorer's P(risky) alone at every threshold, for the curve picture. */
export function curvePoints(scorer: Scorer, messages: readonly LabelledMessage[]): Array<{ threshold: number; precision: number; recall: number }> {
  const scored = messages.map((m) => ({ p: scorer.scoreFeatures(featuresOf(m.text)).risky, positive: isPositive(m) }));
  const points: Array<{ threshold: number; precision: number; recall: number }> = [];
  for (let i = 1; i < 100; i++) {
    const threshold = i / 100;
    const c: Counts = { tp: 0, fp: 0, fn: 0, tn: 0 };
    for (const s of scored) {
      if (s.p >= threshold && s.positive) c.tp++;
      else if (s.p >= threshold) c.fp++;
      else if (s.positive) c.fn++;
    }
    const { precision, recall } = precisionRecall(c);
    points.push({ threshold, precision, recall });
  }
  return points;
}

/** An SVG precision/recall chart: one curve per series, its operating point marked. */
export function curveSvg(series: Array<{ name: string; colour: string; points: Array<{ precision: number; recall: number }>; operating?: { precision: number; recall: number } }>, title: string): string {
  const W = 560;
  const H = 420;
  const left = 60;
  const top = 40;
  const size = { w: 460, h: 320 };
  const x = (recall: number): number => left + recall * size.w;
  const y = (precision: number): number => top + (1 - precision) * size.h;
  const escape = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="14">${escape(title)}</text>`,
  ];
  for (let i = 0; i <= 10; i++) {
    const v = i / 10;
    parts.push(`<line x1="${x(v)}" y1="${top}" x2="${x(v)}" y2="${top + size.h}" stroke="#eee"/>`, `<line x1="${left}" y1="${y(v)}" x2="${left + size.w}" y2="${y(v)}" stroke="#eee"/>`);
    parts.push(`<text x="${x(v)}" y="${top + size.h + 16}" text-anchor="middle">${v.toFixed(1)}</text>`, `<text x="${left - 8}" y="${y(v) + 4}" text-anchor="end">${v.toFixed(1)}</text>`);
  }
  parts.push(`<rect x="${left}" y="${top}" width="${size.w}" height="${size.h}" fill="none" stroke="#333"/>`);
  parts.push(`<text x="${left + size.w / 2}" y="${H - 10}" text-anchor="middle">recall</text>`, `<text x="16" y="${top + size.h / 2}" text-anchor="middle" transform="rotate(-90 16 ${top + size.h / 2})">precision</text>`);
  series.forEach((s, index) => {
    const path = s.points.map((p, i) => `${i ? 'L' : 'M'}${x(p.recall).toFixed(1)},${y(p.precision).toFixed(1)}`).join(' ');
    parts.push(`<path d="${path}" fill="none" stroke="${s.colour}" stroke-width="2"/>`);
    if (s.operating) parts.push(`<circle cx="${x(s.operating.recall).toFixed(1)}" cy="${y(s.operating.precision).toFixed(1)}" r="5" fill="${s.colour}"/>`);
    parts.push(`<rect x="${left + 12}" y="${top + size.h - 20 - index * 18}" width="12" height="4" fill="${s.colour}"/>`, `<text x="${left + 30}" y="${top + size.h - 15 - index * 18}">${escape(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

export interface LosoRow {
  source: string;
  lang: Language;
  kind: 'written' | 'real';
  messages: number;
  /** Recall on the left-out writer's warning signs (written sources). */
  recall?: number;
  precision?: number;
  /** Share of the left-out real source's lines flagged (real sources). */
  flaggedRate?: number;
}

/**
 * Sources held out in folds: the sources of the training split are dealt round-robin (in sorted order) into
 * `LOSO_FOLDS` folds; for each fold the scorer is trained without all of its sources (calibrated on the usual
 * calibration split) and measured on each of them. Every source is thus measured by a model that never saw it, like
 * leave-one-source-out, with a little less training data (stricter), and ten trainings instead of one per source:
 * with over a hundred sources one per source took well over an hour on 2 cores. Written sources give recall and precision;
 * real sources the flag rate.
 */
export const LOSO_FOLDS = 10;

export function losoSources(train: readonly LabelledMessage[]): string[] {
  return [...new Set(train.map((m) => m.source))].sort();
}

export function sourceFolds(sources: readonly string[], folds = LOSO_FOLDS): string[][] {
  const out: string[][] = Array.from({ length: Math.min(folds, sources.length) }, () => []);
  sources.forEach((source, i) => out[i % out.length].push(source));
  return out;
}

export function leaveSourcesOut(train: readonly LabelledMessage[], calibration: readonly LabelledMessage[], folds: readonly (readonly string[])[], onRow?: (row: LosoRow) => void): LosoRow[] {
  const rows: LosoRow[] = [];
  for (const fold of folds) {
    const out = new Set(fold);
    const { scorer } = trainScorer(train.filter((m) => !out.has(m.source)), calibration);
    const { engine } = engines(scorer);
    for (const source of fold) {
      for (const lang of ['en', 'vi'] as const) {
        const mine = train.filter((m) => m.source === source && m.lang === lang);
        if (mine.length === 0) continue;
        const origin = mine[0].origin === 'real' ? 'real' : 'written';
        const c = countMessages(engine, mine);
        const row: LosoRow =
          origin === 'real'
            ? { source, lang, kind: 'real', messages: mine.length, flaggedRate: c.fp / Math.max(1, mine.length) }
            : { source, lang, kind: 'written', messages: mine.length, ...precisionRecall(c) };
        rows.push(row);
        onRow?.(row);
      }
    }
  }
  return rows;
}

export { stripDiacritics };
