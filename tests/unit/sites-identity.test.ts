/**
 * Issue 15, point 7: WhatsApp (current DOM) and Zalo key a chat by its display name, so a partner who takes another
 * chat's name ("Mẹ") would merge into its record unseen. Their adapters also read the header's profile picture
 * (`ConversationInfo.avatar`): an address that stays the same while the CDN's tokens change, nothing for a chat
 * without a picture, and a different one for a different picture.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { avatarAddress } from '../../lib/sites/dom';
import { whatsappAdapter } from '../../lib/sites/whatsapp';
import { zaloAdapter } from '../../lib/sites/zalo';
import type { SiteAdapter } from '../../lib/sites/types';
import { pictureFingerprint } from '../../lib/storage/pictures';
import { loadPage, readExpected, readPage, type LoadedPage } from './sites-fixtures';

let open: LoadedPage | null = null;
afterEach(async () => {
  await open?.close();
  open = null;
});

const APPS: Array<[string, SiteAdapter, string]> = [
  ['whatsapp', whatsappAdapter, '#main header img:not(.emoji)'],
  ['zalo', zaloAdapter, '#header .header-avatar img'],
];

function headerImage(page: LoadedPage, selector: string): Element {
  const image = page.document.querySelector(selector);
  if (!image) throw new Error(`no header picture (${selector})`);
  return image;
}

describe.each(APPS)('%s: the header picture of a chat keyed by its name', (app, adapter, selector) => {
  const expected = readExpected(app);

  it('is read from the fixture, without the query, and differs between two chats', () => {
    open = loadPage(readPage(app), expected.url);
    const first = adapter.conversation(open.document, open.url);
    expect(first?.id).toMatch(/^name:/);
    expect(first?.avatar).toBe(expected.conversations.benign.avatar);
    expect(first?.avatar).not.toContain('?');
    open.open('risky');
    const second = adapter.conversation(open.document, open.url);
    expect(second?.avatar).toBe(expected.conversations.risky.avatar);
    expect(second?.avatar).not.toBe(first?.avatar);
  });

  it('gives the same fingerprint when only the CDN tokens change, another one for another picture', async () => {
    open = loadPage(readPage(app), expected.url);
    const image = headerImage(open, selector);
    const src = image.getAttribute('src')!;
    const before = await pictureFingerprint(adapter.conversation(open.document, open.url)!.avatar!);
    image.setAttribute('src', `${src.split('?')[0]}?oh=01_NEWTOKEN&oe=7B000000&_nc_sid=aaaaaa#x`);
    expect(await pictureFingerprint(adapter.conversation(open.document, open.url)!.avatar!)).toBe(before);
    image.setAttribute('src', src.replace(/\/[^/?]+(\?|$)/, '/999_another_picture_n.jpg$1'));
    expect(await pictureFingerprint(adapter.conversation(open.document, open.url)!.avatar!)).not.toBe(before);
  });

  it('reads no picture when the header shows none, a blob: address or a placeholder', () => {
    open = loadPage(readPage(app), expected.url);
    const image = headerImage(open, selector);
    image.setAttribute('src', 'blob:https://web.whatsapp.com/2d3c9a8e-0f1b-4a5c-9d7e-6b5a4c3d2e1f');
    expect(adapter.conversation(open.document, open.url)).not.toHaveProperty('avatar');
    image.setAttribute('src', 'data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7');
    expect(adapter.conversation(open.document, open.url)).not.toHaveProperty('avatar');
    image.remove();
    const conversation = adapter.conversation(open.document, open.url);
    expect(conversation?.title).toBe(expected.conversations.benign.title);
    expect(conversation).not.toHaveProperty('avatar');
  });
});

describe('avatarAddress', () => {
  it('keeps a data: picture whole (its content is the picture), and cuts a huge one keeping its length', () => {
    open = loadPage('<img id="a">', 'https://chat.zalo.me/');
    const image = open.document.getElementById('a')!;
    const picture = `data:image/jpeg;base64,${'A'.repeat(3000)}`;
    image.setAttribute('src', picture);
    expect(avatarAddress(image)).toBe(picture);
    const huge = `data:image/jpeg;base64,${'B'.repeat(100_000)}`;
    image.setAttribute('src', huge);
    const cut = avatarAddress(image)!;
    expect(cut.length).toBeLessThanOrEqual(65_536);
    expect(cut.endsWith(`#${huge.length}`)).toBe(true);
  });

  it('resolves a relative address against the page and refuses other schemes', () => {
    open = loadPage('<img id="a" src="/avatars/42.jpg?v=3">', 'https://chat.zalo.me/');
    const image = open.document.getElementById('a')!;
    expect(avatarAddress(image)).toBe('https://chat.zalo.me/avatars/42.jpg');
    image.setAttribute('src', 'javascript:alert(1)');
    expect(avatarAddress(image)).toBeUndefined();
    image.setAttribute('src', '');
    expect(avatarAddress(image)).toBeUndefined();
    expect(avatarAddress(null)).toBeUndefined();
  });
});

describe('WhatsApp', () => {
  it('reads no picture for a chat whose rows carry its id (the key is the id, not the name)', () => {
    open = loadPage(readPage('whatsapp'), 'https://web.whatsapp.com/');
    const row = open.document.querySelector('#main [role="row"] [data-id]')!;
    row.setAttribute('data-id', 'false_120363403498637789@g.us_3EB0A00C00005D2E');
    const conversation = whatsappAdapter.conversation(open.document, open.url);
    expect(conversation).toEqual({ id: '120363403498637789@g.us', title: 'Lớp 10A2 🏫' });
  });

  it('never takes an emoji of the title for the picture', () => {
    open = loadPage(readPage('whatsapp'), 'https://web.whatsapp.com/');
    open.document.querySelector('#main header img:not(.emoji)')!.remove();
    expect(open.document.querySelector('#main header img.emoji')).not.toBeNull();
    expect(whatsappAdapter.conversation(open.document, open.url)).not.toHaveProperty('avatar');
  });
});
