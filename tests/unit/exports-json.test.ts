/**
 * JSON exports: Telegram Desktop (single chat and full export), Messenger/Instagram "Download your information",
 * DiscordChatExporter JSON and CSV. Samples in tests/fixtures/exports/ (with SOURCE.txt) against their target.json;
 * unix-time formats are compared in UTC (the targets are UTC renderings of the same instants).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  chooseSelf,
  ExportParseError,
  isSelf,
  parseDiscordCsv,
  parseDiscordJson,
  parseExportBytes,
  parseMetaThread,
  parseTelegram,
  repairMojibake,
  senderStats,
  telegramText,
} from '../../lib/exports';

const FIXTURES = resolve(import.meta.dirname, '../fixtures/exports');
const read = (...parts: string[]): string => readFileSync(join(FIXTURES, ...parts), 'utf8');
const json = (...parts: string[]): unknown => JSON.parse(read(...parts));

interface Target {
  timestamp: string;
  author: string;
  message: string;
}
const utc = (timestamp: string): number => Date.parse(`${timestamp}Z`);

describe('Telegram Desktop JSON', () => {
  const expected = (JSON.parse(read('telegram-export-chat-miner', 'target.json')) as Target[]).sort((a, b) => utc(a.timestamp) - utc(b.timestamp));

  for (const file of ['test_single_export.json', 'test_batch_export.json']) {
    it(`${file} matches target.json (text as a string and as a list of parts)`, () => {
      const { conversations, problems } = parseTelegram(json('telegram-export-chat-miner', file), file);
      expect(problems).toEqual([]);
      expect(conversations).toHaveLength(1);
      const [c] = conversations;
      expect(c.messages.map((m) => m.sender)).toEqual(expected.map((t) => t.author));
      expect(c.messages.map((m) => m.ts)).toEqual(expected.map((t) => utc(t.timestamp)));
      expect(c.messages.map((m) => m.text)).toEqual(expected.map((t) => t.message));
    });
  }

  it('joins text parts as written, keeping links and mentions apart from a word written against them', () => {
    expect(telegramText('plain')).toBe('plain');
    expect(telegramText(['only I understand you, ', { type: 'italic', text: 'nobody' }, ' gets you'])).toBe('only I understand you, nobody gets you');
    expect(telegramText([{ type: 'bold', text: 'Link:' }, { type: 'link', text: 'https://telegram.org/' }])).toBe('Link: https://telegram.org/');
    expect(telegramText(['un', { type: 'bold', text: 'believ' }, 'able'])).toBe('unbelievable');
    expect(telegramText(['add me ', { type: 'mention', text: '@x' }])).toBe('add me @x');
    expect(telegramText(undefined)).toBe('');
  });

  it('the project sample: service messages skipped, media marked, owner = the one who is not the chat name', () => {
    const { conversations } = parseTelegram(json('en-telegram-grooming', 'result.json'), 'result.json');
    const [c] = conversations;
    expect(c).toMatchObject({ format: 'telegram', title: 'Jake', kind: 'personal', id: '5550001', skipped: 1 });
    expect(c.messages).toHaveLength(17);
    expect(c.messages[0]).toMatchObject({ id: '100', sender: 'Jake', senderId: 'user5550001', ts: utc('2025-05-02T20:14:05'), kind: 'text' });
    expect(c.messages.find((m) => m.kind === 'media' && m.text === '[photo]')).toBeDefined();
    expect(c.messages.find((m) => m.text === '[sticker 😘]')?.kind).toBe('media');
    expect(c.messages.find((m) => m.id === '110')?.text).toBe('add me on snap, my username is @jake_draws_2');
    const self = chooseSelf(c, senderStats(c.messages));
    expect(self).toMatchObject({ name: 'Lily' });
    expect(c.messages.filter((m) => isSelf(m, self)).map((m) => m.sender)).toEqual(Array(5).fill('Lily'));
  });

  it('a full export: chats.list and left_chats.list, the owner from personal_information (by account id)', () => {
    const value = {
      personal_information: { user_id: 42, first_name: 'Lan', last_name: 'Tran', phone_number: '+00 000' },
      chats: {
        about: 'This page lists all chats from this export.',
        list: [
          { name: 'Stranger', type: 'personal_chat', id: 7, messages: [{ id: 1, type: 'message', date: '2025-01-01T10:00:00', from: 'Lan T.', from_id: 'user42', text: 'hi' }, { id: 2, type: 'message', date: '2025-01-01T10:01:00', from: 'Stranger', from_id: 'user7', text: 'hello' }] },
        ],
      },
      left_chats: { list: [{ name: 'Old group', type: 'private_supergroup', id: 9, messages: [{ id: 1, type: 'service', date: '2025-01-01T10:00:00', action: 'join_group_by_link', text: '' }] }] },
    };
    const { conversations } = parseTelegram(value, 'result.json');
    expect(conversations.map((c) => [c.title, c.kind, c.messages.length, c.skipped])).toEqual([
      ['Stranger', 'personal', 2, 0],
      ['Old group', 'group', 0, 1],
    ]);
    const [c] = conversations;
    // No date_unixtime: `date` is local time.
    expect(c.messages[0].ts).toBe(new Date(2025, 0, 1, 10, 0).getTime());
    const self = chooseSelf(c, senderStats(c.messages));
    expect(self).toMatchObject({ id: 'user42', name: 'Lan T.', reason: "the export's personal information" });
    expect(isSelf(c.messages[0], self)).toBe(true);
    expect(isSelf(c.messages[1], self)).toBe(false);
  });

  it('names the missing field', () => {
    expect(() => parseTelegram({ name: 'x' }, 'result.json')).toThrow(ExportParseError);
    expect(() => parseTelegram({ name: 'x' }, 'result.json')).toThrow('result.json (at chats): neither "messages" (one chat) nor "chats.list" (full export) is present');
    expect(() => parseTelegram({ chats: { list: [{ name: 'a', messages: 'no' }] } }, 'result.json')).toThrow('result.json (at chats.list[0].messages): "messages" must be a list');
    const { problems } = parseTelegram({ messages: [{ type: 'message', from: 'a', text: 'x' }, 'junk'] }, 'r.json');
    expect(problems.map((p) => p.where)).toEqual(['messages[0].date', 'messages[1]']);
  });
});

describe('Messenger / Instagram "Download your information"', () => {
  it('the Instagram sample matches target.json (newest first in the file, oldest first out)', () => {
    const expected = (JSON.parse(read('instagram-export-chat-miner', 'target.json')) as Target[]).reverse();
    const { conversation, problems } = parseMetaThread([{ file: 'test_export.json', value: json('instagram-export-chat-miner', 'test_export.json') }], 'instagram', 'thread');
    expect(problems).toEqual([]);
    expect(conversation.messages.map((m) => [m.sender, m.ts, m.text])).toEqual(expected.map((t) => [t.author, utc(t.timestamp), t.message]));
    expect(conversation.messages.map((m) => m.id)).toEqual(['m1', 'm2']);
  });

  it('merges message_1..N, repairs mojibake, skips calls and reactions, marks media and unsent messages', () => {
    const mojibake = (s: string): string => String.fromCharCode(...new TextEncoder().encode(s));
    const part1 = {
      participants: [{ name: mojibake('Nguyễn Lan') }, { name: 'Sam Stranger' }],
      title: 'Sam Stranger',
      thread_path: 'inbox/samstranger_123',
      messages: [
        { sender_name: 'Sam Stranger', timestamp_ms: 5000, content: mojibake('đừng nói với ai nhé ❤'), type: 'Generic' },
        { sender_name: mojibake('Nguyễn Lan'), timestamp_ms: 4000, content: 'Liked a message', type: 'Generic' },
        { sender_name: 'Sam Stranger', timestamp_ms: 3000, photos: [{ uri: 'photos/1.jpg' }], type: 'Generic' },
      ],
    };
    const part2 = {
      participants: [{ name: mojibake('Nguyễn Lan') }, { name: 'Sam Stranger' }],
      messages: [
        { sender_name: 'Sam Stranger', timestamp_ms: 2000, content: 'Sam Stranger started a video chat', type: 'Call' },
        { sender_name: mojibake('Nguyễn Lan'), timestamp_ms: 1500, is_unsent: true, type: 'Generic' },
        { sender_name: mojibake('Nguyễn Lan'), timestamp_ms: 1000, content: 'hi', type: 'Generic' },
      ],
    };
    const { conversation: c } = parseMetaThread(
      [
        { file: 'inbox/samstranger_123/message_2.json', value: part2 },
        { file: 'inbox/samstranger_123/message_1.json', value: part1 },
      ],
      'messenger',
      'samstranger_123',
    );
    expect(c.messages.map((m) => [m.sender, m.ts, m.kind, m.text])).toEqual([
      ['Nguyễn Lan', 1000, 'text', 'hi'],
      ['Nguyễn Lan', 1500, 'deleted', '[unsent message]'],
      ['Sam Stranger', 3000, 'media', '[photo]'],
      ['Sam Stranger', 5000, 'text', 'đừng nói với ai nhé ❤'],
    ]);
    expect(c).toMatchObject({ id: 'inbox/samstranger_123', title: 'Sam Stranger', kind: 'personal', skipped: 2, participants: ['Nguyễn Lan', 'Sam Stranger'] });
    expect(c.file).toBe('inbox/samstranger_123/message_*.json');
    expect(chooseSelf(c, senderStats(c.messages))?.name).toBe('Nguyễn Lan');
  });

  it('repairs only real mojibake', () => {
    expect(repairMojibake('\u00e2\u009d\u00a4')).toBe('❤');
    expect(repairMojibake('café')).toBe('café');
    expect(repairMojibake('Nguyễn')).toBe('Nguyễn');
  });
});

describe('DiscordChatExporter', () => {
  const dm = {
    guild: { id: '0', name: 'Direct Messages' },
    channel: { id: '111', type: 'DirectTextChat', category: 'Private', name: 'nightfox' },
    messages: [
      { id: '1', type: 'Default', timestamp: '2025-02-01T20:00:00.000+07:00', content: 'hey, are ur parents home rn?', author: { id: '900', name: 'nightfox', nickname: 'nightfox', isBot: false }, attachments: [] },
      { id: '2', type: 'RecipientAdd', timestamp: '2025-02-01T20:00:30.000+07:00', content: 'Added someone.', author: { id: '900', name: 'nightfox' } },
      { id: '3', type: 'Reply', timestamp: '2025-02-01T20:01:00.000+07:00', content: 'no why', author: { id: '901', name: 'kiddo', nickname: 'Kid' }, attachments: [] },
      { id: '4', type: 'Default', timestamp: '2025-02-01T20:02:00.000+07:00', content: '', author: { id: '900', name: 'nightfox' }, attachments: [{ fileName: 'a.png' }] },
    ],
  };

  it('JSON: message types, nicknames, zoned timestamps, attachments; the owner of a DM is not the channel name', () => {
    const { conversation: c } = parseDiscordJson(dm, 'dm.json');
    expect(c.messages.map((m) => [m.id, m.sender, m.senderId, m.ts, m.kind, m.text])).toEqual([
      ['1', 'nightfox', '900', Date.parse('2025-02-01T13:00:00Z'), 'text', 'hey, are ur parents home rn?'],
      ['3', 'Kid', '901', Date.parse('2025-02-01T13:01:00Z'), 'text', 'no why'],
      ['4', 'nightfox', '900', Date.parse('2025-02-01T13:02:00Z'), 'media', '[attachment]'],
    ]);
    expect(c).toMatchObject({ title: 'nightfox', kind: 'personal', skipped: 1 });
    expect(chooseSelf(c, senderStats(c.messages))?.name).toBe('Kid');
  });

  it('CSV: quoted multi-line content, both date styles, line numbers as ids', () => {
    const csv =
      'AuthorID,Author,Date,Content,Attachments,Reactions\r\n' +
      '"900","nightfox#1234","2025-02-01T20:00:00.000+07:00","hey ""kid""\r\nyou there?","",""\r\n' +
      '"901","kiddo#0001","01-Feb-25 08:01 PM","yes","",""\r\n' +
      '"900","nightfox#1234","01-Feb-25 08:02 PM","","https://cdn.example/a.png",""\r\n';
    const { conversation: c, problems } = parseDiscordCsv(csv, 'Direct Messages - nightfox [111].csv');
    expect(problems).toEqual([]);
    expect(c.messages.map((m) => [m.id, m.sender, m.ts, m.kind, m.text])).toEqual([
      ['L2', 'nightfox#1234', Date.parse('2025-02-01T13:00:00Z'), 'text', 'hey "kid"\r\nyou there?'],
      ['L4', 'kiddo#0001', new Date(2025, 1, 1, 20, 1).getTime(), 'text', 'yes'],
      ['L5', 'nightfox#1234', new Date(2025, 1, 1, 20, 2).getTime(), 'media', '[attachment]'],
    ]);
  });

  it('CSV errors name the line', () => {
    expect(() => parseDiscordCsv('Author,Date\r\n', 'x.csv')).toThrow(/^x\.csv:1: not a DiscordChatExporter CSV/);
    expect(() => parseDiscordCsv('AuthorID,Author,Date,Content,Attachments,Reactions\n"1","a","2025-01-01T00:00:00Z","unclosed\n', 'x.csv')).toThrow(
      'x.csv:2: a quoted field is never closed (the file looks truncated)',
    );
  });
});

describe('parseExportBytes (pure: bytes and a name in)', () => {
  it('detects and parses each sample', () => {
    const bytes = (...parts: string[]): Uint8Array => readFileSync(join(FIXTURES, ...parts));
    expect(parseExportBytes('test_single_export.json', bytes('telegram-export-chat-miner', 'test_single_export.json')).format).toBe('telegram');
    expect(parseExportBytes('instagram/test_export.json', bytes('instagram-export-chat-miner', 'test_export.json')).format).toBe('instagram');
    expect(parseExportBytes('short-chat.txt', bytes('whatsapp-export-pustur', 'short-chat.txt')).conversations[0].messages).toHaveLength(3);
    expect(parseExportBytes('signal/test_export.txt', bytes('signal-export-chat-miner', 'test_export.txt')).format).toBe('signal');
  });
});
