/**
 * Issue 15, point 1: a chat partner edits (or "recalls") a flagged message in place, keeping its id, to erase the
 * evidence. Storage keeps every version, the first one first; a message that had findings is never downgraded; the
 * conversation stays in the default report view and retention keeps it; the report shows both texts, and says
 * the message was edited after it was stored. Also the title history (point 7): a chat renamed under the same key.
 */
import { describe, expect, it } from 'vitest';
import { createMessageHandler, type BackgroundDeps } from '../../lib/background/handler';
import { buildReport } from '../../lib/report/build';
import { hasEvidence, filterConversations } from '../../lib/report/filter';
import { toPrintableHtml } from '../../lib/report/html';
import { toJson } from '../../lib/report/json';
import { verifyReport } from '../../lib/report/verify';
import { applyRetention, flaggedConversations, isFlagged, mergeScanReport, type ConversationMap, type ScanReport } from '../../lib/storage/conversations';
import { MAX_EDITS, type StoredMessage } from '../../lib/storage/schema';
import type { AnalyzeMessages } from '../../lib/protocol';
import { fakeEngine } from './fake-engine';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 10);
const ref = { key: 'demo:x', site: 'demo', title: 'X', url: 'http://127.0.0.1/demo/' };
const risk = { level: 'high' as const, score: 9, alert: true, categories: ['secrecy' as const], reasons: [] };

function finding(text: string, word: string) {
  const start = text.indexOf(word);
  return { ruleId: 'test', category: 'secrecy' as const, language: 'en' as const, weight: 5, start, end: start + word.length, matched: word, adviceKey: 'secrecy', selfCompliance: false };
}

function message(id: string, text: string, seenAt: number, flagWord?: string): StoredMessage {
  return { id, from: 'other', text, seenAt, findings: flagWord ? [finding(text, flagWord)] : [] };
}

const report = (messages: StoredMessage[], title = 'X'): ScanReport => ({ conversation: { ...ref, title }, messages, risk });

/** The background (handler, analysis service, session) with storage in memory and an engine that flags "RISK". */
function background(now: () => number) {
  let stored: ConversationMap = {};
  const deps: BackgroundDeps = {
    extensionId: 'ours',
    loadConversations: () => Promise.resolve(stored),
    saveConversations: (c) => {
      stored = c;
      return Promise.resolve();
    },
    retentionDays: () => Promise.resolve(30),
    setBadge: () => Promise.resolve(),
    setTabState: () => Promise.resolve(),
    now,
    analysis: {
      engineInputs: () => Promise.resolve({ settings: { sensitivity: 'balanced', disabledCategories: [], languages: ['en'], contextMessages: 5 }, customRules: [] }),
      createEngine: () => fakeEngine({ flag: 'RISK' }),
    },
  };
  const handle = createMessageHandler(deps);
  const read = (scanId: string, seq: number, messages: Array<[string, string]>) => {
    const request: AnalyzeMessages = { type: 'analyze-messages', scanId, seq, conversation: ref, messages: messages.map(([id, text]) => ({ id, from: 'other', text })) };
    return handle(request, { id: 'ours', tab: { id: 1 } });
  };
  return { read, stored: () => stored };
}

describe('an edited message keeps every version (mergeScanReport)', () => {
  it('keeps the flagged first version and its findings when the edit is harmless, and adds the edit', () => {
    const first = mergeScanReport({}, report([message('m1', 'this is RISK talk', T0, 'RISK')]), T0);
    const edited = mergeScanReport(first, report([message('m1', 'see you tomorrow', T0 + 60_000)]), T0 + 60_000);
    const m1 = edited['demo:x'].messages[0];
    expect(m1.text).toBe('this is RISK talk');
    expect(m1.findings).toHaveLength(1);
    expect(m1.seenAt).toBe(T0);
    expect(m1.edits).toEqual([{ text: 'see you tomorrow', findings: [], seenAt: T0 + 60_000 }]);
    expect(isFlagged(m1)).toBe(true);
    // Still in the default report view and the popup, and retention keeps it long after.
    expect(hasEvidence(edited['demo:x'])).toBe(true);
    expect(filterConversations(Object.values(edited), {}).map((c) => c.key)).toEqual(['demo:x']);
    expect(flaggedConversations(edited)).toHaveLength(1);
    expect(applyRetention(edited, 30, T0 + 400 * DAY)['demo:x'].messages).toHaveLength(1);
  });

  it('never downgrades: the same text read again without findings keeps them', () => {
    const first = mergeScanReport({}, report([message('m1', 'this is RISK talk', T0, 'RISK')]), T0);
    const again = mergeScanReport(first, report([message('m1', 'this is RISK talk', T0 + 5)]), T0 + 5);
    expect(again['demo:x'].messages[0].findings).toHaveLength(1);
    expect(again['demo:x'].messages[0].edits).toBeUndefined();
  });

  it('flags a message whose later version has findings, and reading the latest version again adds nothing', () => {
    let map = mergeScanReport({}, report([message('m1', 'hello', T0)]), T0);
    map = mergeScanReport(map, report([message('m1', 'now RISK', T0 + 1, 'RISK')]), T0 + 1);
    map = mergeScanReport(map, report([message('m1', 'now RISK', T0 + 2, 'RISK')]), T0 + 2);
    const m1 = map['demo:x'].messages[0];
    expect(m1.text).toBe('hello');
    expect(m1.edits?.map((e) => e.text)).toEqual(['now RISK']);
    expect(isFlagged(m1)).toBe(true);
  });

  it('keeps a bounded number of versions: the first, the latest and those with findings stay', () => {
    let map = mergeScanReport({}, report([message('m1', 'v0', T0)]), T0);
    map = mergeScanReport(map, report([message('m1', 'v1 RISK', T0 + 1, 'RISK')]), T0 + 1);
    for (let i = 2; i < 60; i++) map = mergeScanReport(map, report([message('m1', `v${i}`, T0 + i)]), T0 + i);
    const m1 = map['demo:x'].messages[0];
    expect(m1.edits).toHaveLength(MAX_EDITS);
    expect(m1.text).toBe('v0');
    expect(m1.edits?.[0].text).toBe('v1 RISK');
    expect(m1.edits?.at(-1)?.text).toBe('v59');
  });

  it('records every title a conversation was shown under (a chat renamed to look like another one)', () => {
    let map = mergeScanReport({}, report([message('m1', 'RISK', T0, 'RISK')], 'Stranger'), T0);
    map = mergeScanReport(map, report([message('m2', 'hi', T0 + 1)], 'Mẹ'), T0 + 1);
    expect(map['demo:x'].title).toBe('Mẹ');
    expect(map['demo:x'].titles).toEqual([
      { title: 'Stranger', at: T0 },
      { title: 'Mẹ', at: T0 + 1 },
    ]);
  });
});

describe('an edit after a reload, through the background', () => {
  it('stores the edit next to the flagged version instead of replacing it, also when nothing else is flagged', async () => {
    let now = T0;
    const bg = background(() => now);
    await bg.read('s1', 0, [
      ['m1', 'this is RISK talk'],
      ['m2', 'ok'],
    ]);
    expect(bg.stored()['demo:x'].messages.map((m) => m.id)).toEqual(['m1', 'm2']);

    // The page reloads (a new scan) after the sender rewrote m1; another flagged message follows, so the edited m1
    // is kept as its context (the path that used to replace the stored text).
    now += 60_000;
    await bg.read('s2', 0, [
      ['m1', 'see you tomorrow'],
      ['m3', 'more RISK'],
    ]);
    let m1 = bg.stored()['demo:x'].messages.find((m) => m.id === 'm1')!;
    expect(m1.text).toBe('this is RISK talk');
    expect(m1.findings.map((f) => f.matched)).toEqual(['RISK']);
    expect(m1.edits?.map((e) => [e.text, e.seenAt])).toEqual([['see you tomorrow', now]]);

    // A third load, the message rewritten again, nothing else flagged: the background still records the edit.
    now += 60_000;
    await bg.read('s3', 0, [['m1', 'nothing to see']]);
    m1 = bg.stored()['demo:x'].messages.find((m) => m.id === 'm1')!;
    expect(m1.edits?.map((e) => e.text)).toEqual(['see you tomorrow', 'nothing to see']);
  });

  it('the report shows the first text, every edit and says the message was edited; the export verifies', async () => {
    let map = mergeScanReport({}, report([message('m1', 'this is RISK talk', T0, 'RISK')]), T0);
    map = mergeScanReport(map, report([message('m1', 'see you tomorrow', T0 + 60_000)]), T0 + 60_000);
    const built = await buildReport(Object.values(map), { language: 'en', generator: 'extension', now: T0 + DAY, timeZone: 'UTC' });
    const m1 = built.conversations[0].messages[0];
    expect(m1).toMatchObject({ text: 'this is RISK talk', flagged: true });
    expect(m1.findings.map((f) => f.matched)).toEqual(['RISK']);
    expect(m1.edits).toEqual([{ seenAt: new Date(T0 + 60_000).toISOString(), text: 'see you tomorrow', flagged: false, findings: [] }]);
    const json = await toJson(built);
    expect((await verifyReport(json, 'r.json')).ok).toBe(true);
    // An edit removed from the exported file is noticed.
    const tampered = JSON.parse(json) as typeof built;
    delete tampered.conversations[0].messages[0].edits;
    expect((await verifyReport(JSON.stringify(tampered), 'r.json')).ok).toBe(false);
    const html = await toPrintableHtml(built);
    expect(html).toContain('Edited after it was stored');
    expect(html).toContain('see you tomorrow');
    expect((await verifyReport(html, 'r.html')).ok).toBe(true);
  });
});
