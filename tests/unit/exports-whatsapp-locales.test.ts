/**
 * WhatsApp exports from many locales (tests/fixtures/exports/whatsapp-locales, SOURCE.txt there): every file is
 * detected as WhatsApp, and read into exactly the messages, senders and local times the app shows; notices are no
 * messages; "you" is found from the locale's "You deleted this message". Plus the defects of issue 14, one test each.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseSelf, parseExportBytes, sameName, senderStats, type ExportConversation } from '../../lib/exports';

const DIR = resolve(import.meta.dirname, '../fixtures/exports/whatsapp-locales');

function read(name: string): { conversation: ExportConversation; problems: string[] } {
  const result = parseExportBytes(name, readFileSync(join(DIR, name)));
  expect(result.format).toBe('whatsapp');
  return { conversation: result.conversations[0], problems: result.problems.map((p) => `${p.where}: ${p.message}`) };
}

const local = (ts: number | undefined): string => {
  if (ts === undefined) return 'no time';
  const d = new Date(ts);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
};

interface Expected {
  /** Sender of each message, in order. */
  senders: string[];
  /** Local time of the first message. */
  first: string;
  /** Who is taken as you when nothing else is said (the author of the locale's "You deleted this message"). */
  self?: string;
  title?: string;
}

// 15 locales; iOS and Android; 12 h and 24 h; day-first, month-first and year-first; RTL scripts (Arabic, Hebrew);
// Japanese era and Buddhist calendars; Arabic-Indic digits.
const LOCALES: Record<string, Expected> = {
  'en-ios-12h.txt': { senders: ['Jane Doe', 'Sam', 'Jane Doe', 'Sam', 'Jane Doe'], first: '2022-03-27 21:42', self: 'Sam', title: 'Jane Doe' },
  'en-android-dayperiod.txt': { senders: ['Jane Doe', 'Sam', 'Jane Doe', 'Sam', 'Jane Doe'], first: '2022-03-27 09:11', self: 'Sam' },
  'en-in-android-12h.txt': { senders: ['Ravi', 'Priya', 'Ravi'], first: '2022-03-27 21:41' },
  'de-ios.txt': { senders: ['Anna', 'Ben', 'Anna', 'Ben'], first: '2022-03-27 21:42', self: 'Ben', title: 'Anna' },
  'de-android-bom.txt': { senders: ['Anna', 'Ben', 'Anna', 'Anna'], first: '2022-03-27 21:41' },
  'fr-ios.txt': { senders: ['Anne', 'Paul', 'Anne', 'Paul'], first: '2022-03-27 21:42', self: 'Paul', title: 'Anne' },
  'pt-ios.txt': { senders: ['Ana', 'João', 'Ana', 'João'], first: '2022-03-27 21:42', self: 'João', title: 'Ana' },
  'it-ios.txt': { senders: ['Giulia', 'Marco', 'Giulia', 'Marco'], first: '2022-03-27 21:42', self: 'Marco', title: 'Giulia' },
  'nl-ios.txt': { senders: ['Anna', 'Bram', 'Anna', 'Bram'], first: '2022-03-27 21:42', self: 'Bram', title: 'Anna' },
  'cs-ios.txt': { senders: ['Jana', 'Petr', 'Jana', 'Petr'], first: '2022-03-27 21:42', self: 'Petr', title: 'Jana' },
  'ru-ios.txt': { senders: ['Анна', 'Иван', 'Анна', 'Иван'], first: '2022-03-27 21:42', self: 'Иван', title: 'Анна' },
  'ru-android.txt': { senders: ['Анна', 'Иван', 'Анна', 'Иван'], first: '2022-03-27 21:41', self: 'Иван' },
  'tr-ios.txt': { senders: ['Ayşe', 'Mehmet', 'Ayşe', 'Mehmet'], first: '2022-03-27 21:42', self: 'Mehmet', title: 'Ayşe' },
  'pl-ios.txt': { senders: ['Ola', 'Piotr', 'Ola'], first: '2022-03-27 21:42', self: 'Piotr', title: 'Ola' },
  'es-ios.txt': { senders: ['Lucía', 'Diego', 'Lucía', 'Diego'], first: '2022-03-27 21:42', self: 'Diego', title: 'Lucía' },
  'es-android-12h.txt': { senders: ['Lucía', 'Diego', 'Lucía'], first: '2022-03-27 21:41' },
  'id-ios.txt': { senders: ['Sari', 'Budi', 'Sari', 'Budi'], first: '2022-03-27 21:42', self: 'Budi', title: 'Sari' },
  'id-android.txt': { senders: ['Sari', 'Budi', 'Sari'], first: '2022-03-27 21:41' },
  'ar-ios.txt': { senders: ['أحمد', 'سارة', 'أحمد', 'سارة'], first: '2022-03-27 21:42', self: 'سارة', title: 'أحمد' },
  'ar-android.txt': { senders: ['أحمد', 'سارة', 'أحمد'], first: '2022-03-27 21:41' },
  'he-android.txt': { senders: ['דנה', 'יוסי', 'דנה'], first: '2022-03-27 21:41' },
  'ja-ios-era.txt': { senders: ['太郎', '花子', '太郎', '花子'], first: '2022-03-18 21:42', self: '花子', title: '太郎' },
  'th-android-buddhist.txt': { senders: ['สมชาย', 'มาลี', 'สมชาย'], first: '2022-03-27 21:41' },
  'zh-android.txt': { senders: ['小明', '小红', '小明'], first: '2022-03-27 21:41' },
};

describe('WhatsApp exports in 15 locales read exactly', () => {
  for (const [file, expected] of Object.entries(LOCALES)) {
    it(file, () => {
      const { conversation, problems } = read(file);
      expect(problems).toEqual([]);
      expect(conversation.messages.map((m) => m.sender)).toEqual(expected.senders);
      expect(local(conversation.messages[0].ts)).toBe(expected.first);
      // Times only go forward by a minute or so: no day/month swap, no 12 h error.
      const times = conversation.messages.map((m) => m.ts!);
      times.slice(1).forEach((t, i) => expect(t - times[i]).toBeGreaterThan(0));
      expect(times[times.length - 1] - times[0]).toBeLessThan(12 * 3600_000);
      // The multi-line message keeps its second line.
      expect(conversation.messages[2].text).toContain('\n');
      if (expected.title) expect(conversation.title).toBe(expected.title);
      // Notices (encryption, security code) are no messages; the 1:1 chat's "you" is found in the locale.
      const pl = file === 'pl-ios.txt';
      const self = chooseSelf({ ...conversation, participants: [] }, senderStats(conversation.messages));
      if (expected.self && !pl) expect(self).toMatchObject({ name: expected.self, reason: 'wrote "You deleted this message"' });
      if (pl) expect(self).toMatchObject({ name: 'Piotr', reason: 'the other person in the chat named "Ola"' });
    });
  }
});

describe('issue 14 defects, each on the fixture that shows it', () => {
  it('a pasted header in another date style is text of its message, and an impossible date moves nothing', () => {
    const { conversation, problems } = read('en-ios-pasted-other-style.txt');
    expect(conversation.messages.map((m) => [m.sender, local(m.ts)])).toEqual([
      ['Anna', '2022-03-27 21:41'],
      ['Ben', '2022-03-27 21:42'],
      ['Anna', '2022-03-28 08:00'],
      ['Ben', '2022-03-28 08:01'],
    ]);
    expect(conversation.messages[1].text).toBe('look what Tom wrote me:\n27/03/2022, 21:40 - Tom: dont tell anyone');
    expect(conversation.messages[3].text).toContain('\n[4/31/22, 08:02:00] Ben: this date does not exist');
    expect(problems).toEqual([expect.stringMatching(/^3: 2 line\(s\) start like a message but not the way this export writes its messages .*: line 3, 6$/)]);
  });

  it('a sender wrapped in invisible bidi marks on some lines is one sender, printed without the marks', () => {
    const { conversation } = read('en-ios-bidi-phone.txt');
    expect(new Set(conversation.messages.map((m) => m.sender))).toEqual(new Set(['+1 (555) 010-0199', 'Mia']));
    expect(conversation.title).toBe('+1 (555) 010-0199');
    const self = chooseSelf({ ...conversation, participants: [] }, senderStats(conversation.messages));
    expect(self?.name).toBe('Mia');
    // --self and every other name comparison ignore the marks too.
    expect(sameName('\u202a+1 (555) 010-0199\u202c', '+1 (555) 010-0199')).toBe(true);
  });

  it('"9:15 in the morning": the sender is the name and afternoon times are afternoon', () => {
    const { conversation } = read('en-android-dayperiod.txt');
    expect(conversation.messages.map((m) => local(m.ts).slice(11))).toEqual(['09:11', '09:12', '14:13', '14:14', '21:05']);
  });

  it('old iOS 12 h lines: system lines are no message and no sender called "PM"', () => {
    const { conversation } = read('en-ios-old-12h.txt');
    expect(conversation.messages.map((m) => [m.sender, m.text, local(m.ts)])).toEqual([
      ['Jane', 'hey', '2016-03-27 21:41'],
      ['Sam', 'hi', '2016-03-27 21:42'],
      ['Jane', 'see you', '2016-03-27 21:44'],
    ]);
    expect(conversation.skipped).toBe(2);
  });

  it('a line starting with U+FEFF is its own message; U+FEFF inside […] is read', () => {
    expect(read('de-android-bom.txt').conversation.messages.at(-1)).toMatchObject({ sender: 'Anna', text: 'Gute Nacht' });
    expect(read('de-ios.txt').conversation.messages).toHaveLength(4);
  });

  it('a message with no text (view-once photo) is kept as a message of its sender', () => {
    const last = read('en-ios-12h.txt').conversation.messages.at(-1);
    expect(last).toMatchObject({ sender: 'Jane Doe', kind: 'media', text: '' });
  });

  it('Dutch and other localised file names give the chat title', () => {
    const title = (name: string): string => parseExportBytes(name, readFileSync(join(DIR, 'nl-ios.txt'))).conversations[0].title;
    expect(title('WhatsApp-chat met Anna.txt')).toBe('Anna');
    expect(title('Чат WhatsApp с Анна.txt')).toBe('Анна');
  });
});

describe('detection never calls a text file JSON', () => {
  const detectError = (name: string, text: string): string => {
    try {
      parseExportBytes(name, new TextEncoder().encode(text));
    } catch (error) {
      return (error as Error).message;
    }
    return 'no error';
  };

  it('a text starting with "[" that is no chat export is described as text, with its line', () => {
    const message = detectError('notes.txt', '[3/18/X4, 21:40:00] not a header\nmore\n');
    expect(message).not.toMatch(/JSON/);
    expect(message).toMatch(/^notes\.txt:1: not a chat export this tool knows: no line starts with a date and time/);
  });

  it('a LINE chat history is named as such', () => {
    const message = detectError('[LINE] Chat with Mai.txt', '[LINE] Chat history with Mai\nSaved on: 2022/03/27 21:41\n\n2022/03/27(Sun)\n21:41\tMai\thi\n');
    expect(message).toMatch(/this is a LINE chat history \(\.txt\), which this tool cannot read yet/);
    expect(message).not.toMatch(/JSON/);
  });

  it('real JSON exports are still JSON', () => {
    expect(parseExportBytes('message_1.json', new TextEncoder().encode('{"participants":[{"name":"A"}],"messages":[{"sender_name":"A","timestamp_ms":1648417295000,"content":"hi"}]}')).format).toBe('messenger');
  });
});
