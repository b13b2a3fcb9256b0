import { defineConfig, type WxtHooks } from 'wxt';
import { CONTENT_SCRIPT_MATCHES, withoutDemoMatches } from './lib/sites/hosts';
import { bundledRulesPlugin } from './scripts/vite-plugin-rules';

/**
 * The local demo hosts (localhost, 127.0.0.1) are for the demo and test builds (`wxt build --mode demo`) and the dev
 * server only: a production build (`npm run build`, `npm run zip`) asks for the chat sites alone.
 * Checked by tests/unit/manifest-hosts.test.ts.
 */
export const buildHooks = {
  'build:manifestGenerated': (wxt, manifest) => {
    if (wxt.config.mode !== 'production') return;
    if (manifest.host_permissions) manifest.host_permissions = withoutDemoMatches(manifest.host_permissions as string[]);
    for (const script of manifest.content_scripts ?? []) if (script.matches) script.matches = withoutDemoMatches(script.matches);
  },
} satisfies Partial<WxtHooks>;

// See ARCHITECTURE.md for why each permission is needed. No <all_urls>: other sites are opt-in at run time
// through optional host permissions ("Watch this site").
export default defineConfig({
  modules: ['@wxt-dev/webextension-polyfill'],
  manifestVersion: 3,
  hooks: buildHooks,
  vite: () => ({
    plugins: [bundledRulesPlugin()],
    build: {
      rollupOptions: {
        // zod ships comments Rollup cannot place; harmless, and the noise hides real warnings.
        onwarn(warning, warn) {
          if (warning.code === 'INVALID_ANNOTATION') return;
          warn(warning);
        },
      },
    },
  }),
  manifest: ({ browser }) => ({
    name: '__MSG_extName__',
    short_name: 'Not Alone',
    description: '__MSG_extDescription__',
    default_locale: 'en',
    // scripting: "Watch this site" registers the content script for a site the user granted at run time
    // (scripting.registerContentScripts) and starts it in tabs already open there (scripting.executeScript); the
    // chat launcher has the content script started when Instagram, Facebook or Discord open a chat without a page
    // load (scripting.executeScript, lib/sites/hosts.ts LAUNCHER_SITES).
    // unlimitedStorage: evidence is never refused for the browser's 10 MB quota (issue 15: storage flooding); the
    // extension's own cap (lib/storage/conversations.ts) still prunes plain context. alarms: daily retention.
    permissions: ['storage', 'unlimitedStorage', 'alarms', 'scripting'],
    host_permissions: [...CONTENT_SCRIPT_MATCHES],
    optional_host_permissions: ['https://*/*'],
    action: { default_title: '__MSG_extName__' },
    // Administrators preset and lock settings through browser policy (lib/settings/policy.ts, docs/admin-policy.md).
    // Firefox reads managed storage from its own policies.json and has no manifest schema.
    ...(browser === 'firefox' ? {} : { storage: { managed_schema: 'managed-schema.json' } }),
    // Extension pages may not connect anywhere (connect-src 'none') nor load anything from outside the extension
    // (default-src 'self'): even an HTML-injection bug could not send a message text out through an image, a style
    // sheet or a font. Inline styles stay allowed for the printable report (a blob: page inherits this policy).
    // Checked by tests/e2e/trust.spec.ts; see docs/threat-model.md.
    content_security_policy: {
      extension_pages:
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'none'; " +
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'",
    },
    ...(browser === 'firefox'
      ? {
          browser_specific_settings: {
            gecko: {
              id: 'not-alone@not-alone.invalid',
              strict_min_version: '142.0',
              data_collection_permissions: { required: ['none'] },
            },
          },
        }
      : {}),
  }),
});
