/** The background treats content-script messages as untrusted input. */
import { describe, expect, it } from 'vitest';
import { badgeFor, createMessageHandler, type BackgroundDeps, type TabState } from '../../lib/background/handler';
import { parseSentences } from '../../lib/engine/sentences';
import { ParseSentencesResponseSchema } from '../../lib/protocol';
import type { ConversationMap } from '../../lib/storage/conversations';
import type { ScanReport } from '../../lib/protocol';

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
    parseSentences,
  };
  return { handle: createMessageHandler(deps), deps, stored: () => stored, badges, tabStates };
}

const risk = { level: 'high' as const, score: 11, alert: true, categories: ['secrecy' as const], reasons: [] };
const report: ScanReport = {
  type: 'scan-report',
  conversation: { key: 'demo:x', site: 'demo', title: 'X', url: 'http://127.0.0.1/demo/' },
  messages: [
    {
      id: 'm1',
      from: 'other',
      text: "don't tell your parents",
      findings: [
        { ruleId: 'en-secrecy', category: 'secrecy', language: 'en', weight: 3, start: 0, end: 23, matched: "don't tell your parents", adviceKey: 'secrecy', selfCompliance: false },
      ],
      seenAt: 1,
    },
  ],
  risk,
};
const fromTab = { id: 'our-extension', tab: { id: 7 } };

describe('background message handler', () => {
  it('stores a valid scan report, badges the tab and records its state', async () => {
    const { handle, stored, badges, tabStates } = setup();
    expect(await handle(report, fromTab)).toEqual({ ok: true });
    expect(stored()['demo:x'].messages[0].findings[0].category).toBe('secrecy');
    expect(badges).toContainEqual([7, '!!']);
    expect(tabStates.get(7)?.conversationKey).toBe('demo:x');
  });

  it('drops messages from other extensions or from outside a tab', async () => {
    const { handle, stored } = setup();
    expect(await handle(report, { id: 'someone-else', tab: { id: 7 } })).toEqual({ ok: false, error: 'unknown sender' });
    expect(await handle(report, { id: 'our-extension' })).toMatchObject({ ok: false });
    expect(stored()).toEqual({});
  });

  it('drops unknown message types and malformed payloads', async () => {
    const { handle, stored } = setup();
    expect(await handle({ type: 'delete-everything' }, fromTab)).toEqual({ ok: false, error: 'invalid message' });
    expect(await handle({ ...report, risk: { ...risk, level: 'apocalyptic' } }, fromTab)).toMatchObject({ ok: false });
    expect(await handle({ ...report, extra: 'field' }, fromTab)).toMatchObject({ ok: false });
    expect(await handle({ ...report, messages: [{ ...report.messages[0], text: 'x'.repeat(30_000) }] }, fromTab)).toMatchObject({ ok: false });
    expect(await handle('scan-report', fromTab)).toMatchObject({ ok: false });
    expect(stored()).toEqual({});
  });

  it('parses sentences for a content script, one list per text, and stores nothing', async () => {
    const { handle, stored } = setup();
    const texts = ['I would never ask you to keep secrets. Ok?', 'are u home alone'];
    const answer = await handle({ type: 'parse-sentences', texts }, fromTab);
    expect(answer).toEqual({ ok: true, sentences: texts.map((text) => parseSentences(text)) });
    // What the content script checks the answer against.
    expect(ParseSentencesResponseSchema.safeParse(answer).success).toBe(true);
    if (answer.ok && 'sentences' in answer) {
      expect(answer.sentences[0]).toHaveLength(2);
      expect(answer.sentences[0][0].negations).toEqual([texts[0].indexOf('never')]);
      expect(answer.sentences[1][0].isQuestion).toBe(true);
    }
    expect(stored()).toEqual({});
  });

  it('answers an error when it has no sentence parser', async () => {
    const handle = createMessageHandler({ ...setup().deps, parseSentences: undefined });
    expect(await handle({ type: 'parse-sentences', texts: ['hi'] }, fromTab)).toEqual({ ok: false, error: 'no sentence parser' });
  });

  it('clears the badge when the open conversation has no warning', async () => {
    const { handle, badges } = setup();
    await handle({ type: 'conversation-shown', conversationKey: 'demo:y', risk: { ...risk, level: 'low', alert: false } }, fromTab);
    expect(badges.at(-1)).toEqual([7, '']);
  });

  it('serialises concurrent reports so none is lost', async () => {
    const { handle, stored } = setup();
    await Promise.all(
      ['a', 'b', 'c', 'd'].map((k) => handle({ ...report, conversation: { ...report.conversation, key: `demo:${k}` } }, fromTab)),
    );
    expect(Object.keys(stored()).sort()).toEqual(['demo:a', 'demo:b', 'demo:c', 'demo:d']);
  });

  it('marks a badge only at warning levels', () => {
    expect(badgeFor(null).text).toBe('');
    expect(badgeFor({ level: 'low', alert: false }).text).toBe('');
    expect(badgeFor({ level: 'medium', alert: true }).text).toBe('!');
    expect(badgeFor({ level: 'critical', alert: true }).text).toBe('!!');
  });
});
