/**
 * The engine over an exported conversation (lib/exports/scan.ts) and who "you" are (lib/exports/self.ts): the stored
 * shape the report takes, bounded memory (flagged messages and their context only), the level at its highest point.
 */
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../lib/engine';
import { levelRank } from '../../lib/engine/taxonomy';
import { chooseSelf, commonNames, ConversationScanner, conversationKey, isSelf, matchSelf, toChatMessage, type ExportConversationInfo, type ExportMessage } from '../../lib/exports';
import { loadBundledRules } from '../../lib/node/rule-files';
import { StoredConversationSchema } from '../../lib/storage/schema';

const engine = createEngine(loadBundledRules());
const DAY = 86_400_000;
const info: ExportConversationInfo = { format: 'whatsapp', file: '/home/me/Downloads/WhatsApp Chat with Jake.txt', id: '', title: 'Jake', participants: [], kind: 'unknown' };
const self = { name: 'Lily', reason: 'test', explicit: true };

function message(i: number, sender: string, text: string, ts: number, kind: ExportMessage['kind'] = 'text'): ExportMessage {
  return { id: `L${i}`, sender, text, ts, kind, line: i };
}

const script = [
  'this stays between us ok? our little secret',
  'do your parents check your phone?',
  'send me a pic of you in your pajamas',
  "delete our chat after ok? don't tell your parents about me",
];

describe('ConversationScanner', () => {
  it('keeps flagged messages and 5 of context around each, and builds a valid stored conversation', () => {
    const scanner = new ConversationScanner(engine, info, self, { now: 0 });
    let i = 0;
    const t0 = Date.UTC(2025, 0, 1);
    for (let k = 0; k < 1_000; k++) scanner.add(message(++i, k % 2 ? 'Jake' : 'Lily', `see you at practice ${k}`, t0 + i * 60_000));
    for (const text of script) scanner.add(message(++i, 'Jake', text, t0 + i * 60_000));
    scanner.add(message(++i, 'Jake', '<Media omitted>', t0 + i * 60_000, 'media'));
    for (let k = 0; k < 1_000; k++) scanner.add(message(++i, k % 2 ? 'Jake' : 'Lily', `ok ${k}`, t0 + i * 60_000));
    const result = scanner.finish(3);

    expect(result.messageCount).toBe(2_005);
    expect(result.flaggedCount).toBe(4);
    expect(result.skipped).toBe(3);
    // 5 before the first flagged message, the 4 flagged ones, 5 after the last (the media placeholder is one of them).
    expect(result.stored.messages).toHaveLength(14);
    expect(result.stored.messages.find((m) => m.text === '<Media omitted>')?.findings).toEqual([]);
    expect(StoredConversationSchema.parse(result.stored)).toEqual(result.stored);
    expect(result.stored).toMatchObject({ key: 'whatsapp-export:Downloads/WhatsApp Chat with Jake.txt', site: 'whatsapp', title: 'Jake', saved: true, url: '' });
    expect(result.stored.firstSeen).toBe(t0 + 60_000);
    expect(result.top[0].message.sender).toBe('Jake');
    expect(result.top.length).toBeGreaterThan(0);
    expect(levelRank(result.stored.risk.level)).toBeGreaterThanOrEqual(levelRank('high'));
    expect(result.stored.messages.filter((m) => m.sender === 'Lily').every((m) => m.from === 'self')).toBe(true);
  });

  it('an export keeps the level at its highest point; the level at the last message is kept apart', () => {
    const scanner = new ConversationScanner(engine, info, self);
    const t0 = Date.UTC(2025, 0, 1);
    script.forEach((text, i) => scanner.add(message(i + 1, 'Jake', text, t0 + i * 60_000)));
    // Half a year of everyday talk later.
    for (let k = 0; k < 50; k++) scanner.add(message(100 + k, 'Jake', 'how was school', t0 + 180 * DAY + k * 60_000));
    const result = scanner.finish();
    expect(levelRank(result.stored.risk.level)).toBeGreaterThanOrEqual(levelRank('high'));
    expect(result.stored.peakLevel).toBe(result.stored.risk.level);
    expect(levelRank(result.finalRisk.level)).toBeLessThan(levelRank(result.stored.risk.level));
    expect(result.peakAt?.ts).toBeLessThan(t0 + DAY);
  });

  it('the engine sees placeholders as empty text and the direction from the chosen self', () => {
    expect(toChatMessage(message(1, 'Jake', 'image omitted', 5, 'media'), 'k', self)).toEqual({ id: 'L1', conversation: 'k', from: 'other', text: '', ts: 5, sender: 'Jake' });
    expect(toChatMessage(message(2, 'lily', 'hi', 6), 'k', self).from).toBe('self');
    expect(conversationKey({ format: 'telegram', file: 'C:\\Users\\me\\ChatExport\\result.json', id: '42' })).toBe('telegram-export:ChatExport/result.json#42');
  });
});

describe('who "you" are', () => {
  const stats = (...pairs: Array<[string, number]>) => pairs.map(([name, count]) => ({ name, count }));

  it('in order: owner info, "You deleted", the other person of a chat named after one, the one in every chat, the most frequent', () => {
    expect(chooseSelf({ title: 'x', participants: [], owner: { id: 'user1', reason: 'r' } }, [{ name: 'Me', id: 'user1', count: 1 }])).toMatchObject({ id: 'user1', name: 'Me' });
    expect(chooseSelf({ title: 'Jake', participants: [], ownerSenders: ['Lily'] }, stats(['Jake', 9], ['Lily', 1]))?.name).toBe('Lily');
    expect(chooseSelf({ title: 'jake', participants: [] }, stats(['Jake', 9], ['Lily', 1]))).toMatchObject({ name: 'Lily', reason: 'the other person in the chat named "jake"' });
    expect(chooseSelf({ title: 'Group', participants: [] }, stats(['A', 1], ['B', 5], ['Lily', 2]), ['Lily'])?.name).toBe('Lily');
    expect(chooseSelf({ title: 'Group', participants: [] }, stats(['A', 1], ['B', 5]))).toMatchObject({ name: 'B', reason: 'the most frequent sender' });
    // One sender only: nobody is you (taking them would hide their messages' risk).
    expect(chooseSelf({ title: 'chat', participants: [] }, stats(['Jake', 9]))).toBeUndefined();
  });

  it('matches --self case-insensitively on names and account ids; finds the person common to several chats', () => {
    const senders = [{ name: 'Lily Tran', id: 'user7', count: 3 }];
    expect(matchSelf('lily tran', senders)).toBe(senders[0]);
    expect(matchSelf('USER7', senders)).toBe(senders[0]);
    expect(matchSelf('Lily', senders)).toBeUndefined();
    expect(isSelf({ sender: 'Lily Tran', senderId: 'user8' }, { id: 'user7', name: 'Lily Tran', reason: '', explicit: true })).toBe(false);
    expect(
      commonNames([
        { senders: stats(['Lan', 1], ['Sam', 2]), participants: [] },
        { senders: stats(['lan', 1]), participants: ['Bo'] },
      ]),
    ).toEqual(['Lan']);
    expect(commonNames([{ senders: stats(['Lan', 1]), participants: [] }])).toEqual([]);
  });
});
