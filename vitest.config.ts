import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing/vitest-plugin';
import { bundledRulesPlugin } from './scripts/vite-plugin-rules';

export default defineConfig({
  plugins: [WxtVitest(), bundledRulesPlugin()],
  test: {
    // Playwright specs live in tests/e2e and bench/: vitest must not collect them.
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
  },
});
