/** Decoding and recognising export files: encodings, empty files, broken JSON, format detection and its hints. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeText, detectFormat, ExportParseError, LineDecoder, parseJson } from '../../lib/exports';
import { findJsonError } from '../../lib/exports/text';

const FIXTURES = resolve(import.meta.dirname, '../fixtures/exports');
// The real WhatsApp Web DOM snapshots (one anonymised copy, shared with the site-adapter tests).
const WHATSAPP_WEB_SNAPSHOTS = join(FIXTURES, '..', 'sites', 'whatsapp', 'snapshots');
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

function utf16le(s: string, bom: boolean): Uint8Array {
  const out = new Uint8Array(s.length * 2 + (bom ? 2 : 0));
  let o = 0;
  if (bom) {
    out[o++] = 0xff;
    out[o++] = 0xfe;
  }
  for (let i = 0; i < s.length; i++) {
    out[o++] = s.charCodeAt(i) & 0xff;
    out[o++] = s.charCodeAt(i) >> 8;
  }
  return out;
}

describe('decodeText', () => {
  it('reads UTF-8 with and without a BOM, and UTF-16 with a BOM', () => {
    expect(decodeText(utf8('\uFEFFxin chào'), 'a.txt')).toBe('xin chào');
    expect(decodeText(utf8('xin chào'), 'a.txt')).toBe('xin chào');
    expect(decodeText(utf16le('xin chào', true), 'a.txt')).toBe('xin chào');
  });

  it('rejects an empty file, a blank file, UTF-16 without a BOM, a binary file', () => {
    expect(() => decodeText(new Uint8Array(0), 'a.txt')).toThrow('a.txt: the file is empty');
    expect(() => decodeText(utf8('\n \n'), 'a.txt')).toThrow('a.txt: the file is empty (only blank lines)');
    expect(() => decodeText(utf16le('12/03/2025, 19:02 - A: hi\n', false), 'a.txt')).toThrow(/^a\.txt: this looks like UTF-16 text without a byte-order mark/);
    expect(() => decodeText(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 1, 2, 3]), 'a.json')).toThrow(/binary file/);
  });

  it('names the line of the first byte that is not UTF-8 (a Windows-1252 file)', () => {
    const bytes = new Uint8Array([...utf8('line one\nline two\r\nli'), 0xe9, ...utf8('ne three\n')]);
    expect(() => decodeText(bytes, 'chat.txt')).toThrow(/^chat\.txt:3: not valid UTF-8 text \(byte 0xE9\)/);
    expect(() => decodeText(new Uint8Array([0x61, 0xc3]), 'x.txt')).toThrow(/^x\.txt:1: not valid UTF-8/);
  });
});

describe('LineDecoder (streaming)', () => {
  const text = 'một\r\nhai\rba 🙂\n\nbốn\r\n';

  it('gives the same lines however the bytes are cut, even inside a character or a CRLF', () => {
    const bytes = utf8(text);
    const expected = ['một', 'hai', 'ba 🙂', '', 'bốn'];
    for (let cut = 0; cut <= bytes.length; cut++) {
      const decoder = new LineDecoder('x.txt');
      const lines = [...decoder.push(bytes.subarray(0, cut)), ...decoder.push(bytes.subarray(cut)), ...decoder.end()];
      expect(lines, `cut at ${cut}`).toEqual(expected);
    }
    const oneByOne = new LineDecoder('x.txt');
    const lines: string[] = [];
    for (const byte of bytes) lines.push(...oneByOne.push(new Uint8Array([byte])));
    expect([...lines, ...oneByOne.end()]).toEqual(expected);
  });

  it('reports the exact line of a bad byte in a later chunk', () => {
    const decoder = new LineDecoder('big.txt');
    decoder.push(utf8('a\nb\nc'));
    expect(() => decoder.push(new Uint8Array([0x64, 0x0a, 0x65, 0xff]))).toThrow(/^big\.txt:4: not valid UTF-8/);
  });

  it('errors for an empty or blank input and UTF-16 without a BOM', () => {
    expect(() => new LineDecoder('e.txt').end()).toThrow('e.txt: the file is empty');
    const blank = new LineDecoder('b.txt');
    blank.push(utf8('\n\n'));
    expect(() => blank.end()).toThrow('b.txt: the file is empty (only blank lines)');
    expect(() => new LineDecoder('u.txt').push(utf16le('hello there\n', false))).toThrow(/UTF-16 text without a byte-order mark/);
  });
});

describe('parseJson', () => {
  it('names line and column, and says when the file was cut short', () => {
    expect(() => parseJson('{\n  "messages": [\n    {"a": 1},\n', 'result.json')).toThrow(
      'result.json:4:1: not valid JSON: the file ends in the middle of the JSON (it looks truncated: was the export or download interrupted?)',
    );
    expect(() => parseJson('{"messages": [1, 2,]}', 'r.json')).toThrow('r.json:1:20: not valid JSON: unexpected "]"');
    expect(() => parseJson('{"a": 1}\n{"b": 2}', 'r.json')).toThrow('r.json:2:1: not valid JSON: unexpected "{" after the end of the JSON value');
    expect(() => parseJson('{"a": "x', 'r.json')).toThrow(/truncated/);
    expect(() => parseJson('{"a": tru', 'r.json')).toThrow(/truncated/);
    expect(() => parseJson('{"a" 1}', 'r.json')).toThrow('r.json:1:6: not valid JSON: expected ":" after a property name, found "1"');
  });

  it('agrees with JSON.parse on what is valid', () => {
    for (const bad of ['{', '[', '{"a":}', '{"a":1,}', '"\u0001"', '{"a":"\\x"}', 'nul', '01']) {
      expect(() => JSON.parse(bad) as unknown).toThrow();
      expect(findJsonError(bad).reason).not.toBe('unknown syntax error');
    }
  });
});

describe('detectFormat', () => {
  const sample = (dir: string, file: string): string => readFileSync(join(FIXTURES, dir, file), 'utf8');

  it('recognises every export sample', () => {
    for (const file of readdirSync(join(FIXTURES, 'whatsapp-export-chat-miner')).filter((f) => f.startsWith('test_'))) {
      expect(detectFormat(file, sample('whatsapp-export-chat-miner', file)), file).toBe('whatsapp');
    }
    expect(detectFormat('short-chat.txt', sample('whatsapp-export-pustur', 'short-chat.txt'))).toBe('whatsapp');
    expect(detectFormat('signal-export/test_export.txt', sample('signal-export-chat-miner', 'test_export.txt'))).toBe('signal');
    expect(detectFormat('test_single_export.json', sample('telegram-export-chat-miner', 'test_single_export.json'))).toBe('telegram');
    expect(detectFormat('test_batch_export.json', sample('telegram-export-chat-miner', 'test_batch_export.json'))).toBe('telegram');
    expect(detectFormat('instagram-export-chat-miner/test_export.json', sample('instagram-export-chat-miner', 'test_export.json'))).toBe('instagram');
    expect(detectFormat('inbox/x/message_1.json', sample('instagram-export-chat-miner', 'test_export.json'))).toBe('messenger');
    expect(detectFormat('result.json', sample('en-telegram-grooming', 'result.json'))).toBe('telegram');
    expect(detectFormat('_chat.txt', sample('vi-whatsapp-police-script', '_chat.txt'))).toBe('whatsapp');
    expect(detectFormat('dm.json', '{"guild": {"name": "Direct Messages"}, "channel": {"name": "x"}, "messages": []}')).toBe('discord');
    expect(detectFormat('dm.csv', 'AuthorID,Author,Date,Content,Attachments,Reactions\n')).toBe('discord');
    expect(detectFormat('in.jsonl', '{"id":"1","text":"hi"}\n')).toBe('jsonl');
  });

  it('the WhatsApp Web page samples are web pages, not exports', () => {
    const dir = WHATSAPP_WEB_SNAPSHOTS;
    const pages = readdirSync(dir).filter((f) => f.endsWith('.html'));
    expect(pages.length).toBe(4);
    for (const page of pages) {
      expect(() => detectFormat(page, readFileSync(join(dir, page), 'utf8'))).toThrow(`${page}: this is a web page (HTML), not a chat export. Supported:`);
    }
  });

  it('explains the HTML exports of Telegram and Facebook, and other files', () => {
    expect(() => detectFormat('messages.html', '<!DOCTYPE html><html><div class="message default clearfix">')).toThrow(/Telegram's HTML export; export again in Telegram Desktop choosing "Machine-readable JSON"/);
    expect(() => detectFormat('message_1.html', '<html><body>')).toThrow(/request it again choosing the JSON format/);
    const notes = readFileSync(join(WHATSAPP_WEB_SNAPSHOTS, 'notes.md'), 'utf8');
    expect(() => detectFormat('notes.md', notes)).toThrow(/^notes\.md:1: not a chat export this tool knows: .* \(this line is "# WhatsApp Web DOM Notes"\)/);
    expect(() => detectFormat('data.json', '{"likes": []}')).toThrow(/a JSON file, but not a chat export this tool knows/);
    expect(() => detectFormat('x.txt', '   \n')).toThrow(ExportParseError);
  });
});
