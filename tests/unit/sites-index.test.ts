/** Which adapter runs where, the manifest's match list, and the DOM helpers shared by the adapters. */
import { describe, expect, it } from 'vitest';
import { adapterFor, adapterForPage } from '../../lib/sites';
import { cleanText, hashId, lastCompound, queryAll, SelectorChain, textOf } from '../../lib/sites/dom';
import { CHAT_SITE_MATCHES, CONTENT_SCRIPT_MATCHES, LAUNCHER_MATCHES, launcherWantsChat } from '../../lib/sites/hosts';
import { loadPage } from './sites-fixtures';

describe('adapterFor / adapterForPage', () => {
  it.each([
    ['https://web.whatsapp.com/', 'whatsapp'],
    ['https://www.messenger.com/t/123/', 'messenger'],
    ['https://www.facebook.com/messages/t/123', 'messenger'],
    ['https://www.instagram.com/direct/t/340282366/', 'instagram'],
    ['https://web.telegram.org/k/#@someone', 'telegram-k'],
    ['https://web.telegram.org/a/#-100123', 'telegram-a'],
    ['https://discord.com/channels/@me/123', 'discord'],
    ['https://chat.zalo.me/', 'zalo'],
    ['http://127.0.0.1:5173/demo/', 'demo'],
  ])('%s → %s', (url, id) => {
    expect(adapterFor(new URL(url))?.id).toBe(id);
  });

  it('covers Discord\'s canary and PTB builds and Facebook\'s m. and web. hosts (issue 15, point 7)', () => {
    const pages = [
      ['https://canary.discord.com/channels/@me/123', 'discord'],
      ['https://ptb.discord.com/channels/123/456', 'discord'],
      ['https://m.facebook.com/messages/t/123', 'messenger'],
      ['https://web.facebook.com/messages/t/123', 'messenger'],
    ] as const;
    const matchesPattern = (pattern: string, url: URL): boolean => {
      const [, scheme, host, path] = /^(\w+):\/\/([^/]+)(\/.*)$/.exec(pattern) ?? [];
      const pathPattern = new RegExp('^' + path.replace(/[.*+?^${}()|[\]\\]/g, (c) => (c === '*' ? '.*' : '\\' + c)) + '$');
      return url.protocol === `${scheme}:` && url.hostname === host && pathPattern.test(url.pathname);
    };
    for (const [page, id] of pages) {
      const url = new URL(page);
      expect(adapterFor(url)?.id, page).toBe(id);
      expect(CONTENT_SCRIPT_MATCHES.some((pattern) => matchesPattern(pattern, url)), page).toBe(true);
      expect(launcherWantsChat(url), page).toBe(true);
      expect(LAUNCHER_MATCHES.some((pattern) => matchesPattern(pattern, new URL(url.origin + '/'))), page).toBe(true);
    }
    expect(adapterFor(new URL('https://evil-discord.com/channels/1/2'))).toBeUndefined();
    expect(adapterFor(new URL('https://m.facebook.com.evil.example/messages/t/1'))).toBeUndefined();
  });

  it('app pages without a chat have no adapter (the chat launcher covers them)', () => {
    for (const url of ['https://www.instagram.com/', 'https://www.facebook.com/', 'https://discord.com/app']) {
      expect(adapterFor(new URL(url))).toBeUndefined();
      expect(adapterForPage(new URL(url), [])).toBeUndefined();
    }
  });

  it('uses the generic adapter only on a watched host', () => {
    expect(adapterForPage(new URL('https://chat.example.org/room'), [])).toBeUndefined();
    expect(adapterForPage(new URL('https://chat.example.org/room'), ['chat.example.org'])?.id).toBe('generic');
    expect(adapterForPage(new URL('https://web.whatsapp.com/'), ['web.whatsapp.com'])?.id).toBe('whatsapp');
  });

  it('the content script runs on every supported site, and nowhere with <all_urls>', () => {
    for (const pattern of CHAT_SITE_MATCHES) expect(CONTENT_SCRIPT_MATCHES).toContain(pattern);
    expect(CONTENT_SCRIPT_MATCHES.join(' ')).not.toMatch(/<all_urls>|\*:\/\/\*\//);
    expect(CHAT_SITE_MATCHES.every((p) => p.startsWith('https://'))).toBe(true);
  });
});

describe('DOM helpers', () => {
  it('lastCompound finds the part a selector ends with', () => {
    expect(lastCompound('.a .b')).toBe('.b');
    expect(lastCompound('ol[data-list-id="chat-messages"] > li[id^="chat-messages-"]')).toBe('li[id^="chat-messages-"]');
    expect(lastCompound('[aria-label^="Messages in conversation"] [role="row"]')).toBe('[role="row"]');
    expect(lastCompound('.a, .b')).toBeNull();
    expect(lastCompound('.solo')).toBe('.solo');
  });

  it('queryAll and SelectorChain match ancestors outside the searched element, and keep the first working fallback', async () => {
    const page = loadPage('<div class="list"><div class="group"><p class="m">one</p><p class="m">two</p></div></div><p class="m">out</p>', 'https://x.example/');
    const group = page.document.querySelector('.group')!;
    expect(queryAll(group, '.list .m').map((e) => e.textContent)).toEqual(['one', 'two']);
    const chain = new SelectorChain([
      { selector: '.missing .m', seen: '2026-01-01' },
      { selector: '.list .m', seen: '2026-01-01' },
    ]);
    expect(chain.all(page.document).map((e) => e.textContent)).toEqual(['one', 'two']);
    expect(chain.selector).toBe('.list .m');
    expect(chain.closest(page.document.querySelectorAll('.m')[1])?.textContent).toBe('two');
    expect(chain.closest(page.document.querySelectorAll('.m')[2])).toBeNull();
    await page.close();
  });

  it('textOf reads text, emoji images and line breaks, and leaves hidden parts and skipped subtrees out', async () => {
    const page = loadPage(
      '<div id="t">  Hello <b>there</b> <img alt="👋"><br>second   line<span aria-hidden="true">12:19</span><span class="time">12:20</span><script>x()</script></div>',
      'https://x.example/',
    );
    expect(textOf(page.document.getElementById('t')!, { skip: '.time' })).toBe('Hello there 👋\nsecond line');
    await page.close();
  });

  it('cleanText and hashId', () => {
    expect(cleanText('  a \t b \n\n\n\n c  ')).toBe('a b\n\nc');
    expect(hashId('a', 'b')).toBe(hashId('a', 'b'));
    expect(hashId('a', 'b')).not.toBe(hashId('ab'));
  });
});
