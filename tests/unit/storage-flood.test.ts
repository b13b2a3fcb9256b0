/**
 * Issue 15, point 3: a chat partner floods one chat with long flagged messages to push the evidence of another chat
 * (the real grooming conversation, the teen's own replies in it) out of storage, or to fill it so that new evidence
 * is not saved. Each conversation has a budget, long texts are kept as excerpts with the whole text's SHA-256, and the
 * size cap prunes the largest conversation's context first.
 */
import { describe, expect, it } from 'vitest';
import { createMessageHandler, type BackgroundDeps } from '../../lib/background/handler';
import { sha256Hex } from '../../lib/hash';
import { buildReport } from '../../lib/report/build';
import { applyStoragePolicy, enforceSizeCap, isFlagged, jsonSize, mergeScanReport, type ConversationMap, type ScanReport } from '../../lib/storage/conversations';
import { compactMessage, compactReport } from '../../lib/storage/excerpt';
import { MAX_STORED_TEXT, type StoredConversation, type StoredMessage } from '../../lib/storage/schema';
import type { AnalyzeMessages } from '../../lib/protocol';
import { fakeEngine } from './fake-engine';

const T0 = Date.UTC(2026, 0, 10);
const risk = { level: 'high' as const, score: 9, alert: true, categories: ['secrecy' as const], reasons: [] };
const ref = (key: string) => ({ key, site: 'demo', title: key, url: 'http://127.0.0.1/demo/' });

function finding(text: string, word: string) {
  const start = text.indexOf(word);
  return { ruleId: 'test', category: 'secrecy' as const, language: 'en' as const, weight: 5, start, end: start + word.length, matched: word, adviceKey: 'secrecy', selfCompliance: false };
}
function message(id: string, text: string, seenAt: number, flagWord?: string, from: 'self' | 'other' = 'other'): StoredMessage {
  return { id, from, text, seenAt, findings: flagWord ? [finding(text, flagWord)] : [] };
}

/** The real conversation: the teen's own replies around one flagged message. */
function realConversation(): ScanReport {
  const messages = Array.from({ length: 20 }, (_, i) => message(`r${i}`, i % 2 ? `my reply ${i}` : `their message ${i}`, T0 + i, undefined, i % 2 ? 'self' : 'other'));
  messages.push(message('r-flag', "don't tell your parents RISK", T0 + 50, 'RISK'));
  return { conversation: ref('demo:real'), messages, risk };
}

describe('a long message is kept as an excerpt with the whole text’s hash', () => {
  it('keeps the words around the first finding, moves the offsets, and hashes the whole text', async () => {
    const text = `${'a'.repeat(15_000)} send me a pic RISK now ${'b'.repeat(4_970)}`;
    const stored = await compactMessage(message('m', text, T0, 'RISK'));
    expect(stored.text.length).toBeLessThanOrEqual(MAX_STORED_TEXT);
    expect(stored.text.slice(stored.findings[0].start, stored.findings[0].end)).toBe('RISK');
    expect(stored.text).toContain('send me a pic RISK now');
    expect(stored.original).toEqual({ length: text.length, sha256: await sha256Hex(text), start: text.indexOf('RISK') - 200 });
    expect(text.slice(stored.original!.start, stored.original!.start + stored.text.length)).toBe(stored.text);
    // Short texts are kept whole.
    expect(await compactMessage(message('s', 'short RISK', T0, 'RISK'))).toEqual(message('s', 'short RISK', T0, 'RISK'));
  });

  it('the background stores excerpts, not 20,000-character texts', async () => {
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
      now: () => T0,
      analysis: {
        engineInputs: () => Promise.resolve({ settings: { sensitivity: 'balanced', disabledCategories: [], languages: ['en'], contextMessages: 5 }, customRules: [] }),
        createEngine: () => fakeEngine({ flag: 'RISK' }),
      },
    };
    const handle = createMessageHandler(deps);
    const request: AnalyzeMessages = {
      type: 'analyze-messages',
      scanId: 's',
      seq: 0,
      conversation: ref('demo:flood'),
      messages: [{ id: 'f', from: 'other', text: `RISK ${'x'.repeat(19_990)}` }],
    };
    await handle(request, { id: 'ours', tab: { id: 1 } });
    const kept = stored['demo:flood'].messages[0];
    expect(kept.text.length).toBe(MAX_STORED_TEXT);
    expect(kept.original?.length).toBe(19_995);
    expect(kept.findings.map((f) => f.matched)).toEqual(['RISK']);
  });
});

describe('a flood in one chat cannot push out another chat’s evidence', () => {
  it('keeps every message of the real conversation while one chat floods, and says what the flood could not keep', async () => {
    const budget = 120_000;
    const cap = 400_000;
    let map = mergeScanReport({}, await compactReport(realConversation()), T0, budget);
    const before = map['demo:real'];
    for (let i = 0; i < 300; i++) {
      const flood: ScanReport = {
        conversation: ref('demo:flood'),
        messages: [message(`f${i}`, `RISK ${i} ${'spam '.repeat(3_999)}`, T0 + 100 + i, 'RISK'), message(`p${i}`, `filler ${i}`, T0 + 100 + i)],
        risk,
      };
      map = applyStoragePolicy(mergeScanReport(map, await compactReport(flood), T0 + 100 + i, budget), 30, T0 + 100 + i, cap);
    }
    // The real conversation is whole: its flagged message and every reply of the teen.
    expect(map['demo:real'].messages).toEqual(before.messages);
    // The flood stayed within its share: its first flagged messages are kept, and the rest is counted, not hidden.
    const flood = map['demo:flood'];
    expect(jsonSize(flood)).toBeLessThanOrEqual(budget);
    expect(flood.messages.filter(isFlagged)[0].id).toBe('f0');
    expect(flood.overBudget?.messages).toBeGreaterThan(0);
    expect(flood.overBudget!.messages + flood.messages.filter(isFlagged).length).toBe(300);
    const built = await buildReport([flood], { language: 'en', generator: 'extension', now: T0 + 1_000, timeZone: 'UTC' });
    expect(built.conversations[0].notKept?.messages).toBe(flood.overBudget?.messages);
    // A new conversation's evidence is still saved.
    const later = mergeScanReport(map, { conversation: ref('demo:new'), messages: [message('n1', 'RISK again', T0 + 5_000, 'RISK')], risk }, T0 + 5_000, budget);
    expect(later['demo:new'].messages).toHaveLength(1);
  });

  it('the size cap prunes the context of the conversation taking the most space first, not the oldest messages of all', () => {
    const conversation = (key: string, messages: StoredMessage[]): StoredConversation => ({
      ...ref(key),
      firstSeen: T0,
      updatedAt: T0,
      risk,
      peakLevel: 'high',
      saved: false,
      savedAt: null,
      messages,
    });
    // The real chat's context is older than the big chat's, which the old policy (oldest first, everywhere) pruned.
    const real = conversation('demo:real', [...Array.from({ length: 10 }, (_, i) => message(`r${i}`, `reply ${i}`, T0 + i)), message('rf', 'RISK', T0 + 20, 'RISK')]);
    const big = conversation(
      'demo:big',
      Array.from({ length: 200 }, (_, i) => message(`b${i}`, `${'chatter '.repeat(50)}${i}`, T0 + 1_000 + i)),
    );
    const map: ConversationMap = { [real.key]: real, [big.key]: big };
    const result = enforceSizeCap(map, jsonSize(map) - 20_000);
    expect(result.prunedMessages).toBeGreaterThan(0);
    expect(result.value['demo:real'].messages).toHaveLength(11);
    expect(result.value['demo:big'].messages.length).toBeLessThan(200);
  });
});
