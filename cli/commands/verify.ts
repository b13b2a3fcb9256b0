/**
 * `not-alone verify FILE…`: checks a report written by `not-alone scan --out` or the extension's report page (JSON,
 * CSV or printable HTML) against the SHA-256 hashes it carries, and says exactly which record and field changed.
 * Exit codes: 0 intact, 1 changed, 2 unreadable or not a Not Alone report.
 */
import { readFileSync } from 'node:fs';
import { verifyReport, type VerifyResult } from '../../lib/report';
import type { ParsedArgs } from '../args';
import { t } from '../../lib/i18n';
import { CliError } from '../errors';
import { terminalSafe } from '../terminal-text';

export interface VerifyIo {
  out: (s: string) => void;
  err: (s: string) => void;
}

function readReport(path: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new CliError(`${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  if (bytes.length === 0) throw new CliError(`${path}: the file is empty`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new CliError(`${path}: not valid UTF-8 text, so not a Not Alone report`);
  }
}

/** A result that says nothing about changes: the file is not a report, or one this version cannot check. */
function uncheckable(result: VerifyResult): boolean {
  return result.format === 'unknown' || (result.contentSha256 === null && result.records === 0);
}

export async function runVerify(args: ParsedArgs, io: VerifyIo): Promise<number> {
  if (args.positionals.length === 0) throw new CliError('verify needs a report FILE (.json, .csv or .html); see: not-alone help');
  const quiet = args.flags.has('quiet');
  let worst = 0;
  for (const file of args.positionals) {
    const path = terminalSafe(file);
    const result = await verifyReport(readReport(file), file);
    const format = result.format === 'html' ? 'printable HTML' : result.format.toUpperCase();
    if (result.ok) {
      if (!quiet) {
        io.out(`${path}: intact. ${format} report, ${result.records} message record${result.records === 1 ? '' : 's'} and the content hash match.\n`);
        // What "intact" proves: the file agrees with itself. Only the hash noted at hand-over ties it to the original.
        if (result.contentSha256) io.out(`  ${t('en', 'verifyProves', { hash: terminalSafe(result.contentSha256) })}\n`);
      }
      continue;
    }
    const code = uncheckable(result) ? 2 : 1;
    worst = Math.max(worst, code);
    const lines = result.problems.map((p) => terminalSafe(`  ${p.record}: ${p.field}: ${p.message}`));
    if (code === 2) io.err(`not-alone: ${path}: cannot be checked:\n${lines.join('\n')}\n`);
    else io.out(`${path}: CHANGED. ${result.problems.length} problem${result.problems.length === 1 ? '' : 's'} in this ${format} report:\n${lines.join('\n')}\n`);
  }
  return worst;
}
