/** Stored conversations, settings, dismissals and the PIN lock: pure operations and the typed items. */
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import {
  applyRetention,
  applyStoragePolicy,
  deleteConversations,
  enforceSizeCap,
  jsonSize,
  markSaved,
  mergeScanReport,
  type ConversationMap,
  type ScanReport,
} from '../../lib/storage/conversations';
import {
  loadDismissals,
  loadPinLock,
  loadSettings,
  loadUserSettings,
  deleteDismissals,
  savePinLock,
  updateSettings,
  setTabState,
  loadTabStates,
  // The background records the content script's presses of "I'm OK"; the report page reads and deletes them.
  recordDismissal,
} from '../../lib/storage/items';
import { parseDismissals } from '../../lib/storage/parse';
import { DEFAULT_SETTINGS, type StoredConversation, type StoredMessage } from '../../lib/storage/schema';
import { fakePolice } from '../fixtures/report/conversations';

const DAY = 86_400_000;
const NOW = Date.UTC(2025, 7, 1);

function plain(id: string, seenAt: number, text = 'hello there'): StoredMessage {
  return { id, from: 'other', text, seenAt, findings: [] };
}

function conversation(key: string, messages: StoredMessage[], extra: Partial<StoredConversation> = {}): StoredConversation {
  return { ...fakePolice, key, saved: false, savedAt: null, updatedAt: NOW, messages, ...extra };
}

const flaggedMessage = fakePolice.messages[2];

describe('merging and saving', () => {
  const report: ScanReport = { conversation: { key: 'demo:a', site: 'demo', title: 'A', url: 'http://127.0.0.1/demo/' }, messages: [flaggedMessage], risk: fakePolice.risk };

  it('starts unsaved, and "Save for a report" records when', () => {
    const merged = mergeScanReport({}, report, NOW);
    expect(merged['demo:a']).toMatchObject({ saved: false, savedAt: null, firstSeen: NOW });
    const saved = markSaved(merged, 'demo:a', NOW + 5);
    expect(saved['demo:a']).toMatchObject({ saved: true, savedAt: NOW + 5 });
    // Saving again keeps the first time; a later scan keeps both.
    expect(markSaved(saved, 'demo:a', NOW + 99)['demo:a'].savedAt).toBe(NOW + 5);
    expect(mergeScanReport(saved, report, NOW + 100)['demo:a']).toMatchObject({ saved: true, savedAt: NOW + 5 });
  });

  it('deletes one conversation or everything', () => {
    const map: ConversationMap = { a: conversation('a', []), b: conversation('b', []) };
    expect(Object.keys(deleteConversations(map, ['a']))).toEqual(['b']);
    expect(deleteConversations(map, 'all')).toEqual({});
    expect(Object.keys(map)).toEqual(['a', 'b']);
  });
});

describe('retention', () => {
  it('removes old plain conversations, prunes old context first, and keeps flagged evidence and saved conversations', () => {
    const old = NOW - 40 * DAY;
    const map: ConversationMap = {
      plain: conversation('plain', [plain('p', old)], { updatedAt: old }),
      evidence: conversation('evidence', [plain('c-old', old), { ...flaggedMessage, seenAt: old }, plain('c-new', NOW)], { updatedAt: old }),
      saved: conversation('saved', [plain('s', old)], { updatedAt: old, saved: true, savedAt: old }),
    };
    const kept = applyRetention(map, 30, NOW);
    expect(Object.keys(kept).sort()).toEqual(['evidence', 'saved']);
    expect(kept.evidence.messages.map((m) => m.id)).toEqual([flaggedMessage.id, 'c-new']);
    expect(kept.saved.messages.map((m) => m.id)).toEqual(['s']);
  });
});

describe('size cap', () => {
  const big = 'x'.repeat(1000);

  it('does nothing under the cap', () => {
    const map: ConversationMap = { a: conversation('a', [plain('1', 1, big)]) };
    expect(enforceSizeCap(map, 1_000_000)).toMatchObject({ value: map, prunedMessages: 0, overCap: false });
  });

  it('prunes the oldest plain context first, unsaved conversations before saved ones, never flagged messages', () => {
    const map: ConversationMap = {
      saved: conversation('saved', [plain('s1', 1, big), plain('s2', 2, big)], { saved: true, savedAt: 1 }),
      other: conversation('other', [plain('o1', 5, big), { ...flaggedMessage, text: big, seenAt: 0 }, plain('o2', 6, big)]),
      gone: conversation('gone', [plain('g1', 3, big)]),
    };
    const full = jsonSize(map);
    const result = enforceSizeCap(map, full - 2500);
    // g1, o1, o2 (unsaved context, oldest first) are enough: the saved conversation's context stays.
    expect(result.prunedMessages).toBe(3);
    expect(result.value.other.messages.map((m) => m.id)).toEqual([flaggedMessage.id]);
    expect(result.value.gone).toBeUndefined();
    expect(result.value.saved.messages.map((m) => m.id)).toEqual(['s1', 's2']);
    expect(result.overCap).toBe(false);
  });

  it('keeps flagged evidence even when it alone is over the cap, and says so', () => {
    const map: ConversationMap = { a: conversation('a', [{ ...flaggedMessage, text: big }, plain('c', 1, big)]) };
    const result = enforceSizeCap(map, 100);
    expect(result.value.a.messages.map((m) => m.id)).toEqual([flaggedMessage.id]);
    expect(result.overCap).toBe(true);
  });

  it('is applied after retention by the storage policy', () => {
    const map: ConversationMap = { a: conversation('a', [{ ...flaggedMessage }, plain('c', NOW, big)]) };
    expect(applyStoragePolicy(map, 30, NOW, 200).a.messages.map((m) => m.id)).toEqual([flaggedMessage.id]);
  });
});

describe('dismissals', () => {
  it('keeps valid entries and reports the rest', () => {
    const { value, problems } = parseDismissals({ a: [{ level: 'high', at: 1, kind: 'ok' }, { level: 'nope', at: 2, kind: 'ok' }, { level: 'high', at: 3, kind: 'waved' }], b: 'x' });
    expect(value).toEqual({ a: [{ level: 'high', at: 1, kind: 'ok' }] });
    expect(problems).toHaveLength(2);
  });
});

describe('storage items', () => {
  beforeEach(() => fakeBrowser.reset());

  it('records and deletes dismissals', async () => {
    await recordDismissal('demo:a', 'medium', 'ok', 10);
    await recordDismissal('demo:a', 'high', 'close', 20);
    await recordDismissal('demo:b', 'high', 'escape', 30);
    expect((await loadDismissals()).value['demo:a']).toEqual([
      { level: 'medium', at: 10, kind: 'ok' },
      { level: 'high', at: 20, kind: 'close' },
    ]);
    await deleteDismissals(['demo:a']);
    expect(Object.keys((await loadDismissals()).value)).toEqual(['demo:b']);
    await deleteDismissals('all');
    expect((await loadDismissals()).value).toEqual({});
  });

  it('applies the administrator policy over the user settings without writing it into them', async () => {
    await updateSettings(() => ({ sensitivity: 'relaxed', retentionDays: 7 }));
    await fakeBrowser.storage.managed.set({ sensitivity: 'cautious', retentionDays: 'forever', watchedSites: ['chat.school.example'] });
    const { value, problems } = await loadSettings();
    expect(value.sensitivity).toBe('cautious');
    expect(value.retentionDays).toBe(7);
    expect(value.watchedSites).toEqual(['chat.school.example']);
    expect(problems).toEqual(['policy "retentionDays" is invalid and was ignored']);
    expect((await loadUserSettings()).value.sensitivity).toBe('relaxed');
  });

  it('reads settings with defaults when nothing is stored, and resets only invalid fields', async () => {
    expect((await loadSettings()).value).toEqual(DEFAULT_SETTINGS);
    await fakeBrowser.storage.local.set({ settings: { sensitivity: 'loud', retentionDays: 90 } });
    const { value, problems } = await loadUserSettings();
    expect(value).toMatchObject({ sensitivity: 'balanced', retentionDays: 90 });
    expect(problems).toEqual(['setting "sensitivity" was invalid and was reset to its default']);
  });

  it('stores the PIN lock validated, and reports a damaged one instead of trusting it', async () => {
    expect(await loadPinLock()).toEqual({ lock: null, unreadable: false });
    const lock = { algorithm: 'PBKDF2-SHA-256' as const, iterations: 600_000, salt: 'c2FsdHNhbHRzYWx0c2FsdA==', hash: 'aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=', createdAt: 1 };
    await savePinLock(lock);
    expect(await loadPinLock()).toEqual({ lock, unreadable: false });
    await fakeBrowser.storage.local.set({ 'pin-lock': { algorithm: 'plain', pin: '1234' } });
    expect(await loadPinLock()).toEqual({ lock: null, unreadable: true });
  });

  it('keeps per-tab popup state in the session area', async () => {
    await setTabState(3, { conversationKey: 'demo:a', risk: fakePolice.risk });
    expect(Object.keys(await loadTabStates())).toEqual(['3']);
    await setTabState(3, null);
    expect(await loadTabStates()).toEqual({});
  });
});
