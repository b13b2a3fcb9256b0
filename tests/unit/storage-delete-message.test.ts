/** Deleting evidence goes through the background, and only an extension page may ask for it. */
import { describe, expect, it } from 'vitest';
import { createMessageHandler, type BackgroundDeps } from '../../lib/background/handler';
import type { ConversationMap } from '../../lib/storage/conversations';
import { fakePolice } from '../fixtures/report/conversations';

function setup() {
  let stored: ConversationMap = { a: { ...fakePolice, key: 'a' }, b: { ...fakePolice, key: 'b' } };
  const deps: BackgroundDeps = {
    extensionId: 'ours',
    extensionPageUrl: 'chrome-extension://ours/',
    loadConversations: () => Promise.resolve(stored),
    saveConversations: (c) => {
      stored = c;
      return Promise.resolve();
    },
    retentionDays: () => Promise.resolve(30),
    setBadge: () => Promise.resolve(),
    setTabState: () => Promise.resolve(),
    now: () => 1,
  };
  return { handle: createMessageHandler(deps), stored: () => stored };
}

const fromReportPage = { id: 'ours', tab: { id: 4 }, url: 'chrome-extension://ours/report.html' };

describe('delete-conversations', () => {
  it('deletes one conversation or all of them for the report page', async () => {
    const { handle, stored } = setup();
    expect(await handle({ type: 'delete-conversations', keys: ['a'] }, fromReportPage)).toEqual({ ok: true });
    expect(Object.keys(stored())).toEqual(['b']);
    expect(await handle({ type: 'delete-conversations', keys: 'all' }, fromReportPage)).toEqual({ ok: true });
    expect(stored()).toEqual({});
  });

  it('refuses content scripts (they run inside chat pages) and malformed requests', async () => {
    const { handle, stored } = setup();
    const fromChat = { id: 'ours', tab: { id: 4 }, url: 'https://web.whatsapp.com/' };
    expect(await handle({ type: 'delete-conversations', keys: 'all' }, fromChat)).toEqual({ ok: false, error: 'not allowed from this sender' });
    expect(await handle({ type: 'delete-conversations', keys: [] }, fromReportPage)).toMatchObject({ ok: false });
    expect(await handle({ type: 'delete-conversations', keys: 'all', extra: 1 }, fromReportPage)).toMatchObject({ ok: false });
    expect(Object.keys(stored())).toEqual(['a', 'b']);
  });
});
