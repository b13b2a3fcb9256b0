/**
 * The readable summary `not-alone scan` prints: per conversation its level and the messages that weigh most, with
 * sender, time and the matched words. Colour only when asked (a terminal, no NO_COLOR, no --no-color).
 */
import { levelRank, type RiskLevel } from '../lib/engine/taxonomy';
import { FORMAT_NAMES, type ScannedConversation, type TopMessage } from '../lib/exports';
import { terminalSafe } from './terminal-text';

export interface Style {
  level(level: RiskLevel, text: string): string;
  bold(text: string): string;
  dim(text: string): string;
  mark(text: string): string;
}

const plain: Style = { level: (_l, t) => t, bold: (t) => t, dim: (t) => t, mark: (t) => `«${t}»` };

const LEVEL_COLOURS: Record<RiskLevel, string> = { critical: '1;97;41', high: '1;31', medium: '1;33', low: '36', none: '32' };

const colour: Style = {
  level: (level, text) => `\x1b[${LEVEL_COLOURS[level]}m${text}\x1b[0m`,
  bold: (t) => `\x1b[1m${t}\x1b[0m`,
  dim: (t) => `\x1b[2m${t}\x1b[0m`,
  mark: (t) => `\x1b[1;4m${t}\x1b[0m`,
};

export function style(useColour: boolean): Style {
  return useColour ? colour : plain;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** Local time, unambiguous in every locale: 2022-03-27 21:41. */
export function formatTime(ts: number | undefined): string {
  if (ts === undefined) return 'no time';
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) return 'no time';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

const count = (n: number, one: string, many = `${one}s`): string => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** A piece of message text on one line: line breaks shown as ⏎, control characters made visible. */
const safe = (text: string): string => terminalSafe(text.replace(/\s*\n\s*/g, ' ⏎ '));

/** One line of the message around its first finding, with every matched span marked. */
export function snippet(top: TopMessage, s: Style, width = 160): string {
  const text = top.message.text;
  const spans = [...top.findings].filter((f) => f.end <= text.length).sort((a, b) => a.start - b.start);
  let from = 0;
  let to = text.length;
  if (text.length > width) {
    const first = spans[0]?.start ?? 0;
    from = Math.max(0, Math.min(first - 40, text.length - width));
    to = Math.min(text.length, from + width);
  }
  let out = '';
  let cursor = from;
  for (const span of spans) {
    if (span.start < cursor || span.end > to) continue;
    out += safe(text.slice(cursor, span.start)) + s.mark(safe(text.slice(span.start, span.end)));
    cursor = span.end;
  }
  out += safe(text.slice(cursor, to));
  return `${from > 0 ? '…' : ''}${out}${to < text.length ? '…' : ''}`;
}

function matchedWords(top: TopMessage): string {
  const seen = new Map<string, Set<string>>();
  for (const f of top.findings) {
    const words = terminalSafe(f.matched.replace(/\s+/g, ' ').trim());
    const categories = seen.get(words) ?? new Set<string>();
    categories.add(f.category);
    seen.set(words, categories);
  }
  return [...seen].map(([words, categories]) => `"${words}" (${[...categories].join(', ')})`).join(', ');
}

export interface SummaryInput {
  conversations: ScannedConversation[];
  files: number;
  ignoredFiles: number;
  seconds: number;
  /** Top messages shown per conversation. */
  top?: number;
}

function header(c: ScannedConversation, s: Style): string {
  const level = c.stored.risk.level;
  const tag = s.level(level, ` ${level.toUpperCase()} `);
  return `${tag} ${s.bold(terminalSafe(c.stored.title))} ${s.dim(`· ${FORMAT_NAMES[c.info.format]} · ${terminalSafe(c.info.file)}`)}`;
}

export function renderConversation(c: ScannedConversation, s: Style, topCount = 5): string {
  const lines: string[] = [header(c, s)];
  const risk = c.stored.risk;
  const facts = [count(c.messageCount, 'message'), `${c.flaggedCount.toLocaleString('en-US')} flagged`];
  if (c.self?.name) facts.push(`you: "${terminalSafe(c.self.name)}"`);
  lines.push(`  ${facts.join(' · ')}`);
  if (risk.categories.length) lines.push(`  Warning signs: ${risk.categories.join(', ')}`);
  if (levelRank(risk.level) > levelRank('none') && c.peakAt) {
    const final = c.finalRisk.level;
    const at = c.peakAt.ts !== undefined ? ` on ${formatTime(c.peakAt.ts)}` : '';
    lines.push(`  Highest${at}${final !== risk.level ? `; at the last message: ${final}` : ''}`);
  }
  c.top.slice(0, topCount).forEach((top, i) => {
    const m = top.message;
    const who = terminalSafe(m.sender ?? (m.from === 'self' ? 'you' : 'them'));
    const you = m.from === 'self' ? ' (you)' : '';
    lines.push(`  ${i + 1}. ${formatTime(m.ts)}  ${s.bold(who)}${you}: ${snippet(top, s)}`);
    lines.push(`     ${s.dim('matched:')} ${matchedWords(top)}`);
  });
  if (c.finalRisk.ordinaryContext !== undefined) {
    lines.push('  Some messages look like warning signs, but the conversation as a whole reads like an ordinary one: no warning.');
  }
  if (c.truncatedCount) lines.push(`  ${count(c.truncatedCount, 'message was', 'messages were')} too long to analyse completely.`);
  return lines.join('\n');
}

export function renderSummary(input: SummaryInput, s: Style): string {
  const { conversations } = input;
  const messages = conversations.reduce((n, c) => n + c.messageCount, 0);
  const formats = [...new Set(conversations.map((c) => FORMAT_NAMES[c.info.format]))].join(', ');
  const out: string[] = [];
  out.push(
    `Scanned ${count(input.files, 'file')}: ${count(conversations.length, 'conversation')}, ${count(messages, 'message')}` +
      `${formats ? ` (${formats})` : ''} in ${input.seconds.toFixed(1)} s.` +
      (input.ignoredFiles ? ` Skipped ${count(input.ignoredFiles, 'file')} that ${input.ignoredFiles === 1 ? 'is' : 'are'} not a chat export.` : ''),
  );
  const withSigns = conversations.filter((c) => c.flaggedCount > 0 || c.stored.risk.level !== 'none');
  const quiet = conversations.filter((c) => !withSigns.includes(c));
  for (const c of withSigns) out.push('', renderConversation(c, s, input.top));
  if (quiet.length) {
    out.push('');
    if (quiet.length <= 5) for (const c of quiet) out.push(`${header(c, s)}  ${s.dim(count(c.messageCount, 'message'))}`);
    else out.push(`${s.level('none', ' NONE ')} ${count(quiet.length, 'other conversation')} with no warning signs.`);
  }
  return out.join('\n') + '\n';
}
