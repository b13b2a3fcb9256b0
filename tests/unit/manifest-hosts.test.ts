/**
 * Issue 15, point 7: a release build asks for the chat sites only; the local demo hosts (localhost, 127.0.0.1) are
 * in the builds the e2e tests and `npm start` make (`wxt build --mode demo`), never in a production build or the
 * store zip (`wxt zip`, production mode). Checked on the manifest WXT generates, through the project's own config hook.
 */
import { describe, expect, it } from 'vitest';
import type { Wxt } from 'wxt';
import config, { buildHooks } from '../../wxt.config';
import { CHAT_SITE_MATCHES, CONTENT_SCRIPT_MATCHES, DEMO_BUILD_MODE, DEMO_MATCHES } from '../../lib/sites/hosts';

/** What WXT generates from the config and the entry points before the hook runs (the content scripts' matches). */
function generated(): chrome.runtime.ManifestV3 {
  return {
    manifest_version: 3,
    name: 'Not Alone',
    version: '0.1.0',
    host_permissions: [...CONTENT_SCRIPT_MATCHES],
    content_scripts: [
      { matches: [...CONTENT_SCRIPT_MATCHES], js: ['content-scripts/content.js'] },
      { matches: ['https://www.facebook.com/*'], js: ['content-scripts/chat-launcher.js'] },
    ],
  };
}

function finish(mode: string): chrome.runtime.ManifestV3 {
  const manifest = generated();
  // The hooks the build really runs.
  expect(config.hooks).toBe(buildHooks);
  buildHooks['build:manifestGenerated']({ config: { mode } } as Wxt, manifest as never);
  return manifest;
}

const mentionsDemo = (manifest: chrome.runtime.ManifestV3): boolean => /localhost|127\.0\.0\.1/.test(JSON.stringify(manifest));

describe('the demo hosts are in test and demo builds only', () => {
  it('a production build asks for the chat sites only, and runs the content script on them only', () => {
    const manifest = finish('production');
    expect(mentionsDemo(manifest)).toBe(false);
    expect(manifest.host_permissions).toEqual([...CHAT_SITE_MATCHES]);
    expect(manifest.content_scripts?.[0].matches).toEqual([...CHAT_SITE_MATCHES]);
    expect(manifest.content_scripts?.[1].matches).toEqual(['https://www.facebook.com/*']);
  });

  it('the demo build (e2e tests, npm start) and the dev server keep them', () => {
    for (const mode of [DEMO_BUILD_MODE, 'development']) {
      const manifest = finish(mode);
      for (const pattern of DEMO_MATCHES) {
        expect(manifest.host_permissions, mode).toContain(pattern);
        expect(manifest.content_scripts?.[0].matches, mode).toContain(pattern);
      }
    }
  });
});
