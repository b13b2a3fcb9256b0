/**
 * The file side of `not-alone scan`: turns the paths on the command line (files, folders, .zip archives, `-` for
 * stdin) into chat sources, recognises each one's format from its first bytes, and groups Messenger/Instagram
 * `message_1..N.json` parts into one thread. Parsing itself is pure (lib/exports); this only reads.
 */
import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { unzipSync } from 'fflate';
import { detectFormat, ExportParseError, SNIFF_BYTES, sniffEncoding, type ExportFormat } from '../lib/exports';
import { whatsappTitleFromName } from '../lib/exports/whatsapp';
import { CliError } from './errors';

/** Bytes read at a time when streaming a file. */
const CHUNK = 1 << 20;
/** File types looked at inside folders and zips (media and everything else are skipped); HTML only for a hint. */
const CHAT_EXTENSIONS = new Set(['.txt', '.json', '.csv', '.jsonl', '.ndjson', '.html']);
const META_PART = /(^|[\\/])message_\d+\.json$/i;
/**
 * What zips may unpack, in all, during one scan: decompressed bytes of the entries read (chat files and inner zips)
 * and how deep zips may nest. A chat export's text is far smaller; a "zip bomb" (a small zip of zips that unpacks
 * to gigabytes) stops with a clear error instead of filling the memory.
 */
export class ZipBudget {
  private used = 0;
  constructor(
    readonly maxBytes = 1 << 30,
    readonly maxDepth = 3,
  ) {}

  /** Reserve `size` bytes (as the entry declares: fflate allocates exactly that much); false when over the limit. */
  take(size: number): boolean {
    if (this.used + size > this.maxBytes) return false;
    this.used += size;
    return true;
  }
}

const MIB = 1 << 20;

export interface InputFile {
  /** As shown to the user: the path given, or `archive.zip/inner/path` for a zip entry. */
  display: string;
  /** Absolute path on disk, when the input is a file on disk. */
  diskPath?: string;
  size: number;
  /** A title hint from the containing zip or folder ("WhatsApp Chat - Anna.zip"). */
  titleHint?: string;
  /** Whole content. */
  read(): Uint8Array;
  /** Content in chunks, read from disk as it goes (bounded memory). */
  chunks(): Iterable<Uint8Array>;
}

/** One thing to parse: a file in a known format, or the message_N.json parts of one Messenger/Instagram thread. */
export interface ChatSource {
  format: ExportFormat;
  files: InputFile[];
  /** Display name: the file, or the thread folder. */
  display: string;
}

export interface CollectResult {
  sources: ChatSource[];
  /** Files inside folders/zips that are not chat exports (skipped, counted for the summary). */
  ignored: number;
}

function diskFile(path: string, display: string, size: number, titleHint?: string): InputFile {
  return {
    display,
    diskPath: path,
    size,
    titleHint,
    read: () => readFileSync(path),
    *chunks() {
      const fd = openSync(path, 'r');
      try {
        const buffer = new Uint8Array(CHUNK);
        for (;;) {
          const n = readSync(fd, buffer, 0, CHUNK, null);
          if (n === 0) break;
          yield buffer.slice(0, n);
        }
      } finally {
        closeSync(fd);
      }
    },
  };
}

function memoryFile(display: string, bytes: Uint8Array, titleHint?: string): InputFile {
  return {
    display,
    size: bytes.length,
    titleHint,
    read: () => bytes,
    *chunks() {
      for (let i = 0; i < bytes.length; i += CHUNK) yield bytes.subarray(i, i + CHUNK);
    },
  };
}

function head(file: InputFile): Uint8Array {
  if (file.diskPath === undefined) return file.read().subarray(0, SNIFF_BYTES);
  const fd = openSync(file.diskPath, 'r');
  try {
    const buffer = new Uint8Array(Math.min(SNIFF_BYTES, file.size));
    const n = readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

function cannotRead(path: string, error: unknown): CliError {
  return new CliError(`${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
}

function isZip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 0x03 || bytes[2] === 0x05);
}

/** The chat files inside a zip (and the zips inside it), within the scan's budget; throws CliError past it. */
export function zipEntries(display: string, bytes: Uint8Array, budget = new ZipBudget(), depth = 1): InputFile[] {
  if (depth > budget.maxDepth) throw new CliError(`${display}: zips nested more than ${budget.maxDepth} deep; unpack the outer ones first`);
  let entries: Record<string, Uint8Array>;
  let overBudget = false;
  try {
    entries = unzipSync(bytes, {
      filter: (info) => {
        const wanted =
          !info.name.endsWith('/') &&
          !/(^|\/)(__MACOSX\/|\._)/.test(info.name) &&
          (CHAT_EXTENSIONS.has(extname(info.name).toLowerCase()) || extname(info.name).toLowerCase() === '.zip');
        if (!wanted || overBudget) return false;
        overBudget = !budget.take(info.originalSize);
        return !overBudget;
      },
    });
  } catch (error) {
    throw new CliError(`${display}: not a readable .zip archive (${(error as Error).message})`);
  }
  if (overBudget) {
    throw new CliError(`${display}: the zip unpacks to more than ${Math.round(budget.maxBytes / MIB)} MiB of chat files in all; unpack it and scan the chat files themselves`);
  }
  const titleHint = whatsappTitleFromName(basename(display)) ?? basename(display).replace(/\.zip$/i, '');
  const files: InputFile[] = [];
  for (const name of Object.keys(entries).sort()) {
    const inner = `${display}/${name.normalize('NFC')}`;
    if (extname(name).toLowerCase() === '.zip') files.push(...zipEntries(inner, entries[name], budget, depth + 1));
    else files.push(memoryFile(inner, entries[name], titleHint));
  }
  return files;
}

function walk(dir: string, display: string, out: InputFile[], budget: ZipBudget): void {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch (error) {
    throw cannotRead(display, error);
  }
  for (const name of names) {
    if (name.startsWith('.')) continue;
    const path = join(dir, name);
    const shown = join(display, name);
    let stat;
    try {
      stat = statSync(path);
    } catch {
      continue;
    }
    if (stat.isDirectory()) walk(path, shown, out, budget);
    else if (stat.isFile()) {
      const ext = extname(name).toLowerCase();
      if (ext === '.zip') out.push(...zipEntries(shown, readFileSync(path), budget));
      else if (CHAT_EXTENSIONS.has(ext)) out.push(diskFile(path, shown, stat.size, whatsappTitleFromName(basename(dir)) ?? basename(dir)));
    }
  }
}

/** The files one command-line path stands for, and whether they came from a folder or zip (lenient detection). */
export function expandPath(path: string, readStdin: () => Uint8Array, budget = new ZipBudget()): { files: InputFile[]; container: boolean } {
  if (path === '-') return { files: [memoryFile('<stdin>', readStdin())], container: false };
  let stat;
  try {
    stat = statSync(path);
  } catch (error) {
    throw cannotRead(path, error);
  }
  if (stat.isDirectory()) {
    const files: InputFile[] = [];
    walk(path, path, files, budget);
    return { files, container: true };
  }
  if (/\.zip$/i.test(path)) {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(path);
    } catch (error) {
      throw cannotRead(path, error);
    }
    return { files: zipEntries(path, bytes, budget), container: true };
  }
  const file = diskFile(resolve(path), path, stat.size);
  // A zip without the .zip extension is still a zip.
  if (stat.size >= 4 && isZip(head(file))) return { files: zipEntries(path, file.read(), budget), container: true };
  return { files: [file], container: false };
}

/** The first kilobytes of a file as text (lenient), and whether that is the whole file. Throws for a bad encoding. */
function headText(file: InputFile): { text: string; whole: boolean } {
  const bytes = head(file);
  const { encoding, bom } = sniffEncoding(bytes, file.display);
  return { text: new TextDecoder(encoding).decode(bytes.subarray(bom)), whole: bytes.length >= file.size };
}

/** The format of one file: forced, or detected from its first bytes. */
export function fileFormat(file: InputFile, forced: ExportFormat | 'auto'): ExportFormat {
  const { text, whole } = headText(file);
  return forced !== 'auto' ? forced : detectFormat(file.display, text, whole);
}

/**
 * Every chat source behind the given paths. A file named on the command line must be a chat export (else a clear
 * error, exit 2); inside a folder or zip, files that are not are skipped and counted.
 */
export function collectSources(paths: readonly string[], forced: ExportFormat | 'auto', readStdin: () => Uint8Array): CollectResult {
  const sources: ChatSource[] = [];
  let ignored = 0;
  // One budget for every zip of the command: many small bombs add up too.
  const budget = new ZipBudget();
  for (const path of paths) {
    const { files, container } = expandPath(path, readStdin, budget);
    const threads = new Map<string, ChatSource>();
    let found = 0;
    let hint: string | undefined;
    for (const file of files) {
      if (container && forced !== 'auto' && /\.html$/i.test(file.display)) {
        ignored++;
        continue;
      }
      let format: ExportFormat;
      try {
        format = fileFormat(file, forced);
      } catch (error) {
        if (container && error instanceof ExportParseError) {
          ignored++;
          if (!hint && /HTML export|HTML version/.test(error.detail)) hint = error.detail.replace(/\. Supported:.*$/, '');
          continue;
        }
        throw error;
      }
      const meta = format === 'messenger' || format === 'instagram';
      // Inside a "Download your information" folder the chats are message_N.json (or at least hold "messages").
      if (container && meta && !META_PART.test(file.display) && !/"messages"\s*:/.test(headText(file).text)) {
        ignored++;
        continue;
      }
      found++;
      if (meta && META_PART.test(file.display)) {
        const folder = dirname(file.display);
        const thread = threads.get(folder);
        if (thread) thread.files.push(file);
        else {
          const source: ChatSource = { format, files: [file], display: folder };
          threads.set(folder, source);
          sources.push(source);
        }
        continue;
      }
      sources.push({ format, files: [file], display: file.display });
    }
    if (container && found === 0) {
      const looked = `looked at ${files.length} text, JSON, CSV and HTML file${files.length === 1 ? '' : 's'}`;
      throw new CliError(`${path}: no chat export found here (${looked})${hint ? `: ${hint}` : ''}`);
    }
  }
  return { sources, ignored };
}
