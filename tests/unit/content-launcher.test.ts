/**
 * The chat launcher's side of the protocol: 'start-content-script' injects the content script only into a frame
 * whose own address is a supported chat page, whatever the message says.
 */
import { describe, expect, it } from 'vitest';
import { createMessageHandler, type BackgroundDeps } from '../../lib/background/handler';
import { launcherWantsChat } from '../../lib/sites/hosts';

function setup(withInjector = true, frameUrls?: Record<string, string>) {
  const injected: Array<[number, number]> = [];
  const deps: BackgroundDeps = {
    extensionId: 'our-extension',
    loadConversations: () => Promise.resolve({}),
    saveConversations: () => Promise.resolve(),
    retentionDays: () => Promise.resolve(30),
    setBadge: () => Promise.resolve(),
    setTabState: () => Promise.resolve(),
    now: () => 0,
    startContentScript: withInjector
      ? (tabId, frameId) => {
          injected.push([tabId, frameId]);
          return Promise.resolve();
        }
      : undefined,
    frameUrl: frameUrls ? (tabId, frameId) => Promise.resolve(frameUrls[`${tabId}:${frameId}`]) : undefined,
  };
  return { handle: createMessageHandler(deps), injected };
}

const message = { type: 'start-content-script' };

describe("'start-content-script'", () => {
  it('injects into the sending frame when its address is a chat page', async () => {
    const { handle, injected } = setup();
    const sender = { id: 'our-extension', tab: { id: 4 }, frameId: 0, url: 'https://www.instagram.com/direct/t/340282366841710300949128179876543210/' };
    expect(await handle(message, sender)).toEqual({ ok: true });
    expect(injected).toEqual([[4, 0]]);
  });

  it('refuses pages that are not chats, other senders, and malformed messages', async () => {
    const { handle, injected } = setup();
    const tab = { id: 'our-extension', tab: { id: 4 }, frameId: 0 };
    expect(await handle(message, { ...tab, url: 'https://www.instagram.com/' })).toMatchObject({ ok: false });
    expect(await handle(message, { ...tab, url: 'https://evil.example/direct/t/1/' })).toMatchObject({ ok: false });
    expect(await handle(message, { ...tab, url: 'not a url' })).toMatchObject({ ok: false });
    expect(await handle(message, { ...tab, id: 'someone-else', url: 'https://www.instagram.com/direct/t/1/' })).toMatchObject({ ok: false });
    expect(await handle({ ...message, files: ['evil.js'] }, { ...tab, url: 'https://www.instagram.com/direct/t/1/' })).toMatchObject({ ok: false });
    expect(await handle(message, { id: 'our-extension', url: 'https://www.instagram.com/direct/t/1/' })).toMatchObject({ ok: false });
    expect(injected).toEqual([]);
  });

  it("trusts the browser's current address of the frame over the one the document loaded with (pushState)", async () => {
    const sender = { id: 'our-extension', tab: { id: 4 }, frameId: 0, url: 'https://www.instagram.com/' };
    const moved = setup(true, { '4:0': 'https://www.instagram.com/direct/t/1/' });
    expect(await moved.handle(message, sender)).toEqual({ ok: true });
    const stayed = setup(true, { '4:0': 'https://www.instagram.com/' });
    expect(await stayed.handle(message, { ...sender, url: 'https://www.instagram.com/direct/t/1/' })).toMatchObject({ ok: false });
    expect(stayed.injected).toEqual([]);
  });

  it('does nothing in a background without an injector', async () => {
    const { handle } = setup(false);
    expect(await handle(message, { id: 'our-extension', tab: { id: 1 }, url: 'https://discord.com/channels/@me/1' })).toMatchObject({ ok: false });
  });
});

describe('launcherWantsChat', () => {
  it.each([
    ['https://www.instagram.com/direct/t/1/', true],
    ['https://www.instagram.com/direct/inbox/', true],
    ['https://www.instagram.com/', false],
    ['https://www.instagram.com/directory/', false],
    ['https://www.facebook.com/messages/t/1', true],
    ['https://www.facebook.com/marketplace/', false],
    ['https://discord.com/channels/@me/1', true],
    ['https://discord.com/app', false],
    ['https://evil.example/direct/t/1/', false],
  ])('%s → %s', (url, wanted) => {
    expect(launcherWantsChat(new URL(url))).toBe(wanted);
  });
});
