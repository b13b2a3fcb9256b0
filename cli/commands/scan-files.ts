/**
 * `not-alone scan FILE… [--format auto|whatsapp|signal|telegram|messenger|instagram|discord|jsonl] [--self NAME]
 *  [--lang auto|en|vi] [--sensitivity …] [--out report.json|report.csv|report.html]… [--no-color] [--quiet]`
 *
 * Scans exported chats offline with the same engine as the extension and writes the same report. In order:
 *   1. find the sources (files, folders, zips) and their formats;
 *   2. prepare each: WhatsApp text is SURVEYED in a streaming pass (dates, senders, owner hints); JSON exports are
 *      parsed;
 *   3. decide who "you" are in each conversation (--self, or the export's hints; printed);
 *   4. scan: WhatsApp streams a second pass line by line; memory holds only flagged messages and their context;
 *   5. print the summary and write each --out atomically (nothing is written when any input fails).
 */
import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import {
  byRisk,
  chooseSelf,
  commonNames,
  conversationKey,
  ConversationScanner,
  DEFAULT_CONTEXT_MESSAGES,
  decodeText,
  EXPORT_FORMATS,
  ExportParseError,
  LineDecoder,
  matchSelf,
  parseExportText,
  parseJson,
  parseMetaThread,
  sameName,
  problemText,
  senderStats,
  threadIdFromPath,
  whatsappInfo,
  WhatsAppParser,
  WhatsAppSurvey,
  type ExportConversation,
  type ExportConversationInfo,
  type ExportFormat,
  type ExportMessage,
  type ExportProblem,
  type ScannedConversation,
  type SelfChoice,
  type SenderStat,
} from '../../lib/exports';
import { pickLanguage, type UiLanguage } from '../../lib/i18n';
import { buildReport, riskTimeline, toCsv, toJson, toPrintableHtml } from '../../lib/report';
import { lastOption, type ParsedArgs } from '../args';
import { checkWritableFolder, writeFilesAtomic } from '../atomic-write';
import { cliEngine, parseSensitivity } from '../engine';
import { CliError } from '../errors';
import { collectSources, type ChatSource, type InputFile } from '../export-files';
import { NO_PROGRESS, terminalProgress, type Progress } from '../progress';
import { renderSummary, style } from '../summary';
import { readStdinSync } from '../stdin';
import { terminalSafe } from '../terminal-text';
import { parseJsonl } from './scan-jsonl';

export interface ScanIo {
  out: (s: string) => void;
  err: (s: string) => void;
  /** Whether stdout / stderr are terminals (default: the process's). Colour and the progress bar need them. */
  outIsTTY?: boolean;
  errIsTTY?: boolean;
  readStdin?: () => Uint8Array;
}

type OutKind = 'json' | 'csv' | 'html';
const LANGS = ['auto', 'en', 'vi'] as const;
const MAX_WARNINGS = 10;

/** A conversation ready to scan: its description, who wrote how much, and a way to replay its messages. */
interface Prepared {
  info: ExportConversationInfo;
  senders: SenderStat[];
  /** JSONL carries directions itself: --self does not apply. */
  fixedSelf?: SelfChoice;
  skipped: number;
  /** Feeds every message to `add`, oldest first; returns extra problems. */
  replay(add: (message: ExportMessage) => void, progress: Progress): ExportProblem[];
}

function outKind(path: string): OutKind {
  const ext = extname(path).toLowerCase();
  if (ext === '.json') return 'json';
  if (ext === '.csv') return 'csv';
  if (ext === '.html' || ext === '.htm') return 'html';
  throw new CliError(`--out ${path}: the report file must end in .json, .csv or .html`);
}

function parseFormat(value: string | undefined): ExportFormat | 'auto' {
  const format = value ?? 'auto';
  if (format === 'auto' || (EXPORT_FORMATS as readonly string[]).includes(format)) return format as ExportFormat | 'auto';
  throw new CliError(`--format must be one of auto, ${EXPORT_FORMATS.join(', ')}`);
}

function parseLang(value: string | undefined): (typeof LANGS)[number] {
  const lang = value ?? 'auto';
  if ((LANGS as readonly string[]).includes(lang)) return lang as (typeof LANGS)[number];
  throw new CliError('--lang must be one of auto, en, vi');
}

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Lines of a file, decoded strictly, streaming; reports byte progress. */
function* fileLines(file: InputFile, label: string, progress: Progress, counter?: () => number): Generator<string> {
  const decoder = new LineDecoder(file.display);
  for (const chunk of file.chunks()) {
    yield* decoder.push(chunk);
    progress.update(label, decoder.bytes, file.size, counter?.());
  }
  yield* decoder.end();
}

function prepareWhatsApp(source: ChatSource, progress: Progress): Prepared {
  const file = source.files[0];
  const survey = new WhatsAppSurvey();
  for (const line of fileLines(file, `Reading ${file.display}`, progress)) survey.push(line);
  survey.assertChat(file.display);
  const layout = survey.layout();
  const format = source.format === 'signal' ? 'signal' : 'whatsapp';
  const info = whatsappInfo(file.display, survey, { format, title: file.titleHint });
  return {
    info,
    senders: [...survey.senders].map(([name, n]) => ({ name, count: n })),
    skipped: survey.systemLines,
    replay(add, bar) {
      const parser = new WhatsAppParser(layout);
      const label = `Scanning ${file.display}`;
      let count = 0;
      const push = (message: ExportMessage | undefined): void => {
        if (!message) return;
        count++;
        add(message);
      };
      for (const line of fileLines(file, label, bar, () => count)) push(parser.push(line));
      push(parser.end());
      bar.update(label, file.size, file.size, count);
      const problems: ExportProblem[] = [];
      if (survey.strayLine && survey.firstHeaderLine !== undefined) {
        problems.push({ file: file.display, where: String(survey.strayLine.line), message: `lines before the first message (line ${survey.firstHeaderLine}) were skipped` });
      }
      problems.push(...parser.problems(file.display));
      return problems;
    },
  };
}

function fromConversation(conversation: ExportConversation): Prepared {
  const { messages, skipped, ...info } = conversation;
  return {
    info,
    senders: senderStats(messages),
    skipped,
    replay(add) {
      for (const message of messages) add(message);
      return [];
    },
  };
}

function jsonlConversations(file: InputFile): Prepared[] {
  const rows = parseJsonl(decodeText(file.read(), file.display), file.display);
  const byConversation = new Map<string, ExportMessage[]>();
  for (const row of rows) {
    const key = row.conversation ?? 'default';
    const list = byConversation.get(key) ?? [];
    list.push({ id: row.id, sender: '', senderId: row.from ?? 'other', ts: row.ts ? Date.parse(row.ts) : undefined, text: row.text, kind: 'text' });
    byConversation.set(key, list);
  }
  return [...byConversation].map(([id, messages]) => ({
    ...fromConversation({ format: 'jsonl', file: file.display, id, title: id, participants: [], kind: 'unknown', messages, skipped: 0 }),
    fixedSelf: { id: 'self', reason: 'the "from" field', explicit: true },
  }));
}

function prepare(source: ChatSource, progress: Progress, problems: ExportProblem[]): Prepared[] {
  const [file] = source.files;
  switch (source.format) {
    case 'whatsapp':
    case 'signal':
      return [prepareWhatsApp(source, progress)];
    case 'jsonl':
      return jsonlConversations(file);
    case 'messenger':
    case 'instagram': {
      // A thread's message_1..N.json parts are one conversation.
      const parts = source.files.map((f) => ({ file: f.display, value: parseJson(decodeText(f.read(), f.display), f.display) }));
      const result = parseMetaThread(parts, source.format, threadIdFromPath(file.display));
      problems.push(...result.problems);
      return [fromConversation(result.conversation)];
    }
    case 'telegram':
    case 'discord': {
      const result = parseExportText(file.display, decodeText(file.read(), file.display), source.format);
      problems.push(...result.problems);
      return result.conversations.map(fromConversation);
    }
  }
}

function listSenders(prepared: readonly Prepared[]): string {
  const totals = new Map<string, number>();
  for (const p of prepared) for (const s of p.senders) totals.set(s.name, (totals.get(s.name) ?? 0) + s.count);
  const sorted = [...totals].sort((a, b) => b[1] - a[1]);
  const shown = sorted.slice(0, 20).map(([name]) => `"${name}"`);
  return shown.join(', ') + (sorted.length > 20 ? `, and ${sorted.length - 20} more` : '');
}

/**
 * "The most frequent sender" is only a guess, and in a two-person chat a wrong one hides the danger: the other
 * party's words would count as the user's (at a fraction of their weight). So between two senders, the one whose
 * messages carry more warning signs is never taken as you. The scan itself sums the warning signs by sender, so the
 * check costs nothing; only when the guess must change is the conversation scanned again.
 */
function saferGuess(prepared: Prepared, choice: SelfChoice | undefined, evidence: ReadonlyMap<string, number>): SelfChoice | undefined {
  if (!choice || choice.explicit || choice.reason !== 'the most frequent sender' || prepared.senders.length !== 2) return choice;
  const other = prepared.senders.find((s) => !sameName(s.name, choice.name ?? ''));
  if (!other || (evidence.get(choice.name ?? '') ?? 0) <= (evidence.get(other.name) ?? 0)) return choice;
  return { name: other.name, id: other.id, reason: 'the sender whose messages carry fewer warning signs', explicit: false };
}

/** Who "you" are in each conversation; prints nothing itself. */
function resolveSelves(prepared: readonly Prepared[], selfName: string | undefined): Array<SelfChoice | undefined> {
  const open = prepared.filter((p) => !p.fixedSelf);
  if (selfName !== undefined) {
    if (open.length && !open.some((p) => matchSelf(selfName, p.senders))) {
      throw new CliError(`--self "${selfName}" matches no sender. The senders are: ${listSenders(open) || '(none)'}`);
    }
    return prepared.map((p) => {
      if (p.fixedSelf) return p.fixedSelf;
      const match = matchSelf(selfName, p.senders);
      return { name: match?.name ?? selfName, id: match?.id, reason: '--self', explicit: true };
    });
  }
  const common = commonNames(open.map((p) => ({ senders: p.senders, participants: p.info.participants })));
  return prepared.map((p) => p.fixedSelf ?? chooseSelf(p.info, p.senders, common));
}

function selfNotices(prepared: readonly Prepared[], selves: ReadonlyArray<SelfChoice | undefined>): string[] {
  const notices = new Map<string, string[]>();
  const nobody: string[] = [];
  prepared.forEach((p, i) => {
    const self = selves[i];
    if (p.fixedSelf || self?.explicit) return;
    if (!self?.name) {
      if (p.senders.length) nobody.push(p.info.title);
      return;
    }
    const key = `${self.name}\u0000${self.reason}`;
    notices.set(key, [...(notices.get(key) ?? []), p.info.title]);
  });
  const lines: string[] = [];
  const many = prepared.length > 1;
  for (const [key, titles] of notices) {
    const [name, reason] = key.split('\u0000');
    const where = many ? ` in ${titles.length === 1 ? `"${titles[0]}"` : `${titles.length} conversations`}` : '';
    lines.push(`Taking "${name}" as you${where} (${reason}; use --self NAME to change).`);
  }
  if (nobody.length) {
    lines.push(`No one is taken as you in ${nobody.length === 1 ? `"${nobody[0]}"` : `${nobody.length} conversations`} (only one sender); use --self NAME if you wrote some of these messages.`);
  }
  return lines;
}

function reportLanguage(lang: (typeof LANGS)[number]): UiLanguage {
  if (lang !== 'auto') return lang;
  return pickLanguage([process.env.LC_ALL, process.env.LC_MESSAGES, process.env.LANG].filter((v): v is string => Boolean(v)));
}

export async function runScanFiles(args: ParsedArgs, io: ScanIo): Promise<number> {
  const started = performance.now();
  const format = parseFormat(lastOption(args, 'format') ?? (args.options.has('jsonl') ? 'jsonl' : undefined));
  const lang = parseLang(lastOption(args, 'lang'));
  const sensitivity = parseSensitivity(lastOption(args, 'sensitivity'));
  const selfName = lastOption(args, 'self');
  if (selfName !== undefined && !selfName.trim()) throw new CliError('--self needs a name');
  const quiet = args.flags.has('quiet');
  const outs = (args.options.get('out') ?? []).map((path) => ({ path, kind: outKind(path) }));
  const paths = [...args.positionals, ...(args.options.get('jsonl') ?? [])];
  if (paths.length === 0) throw new CliError('scan needs at least one FILE (an exported chat, a folder or a .zip); see: not-alone help');
  const inputs = new Set(paths.filter((p) => p !== '-').map((p) => resolve(p)));
  for (const out of outs) {
    if (inputs.has(resolve(out.path))) throw new CliError(`--out ${out.path} is one of the input files; choose another name`);
    checkWritableFolder(out.path);
  }

  const errIsTTY = io.errIsTTY ?? process.stderr.isTTY === true;
  const outIsTTY = io.outIsTTY ?? process.stdout.isTTY === true;
  const progress = !quiet && errIsTTY ? terminalProgress(io.err, process.stderr.columns || 80) : NO_PROGRESS;
  const colour = !args.flags.has('no-color') && !process.env.NO_COLOR && (Boolean(process.env.FORCE_COLOR) || outIsTTY);

  try {
    const { sources, ignored } = collectSources(paths, format, io.readStdin ?? (() => readStdinSync()));
    const problems: ExportProblem[] = [];
    const prepared: Prepared[] = [];
    for (const source of sources) prepared.push(...prepare(source, progress, problems));
    const selves = resolveSelves(prepared, selfName);
    // The rules are loaded once the inputs are known to be good: bad input is reported first, and fast.
    const engine = cliEngine(sensitivity, lang === 'auto' ? undefined : [lang]);
    const scanned: ScannedConversation[] = [];
    const keys = new Set<string>();
    prepared.forEach((p, i) => {
      let key = conversationKey(p.info);
      for (let n = 2; keys.has(key); n++) key = `${conversationKey(p.info).slice(0, 390)}~${n}`;
      keys.add(key);
      const scan = (self: SelfChoice | undefined): { scanner: ConversationScanner; found: ExportProblem[] } => {
        const scanner = new ConversationScanner(engine, p.info, self, { contextMessages: DEFAULT_CONTEXT_MESSAGES, key });
        return { scanner, found: p.replay((message) => scanner.add(message), progress) };
      };
      let result = scan(selves[i]);
      const safer = saferGuess(p, selves[i], result.scanner.evidence);
      if (safer !== selves[i]) {
        selves[i] = safer;
        result = scan(safer);
      }
      problems.push(...result.found);
      scanned.push(result.scanner.finish(p.skipped));
    });
    progress.clear();
    scanned.sort(byRisk);

    for (const problem of problems.slice(0, MAX_WARNINGS)) io.err(`not-alone: warning: ${terminalSafe(problemText(problem))}\n`);
    if (problems.length > MAX_WARNINGS) io.err(`not-alone: warning: and ${problems.length - MAX_WARNINGS} more\n`);

    const written: string[] = [];
    if (outs.length) {
      const flagged = scanned.filter((c) => c.stored.messages.some((m) => m.findings.length > 0)).map((c) => c.stored);
      const report = await buildReport(flagged, {
        language: reportLanguage(lang),
        generator: 'cli',
        generatorVersion: version(),
        contextMessages: DEFAULT_CONTEXT_MESSAGES,
        sensitivity,
        // Recomputed with the engine's tracker (script steps, context model), as the scan read them.
        timelines: new Map(flagged.map((c) => [c.key, riskTimeline(c, engine.riskTracker())])),
      });
      const rendered: Partial<Record<OutKind, string>> = {};
      for (const out of outs) {
        rendered[out.kind] ??= out.kind === 'json' ? await toJson(report) : out.kind === 'csv' ? await toCsv(report) : await toPrintableHtml(report);
      }
      writeFilesAtomic(outs.map((out) => ({ path: out.path, content: rendered[out.kind]! })));
      for (const out of outs) {
        const what = out.kind === 'html' ? 'printable HTML' : out.kind.toUpperCase();
        written.push(`Report written to ${out.path} (${what}: ${report.summary.conversations} conversation${report.summary.conversations === 1 ? '' : 's'} with warning signs, ${report.summary.messages} messages). Check it later with: not-alone verify ${out.path}`);
      }
    }

    if (!quiet) {
      const summary = renderSummary(
        { conversations: scanned, files: sources.reduce((n, s) => n + s.files.length, 0), ignoredFiles: ignored, seconds: (performance.now() - started) / 1000 },
        style(colour),
      );
      const [first, ...rest] = summary.split('\n');
      const notices = selfNotices(prepared, selves);
      io.out([first, ...notices.map(terminalSafe), ...rest].join('\n'));
      for (const line of written) io.out(terminalSafe(line) + '\n');
    }
    return 0;
  } catch (error) {
    progress.clear();
    if (error instanceof ExportParseError) throw new CliError(error.message);
    throw error;
  }
}
