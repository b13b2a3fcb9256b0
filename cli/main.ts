/**
 * The `not-alone` command line. Commands live in cli/commands/, one per file; this file only dispatches.
 *   not-alone scan --format jsonl --jsonl FILE      machine mode (one JSON result per input line)
 *   not-alone scan FILE… [--out report.html]        exported chats (commands/scan-files.ts)
 *   not-alone verify FILE…                          a report's integrity (commands/verify.ts)
 *   not-alone help
 */
import { lastOption, parseArgs } from './args';
import { runScanJsonl } from './commands/scan-jsonl';
import { cliEngine, parseSensitivity } from './engine';
import { CliError } from './errors';
import { terminalSafe } from './terminal-text';

const HELP = `not-alone: find grooming and manipulation cues in chat text, on this computer.

Usage:
  not-alone scan --format jsonl --jsonl FILE [--sensitivity cautious|balanced|relaxed]
      Read one JSON object a line ({"id","conversation"?,"from"?,"text","ts"?}; FILE may be - for stdin) and
      print one JSON result a line: {"id","conversation","flagged","categories","rules","level","alert"}.
  not-alone scan FILE… [--format auto|whatsapp|signal|telegram|messenger|instagram|discord] [--self NAME]
                 [--lang auto|en|vi] [--sensitivity …] [--out report.json|report.csv|report.html]… [--no-color] [--quiet]
      Scan exported chats offline (WhatsApp "Export chat" .txt, Telegram Desktop result.json, Messenger/Instagram
      message_N.json, DiscordChatExporter .json/.csv, or a folder or .zip of them): prints each conversation's level
      and top findings, and --out writes the same report as the extension's report page. --self names your own
      account (otherwise the most likely owner is taken and printed). See docs/scan-exported-chats.md.
  not-alone verify FILE…
      Check a report's integrity hashes and say which record changed: exit 0 intact, 1 changed, 2 not a report.
  not-alone help

Exit codes: 0 done, 2 bad input or usage, 1 unexpected failure.
`;

export async function main(argv: readonly string[], io = { out: (s: string) => process.stdout.write(s), err: (s: string) => process.stderr.write(s) }): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (!command || command === 'help' || command === '--help' || command === '-h') {
      io.out(HELP);
      return 0;
    }
    if (command === 'scan') {
      const args = parseArgs(rest, ['format', 'jsonl', 'sensitivity', 'self', 'lang', 'out'], ['no-color', 'quiet']);
      const format = lastOption(args, 'format') ?? (args.options.has('jsonl') ? 'jsonl' : 'auto');
      if (format === 'jsonl') {
        const file = lastOption(args, 'jsonl') ?? args.positionals[0];
        if (!file) throw new CliError('scan --format jsonl needs --jsonl FILE');
        runScanJsonl(cliEngine(parseSensitivity(lastOption(args, 'sensitivity'))), file, io.out);
        return 0;
      }
      const { runScanFiles } = await import('./commands/scan-files').catch(() => ({ runScanFiles: undefined }));
      if (!runScanFiles) throw new CliError(`scan --format ${format} is not available in this build`);
      return await runScanFiles(args, io);
    }
    if (command === 'verify') {
      const { runVerify } = await import('./commands/verify').catch(() => ({ runVerify: undefined }));
      if (!runVerify) throw new CliError('verify is not available in this build');
      return await runVerify(parseArgs(rest, [], ['quiet']), io);
    }
    throw new CliError(`unknown command "${command}" (see: not-alone help)`);
  } catch (error) {
    if (error instanceof CliError) {
      io.err(`not-alone: ${terminalSafe(error.message)}\n`);
      return error.exitCode;
    }
    io.err(`not-alone: unexpected error: ${((error as Error).stack ?? String(error)).split('\n').map(terminalSafe).join('\n')}\n`);
    return 1;
  }
}

/**
 * `not-alone scan FILE | head`: once the reader has closed the pipe, nothing more can be shown; stop quietly
 * instead of dying on EPIPE with a stack trace.
 */
export function exitQuietlyOnClosedPipe(stream: NodeJS.WriteStream, exit: (code: number) => void = (code) => process.exit(code)): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') exit(0);
    else throw error;
  });
}

const isEntry = process.argv[1] && /(?:cli[\\/]main\.ts|not-alone(?:\.js)?)$/.test(process.argv[1]);
if (isEntry) {
  exitQuietlyOnClosedPipe(process.stdout);
  exitQuietlyOnClosedPipe(process.stderr);
  const code = await main(process.argv.slice(2));
  process.exitCode = code;
}
