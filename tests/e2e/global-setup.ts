import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { DEMO_BUILD_COMMAND } from '../../scripts/support/extension-browser';

/** Build the extension once before the e2e tests, in demo mode (skip with SKIP_BUILD=1 when the build is fresh). */
export default function globalSetup(): void {
  if (process.env.SKIP_BUILD) return;
  const [command, ...args] = DEMO_BUILD_COMMAND;
  execFileSync(command, args, { cwd: resolve(import.meta.dirname, '../..'), stdio: ['ignore', 'ignore', 'inherit'] });
}
