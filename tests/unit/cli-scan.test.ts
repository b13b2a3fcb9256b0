/**
 * `not-alone scan FILE…` (exported chats) and `not-alone verify`, through cli/main.ts with captured output: levels of
 * the project's risky samples, the report they write (the report page's schema, intact hashes), folders and zips,
 * --self / --lang, and malformed inputs (exit 2, one clear error, no output file).
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { levelRank } from '../../lib/engine/taxonomy';
import { ReportSchema, verifyReport } from '../../lib/report';
import { parseArgs } from '../../cli/args';
import { runScanFiles } from '../../cli/commands/scan-files';
import { main } from '../../cli/main';
import { formatTime } from '../../cli/summary';

const FIXTURES = resolve(import.meta.dirname, '../fixtures/exports');
// The real WhatsApp Web DOM snapshots (one anonymised copy, shared with the site-adapter tests).
const WHATSAPP_WEB_SNAPSHOTS = join(FIXTURES, '..', 'sites', 'whatsapp', 'snapshots');
const VI_ANDROID = join(FIXTURES, 'vi-whatsapp-police-script', 'WhatsApp Chat with Đại úy Hùng.txt');
const VI_IOS = join(FIXTURES, 'vi-whatsapp-police-script', '_chat.txt');
const TELEGRAM = join(FIXTURES, 'en-telegram-grooming', 'result.json');

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'not-alone-scan-'));
}

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  // main's default io returns what process.stdout.write returns.
  const io = {
    out: (s: string) => ((out += s), true),
    err: (s: string) => ((err += s), true),
  };
  const code = await main(args, io);
  return { code, out, err };
}

function readReport(path: string) {
  return ReportSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
}

const atLeastHigh = (level: string): boolean => levelRank(level as 'high') >= levelRank('high');

describe('scan: who "you" are when the export does not say', () => {
  it('never takes the sender with more warning signs as you, even when they write the most', async () => {
    const dir = tempDir();
    const file = join(dir, 'chat.txt');
    const lines = [
      '12/03/2025, 19:00 - Jay: hey, u play ranked?',
      '12/03/2025, 19:01 - Mia: ya sometimes',
      '12/03/2025, 19:02 - Jay: ur so good, way more mature than girls ur age',
      '12/03/2025, 19:03 - Jay: how old r u btw? are ur parents home rn?',
      "12/03/2025, 19:04 - Mia: 14, they're at work",
      '12/03/2025, 19:05 - Jay: dont tell ur parents we talk ok, they wouldnt get it',
      '12/03/2025, 19:06 - Jay: add me on snap, its more private',
      '12/03/2025, 19:07 - Jay: send me a pic of u, just for me',
    ];
    writeFileSync(file, lines.join('\n') + '\n');
    const result = await run(['scan', file]);
    expect(result.code).toBe(0);
    expect(result.out).toContain('Taking "Mia" as you (the sender whose messages carry fewer warning signs');
    expect(result.out).toMatch(/^ (HIGH|CRITICAL) /m);
  });
});

describe('scan: the project\'s risky samples', () => {
  it('Vietnamese WhatsApp (Android): critical, summary with sender, time and matched words, a report the report page reads', async () => {
    const dir = tempDir();
    const out = join(dir, 'report.json');
    const result = await run(['scan', VI_ANDROID, '--out', out]);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toContain('Taking "Hà" as you (wrote "You deleted this message"; use --self NAME to change).');
    expect(result.out).toMatch(/^ CRITICAL {2}Đại úy Hùng · WhatsApp · /m);
    // Time, sender and the matched words in «» (how far a match extends depends on the rule pack, and the words the
    // model highlights on the model it was trained to).
    expect(result.out).toMatch(/2025-03-12 19:08 {2}Đại úy Hùng: («Đây là»|Đây là) «bí mật điều tra», em «không được nói với ai»/);
    expect(result.out).toContain('matched: "bí mật điều tra" (secrecy)');
    expect(result.out).toContain(`Report written to ${out} (JSON: 1 conversation with warning signs`);
    expect(result.out).not.toContain('\x1b[');

    const report = readReport(out);
    expect(report.generator.kind).toBe('cli');
    const [conversation] = report.conversations;
    expect(conversation).toMatchObject({ site: 'whatsapp', title: 'Đại úy Hùng', level: 'critical', peakLevel: 'critical' });
    expect(conversation.key).toBe('whatsapp-export:vi-whatsapp-police-script/WhatsApp Chat with Đại úy Hùng.txt');
    expect(conversation.categories).toEqual(expect.arrayContaining(['impersonation', 'secrecy', 'money', 'isolation']));
    const intro = conversation.messages.find((m) => m.id === 'L4');
    expect(intro).toMatchObject({ from: 'other', sender: 'Đại úy Hùng', sentAt: new Date(2025, 2, 12, 19, 4).toISOString(), flagged: true });
    expect(conversation.messages.filter((m) => m.sender === 'Hà').every((m) => m.from === 'self')).toBe(true);
    // The chart is recomputed with the scan's engine (script steps, context model): it ends at the risk stated, up to
    // the time decay of the messages the scan did not keep (from the stored findings alone it ended ~10 points lower).
    const last = conversation.timeline.at(-1)!;
    expect(last.level).toBe(conversation.level);
    expect(Math.abs(last.score - conversation.score)).toBeLessThan(0.01 * conversation.score);
    expect((await verifyReport(readFileSync(out, 'utf8'), out)).ok).toBe(true);
  });

  it('Vietnamese WhatsApp (iOS, time first) inside "WhatsApp Chat - Đại úy Hùng.zip": high or critical', async () => {
    const dir = tempDir();
    const zip = join(dir, 'WhatsApp Chat - Đại úy Hùng.zip');
    writeFileSync(zip, zipSync({ '_chat.txt': readFileSync(VI_IOS), '00000012-PHOTO-2025-03-14-13-05-30.jpg': new Uint8Array([0xff, 0xd8, 0xff]) }));
    const out = join(dir, 'r.csv');
    const result = await run(['scan', zip, '--out', out]);
    expect(result.code).toBe(0);
    expect(result.out).toContain('Taking "Minh Anh" as you');
    expect(result.out).toMatch(/^ (HIGH|CRITICAL) {2}Đại úy Hùng · WhatsApp · .*WhatsApp Chat - Đại úy Hùng\.zip\/_chat\.txt$/m);
    expect(readFileSync(out, 'utf8')).toContain('Em có liên quan đến một đường dây rửa tiền xuyên quốc gia.');
    expect(await run(['verify', out])).toMatchObject({ code: 0 });
  });

  it('Telegram Desktop JSON of an English grooming chat: critical; JSON, CSV and HTML reports verify', async () => {
    const dir = tempDir();
    const outs = ['r.json', 'r.csv', 'r.html'].map((f) => join(dir, f));
    const result = await run(['scan', TELEGRAM, ...outs.flatMap((o) => ['--out', o])]);
    expect(result.code).toBe(0);
    expect(result.out).toContain('Taking "Lily" as you (the other person in the chat named "Jake"; use --self NAME to change).');
    expect(result.out).toMatch(/^ CRITICAL {2}Jake · Telegram · /m);
    // Telegram times are exact instants (date_unixtime), shown in local time.
    expect(result.out).toContain(`${formatTime(Date.parse('2025-05-04T22:31:40Z'))}  Jake: «delete our chat» after ok?`);
    const report = readReport(outs[0]);
    expect(atLeastHigh(report.conversations[0].level)).toBe(true);
    expect(report.conversations[0].messages.find((m) => m.id === '116')).toMatchObject({ from: 'self', sender: 'Lily', text: 'ok i won\'t tell anyone' });
    for (const file of outs) expect(await run(['verify', file]), file).toMatchObject({ code: 0 });

    // One changed message: verify names it.
    const csv = readFileSync(outs[1], 'utf8');
    writeFileSync(outs[1], csv.replace('are you home alone tonight', 'are you home tonight'));
    const changed = await run(['verify', outs[1]]);
    expect(changed.code).toBe(1);
    expect(changed.out).toMatch(/CHANGED/);
    expect(changed.out).toMatch(/row \d+ \(conversation "telegram-export:en-telegram-grooming\/result\.json#5550001" message "114" \(#\d+\)\): record_sha256: the row does not match/);
  });

  it('--self (case-insensitive) changes the direction and prints no guess; --lang en turns the Vietnamese rules off', async () => {
    const dir = tempDir();
    const out = join(dir, 'r.json');
    const asScammer = await run(['scan', VI_ANDROID, '--self', 'đại úy hùng', '--out', out]);
    expect(asScammer.code).toBe(0);
    expect(asScammer.out).not.toContain('Taking');
    expect(asScammer.out).toContain('you: "Đại úy Hùng"');
    expect(readReport(out).conversations[0].messages.find((m) => m.id === 'L4')?.from).toBe('self');

    const english = await run(['scan', VI_ANDROID, '--lang', 'en']);
    expect(english.code).toBe(0);
    expect(english.out).toMatch(/^ NONE {2}Đại úy Hùng/m);
  });

  it('--self with a name that is no sender: exit 2 listing the senders', async () => {
    const result = await run(['scan', VI_ANDROID, TELEGRAM, '--self', 'Nobody']);
    expect(result.code).toBe(2);
    expect(result.out).toBe('');
    expect(result.err).toBe('not-alone: --self "Nobody" matches no sender. The senders are: "Jake", "Đại úy Hùng", "Hà", "Lily"\n');
  });
});

describe('scan: folders, zips and formats', () => {
  it('a "Download your information" folder: message_1..N merged into one thread, other files skipped', async () => {
    const dir = tempDir();
    const thread = join(dir, 'your_instagram_activity', 'messages', 'inbox', 'samstranger_123');
    mkdirSync(thread, { recursive: true });
    const people = [{ name: 'Sam Stranger' }, { name: 'Lan' }];
    writeFileSync(
      join(thread, 'message_1.json'),
      JSON.stringify({ participants: people, title: 'Sam Stranger', messages: [{ sender_name: 'Sam Stranger', timestamp_ms: 1_746_300_000_000, content: 'this stays between us ok? delete our chat after' }] }),
    );
    writeFileSync(
      join(thread, 'message_2.json'),
      JSON.stringify({ participants: people, messages: [{ sender_name: 'Sam Stranger', timestamp_ms: 1_746_200_000_000, content: 'are you home alone tonight' }, { sender_name: 'Lan', timestamp_ms: 1_746_100_000_000, content: 'hi' }] }),
    );
    writeFileSync(join(dir, 'your_instagram_activity', 'liked_posts.json'), JSON.stringify({ likes_media_likes: [] }));
    // Looks like the messages' JSON but is no thread: skipped too.
    writeFileSync(join(dir, 'your_instagram_activity', 'messages', 'reported_conversations.json'), JSON.stringify({ timestamp_ms: 1, sender_name: 'x' }));
    const result = await run(['scan', dir]);
    expect(result.code).toBe(0);
    expect(result.out).toContain('Scanned 2 files: 1 conversation, 3 messages (Instagram)');
    expect(result.out).toContain('Skipped 2 files that are not a chat export.');
    expect(result.out).toContain('Taking "Lan" as you (the other person in the chat named "Sam Stranger"');
    expect(result.out).toMatch(/Sam Stranger · Instagram · .*samstranger_123\/message_\*\.json/);
  });

  it('every export sample in tests/fixtures/exports scans (the folder as a whole)', async () => {
    const result = await run(['scan', FIXTURES]);
    expect(result.code).toBe(0);
    // Only the sample made to show a pasted header in another style is warned about.
    expect(result.err).toMatch(/^not-alone: warning: \S*en-ios-pasted-other-style\.txt:3: 2 line\(s\) start like a message but not the way this export writes its messages[^\n]*: line 3, 6\n$/);
    // 5 chat-miner WhatsApp + Pustur + Signal + 2 Telegram samples + Instagram + 2 Vietnamese + the Telegram grooming
    // chat + 27 WhatsApp locale samples + the current Messenger format.
    const first = result.out.split('\n')[0];
    expect(first).toMatch(/^Scanned 41 files: 41 conversations, \d+ messages \(.*\) in [\d.]+ s\. Skipped \d+ files that are not a chat export\.$/);
    for (const app of ['WhatsApp', 'Signal', 'Telegram', 'Instagram', 'Messenger']) expect(first).toContain(app);
  });

  it('DiscordChatExporter CSV, and JSONL read as a chat (not the machine mode) when not asked for --format jsonl', async () => {
    const dir = tempDir();
    const csv = join(dir, 'Direct Messages - nightfox [111].csv');
    writeFileSync(csv, 'AuthorID,Author,Date,Content,Attachments,Reactions\n"900","nightfox","2025-02-01T20:00:00+07:00","do your parents check your phone?","",""\n"901","kiddo","2025-02-01T20:01:00+07:00","no","",""\n');
    const discord = await run(['scan', csv]);
    expect(discord.code).toBe(0);
    expect(discord.out).toMatch(/Direct Messages - nightfox \[111\] · Discord/);
    expect(discord.out).toContain('matched: "do your parents check your phone" (age_probe)');

    const jsonl = join(dir, 'chat.jsonl');
    writeFileSync(jsonl, '{"id":"1","text":"send me a pic of you in your pajamas","ts":"2025-01-01T10:00:00Z"}\n{"id":"2","from":"self","text":"no"}\n');
    const chat = await run(['scan', jsonl]);
    expect(chat.code).toBe(0);
    expect(chat.out).toContain('default · JSONL');
    expect(chat.out).not.toContain('Taking');
  });

  it('colour only when stdout is a terminal and not switched off', async () => {
    const capture = async (flags: string[], outIsTTY: boolean) => {
      let out = '';
      await runScanFiles(parseArgs([TELEGRAM, ...flags], ['format', 'self', 'lang', 'out', 'sensitivity'], ['no-color', 'quiet']), {
        out: (s) => (out += s),
        err: () => undefined,
        outIsTTY,
        errIsTTY: false,
      });
      return out;
    };
    expect(await capture([], true)).toContain('\x1b[1;97;41m CRITICAL \x1b[0m');
    expect(await capture(['--no-color'], true)).not.toContain('\x1b[');
    expect(await capture([], false)).not.toContain('\x1b[');
    expect(await capture(['--quiet'], true)).toBe('');
  });
});

describe('scan: bad input gives one clear error, exit 2, and no output file', () => {
  const cases: Array<[string, (dir: string) => string, RegExp]> = [
    ['an unknown format (a saved WhatsApp Web page)', () => join(WHATSAPP_WEB_SNAPSHOTS, 'conversation.html'), /conversation\.html: this is a web page \(HTML\), not a chat export\. Supported: /],
    ['a text file that is no chat', (d) => write(d, 'notes.txt', 'shopping list\nmilk\n'), /notes\.txt:1: not a chat export this tool knows: no line starts with a date and time like WhatsApp's/],
    ['truncated JSON', (d) => write(d, 'result.json', readFileSync(TELEGRAM, 'utf8').slice(0, 1500)), /result\.json:\d+:\d+: not valid JSON: the file ends in the middle of the JSON \(it looks truncated/],
    ['a JSON export missing its messages', (d) => write(d, 'result.json', '{"name": "Jake", "type": "personal_chat", "messages": {}}'), /result\.json \(at messages\): "messages" must be a list/],
    ['UTF-16 without a byte-order mark', (d) => write(d, 'chat.txt', Buffer.from('12/03/2025, 19:02 - A: hi\n', 'utf16le')), /chat\.txt: this looks like UTF-16 text without a byte-order mark/],
    ['invalid UTF-8 (Windows-1252)', (d) => write(d, 'chat.txt', Buffer.concat([Buffer.from('12/03/2025, 19:02 - A: hi\n12/03/2025, 19:03 - B: caf'), Buffer.from([0xe9]), Buffer.from('\n')])), /chat\.txt:2: not valid UTF-8 text \(byte 0xE9\)/],
    ['an empty file', (d) => write(d, 'chat.txt', ''), /chat\.txt: the file is empty\n$/],
    ['a missing file', (d) => join(d, 'nope.txt'), /nope\.txt: cannot read \(ENOENT\)/],
    [
      'a folder with no chat export',
      (d) => {
        mkdirSync(join(d, 'empty'));
        write(d, 'empty/readme.txt', 'hello\n');
        return join(d, 'empty');
      },
      /empty: no chat export found here \(looked at 1 text, JSON, CSV and HTML file\)\n$/,
    ],
    [
      'a Telegram HTML export folder',
      (d) => {
        mkdirSync(join(d, 'ChatExport_2025-05-04'));
        write(d, 'ChatExport_2025-05-04/messages.html', '<!DOCTYPE html><html><div class="message default clearfix">');
        return join(d, 'ChatExport_2025-05-04');
      },
      /ChatExport_2025-05-04: no chat export found here \(looked at 1 text, JSON, CSV and HTML file\): this is Telegram's HTML export; export again in Telegram Desktop choosing "Machine-readable JSON"\n$/,
    ],
    ['a file that is no zip', (d) => write(d, 'export.zip', 'PK\u0003\u0004 broken'), /export\.zip: not a readable \.zip archive/],
  ];

  function write(dir: string, name: string, content: string | Buffer): string {
    writeFileSync(join(dir, name), content);
    return join(dir, name);
  }

  for (const [name, make, message] of cases) {
    it(name, async () => {
      const dir = tempDir();
      const input = make(dir);
      const before = readdirSync(dir);
      const out = join(dir, 'report.html');
      const result = await run(['scan', VI_ANDROID, input, '--out', out]);
      expect(result.code).toBe(2);
      expect(result.out).toBe('');
      expect(result.err.split('\n').filter(Boolean)).toHaveLength(1);
      expect(result.err).toMatch(/^not-alone: /);
      expect(result.err).toMatch(message);
      expect(readdirSync(dir)).toEqual(before);
    });
  }

  it('usage errors: a report name that is not .json/.csv/.html, the report over an input, bad options', async () => {
    const dir = tempDir();
    const input = join(dir, 'chat.txt');
    copyFileSync(VI_ANDROID, input);
    expect(await run(['scan', input, '--out', join(dir, 'r.pdf')])).toMatchObject({ code: 2, err: `not-alone: --out ${join(dir, 'r.pdf')}: the report file must end in .json, .csv or .html\n` });
    expect(await run(['scan', input, '--out', input.replace('.txt', '.json')])).toMatchObject({ code: 0 });
    const over = await run(['scan', join(dir, 'r.json'), '--out', join(dir, 'r.json')]);
    expect(over.err).toMatch(/is one of the input files/);
    // A report folder that does not exist: stopped before scanning, and the other report is not written either.
    const missing = await run(['scan', input, '--out', join(dir, 'ok.html'), '--out', join(dir, 'nope', 'r.json')]);
    expect(missing).toMatchObject({ code: 2, out: '', err: `not-alone: --out ${join(dir, 'nope', 'r.json')}: the folder ${join(dir, 'nope')} cannot be used (ENOENT)\n` });
    expect(readdirSync(dir).sort()).toEqual(['chat.json', 'chat.txt']);
    expect(await run(['scan', input, '--format', 'zalo'])).toMatchObject({ code: 2, err: 'not-alone: --format must be one of auto, whatsapp, signal, telegram, messenger, instagram, discord, jsonl\n' });
    expect(await run(['scan', input, '--lang', 'fr'])).toMatchObject({ code: 2, err: 'not-alone: --lang must be one of auto, en, vi\n' });
    expect(await run(['scan'])).toMatchObject({ code: 2 });
    // A forced format that does not fit names the problem.
    expect((await run(['scan', input, '--format', 'telegram'])).err).toMatch(/chat\.txt:1:1: not JSON: the file does not start with "\{" or "\["/);
  });
});

describe('verify', () => {
  it('exit 2 for a file that is not a report, or cannot be read', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'x.json'), '{"hello": 1}');
    const notReport = await run(['verify', join(dir, 'x.json')]);
    expect(notReport.code).toBe(2);
    expect(notReport.err).toMatch(/cannot be checked:\n {2}file: format: not a Not Alone report/);
    expect(await run(['verify', join(dir, 'missing.json')])).toMatchObject({ code: 2 });
    expect(await run(['verify'])).toMatchObject({ code: 2 });
  });
});
