/**
 * Issue 15, point 7: retention ran only when a scan stored something new, so a browser that never opened a chat
 * again kept old plain context for ever. The background now applies the storage policy at start and on a daily
 * alarm (`maintainStorage`), without a scan, and never touches flagged evidence or saved conversations.
 */
import { describe, expect, it } from 'vitest';
import { createMessageHandler, type BackgroundDeps } from '../../lib/background/handler';
import type { ConversationMap } from '../../lib/storage/conversations';
import type { StoredConversation, StoredMessage } from '../../lib/storage/schema';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 10);
const risk = { level: 'none' as const, score: 0, alert: false, categories: [], reasons: [] };

function conversation(key: string, messages: StoredMessage[], saved = false): StoredConversation {
  return { key, site: 'demo', title: key, url: '', firstSeen: T0, updatedAt: T0, risk, peakLevel: 'none', saved, savedAt: saved ? T0 : null, messages };
}
const plain = (id: string): StoredMessage => ({ id, from: 'other', text: 'hello', seenAt: T0, findings: [] });
const flagged: StoredMessage = {
  id: 'f',
  from: 'other',
  text: 'RISK',
  seenAt: T0,
  findings: [{ ruleId: 'test', category: 'secrecy', language: 'en', weight: 5, start: 0, end: 4, matched: 'RISK', adviceKey: 'secrecy', selfCompliance: false }],
};

function setup(stored: ConversationMap, now: number) {
  let value = stored;
  let writes = 0;
  const deps: BackgroundDeps = {
    extensionId: 'ours',
    loadConversations: () => Promise.resolve(value),
    saveConversations: (c) => {
      value = c;
      writes++;
      return Promise.resolve();
    },
    retentionDays: () => Promise.resolve(30),
    setBadge: () => Promise.resolve(),
    setTabState: () => Promise.resolve(),
    now: () => now,
  };
  return { handler: createMessageHandler(deps), stored: () => value, writes: () => writes };
}

describe('storage maintenance without a scan', () => {
  it('removes conversations past retention, keeps evidence and saved ones, and writes nothing when nothing changed', async () => {
    const old: ConversationMap = {
      'demo:plain': conversation('demo:plain', [plain('p')]),
      'demo:evidence': conversation('demo:evidence', [plain('c'), flagged]),
      'demo:saved': conversation('demo:saved', [plain('s')], true),
    };
    const { handler, stored, writes } = setup(old, T0 + 31 * DAY);
    await handler.maintainStorage();
    expect(Object.keys(stored()).sort()).toEqual(['demo:evidence', 'demo:saved']);
    expect(stored()['demo:evidence'].messages.map((m) => m.id)).toEqual(['f']);
    expect(writes()).toBe(1);
    await handler.maintainStorage();
    expect(writes()).toBe(1);
  });
});
