/**
 * The WhatsApp adapter on saved copies of the live WhatsApp Web DOM (tests/fixtures/sites/whatsapp/snapshots/,
 * see SOURCE.txt): the packed `data-id` of early 2026, the bare ids of April and May 2026, quoted messages, link
 * previews, emoji images, deleted messages, media without text and a contact row that is not a message.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { whatsappAdapter } from '../../lib/sites/whatsapp';
import { loadPage, readPage, type LoadedPage } from './sites-fixtures';

const context = { now: Date.parse('2026-06-01T12:00:00'), dateOrder: 'dmy' as const };
let page: LoadedPage | null = null;
afterEach(async () => {
  await page?.close();
  page = null;
});

function extract(file: string) {
  page = loadPage(readPage('whatsapp', `snapshots/${file}`), 'https://web.whatsapp.com/');
  const root = whatsappAdapter.messageRoot(page.document);
  if (!root) throw new Error('no #main');
  return whatsappAdapter.messageElements(root).map((row) => whatsappAdapter.extract(row, context));
}

const local = (text: string): number => Date.parse(text);

describe('WhatsApp Web snapshots', () => {
  it('reads packed data-id rows (until April 2026): id, chat id, direction, legacy text classes', () => {
    const messages = extract('conversation.html');
    expect(whatsappAdapter.conversation(page!.document, page!.url)?.id).toBe('120363403498637789@g.us');
    expect(messages.map((m) => m && { id: m.id, from: m.from, sender: m.sender, ts: m.ts })).toEqual([
      { id: 'AC186CE91CBE1B7EA49A2127E5DDE29D_100000000000@lid', from: 'other', sender: '+00 10000 00000', ts: local('2025-12-10T09:12') },
      { id: '3EB036C7035BE6F5227333_100000000001@lid', from: 'other', sender: undefined, ts: undefined },
      null, // "This message was deleted"
      { id: '3EB0E63CFC6AC65FD9BF6E_100000000001@lid', from: 'other', sender: '+00 10000 00001', ts: local('2025-10-12T04:32') },
      null, // a GIF with only a quoted text
    ]);
    expect(messages[1]?.text).toContain('https://chat.whatsapp.com/example-invite');
    // The quoted message inside the fourth row is not part of its text.
    expect(messages[3]?.text.startsWith('US productivity (per cow)')).toBe(true);
    expect(messages[3]?.text).not.toContain('US dairy argument');
  });

  it('reads March 2026 rows: emoji images, quotes, outgoing, link previews, media without text', () => {
    const messages = extract('test-messages.html');
    expect(messages.map((m) => m && [m.id, m.from, m.sender, m.text])).toEqual([
      ['MSG001_100000000001@lid', 'other', '+65 9000 0001', 'Very sad to hear this. May he rest in peace 🙏'],
      [
        'MSG002_100000000002@lid',
        'other',
        '+65 9000 0001',
        'Golden Village did not agree to a full hall screening for Dhurandhar 2 in the first weekend, so we could not organise it.',
      ],
      ['MSG003_100000000003@lid', 'other', '+65 9000 0002', 'Thanks Anand, and hello everyone. Great to be part of this community.'],
      ['MSG004_100000000004@lid', 'other', '+65 9000 0003', 'Welcome!'],
      ['MSG005_100000000005@lid', 'self', 'Jordan Poe', '22 Dec lunch or evening works well for me. 23 Dec evening works too.'],
      null, // deleted
      ['MSG007_100000000007@lid', 'other', '+65 9000 0005', 'Worth a read\nhttps://cookbook.openai.com/articles/openai-harmony#receiving-tool-calls'],
      null, // a picture without caption
      null, // a voice message
    ]);
    expect(messages[4]?.ts).toBe(local('2025-12-14T20:05'));
  });

  it('reads the bare ids of April 2026 with .message-in / .message-out', () => {
    const messages = extract('test-messages-2026-04.html');
    expect(messages).toEqual([
      { id: '3EB0041865291286CF6A5D', from: 'other', sender: '+00 10000 00021', text: 'need to try out\nhttps://specstory.com/', ts: local('2026-04-18T13:32') },
      { id: '3AOUTGOINGAPR2026', from: 'self', sender: 'Jordan Poe', text: 'Will try this tonight.', ts: local('2026-04-19T20:05') },
    ]);
  });

  it('skips May 2026 contact rows (bare id, no data-pre-plain-text) and leaves quotes and previews out', () => {
    const messages = extract('test-messages-2026-05-10.html');
    expect(messages.map((m) => m?.id ?? null)).toEqual(['3EB00298006A5DC1795156', null, '3B88182701DE2BD54718', '3EB03E69F79F3EADD4F87E']);
    expect(messages[0]?.text).not.toContain('Vercel Developers'); // link preview card
    expect(messages[3]?.text).toBe('very helpful, will checkout both');
    expect(messages[3]?.ts).toBe(local('2026-05-10T14:14'));
  });
});
