#!/usr/bin/env node
// `npx not-alone …`: runs the CLI built by `npm run build:cli` (scripts/build-cli.mjs, run by `prepare` and `npm test`)
// as plain JavaScript: no TypeScript compilation at start. From a source checkout without the build, say how to build.
import { existsSync } from 'node:fs';

const built = new URL('../dist/cli/not-alone.js', import.meta.url);
if (!existsSync(built)) {
  process.stderr.write('not-alone: the CLI is not built yet; run `npm run build:cli` (or `npm install`, which builds it)\n');
  process.exit(1);
}
await import(built.href);
