/**
 * Builds the CLI into one plain-JavaScript file, dist/cli/not-alone.js, that bin/not-alone.js runs: no TypeScript
 * compilation at run time, so `npx not-alone` starts fast. Rules (rules/) and the scorer weights
 * (model/scorer.json) stay files read at run time: the bundle sits two folders deep, like cli/commands/, so the
 * `../../rules` and `../../model` paths resolve the same from source and from the build.
 * The rules are validated and compiled here too (dist/cli/rules.json, used while rules/ is unchanged: cli/rule-cache.ts).
 * Runs from `prepare` (after `npm install`/`npm ci`) and from `npm test`; `npm run build:cli` by hand.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { COMPILED_RULES_FILE, compileRules } from '../cli/rule-cache';

await build({
  configFile: false,
  logLevel: 'warn',
  publicDir: false,
  // compromise is loaded on first use (cli/lazy-compromise.ts), from node_modules.
  resolve: { alias: [{ find: /^compromise$/, replacement: fileURLToPath(new URL('../cli/lazy-compromise.ts', import.meta.url)) }] },
  build: {
    ssr: 'cli/main.ts',
    outDir: 'dist/cli',
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    sourcemap: false,
    rollupOptions: {
      // zod's `@__PURE__` comments sit where Rollup cannot use them: harmless, and not worth a line each build.
      onwarn(warning, warn) {
        if (warning.code !== 'INVALID_ANNOTATION') warn(warning);
      },
      output: { format: 'es', entryFileNames: 'not-alone.js', inlineDynamicImports: true } },
  },
  ssr: { noExternal: true, target: 'node' },
});

writeFileSync(COMPILED_RULES_FILE, JSON.stringify(compileRules()));
