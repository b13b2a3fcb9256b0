/** The background treats content-script messages as untrusted input, analyses them itself, stores and badges. */
import { describe, expect, it } from 'vitest';
import { badgeFor, createMessageHandler, NO_RISK, type BackgroundDeps } from '../../lib/background/handler';
import type { TabState } from '../../lib/storage/schema';
import { createBundledEngine } from '../../lib/extension/bundled-engine';
import type { AnalyzeMessages, AnalyzeResponse } from '../../lib/protocol';
import type { ConversationMap } from '../../lib/storage/conversations';

const SETTINGS = { sensitivity: 'balanced', disabledCategories: [], languages: ['en', 'vi'], contextMessages: 5 } as const;

function setup() {
  let stored: ConversationMap = {};
  const badges: Array<[number, string]> = [];
  const tabStates = new Map<number, TabState | null>();
  const deps: BackgroundDeps = {
    extensionId: 'our-extension',
    loadConversations: () => Promise.resolve(stored),
    saveConversations: (c) => {
      stored = c;
      return Promise.resolve();
    },
    retentionDays: () => Promise.resolve(30),
    setBadge: (tabId, text) => {
      badges.push([tabId, text]);
      return Promise.resolve();
    },
    setTabState: (tabId, state) => {
      tabStates.set(tabId, state);
      return Promise.resolve();
    },
    now: () => 1_750_000_000_000,
    analysis: {
      engineInputs: () => Promise.resolve({ settings: SETTINGS, customRules: [] }),
      createEngine: ({ settings, customRules }) => createBundledEngine(settings, customRules),
    },
  };
  return { handle: createMessageHandler(deps), deps, stored: () => stored, badges, tabStates };
}

const conversation = { key: 'demo:x', site: 'demo', title: 'X', url: 'http://127.0.0.1/demo/' };
const request: AnalyzeMessages = {
  type: 'analyze-messages',
  scanId: 'scan-1',
  seq: 0,
  conversation,
  messages: [
    { id: 'm0', from: 'other', text: 'hey, how was school?', ts: 1_749_999_000_000 },
    { id: 'm1', from: 'other', text: "don't tell your parents about us, this is our secret. send me a pic, you're so mature", ts: 1_749_999_100_000 },
  ],
};
const fromTab = { id: 'our-extension', tab: { id: 7 } };

describe('background message handler', () => {
  it('analyses messages, stores what is worth keeping, badges the tab and answers the risk, the warning and the flagged messages', async () => {
    const { handle, stored, badges, tabStates } = setup();
    const answer = (await handle(request, fromTab)) as AnalyzeResponse;
    expect(answer).toMatchObject({ ok: true, analysis: { warn: true, risk: { alert: true } } });
    if (!answer.ok || !('analysis' in answer)) throw new Error('no analysis');
    expect(answer.analysis.flagged.map((f) => f.id)).toEqual(['m1']);
    expect(answer.analysis.flagged[0].findings.map((f) => f.category)).toContain('secrecy');
    expect(stored()['demo:x'].messages.map((m) => m.id)).toEqual(['m0', 'm1']);
    expect(stored()['demo:x'].risk).toEqual(answer.analysis.risk);
    expect(badges.at(-1)?.[0]).toBe(7);
    expect(badges.at(-1)?.[1]).toMatch(/^!+$/);
    expect(tabStates.get(7)).toEqual({ conversationKey: 'demo:x', risk: answer.analysis.risk });
  });

  it('drops messages from other extensions or from outside a tab', async () => {
    const { handle, stored } = setup();
    expect(await handle(request, { id: 'someone-else', tab: { id: 7 } })).toEqual({ ok: false, error: 'unknown sender' });
    expect(await handle(request, { id: 'our-extension' })).toMatchObject({ ok: false });
    expect(stored()).toEqual({});
  });

  it('drops unknown message types and malformed payloads', async () => {
    const { handle, stored } = setup();
    expect(await handle({ type: 'delete-everything' }, fromTab)).toEqual({ ok: false, error: 'invalid message' });
    expect(await handle({ type: 'scan-report', conversation, messages: [], risk: NO_RISK }, fromTab)).toMatchObject({ ok: false });
    expect(await handle({ type: 'parse-sentences', texts: ['hi'] }, fromTab)).toMatchObject({ ok: false });
    expect(await handle({ ...request, extra: 'field' }, fromTab)).toMatchObject({ ok: false });
    expect(await handle({ ...request, messages: [{ ...request.messages[0], findings: [] }] }, fromTab)).toMatchObject({ ok: false });
    expect(await handle('analyze-messages', fromTab)).toMatchObject({ ok: false });
    expect(stored()).toEqual({});
  });

  it('tells the popup the open conversation with the risk it knows, never one the page claims', async () => {
    const { handle, badges, tabStates } = setup();
    await handle(request, fromTab);
    // A risk in the message is not part of the protocol any more.
    expect(await handle({ type: 'conversation-shown', conversationKey: 'demo:x', risk: { ...NO_RISK, level: 'critical', alert: true } }, fromTab)).toMatchObject({ ok: false });
    expect(await handle({ type: 'conversation-shown', conversationKey: 'demo:x' }, fromTab)).toEqual({ ok: true });
    expect(tabStates.get(7)?.risk.alert).toBe(true);
    // Another conversation nothing is known about: no badge.
    await handle({ type: 'conversation-shown', conversationKey: 'demo:y' }, fromTab);
    expect(badges.at(-1)).toEqual([7, '']);
    expect(tabStates.get(7)).toEqual({ conversationKey: 'demo:y', risk: NO_RISK });
    await handle({ type: 'conversation-shown', conversationKey: null }, fromTab);
    expect(tabStates.get(7)).toBeNull();
  });

  it('after a restart, takes the risk of a conversation from storage', async () => {
    const { handle, deps, tabStates } = setup();
    await handle(request, fromTab);
    const restarted = createMessageHandler(deps);
    await restarted({ type: 'conversation-shown', conversationKey: 'demo:x' }, fromTab);
    expect(tabStates.get(7)?.risk.alert).toBe(true);
  });

  it('serialises concurrent requests of several tabs so no report is lost', async () => {
    const { handle, stored } = setup();
    await Promise.all(
      ['a', 'b', 'c', 'd'].map((k, i) => handle({ ...request, conversation: { ...conversation, key: `demo:${k}` } }, { id: 'our-extension', tab: { id: i + 1 } })),
    );
    expect(Object.keys(stored()).sort()).toEqual(['demo:a', 'demo:b', 'demo:c', 'demo:d']);
  });

  it('refuses analysis when it has no engine', async () => {
    const handle = createMessageHandler({ ...setup().deps, analysis: undefined });
    expect(await handle(request, fromTab)).toEqual({ ok: false, error: 'no analysis' });
  });

  it('marks a badge only at warning levels', () => {
    expect(badgeFor(null).text).toBe('');
    expect(badgeFor({ level: 'low', alert: false }).text).toBe('');
    expect(badgeFor({ level: 'medium', alert: true }).text).toBe('!');
    expect(badgeFor({ level: 'critical', alert: true }).text).toBe('!!');
  });
});
