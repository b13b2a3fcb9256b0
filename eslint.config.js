// ESLint flat config: typescript-eslint's type-checked rules, plus the architecture's import boundaries.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['.output/**', '.wxt/**', 'node_modules/**', 'out/**', 'test-results/**', 'playwright-report/**', 'demo/**', 'bin/**', 'dist/**', '.scratch*/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.browser, ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    // The engine is pure: it runs in the content script, the background, the CLI and tests alike.
    files: ['lib/engine/**/*.ts'],
    languageOptions: { globals: { ...globals.es2022 } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['wxt', 'wxt/*', '#imports', 'webextension-polyfill', '@wxt-dev/*'], message: 'lib/engine must not use browser APIs.' },
            { group: ['node:*', 'fs', 'path', 'os', 'child_process'], message: 'lib/engine must not use Node APIs.' },
            { group: ['../*', '!../engine/*'], message: 'lib/engine depends on nothing else in lib/.' },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        ...['window', 'document', 'navigator', 'location', 'browser', 'chrome', 'MutationObserver', 'localStorage', 'fetch', 'XMLHttpRequest', 'WebSocket', 'process'].map(
          (name) => ({ name, message: 'lib/engine is pure: no DOM, no browser.*, no network, no process.' }),
        ),
      ],
    },
  },
  {
    files: ['**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
