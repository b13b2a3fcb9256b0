import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

/** Build the extension once before the e2e tests (skip with SKIP_BUILD=1 when the build is fresh). */
export default function globalSetup(): void {
  if (process.env.SKIP_BUILD) return;
  execFileSync('npx', ['wxt', 'build'], { cwd: resolve(import.meta.dirname, '../..'), stdio: ['ignore', 'ignore', 'inherit'] });
}
