/** The machine-mode contract external evaluation depends on: `not-alone scan --format jsonl --jsonl FILE`. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATEGORY_IDS, RISK_LEVELS } from '../../lib/engine/taxonomy';

const ROOT = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'not-alone-jsonl-'));

function cli(args: string[], input?: string) {
  const result = spawnSync('node', ['bin/not-alone.js', ...args], { cwd: ROOT, input, encoding: 'utf8' });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const lines = [
  { id: 'a1', conversation: 'A', text: 'Tôi là cán bộ công an, em có liên quan đến một vụ án rửa tiền', ts: '2025-07-01T19:00:00+07:00' },
  { id: 'a2', conversation: 'A', from: 'self', text: 'dạ em không biết gì ạ', ts: '2025-07-01T19:01:00+07:00' },
  { id: 'b1', conversation: 'B', text: 'see you at practice tomorrow!' },
  { id: 'a3', conversation: 'A', text: 'Đây là bí mật điều tra, không được nói với ai kể cả bố mẹ', ts: '2025-07-01T19:02:00+07:00' },
  { id: 'c1', text: 'hello there' },
];

describe('scan --format jsonl', () => {
  it('prints one result per input line, in input order, with exactly the contract fields', () => {
    const path = file('in.jsonl', lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const { code, out, err } = cli(['scan', '--format', 'jsonl', '--jsonl', path]);
    expect(err).toBe('');
    expect(code).toBe(0);
    const rows = out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.map((r) => r.id)).toEqual(['a1', 'a2', 'b1', 'a3', 'c1']);
    for (const row of rows) {
      expect(Object.keys(row).sort()).toEqual(['alert', 'categories', 'conversation', 'flagged', 'id', 'level', 'rules'].sort());
      expect(typeof row.flagged).toBe('boolean');
      expect(typeof row.alert).toBe('boolean');
      expect(RISK_LEVELS).toContain(row.level);
      for (const c of row.categories as string[]) expect(CATEGORY_IDS).toContain(c);
    }
    expect(rows[0]).toMatchObject({ conversation: 'A', flagged: true });
    expect(rows[0].categories).toContain('impersonation');
    expect(rows[2]).toMatchObject({ conversation: 'B', flagged: false, categories: [], rules: [], level: 'none', alert: false });
    // Conversation A keeps its own risk across the interleaved B line, and the secrecy demand raises it to an alert.
    expect(rows[3]).toMatchObject({ conversation: 'A', flagged: true, alert: true });
    expect(rows[3].categories).toContain('secrecy');
    expect(rows[4].conversation).toBe('default');
  });

  it('reads stdin with -', () => {
    const { code, out } = cli(['scan', '--format', 'jsonl', '--jsonl', '-'], JSON.stringify({ id: 'x', text: 'send nudes now' }) + '\n');
    expect(code).toBe(0);
    expect(JSON.parse(out) as { id: string }).toMatchObject({ id: 'x' });
  });

  it.each([
    ['not JSON', '{"id":"1","text":"ok"}\nnot json\n', /:2: not valid JSON/],
    ['missing text', '{"id":"1"}\n', /:1: "text" is required/],
    ['id not a string', '{"id":1,"text":"x"}\n', /:1: "id" must be a string/],
    ['bad from', '{"id":"1","text":"x","from":"me"}\n', /:1: "from" must be "self" or "other"/],
    ['bad ts', '{"id":"1","text":"x","ts":"soon"}\n', /:1: "ts" is not a valid ISO-8601 date/],
    ['an array', '[1,2]\n', /:1: expected a JSON object/],
  ])('rejects a malformed line (%s) naming it, with exit code 2 and no output', (_name, content, message) => {
    const path = file('bad.jsonl', content);
    const { code, out, err } = cli(['scan', '--format', 'jsonl', '--jsonl', path]);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toMatch(message);
    expect(err).toContain(path);
  });

  it('fails clearly on a missing file', () => {
    const { code, err } = cli(['scan', '--format', 'jsonl', '--jsonl', join(dir, 'nope.jsonl')]);
    expect(code).toBe(2);
    expect(err).toMatch(/nope\.jsonl: cannot read \(ENOENT\)/);
  });
});
