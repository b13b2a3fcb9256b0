/**
 * Writes report files so that each is either complete or absent: every content goes to a temporary file in the
 * target's folder first; only when all are written are they renamed over their targets (atomic on one file system).
 * On any error the temporary files are removed. Reports hold private messages: files are readable by the user only.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CliError } from './errors';

function code(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
}

/** Fails early (before a long scan) when a report's folder does not exist. */
export function checkWritableFolder(path: string): void {
  try {
    if (statSync(dirname(path)).isDirectory()) return;
  } catch (error) {
    throw new CliError(`--out ${path}: the folder ${dirname(path)} cannot be used (${code(error)})`);
  }
  throw new CliError(`--out ${path}: ${dirname(path)} is not a folder`);
}

function writeTemp(path: string, content: string): string {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, content, null, 'utf8');
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    remove(temp);
    throw error;
  }
  closeSync(fd);
  return temp;
}

function remove(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

export function writeFilesAtomic(files: ReadonlyArray<{ path: string; content: string }>): void {
  const temps: string[] = [];
  let current = '';
  try {
    for (const file of files) {
      current = file.path;
      temps.push(writeTemp(file.path, file.content));
    }
    files.forEach((file, i) => {
      current = file.path;
      renameSync(temps[i], file.path);
    });
  } catch (error) {
    for (const temp of temps) remove(temp);
    throw new CliError(`${current}: cannot write the report (${code(error)})`);
  }
}
