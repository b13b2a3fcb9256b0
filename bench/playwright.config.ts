import { defineConfig } from '@playwright/test';

/** `npm run bench:page`: the content script's cost on a large chat page (bench/page.spec.ts). */
export default defineConfig({
  testDir: '.',
  testMatch: 'page*.spec.ts',
  // Builds the extension first, like the e2e tests (SKIP_BUILD=1 when the build is fresh).
  globalSetup: '../tests/e2e/global-setup.ts',
  workers: 1,
  fullyParallel: false,
  timeout: 600_000,
  retries: 0,
  reporter: [['list']],
  use: { trace: 'off' },
});
