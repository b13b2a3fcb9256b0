/**
 * `npm test`: every check, in order, each runner printing its own summary, then one closing line with the number of
 * tests passed and failed. Steps: typecheck, lint, the CLI build, unit tests (vitest, which include every rule's own examples),
 * Firefox build + web-ext lint, e2e tests (Playwright + the real extension in Chromium).
 * `npm test -- --skip-e2e` skips the browser steps (quick local loop).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const skipE2e = process.argv.includes('--skip-e2e');
const work = mkdtempSync(join(tmpdir(), 'not-alone-test-'));

interface Step {
  name: string;
  command: string[];
  env?: Record<string, string>;
  /** Count tests from a JSON report written by the runner. */
  count?: () => { passed: number; failed: number };
}

function run(step: Step): boolean {
  console.log(`\n=== ${step.name}: ${step.command.join(' ')}`);
  const started = Date.now();
  const result = spawnSync(step.command[0], step.command.slice(1), {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, ...step.env },
  });
  const ok = result.status === 0;
  console.log(`=== ${step.name}: ${ok ? 'ok' : `FAILED (exit ${result.status ?? result.signal})`} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return ok;
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

const vitestReport = join(work, 'vitest.json');
const playwrightReport = join(work, 'playwright.json');

const steps: Step[] = [
  { name: 'typecheck', command: ['npx', 'tsc', '--noEmit'] },
  { name: 'lint', command: ['npx', 'eslint', '.'] },
  // The CLI's tests run the built bin (tests/unit/cli-bin.test.ts): build it from the current sources first.
  { name: 'build cli', command: ['npx', 'tsx', 'scripts/build-cli.ts'] },
  {
    name: 'unit',
    command: ['npx', 'vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestReport}`],
    count: () => {
      const report = readJson(vitestReport) as { numPassedTests?: number; numFailedTests?: number } | undefined;
      return { passed: report?.numPassedTests ?? 0, failed: report?.numFailedTests ?? 0 };
    },
  },
];
if (!skipE2e) {
  steps.push(
    { name: 'firefox build', command: ['npx', 'wxt', 'build', '-b', 'firefox'] },
    { name: 'firefox lint', command: ['npx', 'web-ext', 'lint', '--source-dir', '.output/firefox-mv3', '--warnings-as-errors', '--output', 'text'] },
    { name: 'find chromium', command: ['npx', 'tsx', 'scripts/support/chromium.ts'] },
    {
      name: 'e2e',
      command: ['npx', 'playwright', 'test', '--reporter=list,json'],
      env: { PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightReport },
      count: () => {
        const report = readJson(playwrightReport) as { stats?: { expected?: number; unexpected?: number; flaky?: number } } | undefined;
        return { passed: (report?.stats?.expected ?? 0) + (report?.stats?.flaky ?? 0), failed: report?.stats?.unexpected ?? 0 };
      },
    },
  );
}

let passed = 0;
let failed = 0;
const failedSteps: string[] = [];
for (const step of steps) {
  const ok = run(step);
  const counted = step.count?.();
  if (counted) {
    passed += counted.passed;
    failed += counted.failed;
    if (!ok && counted.failed === 0) failed++;
  } else if (!ok) {
    failed++;
  }
  if (!ok) failedSteps.push(step.name);
}
rmSync(work, { recursive: true, force: true });
console.log(`\n${failedSteps.length ? `failed steps: ${failedSteps.join(', ')}` : 'all steps passed'}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failedSteps.length ? 1 : 0);
