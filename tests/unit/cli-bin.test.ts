/**
 * The shipped command: `bin/not-alone.js` runs the built plain-JavaScript CLI (dist/cli/, built by
 * scripts/build-cli.ts from `prepare` and `npm test`; built here when missing), and a reader that closes the pipe
 * early (`not-alone scan … | head`) ends it quietly. Start-up time is measured by hand (README), not asserted.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = resolve(ROOT, 'bin/not-alone.js');
const BUILT = resolve(ROOT, 'dist/cli/not-alone.js');

beforeAll(() => {
  if (existsSync(BUILT)) return;
  const build = spawnSync('npx', ['tsx', 'scripts/build-cli.ts'], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`build failed: ${build.stderr}`);
}, 120_000);

describe('bin/not-alone.js', () => {
  it('runs the built JavaScript (no tsx) and loads the compiled rules', () => {
    expect(readFileSync(BIN, 'utf8')).not.toContain('tsx');
    expect(readFileSync(BUILT, 'utf8')).not.toMatch(/from ["']tsx/);
    const input = '{"id":"1","text":"dont tell your parents about us ok"}\n';
    const result = spawnSync(process.execPath, [BIN, 'scan', '--format', 'jsonl', '--jsonl', '-'], { input, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const row = JSON.parse(result.stdout) as { id: string; flagged: boolean; categories: string[] };
    expect(row).toMatchObject({ id: '1', flagged: true });
    expect(row.categories).toContain('secrecy');
  });

  it('a closed pipe ends the scan quietly: exit 0, no EPIPE stack trace', async () => {
    const input = Array.from({ length: 20_000 }, (_, i) => JSON.stringify({ id: String(i), text: `message number ${i}` })).join('\n') + '\n';
    const child = spawn(process.execPath, [BIN, 'scan', '--format', 'jsonl', '--jsonl', '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // Like `head -1`: read the first chunk, then close our end.
    child.stdout.once('data', () => child.stdout.destroy());
    child.stdin.end(input);
    const code = await new Promise<number | null>((done) => child.on('close', (c) => done(c)));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  }, 60_000);
});
