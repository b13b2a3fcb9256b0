/**
 * WhatsApp (and WhatsApp-style Signal) text exports: every sample in tests/fixtures/exports/ (copied from
 * ../shared/fixtures with their SOURCE.txt) against its target.json, the project's own Vietnamese samples, and the
 * locale variants the `whatsapp-chat-parser` package and our header normalisation must cover.
 *
 * Text exports carry no time zone: times are local to the computer that reads them, so expected times are built with
 * the local-time Date constructor / `Date.parse` of a zone-less ISO string.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseString } from 'whatsapp-chat-parser';
import { describe, expect, it } from 'vitest';
import {
  chooseSelf,
  classifyWhatsAppText,
  inferDaysFirst,
  isSelf,
  parseWhatsAppText,
  senderStats,
  whatsappTitleFromName,
  WhatsAppParser,
  WhatsAppSurvey,
  type ExportConversation,
} from '../../lib/exports';

const FIXTURES = resolve(import.meta.dirname, '../fixtures/exports');

interface Target {
  timestamp: string;
  author: string;
  message: string;
}

function fixture(...parts: string[]): string {
  return readFileSync(join(FIXTURES, ...parts), 'utf8');
}

function target(dir: string): Target[] {
  return JSON.parse(fixture(dir, 'target.json')) as Target[];
}

const squash = (text: string): string => text.replace(/\s+/g, ' ').trim();

function expectTarget(conversation: ExportConversation, expected: Target[]): void {
  // target.json lists newest first; conversations are oldest first.
  const wanted = [...expected].sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));
  expect(conversation.messages.map((m) => m.sender)).toEqual(wanted.map((t) => t.author));
  expect(conversation.messages.map((m) => m.ts)).toEqual(wanted.map((t) => Date.parse(t.timestamp)));
  expect(conversation.messages.map((m) => squash(m.text))).toEqual(wanted.map((t) => squash(t.message)));
  expect(conversation.messages.every((m) => m.kind === 'text')).toBe(true);
}

describe('WhatsApp samples from chat-miner (every file against target.json)', () => {
  const dir = 'whatsapp-export-chat-miner';
  const files = readdirSync(join(FIXTURES, dir)).filter((f) => f.endsWith('.txt') && f !== 'SOURCE.txt');

  it('has the five locale samples', () => {
    expect(files.sort()).toEqual(['test_[mmddyy]_24hrs.txt', 'test_ddmmyy_24hrs.txt', 'test_mmddyy_24hrs.txt', 'test_mmddyyyy_12hrs.txt', 'test_yyyymmdd_24hrs.txt']);
  });

  for (const file of files) {
    it(`${file}: senders, times and text match target.json`, () => {
      const conversation = parseWhatsAppText(fixture(dir, file), file);
      expectTarget(conversation, target(dir));
      // System lines ("created group", "You were added") and the author-less "John Doe:." line are not messages.
      expect(conversation.skipped).toBe(3);
      // Multi-line messages keep their line break.
      expect(conversation.messages.find((m) => m.sender === 'Jahn Doe')?.text).toBe('Lorem ipsum dolor sit amet,\nconsectetur adipiscing elit. Duis libero.');
      expect(conversation.messages[0]).toMatchObject({ id: 'L1', line: 1 });
    });
  }

  it('day-first inference over distinct dates equals the package parsing the whole file', () => {
    for (const file of files) {
      const text = fixture(dir, file);
      const whole = parseString(text).filter((m) => m.author !== null);
      const ours = parseWhatsAppText(text, file).messages;
      for (const message of ours) expect(whole.some((w) => w.date.getTime() === message.ts)).toBe(true);
    }
  });
});

describe('Signal sample (WhatsApp-style text of third-party exporters)', () => {
  it('matches target.json; the multi-line message keeps its line break', () => {
    const conversation = parseWhatsAppText(fixture('signal-export-chat-miner', 'test_export.txt'), 'test_export.txt', { format: 'signal' });
    expect(conversation.format).toBe('signal');
    expectTarget(conversation, target('signal-export-chat-miner'));
    expect(conversation.messages[1].text).toBe('Hello\nJane!');
  });
});

describe('whatsapp-chat-parser sample (Pustur, Android dd/mm/yyyy)', () => {
  // Every date here reads both ways; like the package on the whole file, the order of the dates decides month-first.
  it('skips the system lines, keeps blank lines inside a message, reads phone-number senders', () => {
    const conversation = parseWhatsAppText(fixture('whatsapp-export-pustur', 'short-chat.txt'), 'short-chat.txt');
    expect(conversation.skipped).toBe(2);
    expect(conversation.messages.map((m) => [m.sender, m.text, m.ts])).toEqual([
      ['Sample User', 'This is a test message', new Date(2017, 5, 3, 0, 45).getTime()],
      ['TestBot', "Hey I'm a test too!", new Date(2017, 7, 5, 1, 48).getTime()],
      ['+410123456789', 'How are you?\n\nIs everything alright?', new Date(2017, 8, 4, 1, 50).getTime()],
    ]);
  });
});

describe('Vietnamese WhatsApp exports written for this project', () => {
  const dir = 'vi-whatsapp-police-script';

  it('Android: senders, times, multi-line text, placeholders, and the owner from "Bạn đã xoá tin nhắn này."', () => {
    const file = 'WhatsApp Chat with Đại úy Hùng.txt';
    const c = parseWhatsAppText(fixture(dir, file), file);
    expect(c.title).toBe('Đại úy Hùng');
    expect(c.skipped).toBe(1);
    expect(new Set(c.messages.map((m) => m.sender))).toEqual(new Set(['Đại úy Hùng', 'Hà']));
    expect(c.messages[0]).toMatchObject({ id: 'L2', sender: 'Đại úy Hùng', ts: new Date(2025, 2, 12, 19, 2).getTime(), kind: 'text' });
    const intro = c.messages.find((m) => m.id === 'L4');
    expect(intro?.text).toBe('Tôi là đại úy Trần Văn Hùng, cán bộ điều tra Công an quận Cầu Giấy.\nCăn cước công dân của em đã bị sử dụng để mở tài khoản rửa tiền.');
    expect(c.messages.find((m) => m.text === '<Đã bỏ qua tệp phương tiện>')?.kind).toBe('media');
    expect(c.messages.find((m) => m.text === 'Bạn đã xoá tin nhắn này.')).toMatchObject({ kind: 'deleted', sender: 'Hà' });
    expect(c.ownerSenders).toEqual(['Hà']);
    expect(c.messages.at(-1)).toMatchObject({ sender: 'Hà', ts: new Date(2025, 2, 13, 8, 1).getTime(), text: 'Dạ em đến khách sạn rồi ạ' });

    const self = chooseSelf(c, senderStats(c.messages));
    expect(self?.name).toBe('Hà');
    expect(c.messages.filter((m) => isSelf(m, self)).every((m) => m.sender === 'Hà')).toBe(true);
  });

  it('iOS, time first, CRLF and U+200E: the notice is dropped, placeholders marked, day-first dates', () => {
    const c = parseWhatsAppText(fixture(dir, '_chat.txt'), 'WhatsApp Chat - Đại úy Hùng.zip/_chat.txt', { title: 'Đại úy Hùng' });
    expect(c.title).toBe('Đại úy Hùng');
    expect(c.skipped).toBe(1);
    expect(c.messages[0]).toMatchObject({ sender: 'Đại úy Hùng', ts: new Date(2025, 2, 14, 13, 2, 11).getTime() });
    expect(c.messages.some((m) => m.text.includes('\r') || m.text.includes('\u200e'))).toBe(false);
    expect(c.messages.find((m) => m.id === 'L4')?.text).toBe('Em có liên quan đến một đường dây rửa tiền xuyên quốc gia.\nHồ sơ vụ án của em mang số hiệu 247/CSHS.');
    expect(c.messages.find((m) => m.text === 'đã bỏ qua hình ảnh')?.kind).toBe('media');
    expect(c.messages.find((m) => m.text === 'Tin nhắn này đã bị xóa.')).toMatchObject({ kind: 'deleted', sender: 'Đại úy Hùng' });
    expect(c.messages.at(-1)?.ts).toBe(new Date(2025, 2, 15, 15, 45).getTime());
    expect(chooseSelf(c, senderStats(c.messages))?.name).toBe('Minh Anh');
  });
});

describe('locales and platforms', () => {
  const cases: Array<[string, string, Date]> = [
    ['US Android, 12-hour', '3/27/22, 9:41 PM - Anna: hi', new Date(2022, 2, 27, 21, 41)],
    ['dots', '27.03.2022, 21:41 - Anna: hi', new Date(2022, 2, 27, 21, 41)],
    ['iOS bracket with seconds', '[27/03/22, 21:41:35] Anna: hi', new Date(2022, 2, 27, 21, 41, 35)],
    ['Finnish "klo"', '27.3.2022 klo 21.41 - Anna: hi', new Date(2022, 2, 27, 21, 41)],
    ['LRM before the line', '\u200e[27/03/2022, 21:41:35] Anna: hi', new Date(2022, 2, 27, 21, 41, 35)],
    ['RLM (Arabic)', '\u200f27/03/2022, 21:41 - Anna: hi', new Date(2022, 2, 27, 21, 41)],
    ['"p. m." with no-break spaces', '27/03/2022, 9:41\u00a0p.\u00a0m. - Anna: hi', new Date(2022, 2, 27, 21, 41)],
    ['iOS 17 narrow no-break space', '[3/27/22, 9:41:35\u202fPM] Anna: hi', new Date(2022, 2, 27, 21, 41, 35)],
    ['Vietnamese iOS, time first', '[21:41:35, 27/3/22] Anna: hi', new Date(2022, 2, 27, 21, 41, 35)],
    ['Vietnamese iOS, time first, month first', '[21:41:35, 3/27/22] Anna: hi', new Date(2022, 2, 27, 21, 41, 35)],
    ['time first, Android style', '21:41 27/3/2022 - Anna: hi', new Date(2022, 2, 27, 21, 41)],
    ['time first with a comma, Android style', '21:41, 27/3/2022 - Anna: hi', new Date(2022, 2, 27, 21, 41)],
    ['Buddhist era year', '27/3/2565 21:41 - Anna: hi', new Date(2022, 2, 27, 21, 41)],
    ['Japanese era year', 'R4/03/27 21:41 - Anna: hi', new Date(2022, 2, 27, 21, 41)],
    ['ISO order (Signal exporters)', '[2022-03-27, 21:41] Anna: hi', new Date(2022, 2, 27, 21, 41)],
  ];
  for (const [name, line, date] of cases) {
    it(name, () => {
      const c = parseWhatsAppText(`${line}\nBob: not a header, a continuation\n`, 'chat.txt');
      expect(c.messages).toHaveLength(1);
      expect(c.messages[0]).toMatchObject({ sender: 'Anna', ts: date.getTime(), text: 'hi\nBob: not a header, a continuation' });
    });
  }

  it('media placeholders, deletions and edits in English and Vietnamese', () => {
    expect(classifyWhatsAppText('<Media omitted>', false).kind).toBe('media');
    expect(classifyWhatsAppText('\u200eimage omitted', false).kind).toBe('media');
    expect(classifyWhatsAppText('\u200e<attached: 00000012-PHOTO-2022-03-27-21-41-35.jpg>', true).kind).toBe('media');
    expect(classifyWhatsAppText('IMG-20220327-WA0001.jpg (file attached)\nlook at this', true)).toEqual({ kind: 'text', text: 'look at this' });
    expect(classifyWhatsAppText('<Đã bỏ qua tệp phương tiện>', false).kind).toBe('media');
    expect(classifyWhatsAppText('\u200eđã bỏ qua nhãn dán', false).kind).toBe('media');
    expect(classifyWhatsAppText('This message was deleted', false).kind).toBe('deleted');
    expect(classifyWhatsAppText('Tin nhắn này đã bị xoá', false).kind).toBe('deleted');
    expect(classifyWhatsAppText('\u200eMessages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them.', false).kind).toBe('system');
    expect(classifyWhatsAppText('\u200eMissed voice call', false).kind).toBe('system');
    // Without the iOS mark, the same words are a message someone typed.
    expect(classifyWhatsAppText('Missed voice call, call me back', false).kind).toBe('text');
    expect(classifyWhatsAppText('see you at 5 <This message was edited>', false)).toEqual({ kind: 'text', text: 'see you at 5' });
  });

  it('file names give the chat title', () => {
    expect(whatsappTitleFromName('WhatsApp Chat with Anna.txt')).toBe('Anna');
    expect(whatsappTitleFromName('/x/y/WhatsApp Chat - Đại úy Hùng.zip')).toBe('Đại úy Hùng');
    expect(whatsappTitleFromName('Đoạn chat WhatsApp với Mẹ.txt')).toBe('Mẹ');
    expect(whatsappTitleFromName('_chat.txt')).toBeUndefined();
  });
});

describe('streaming: the survey and the parser take one line at a time', () => {
  it('gives the same messages as the whole-text helper, holding one message at a time', () => {
    const text = fixture('vi-whatsapp-police-script', 'WhatsApp Chat with Đại úy Hùng.txt');
    const lines = text.split('\n');
    const survey = new WhatsAppSurvey();
    for (const line of lines) survey.push(line);
    const parser = new WhatsAppParser(survey.daysFirst());
    const streamed = [...lines.map((l) => parser.push(l)), parser.end()].filter((m) => m !== undefined);
    expect(streamed).toEqual(parseWhatsAppText(text, 'x.txt').messages);
    expect(survey.messages).toBe(streamed.length);
    expect(Object.fromEntries(survey.senders)).toEqual({ 'Đại úy Hùng': 8, Hà: 6 });
  });

  it('decides month-first from the distinct dates like the package does', () => {
    expect(inferDaysFirst(['3/27/22', '3/28/22'])).toBe(false);
    expect(inferDaysFirst(['27/3/22'])).toBe(true);
    expect(inferDaysFirst([])).toBe(true);
    // The package decides ambiguous dates by how they change from one to the next.
    expect(inferDaysFirst(['01/02/22', '01/03/22', '01/04/22'])).toBe(false);
    expect(inferDaysFirst(['01/02/22', '02/02/22', '03/02/22'])).toBe(true);
  });

  it('a file with no message header is not a chat', () => {
    const survey = new WhatsAppSurvey();
    for (const line of ['hello', 'this is a note']) survey.push(line);
    expect(() => survey.assertChat('notes.txt')).toThrow(/^notes\.txt:1: not a chat export this tool knows/);
  });
});
