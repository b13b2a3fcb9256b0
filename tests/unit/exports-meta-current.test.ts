/**
 * The current Messenger / Instagram "Download your information" format (tests/fixtures/exports/meta-current, see its
 * SOURCE.txt): calls (`call_duration`, no `type`) and reaction notices are no text messages, and a Messenger thread
 * is Messenger even though its messages carry `is_geoblocked_for_viewer`.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseExportBytes } from '../../lib/exports';

const FILE = 'messages/inbox/minhanh_1234567890/message_1.json';
const bytes = readFileSync(resolve(import.meta.dirname, '../fixtures/exports/meta-current', FILE));

describe('current Meta export', () => {
  it('is detected as Messenger, not Instagram', () => {
    expect(parseExportBytes(FILE, bytes).format).toBe('messenger');
    expect(parseExportBytes(`facebook-minhanh/${FILE}`, bytes).format).toBe('messenger');
  });

  it('reads the texts and the photo; calls and reaction notices are skipped', () => {
    const [conversation] = parseExportBytes(FILE, bytes).conversations;
    expect(conversation.messages.map((m) => [m.sender, m.kind, m.text])).toEqual([
      ['Minh Anh', 'text', 'hi anh'],
      ['Tuấn Kiệt', 'text', 'chào em, em học lớp mấy rồi?'],
      ['Minh Anh', 'media', '[photo]'],
      ['Tuấn Kiệt', 'text', 'ok mai nói tiếp'],
    ]);
    expect(conversation.skipped).toBe(4);
    expect(conversation.title).toBe('Tuấn Kiệt');
  });
});
