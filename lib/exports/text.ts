/**
 * Bytes to text for export files, with errors that say what is wrong and where: an empty file, a binary file,
 * UTF-16 without a byte-order mark, invalid UTF-8 (naming the line), truncated or broken JSON (naming line and column).
 */
import { ExportParseError } from './types';

export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be';

/** Bytes looked at to recognise an encoding or a format. */
export const SNIFF_BYTES = 64 * 1024;

/**
 * The encoding of a file from its first bytes. Throws for an empty file, a binary file and UTF-16 without a BOM.
 * Returns the encoding and the length of the byte-order mark to skip.
 */
export function sniffEncoding(head: Uint8Array, file: string): { encoding: TextEncoding; bom: number } {
  if (head.length === 0) throw new ExportParseError(file, 'the file is empty');
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', bom: 3 };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bom: 2 };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bom: 2 };
  const sample = head.subarray(0, 4096);
  let zeros = 0;
  let evenZeros = 0;
  for (let i = 0; i < sample.length; i++) {
    if (sample[i] !== 0) continue;
    zeros++;
    if (i % 2 === 0) evenZeros++;
  }
  if (zeros > 0) {
    const utf16 = zeros >= sample.length / 4 && (evenZeros === zeros || evenZeros === 0);
    if (utf16) {
      throw new ExportParseError(
        file,
        `this looks like UTF-16 text without a byte-order mark; save it as UTF-8 (or UTF-16 with a BOM) and try again`,
      );
    }
    throw new ExportParseError(file, 'this is a binary file, not a chat export (expected .txt, .json, .csv or .zip)');
  }
  return { encoding: 'utf-8', bom: 0 };
}

/** Offset of the first byte that is not valid UTF-8, or -1. */
export function invalidUtf8Offset(bytes: Uint8Array): number {
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else {
      return i;
    }
    if (i + need > n - 1) return i; // the sequence is cut off by the end of the data
    let cp = b & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if ((c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

function countNewlines(bytes: Uint8Array, end: number): number {
  let lines = 0;
  for (let i = 0; i < end; i++) {
    if (bytes[i] === 0x0a) lines++;
    else if (bytes[i] === 0x0d && bytes[i + 1] !== 0x0a) lines++;
  }
  return lines;
}

function utf8Error(file: string, bytes: Uint8Array, offset: number, linesBefore: number): ExportParseError {
  const line = linesBefore + countNewlines(bytes, offset) + 1;
  const byte = bytes[offset]?.toString(16).toUpperCase().padStart(2, '0') ?? '??';
  return new ExportParseError(
    file,
    `not valid UTF-8 text (byte 0x${byte}); the file may be in another encoding such as Windows-1252 or Latin-1: export it again, or save it as UTF-8`,
    { line },
  );
}

/** Decode a whole file (BOM, UTF-16 with BOM, strict UTF-8). Throws ExportParseError naming the line of a bad byte. */
export function decodeText(bytes: Uint8Array, file: string): string {
  const { encoding, bom } = sniffEncoding(bytes.subarray(0, SNIFF_BYTES), file);
  const body = bytes.subarray(bom);
  let text: string;
  try {
    text = new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(body);
  } catch {
    if (encoding !== 'utf-8') throw new ExportParseError(file, `not valid ${encoding.toUpperCase()} text`);
    throw utf8Error(file, body, Math.max(0, invalidUtf8Offset(body)), 0);
  }
  if (!text.trim()) throw new ExportParseError(file, 'the file is empty (only blank lines)');
  return text;
}

/**
 * Splits a stream of byte chunks into lines (LF, CRLF or CR), decoding strictly. Bounded memory: holds one chunk
 * and one partial line. Line numbers in errors are exact.
 */
export class LineDecoder {
  private decoder: TextDecoder | undefined;
  private encoding: TextEncoding = 'utf-8';
  private carry = new Uint8Array(0);
  private pending = '';
  private linesOut = 0;
  private started = false;
  private sawText = false;
  /** Total bytes pushed. */
  bytes = 0;

  constructor(private readonly file: string) {}

  /** Lines completed by this chunk. */
  push(chunk: Uint8Array): string[] {
    this.bytes += chunk.length;
    let data = chunk;
    if (!this.started) {
      if (chunk.length === 0) return [];
      this.started = true;
      const { encoding, bom } = sniffEncoding(chunk.subarray(0, SNIFF_BYTES), this.file);
      this.encoding = encoding;
      this.decoder = new TextDecoder(encoding, { fatal: true, ignoreBOM: true });
      data = chunk.subarray(bom);
    }
    return this.split(this.decode(data, false));
  }

  /** The last line, if the input did not end with a newline. Throws for an empty input. */
  end(): string[] {
    if (!this.started) throw new ExportParseError(this.file, 'the file is empty');
    const text = this.decode(new Uint8Array(0), true);
    const lines = this.split(text);
    const rest = this.pending;
    this.pending = '';
    if (rest) lines.push(rest);
    if (rest.trim()) this.sawText = true;
    if (!this.sawText) throw new ExportParseError(this.file, 'the file is empty (only blank lines)');
    this.linesOut += lines.length;
    return lines;
  }

  private decode(data: Uint8Array, final: boolean): string {
    if (this.encoding !== 'utf-8') {
      try {
        return this.decoder!.decode(data, { stream: !final });
      } catch {
        throw new ExportParseError(this.file, `not valid ${this.encoding.toUpperCase()} text`, { line: this.linesOut + 1 });
      }
    }
    // UTF-8: decode up to the last complete character ourselves, so that an error's offset is exact.
    const joined = this.carry.length ? concat(this.carry, data) : data;
    let cut = joined.length;
    if (!final) {
      let back = 0;
      while (back < 3 && cut - back - 1 >= 0 && (joined[cut - back - 1] & 0xc0) === 0x80) back++;
      const lead = cut - back - 1;
      if (lead >= 0) {
        const b = joined[lead];
        const need = b >= 0xf5 ? 0 : b >= 0xf0 ? 3 : b >= 0xe0 ? 2 : b >= 0xc2 ? 1 : 0;
        if (need > back) cut = lead;
      }
    }
    const body = joined.subarray(0, cut);
    this.carry = joined.slice(cut);
    try {
      return this.decoder!.decode(body);
    } catch {
      const before = this.linesOut + countNewlinesInText(this.pending);
      throw utf8Error(this.file, body, Math.max(0, invalidUtf8Offset(body)), before);
    }
  }

  private split(text: string): string[] {
    if (!text) return [];
    const all = this.pending + text;
    const cut = all.endsWith('\r') ? all.length - 1 : all.length;
    const parts = all.slice(0, cut).split(/\r\n|\n|\r/);
    this.pending = parts.pop()! + all.slice(cut);
    if (!this.sawText) this.sawText = parts.some((p) => p.trim() !== '');
    this.linesOut += parts.length;
    return parts;
  }
}

function countNewlinesInText(text: string): number {
  return text.split(/\r\n|\n|\r/).length - 1;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** 1-based line and column of a UTF-16 offset in `text`. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

/**
 * JSON.parse with an error that names the line and column. V8's messages do not always carry a position, so on
 * failure a small scanner finds the first error and says whether the file was cut short.
 */
export function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    const start = text.search(/\S/);
    if (start >= 0 && text[start] !== '{' && text[start] !== '[') {
      throw new ExportParseError(file, 'not JSON: the file does not start with "{" or "[" (is it the export you meant?)', lineColumn(text, start));
    }
    const { offset, reason } = findJsonError(text);
    const where = lineColumn(text, offset);
    throw new ExportParseError(file, `not valid JSON: ${reason}`, where);
  }
}

class JsonSyntaxError extends Error {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/** The first syntax error of a JSON text (assumes there is one). */
export function findJsonError(text: string): { offset: number; reason: string } {
  let i = 0;
  const n = text.length;
  const truncated = new JsonSyntaxError(n, 'the file ends in the middle of the JSON (it looks truncated: was the export or download interrupted?)');
  const ws = (): void => {
    while (i < n && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  const fail = (reason: string): never => {
    throw new JsonSyntaxError(i, reason);
  };
  const describe = (): string => (i >= n ? 'the end of the file' : `"${text[i]}"`);
  const string = (): void => {
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return;
      }
      if (c === 92) {
        i++;
        if (i >= n) break;
        const e = text[i];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) {
            if (i + 5 > n) break;
            fail('a bad \\u escape in a string');
          }
          i += 5;
        } else if ('"\\/bfnrt'.includes(e)) i++;
        else fail(`a bad escape "\\${e}" in a string`);
        continue;
      }
      if (c < 0x20) fail('a control character (such as a line break) inside a string');
      i++;
    }
    throw truncated;
  };
  const value = (depth: number): void => {
    ws();
    if (i >= n) throw truncated;
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (i >= n) throw truncated;
        if (text[i] !== '"') fail(`expected a property name in quotes, found ${describe()}`);
        string();
        ws();
        if (i >= n) throw truncated;
        if (text[i] !== ':') fail(`expected ":" after a property name, found ${describe()}`);
        i++;
        value(depth + 1);
        ws();
        if (i >= n) throw truncated;
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail(`expected "," or "}" in an object, found ${describe()}`);
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value(depth + 1);
        ws();
        if (i >= n) throw truncated;
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail(`expected "," or "]" in an array, found ${describe()}`);
      }
    }
    if (c === '"') return string();
    const literal = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 400));
    if (literal) {
      i += literal[0].length;
      return;
    }
    if (/^(?:t(?:r(?:u)?)?|f(?:a(?:l(?:s)?)?)?|n(?:u(?:l)?)?|-)$/.test(text.slice(i))) throw truncated;
    fail(`unexpected ${describe()}`);
  };
  try {
    value(0);
    ws();
    if (i < n) fail(`unexpected ${describe()} after the end of the JSON value`);
    return { offset: 0, reason: 'unknown syntax error' };
  } catch (error) {
    if (error instanceof JsonSyntaxError) return { offset: error.offset, reason: error.reason };
    // Nesting so deep that the scanner itself overflowed.
    return { offset: i, reason: 'nested too deeply' };
  }
}

const HIGH = /[\u0080-\u00ff]/;
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

/**
 * Facebook/Instagram "Download your information" JSON escapes each UTF-8 byte as a Latin-1 character (`\u00e2\u009d\u00a4`
 * is ❤). Repair a string when it decodes as UTF-8 that way; otherwise return it unchanged (already-correct text).
 */
export function repairMojibake(value: string): string {
  if (!HIGH.test(value)) return value;
  const bytes = new Uint8Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code > 0xff) return value;
    bytes[i] = code;
  }
  try {
    return utf8Strict.decode(bytes);
  } catch {
    return value;
  }
}
