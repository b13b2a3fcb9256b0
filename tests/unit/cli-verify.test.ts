/**
 * `not-alone verify` against forged JSON reports (issue 15.4): a duplicate key lets an editor show one text while
 * JSON.parse, and so the hash check, reads another. And what "intact" proves, said in the output.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import { t } from '../../lib/i18n';
import { duplicateJsonKey } from '../../lib/report/verify';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (s: string) => ((out += s), true), err: (s: string) => ((err += s), true) });
  return { code, out, err };
}

async function report(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'not-alone-verify-'));
  const chat = join(dir, 'chat.txt');
  writeFileSync(chat, '12/03/2025, 19:00 - Mia: hi\n12/03/2025, 19:01 - Jay: dont tell ur parents we talk ok\n');
  const out = join(dir, 'report.json');
  expect((await run(['scan', chat, '--self', 'Mia', '--out', out, '--quiet'])).code).toBe(0);
  return out;
}

describe('duplicateJsonKey', () => {
  it('finds a key repeated in one object, also when written with escapes, with its path', () => {
    expect(duplicateJsonKey('{"a":1,"b":{"c":[{"d":1},{"d":2,"e":"}\\"{","d":3}]}}')).toBe('b.c.1.d');
    expect(duplicateJsonKey('{"text":"x","\\u0074ext":"y"}')).toBe('text');
    expect(duplicateJsonKey('{"a":{"x":1},"b":{"x":1},"c":["a","a"]}')).toBeNull();
  });
});

describe('verify: forged JSON reports', () => {
  it('a message text written twice (forged first, original last) is reported as changed, not intact', async () => {
    const path = await report();
    const original = readFileSync(path, 'utf8');
    const forged = original.replace(/"text": "dont tell ur parents we talk ok"/, '"text": "I told you to tell your parents", "text": "dont tell ur parents we talk ok"');
    expect(forged).not.toBe(original);
    // JSON.parse keeps the last value: without the check the hashes would match.
    expect(JSON.stringify(JSON.parse(forged))).toBe(JSON.stringify(JSON.parse(original)));
    writeFileSync(path, forged);
    const result = await run(['verify', path]);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/CHANGED\. 1 problem .*\n {2}file: conversations\.0\.messages\.\d+\.text: this key appears twice in one object/);
    expect(result.out).not.toContain('intact');
  });

  it('"intact" says what it proves: self-consistent, and the content hash to compare with the one noted at hand-over', async () => {
    const path = await report();
    const hash = (JSON.parse(readFileSync(path, 'utf8')) as { integrity: { contentSha256: string } }).integrity.contentSha256;
    const result = await run(['verify', path]);
    expect(result.code).toBe(0);
    expect(result.out).toContain(`this file is self-consistent and its content hash is ${hash}. Compare this hash with the one noted when the file was handed over`);
    expect(t('vi', 'verifyProves', { hash })).toContain(hash);
  });
});
