/** "Watch this site": which origins can be watched, and the background's sync of permissions → registration. */
import { describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { hostOfPattern, requestWatchSite, syncWatchedSites, watchPattern, type WatchDeps } from '../../lib/extension/watch-site';
import { loadUserSettings } from '../../lib/storage/items';

describe('watchPattern', () => {
  it('turns an https origin into its match pattern', () => {
    expect(watchPattern('https://chat.example.org')).toBe('https://chat.example.org/*');
    expect(watchPattern('https://chat.example.org/some/page?x=1')).toBe('https://chat.example.org/*');
    expect(watchPattern('https://chat.example.org:8443')).toBe('https://chat.example.org/*');
  });
  it('refuses what cannot or need not be watched', () => {
    expect(watchPattern('http://chat.example.org')).toBeNull();
    expect(watchPattern('file:///etc/passwd')).toBeNull();
    expect(watchPattern('not a url')).toBeNull();
    expect(watchPattern('https://web.whatsapp.com')).toBeNull(); // supported already
    expect(watchPattern('https://*.example.org')).toBeNull();
  });
  it('reads hosts back from granted patterns, ignoring wildcards and built-in sites', () => {
    expect(hostOfPattern('https://chat.example.org/*')).toBe('chat.example.org');
    expect(hostOfPattern('https://*/*')).toBeNull();
    expect(hostOfPattern('https://*.example.org/*')).toBeNull();
    expect(hostOfPattern('https://discord.com/*')).toBeNull();
    expect(hostOfPattern('http://chat.example.org/*')).toBeNull();
  });
});

function fakeDeps(granted: string[], registered: string[] | null, watched: string[]) {
  const calls: string[] = [];
  const state = { granted, registered, watched };
  const deps: WatchDeps = {
    grantedOrigins: () => Promise.resolve(state.granted),
    registeredMatches: () => Promise.resolve(state.registered),
    register: (m) => {
      calls.push(`register ${m.join(' ')}`);
      state.registered = m;
      return Promise.resolve();
    },
    updateRegistration: (m) => {
      calls.push(`update ${m.join(' ')}`);
      state.registered = m;
      return Promise.resolve();
    },
    unregister: () => {
      calls.push('unregister');
      state.registered = null;
      return Promise.resolve();
    },
    injectInto: (p) => {
      calls.push(`inject ${p.join(' ')}`);
      return Promise.resolve();
    },
    watchedHosts: () => Promise.resolve(state.watched),
    setWatchedHosts: (h) => {
      calls.push(`settings ${h.join(' ')}`);
      state.watched = h;
      return Promise.resolve();
    },
  };
  return { deps, calls, state };
}

describe('syncWatchedSites', () => {
  it('registers the content script for a newly granted site, updates settings first, then injects into open tabs', async () => {
    const { deps, calls } = fakeDeps(['https://web.whatsapp.com/*', 'https://chat.example.org/*'], null, []);
    await syncWatchedSites(deps, ['https://chat.example.org/*']);
    expect(calls).toEqual(['settings chat.example.org', 'register https://chat.example.org/*', 'inject https://chat.example.org/*']);
  });
  it('updates the registration when a second site is added, and does nothing when all is in step', async () => {
    const { deps, calls } = fakeDeps(['https://a.example/*', 'https://b.example/*'], ['https://a.example/*'], ['a.example']);
    await syncWatchedSites(deps);
    expect(calls).toEqual(['settings a.example b.example', 'update https://a.example/* https://b.example/*']);
    calls.length = 0;
    await syncWatchedSites(deps);
    expect(calls).toEqual([]);
  });
  it('unregisters and clears the settings when the user revokes the last site', async () => {
    const { deps, calls } = fakeDeps([], ['https://a.example/*'], ['a.example']);
    await syncWatchedSites(deps);
    expect(calls).toEqual(['settings ', 'unregister']);
  });
  it('keeps local demo hosts, which the manifest covers without an optional permission', async () => {
    const { deps, calls } = fakeDeps([], null, ['127.0.0.1:8123', 'gone.example']);
    await syncWatchedSites(deps);
    expect(calls).toEqual(['settings 127.0.0.1:8123']);
  });
  it('ignores the wildcard optional permission if it was granted whole', async () => {
    const { deps, calls } = fakeDeps(['https://*/*'], null, []);
    await syncWatchedSites(deps, ['https://*/*']);
    expect(calls).toEqual([]);
  });
});

describe('requestWatchSite (popup)', () => {
  it('asks for the one origin and records the host when granted', async () => {
    fakeBrowser.reset();
    const request = vi.fn((_: { origins?: string[] }) => Promise.resolve(true));
    (fakeBrowser.permissions as unknown as { request: typeof request }).request = request;
    expect(await requestWatchSite('https://chat.example.org/room/1')).toEqual({ ok: true, host: 'chat.example.org' });
    expect(request).toHaveBeenCalledWith({ origins: ['https://chat.example.org/*'] });
    expect((await loadUserSettings()).value.watchedSites).toEqual(['chat.example.org']);
  });
  it('reports a refusal, and never asks for what cannot be watched', async () => {
    fakeBrowser.reset();
    const request = vi.fn(() => Promise.resolve(false));
    (fakeBrowser.permissions as unknown as { request: typeof request }).request = request;
    expect(await requestWatchSite('https://chat.example.org')).toEqual({ ok: false, reason: 'denied' });
    expect(await requestWatchSite('http://chat.example.org')).toEqual({ ok: false, reason: 'not-watchable' });
    expect(request).toHaveBeenCalledTimes(1);
    expect((await loadUserSettings()).value.watchedSites).toEqual([]);
  });
});
