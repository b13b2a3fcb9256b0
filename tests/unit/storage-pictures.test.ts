/**
 * Issue 15, point 7: a chat partner takes exactly the name of another chat of the user's ("Mẹ") on an app that keys
 * chats by name (WhatsApp's current DOM, Zalo), so their chat is stored in that chat's record. The record keeps the
 * fingerprints of the header pictures it was shown with and each message keeps the one it was read under; the JSON
 * and printable reports say when there were two or more and mark every message. Nothing is split: a picture that
 * appears late (lazy loading) is the same chat. The picture's address itself is never stored.
 */
import { describe, expect, it } from 'vitest';
import { createMessageHandler, type BackgroundDeps } from '../../lib/background/handler';
import { ChatSession } from '../../lib/background/session';
import { buildReport } from '../../lib/report/build';
import { toPrintableHtml } from '../../lib/report/html';
import { toJson } from '../../lib/report/json';
import { ReportSchema } from '../../lib/report/schema';
import { verifyReport } from '../../lib/report/verify';
import { mergeScanReport, type ConversationMap, type ScanReport } from '../../lib/storage/conversations';
import { keyedByName, numberedPictures, pictureFingerprint } from '../../lib/storage/pictures';
import { StoredConversationSchema, type StoredMessage } from '../../lib/storage/schema';
import type { AnalyzeMessages, PageConversation } from '../../lib/protocol';
import { fakeEngine } from './fake-engine';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 10);
const MOM_PICTURE = 'https://pps.whatsapp.net/v/t61.24694-24/418223301_1098736154716412_5208127710921655001_n.jpg';
const STRANGER_PICTURE = 'https://pps.whatsapp.net/v/t61.24694-24/473398116_1290413505327751_6187345501093771204_n.jpg';
const page = (avatar?: string): PageConversation => ({ key: 'whatsapp:name:Mẹ', site: 'whatsapp', title: 'Mẹ', url: 'https://web.whatsapp.com/', ...(avatar ? { avatar } : {}) });
const risk = { level: 'high' as const, score: 9, alert: true, categories: ['secrecy' as const], reasons: [] };

function finding(text: string, word: string) {
  const start = text.indexOf(word);
  return { ruleId: 'test', category: 'secrecy' as const, language: 'en' as const, weight: 5, start, end: start + word.length, matched: word, adviceKey: 'secrecy', selfCompliance: false };
}

function message(id: string, text: string, seenAt: number, picture?: string): StoredMessage {
  return { id, from: 'other', text, seenAt, findings: text.includes('RISK') ? [finding(text, 'RISK')] : [], ...(picture ? { picture } : {}) };
}

const { key: _key, ...noKey } = page();
const scan = (messages: StoredMessage[], picture?: string): ScanReport => ({ conversation: { key: 'whatsapp:name:Mẹ', ...noKey }, messages, risk, ...(picture ? { picture } : {}) });

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
  const read = (scanId: string, seq: number, avatar: string | undefined, messages: Array<[string, string]>) => {
    const request: AnalyzeMessages = { type: 'analyze-messages', scanId, seq, conversation: page(avatar), messages: messages.map(([id, text]) => ({ id, from: 'other', text })) };
    return handle(request, { id: 'ours', tab: { id: 1 } });
  };
  return { read, stored: () => stored };
}

describe('a chat keyed by its name that another chat takes over', () => {
  it('knows which keys are names (from a page, not from an export file)', () => {
    expect(keyedByName('whatsapp:name:Mẹ')).toBe(true);
    expect(keyedByName('zalo:name:Lớp 12A1')).toBe(true);
    expect(keyedByName('whatsapp:120363403498637789@g.us')).toBe(false);
    expect(keyedByName('messenger:name:x')).toBe(true);
    expect(keyedByName('whatsapp-export:name:chat.txt')).toBe(false);
  });

  it('through the background: records both pictures, each message with its own, and never the address', async () => {
    let now = T0;
    const bg = background(() => now);
    // Mom's chat: a flagged message and its context, read under her picture.
    await bg.read('s1', 0, MOM_PICTURE, [
      ['m1', 'hi sweetie'],
      ['m2', 'this is RISK talk'],
    ]);
    // Later a stranger renames themselves "Mẹ": their chat lands under the same key, with another picture.
    now += DAY;
    await bg.read('s2', 0, STRANGER_PICTURE, [['x1', 'RISK: send me the code, do not tell anyone']]);
    const record = bg.stored()['whatsapp:name:Mẹ'];
    const mom = await pictureFingerprint(MOM_PICTURE);
    const stranger = await pictureFingerprint(STRANGER_PICTURE);
    expect(mom).toMatch(/^[0-9a-f]{16}$/);
    expect(record.pictures).toEqual([
      { fingerprint: mom, at: T0 },
      { fingerprint: stranger, at: T0 + DAY },
    ]);
    expect(record.messages.map((m) => [m.id, m.picture])).toEqual([
      ['m1', mom],
      ['m2', mom],
      ['x1', stranger],
    ]);
    // Nothing of the address is stored (it can carry the CDN's tokens), and the record stays valid.
    expect(JSON.stringify(bg.stored())).not.toContain('pps.whatsapp.net');
    expect(StoredConversationSchema.safeParse(record).success).toBe(true);
  });

  it('records a new picture even when the read stores no new message', async () => {
    let now = T0;
    const bg = background(() => now);
    await bg.read('s1', 0, MOM_PICTURE, [['m1', 'RISK']]);
    now += 1000;
    await bg.read('s1', 1, STRANGER_PICTURE, [['m1', 'RISK']]);
    expect(bg.stored()['whatsapp:name:Mẹ'].pictures?.map((p) => p.at)).toEqual([T0, T0 + 1000]);
  });

  it('a picture that only appears later (lazy loading) does not split the chat or count as a second picture', async () => {
    let now = T0;
    const bg = background(() => now);
    await bg.read('s1', 0, undefined, [['m1', 'RISK one']]);
    now += 1000;
    await bg.read('s1', 1, MOM_PICTURE, [['m2', 'RISK two']]);
    const stored = bg.stored();
    expect(Object.keys(stored)).toEqual(['whatsapp:name:Mẹ']);
    const record = stored['whatsapp:name:Mẹ'];
    expect(record.messages.map((m) => m.picture)).toEqual([undefined, await pictureFingerprint(MOM_PICTURE)]);
    expect(numberedPictures(record)).toHaveLength(1);
    const built = await buildReport([record], { language: 'en', generator: 'extension', now: T0 + DAY, timeZone: 'UTC' });
    expect(built.conversations[0].keyedByName?.pictures).toHaveLength(1);
    expect(built.conversations[0].messages.every((m) => !('picture' in m))).toBe(true);
    expect(await toPrintableHtml(built)).not.toContain('different profile pictures');
  });

  it('a chat keyed by an id keeps no picture, whatever the page sends', async () => {
    const session = new ChatSession(fakeEngine({ flag: 'RISK' }), 5, () => T0);
    const update = await session.process({ key: 'whatsapp:123@c.us', site: 'whatsapp', title: 'Mẹ', url: 'https://web.whatsapp.com/', avatar: MOM_PICTURE }, [{ id: 'm1', from: 'other', text: 'RISK' }]);
    expect(update.report?.picture).toBeUndefined();
    expect(update.report?.messages[0]).not.toHaveProperty('picture');
    expect(update.report?.conversation).not.toHaveProperty('avatar');
  });

  it('an edit read under another picture keeps that picture next to the edit', () => {
    let map = mergeScanReport({}, scan([message('m1', 'RISK here', T0, 'aaaaaaaaaaaaaaaa')], 'aaaaaaaaaaaaaaaa'), T0);
    map = mergeScanReport(map, scan([message('m1', 'harmless', T0 + 1, 'bbbbbbbbbbbbbbbb')], 'bbbbbbbbbbbbbbbb'), T0 + 1);
    const m1 = map['whatsapp:name:Mẹ'].messages[0];
    expect(m1.picture).toBe('aaaaaaaaaaaaaaaa');
    expect(m1.edits?.[0].picture).toBe('bbbbbbbbbbbbbbbb');
  });

  it('the JSON and printable reports say the chat had two pictures and mark each message; the exports verify', async () => {
    const [mom, stranger] = ['1111111111111111', '2222222222222222'];
    let map = mergeScanReport({}, scan([message('m1', 'hi sweetie', T0, mom), message('m2', 'RISK talk', T0, mom)], mom), T0);
    map = mergeScanReport(map, scan([message('n1', 'read before the picture loaded', T0 + DAY)]), T0 + DAY);
    map = mergeScanReport(map, scan([message('x1', 'RISK send the code', T0 + 2 * DAY, stranger)], stranger), T0 + 2 * DAY);
    const built = await buildReport(Object.values(map), { language: 'en', generator: 'extension', now: T0 + 3 * DAY, timeZone: 'UTC', contextMessages: null });
    const conversation = built.conversations[0];
    expect(conversation.keyedByName).toEqual({
      pictures: [
        { number: 1, fingerprint: mom, firstSeen: new Date(T0).toISOString() },
        { number: 2, fingerprint: stranger, firstSeen: new Date(T0 + 2 * DAY).toISOString() },
      ],
    });
    expect(conversation.messages.map((m) => [m.id, m.picture])).toEqual([
      ['m1', 1],
      ['m2', 1],
      ['n1', null],
      ['x1', 2],
    ]);
    expect(ReportSchema.safeParse(built).success).toBe(true);

    const json = await toJson(built);
    expect((await verifyReport(json, 'r.json')).ok).toBe(true);
    // The marks are covered by the content hash: moving a message to the other picture is noticed.
    const tampered = JSON.parse(json) as typeof built;
    tampered.conversations[0].messages[3].picture = 1;
    expect((await verifyReport(JSON.stringify(tampered), 'r.json')).ok).toBe(false);

    const html = await toPrintableHtml(built);
    expect(html).toContain('This chat was shown with 2 different profile pictures under the same name. Someone may have taken this chat’s name');
    expect(html).toContain(`Picture 2: first seen`);
    expect(html).toContain(stranger);
    expect(html.match(/Read while picture 1 was shown/g)).toHaveLength(2);
    expect(html.match(/Read while picture 2 was shown/g)).toHaveLength(1);
    expect(html).toContain('Read while no profile picture was shown');
    expect((await verifyReport(html, 'r.html')).ok).toBe(true);
    // Taking the warning out of the printable report is noticed too.
    expect((await verifyReport(html.replace(/<p class="identity-warning">[^<]*<\/p>/, ''), 'r.html')).ok).toBe(false);

    const vi = await toPrintableHtml(await buildReport(Object.values(map), { language: 'vi', generator: 'extension', now: T0 + 3 * DAY, timeZone: 'UTC' }));
    expect(vi).toContain('Cuộc trò chuyện này đã hiện 2 ảnh đại diện khác nhau dưới cùng một tên.');
    expect(vi).toContain('Đọc khi đang hiện ảnh 2');
  });

  it('a chat keyed by its name that never showed a picture is said to be indistinguishable from a namesake', async () => {
    const map = mergeScanReport({}, scan([message('m1', 'RISK', T0)]), T0);
    expect(map['whatsapp:name:Mẹ']).not.toHaveProperty('pictures');
    const built = await buildReport(Object.values(map), { language: 'en', generator: 'extension', now: T0 + DAY, timeZone: 'UTC' });
    expect(built.conversations[0].keyedByName).toEqual({ pictures: [] });
    expect(await toPrintableHtml(built)).toContain('it showed no profile picture: another chat that took the same name would be stored with it');
  });

  it('a chat keyed by an id says nothing about pictures', async () => {
    const map = mergeScanReport({}, { conversation: { key: 'telegram-k:42', site: 'telegram-k', title: 'Mẹ', url: 'https://web.telegram.org/k/#42' }, messages: [message('m1', 'RISK', T0)], risk }, T0);
    const built = await buildReport(Object.values(map), { language: 'en', generator: 'extension', now: T0 + DAY, timeZone: 'UTC' });
    expect(built.conversations[0]).not.toHaveProperty('keyedByName');
    expect(await toPrintableHtml(built)).not.toContain('profile picture');
  });

  it('keeps the first pictures and the latest when a chat cycles through many', () => {
    let map: ConversationMap = {};
    for (let i = 0; i < 30; i++) {
      const picture = i.toString(16).padStart(16, '0');
      map = mergeScanReport(map, scan([message(`m${i}`, 'RISK', T0 + i, picture)], picture), T0 + i);
    }
    const pictures = map['whatsapp:name:Mẹ'].pictures!;
    expect(pictures).toHaveLength(20);
    expect(pictures[0].at).toBe(T0);
    expect(pictures.at(-1)?.at).toBe(T0 + 29);
    // Every message still names its picture, so the report numbers all thirty.
    expect(numberedPictures(map['whatsapp:name:Mẹ'])).toHaveLength(30);
  });
});
