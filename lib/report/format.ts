/** Small presentation helpers shared by the printable report and the report page (pure). */
import { SENSITIVITY_PRESETS } from '../engine/risk';
import type { RiskLevel, Sensitivity } from '../engine/taxonomy';
import { t, type UiLanguage } from '../i18n';
import { patternSummary } from '../i18n/script-text';
import type { ReportFinding, TimelinePoint } from './schema';

const LOCALES: Record<UiLanguage, string> = { en: 'en-GB', vi: 'vi-VN' };

/** A date and time for people, in `timeZone` (falls back to UTC for an unknown zone). */
export function formatTime(iso: string | null, language: UiLanguage, timeZone: string): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const options: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short' };
  try {
    return new Intl.DateTimeFormat(LOCALES[language], { ...options, timeZone }).format(date);
  } catch {
    return new Intl.DateTimeFormat(LOCALES[language], { ...options, timeZone: 'UTC' }).format(date) + ' UTC';
  }
}

export interface TextPiece {
  text: string;
  /** Set for the words that raised a flag. */
  finding?: Pick<ReportFinding, 'category' | 'ruleId'>;
}

/** Split a message into plain and highlighted pieces (overlapping findings: the earlier one wins). */
export function highlightPieces(text: string, findings: readonly Pick<ReportFinding, 'category' | 'ruleId' | 'start' | 'end'>[]): TextPiece[] {
  const pieces: TextPiece[] = [];
  let cursor = 0;
  for (const finding of [...findings].sort((a, b) => a.start - b.start || b.end - a.end)) {
    if (finding.start < cursor || finding.end <= finding.start || finding.end > text.length) continue;
    if (finding.start > cursor) pieces.push({ text: text.slice(cursor, finding.start) });
    pieces.push({ text: text.slice(finding.start, finding.end), finding: { category: finding.category, ruleId: finding.ruleId } });
    cursor = finding.end;
  }
  if (cursor < text.length || pieces.length === 0) pieces.push({ text: text.slice(cursor) });
  return pieces;
}

export const LEVEL_COLORS: Record<RiskLevel, string> = {
  none: '#6b7280',
  low: '#6b7280',
  medium: '#b45309',
  high: '#c2410c',
  critical: '#b91c1c',
};

export interface TimelineGeometry {
  width: number;
  height: number;
  /** Polyline points "x,y x,y ..." of the risk score after each message. */
  points: string;
  /** Dashed lines where the medium, high and critical levels start; `label` is false where labels would overlap. */
  thresholds: Array<{ level: RiskLevel; y: number; label: boolean }>;
  /** A dot for each flagged message. */
  dots: Array<{ x: number; y: number; level: RiskLevel; messageIndex: number }>;
  /** A vertical mark at each of `options.marks` (messages where a step of a known script first appeared). */
  marks: Array<{ x: number; messageIndex: number }>;
}

/** Layout of the small risk-over-time chart: x is the message's position, y the conversation's score (square root). */
export function timelineGeometry(
  timeline: readonly TimelinePoint[],
  flaggedIndexes: ReadonlySet<number>,
  options: { width?: number; height?: number; sensitivity?: Sensitivity; marks?: readonly number[] } = {},
): TimelineGeometry {
  const width = options.width ?? 640;
  const height = options.height ?? 120;
  const pad = 8;
  const thresholds = SENSITIVITY_PRESETS[options.sensitivity ?? 'balanced'].thresholds;
  const maxScore = timeline.reduce((top, p) => Math.max(top, p.score), thresholds.critical * 1.15);
  const first = timeline[0]?.messageIndex ?? 0;
  const span = (timeline[timeline.length - 1]?.messageIndex ?? 0) - first;
  // x follows the message's position in the conversation (the timeline may be sampled).
  const x = (messageIndex: number) => (span <= 0 ? width / 2 : pad + ((messageIndex - first) * (width - 2 * pad)) / span);
  // A square-root scale: the level thresholds stay apart even when a conversation's score runs far past critical.
  const y = (score: number) => height - pad - Math.sqrt(Math.max(0, Math.min(score, maxScore)) / maxScore) * (height - 2 * pad);
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    width,
    height,
    points: timeline.map((p) => `${round(x(p.messageIndex))},${round(y(p.score))}`).join(' '),
    thresholds: (['critical', 'high', 'medium'] as const).reduce<TimelineGeometry['thresholds']>((out, level) => {
      const at = round(y(thresholds[level]));
      const previous = [...out].reverse().find((t) => t.label);
      out.push({ level, y: at, label: !previous || at - previous.y >= 13 });
      return out;
    }, []),
    dots: timeline
      .filter((p) => flaggedIndexes.has(p.messageIndex))
      .map((p) => ({ x: round(x(p.messageIndex)), y: round(y(p.score)), level: p.level, messageIndex: p.messageIndex })),
    marks: (options.marks ?? []).map((messageIndex) => ({ x: round(x(messageIndex)), messageIndex })),
  };
}

/** The messages where steps of a known script first appeared, each with the numbers and labels of its steps. */
export interface StepMark {
  messageIndex: number;
  /** "1" or "2,3" (two steps first seen in one message), drawn on the chart. */
  numbers: string;
  /** "Step 1: someone posing as police, prosecutor or court", one per step. */
  labels: string[];
}

/**
 * Where each step of the conversation's known script first appeared, for the risk chart and the message list.
 * `indexOf` finds a message's index by its id (undefined: not shown, e.g. deleted). Empty without a known script.
 */
export function stepMarks(
  language: UiLanguage,
  pattern: { script: string; steps: ReadonlyArray<{ step: string; messageId: string }>; total: number } | undefined,
  indexOf: (messageId: string) => number | undefined,
): StepMark[] {
  const summary = pattern && patternSummary(language, pattern);
  if (!pattern || !summary) return [];
  const byMessage = new Map<number, { numbers: number[]; labels: string[] }>();
  pattern.steps.forEach((step, i) => {
    const messageIndex = indexOf(step.messageId);
    if (messageIndex === undefined) return;
    const entry = byMessage.get(messageIndex) ?? { numbers: [], labels: [] };
    entry.numbers.push(i + 1);
    entry.labels.push(t(language, 'patternStepLabel', { number: i + 1, name: summary.steps[i] }));
    byMessage.set(messageIndex, entry);
  });
  return [...byMessage.entries()].sort(([a], [b]) => a - b).map(([messageIndex, entry]) => ({ messageIndex, numbers: entry.numbers.join(','), labels: entry.labels }));
}
