/**
 * Zips in `not-alone scan` have a bound (issue 15.7): total decompressed bytes over the whole command, and nesting
 * depth; past either, a clear error (exit 2) instead of gigabytes of memory.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { ZipBudget, zipEntries } from '../../cli/export-files';
import { main } from '../../cli/main';

const CHAT = new TextEncoder().encode('12/03/2025, 19:00 - Mia: hi\n12/03/2025, 19:01 - Jay: hello\n');

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (s: string) => ((out += s), true), err: (s: string) => ((err += s), true) });
  return { code, out, err };
}

describe('zip bounds', () => {
  it('zips nested deeper than the limit stop with a clear error', async () => {
    let zip = zipSync({ 'chat.txt': CHAT });
    for (let i = 0; i < 4; i++) zip = zipSync({ [`inner${i}.zip`]: zip });
    const dir = mkdtempSync(join(tmpdir(), 'not-alone-zip-'));
    const path = join(dir, 'nested.zip');
    writeFileSync(path, zip);
    const result = await run(['scan', path]);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/nested\.zip\/inner3\.zip\/inner2\.zip\/inner1\.zip: zips nested more than 3 deep; unpack the outer ones first\n$/);
  });

  it('three levels are read', async () => {
    let zip = zipSync({ 'chat.txt': CHAT });
    for (let i = 0; i < 2; i++) zip = zipSync({ [`inner${i}.zip`]: zip });
    const dir = mkdtempSync(join(tmpdir(), 'not-alone-zip-'));
    const path = join(dir, 'nested.zip');
    writeFileSync(path, zip);
    const result = await run(['scan', path]);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^Scanned 1 file: 1 conversation, 2 messages/);
  });

  it('the decompressed total is bounded across the zips of one scan (a zip of zips of zeros)', () => {
    const zeros = new Uint8Array(600_000);
    const inner = zipSync({ 'a.txt': zeros, 'b.txt': zeros }, { level: 9 });
    const outer = zipSync({ 'one.zip': inner, 'two.zip': inner }, { level: 9 });
    expect(outer.length).toBeLessThan(20_000);
    const budget = new ZipBudget(2_000_000);
    expect(() => zipEntries('bomb.zip', outer, budget)).toThrow(/^bomb\.zip\/two\.zip: the zip unpacks to more than 2 MiB of chat files in all; unpack it and scan the chat files themselves$/);
    // Within the budget it is read.
    expect(zipEntries('ok.zip', outer, new ZipBudget(4_000_000)).map((f) => f.display)).toEqual(['ok.zip/one.zip/a.txt', 'ok.zip/one.zip/b.txt', 'ok.zip/two.zip/a.txt', 'ok.zip/two.zip/b.txt']);
  });
});
