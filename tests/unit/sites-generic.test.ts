/**
 * The generic adapter ("Watch this site"): it finds a chat without knowing the site, and stays silent on ordinary
 * pages (an article quoting scam phrases with a comment box, a search results page).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createGenericAdapter, findChatContainer } from '../../lib/sites/generic';
import { expectedMessage, loadPage, readExpected, readPage, type LoadedPage } from './sites-fixtures';

const context = { now: Date.parse('2026-05-11T00:00:00Z'), dateOrder: 'dmy' as const };
let page: LoadedPage | null = null;
afterEach(async () => {
  await page?.close();
  page = null;
});

describe('generic adapter', () => {
  it('reads a chat on an unknown site: messages, direction from class names, sender, time', () => {
    const expected = readExpected('generic');
    const conversation = expected.conversations.chat;
    page = loadPage(readPage('generic', 'chat.html'), expected.url);
    const adapter = createGenericAdapter();
    expect(adapter.conversation(page.document, page.url)).toEqual({ id: conversation.id, title: conversation.title });
    const root = adapter.messageRoot(page.document);
    expect(root?.className).toBe('c-thread');
    const messages = adapter.messageElements(root!).map((element) => adapter.extract(element, context));
    expect(messages).toEqual(conversation.messages.map((m) => expectedMessage(m, context.now)));
  });

  it('follows messages the page adds, and maps any node inside a message to it', () => {
    page = loadPage(readPage('generic', 'chat.html'), 'http://127.0.0.1:8123/generic/chat.html');
    const adapter = createGenericAdapter();
    const root = adapter.messageRoot(page.document)!;
    const added = page.document.createElement('div');
    added.className = 'c-msg c-msg--them';
    const body = page.document.createElement('p');
    body.textContent = 'còn đó không em?';
    added.append(body);
    root.append(added);
    expect(adapter.messageFor(body)).toBe(added);
    expect(adapter.messagesIn(added)).toEqual([]);
    expect(adapter.messageElements(page.document)).toContain(added);
    const message = adapter.extract(added, context);
    expect(message).toMatchObject({ text: 'còn đó không em?', from: 'other' });
    expect(message?.id).toMatch(/^[0-9a-z]+$/);
    // Not a message: the page's header and composer.
    expect(adapter.messageFor(page.document.querySelector('textarea')!)).toBeNull();
  });

  it.each(['article.html', 'search.html'])('stays silent on an ordinary page: %s', (file) => {
    page = loadPage(readPage('generic', file), `https://news.example.org/${file}`);
    const adapter = createGenericAdapter();
    expect(adapter.conversation(page.document, page.url)).toBeNull();
    expect(adapter.messageRoot(page.document)).toBeNull();
    expect(adapter.messageElements(page.document)).toEqual([]);
  });

  it('accepts a role="log" list without a scrolling container, and rejects lists of links and headings', () => {
    page = loadPage(
      `<!doctype html><body>
        <ul role="log">${['hi', 'hey, how are you?', 'good, you?', 'fine thanks', 'see you later'].map((t) => `<li>${t}</li>`).join('')}</ul>
        <div class="links">${['a', 'b', 'c', 'd', 'e'].map((t) => `<div><a href="/${t}">Link ${t} with a long title</a></div>`).join('')}</div>
        <textarea></textarea></body>`,
      'https://example.org/',
    );
    expect(findChatContainer(page.document)?.element.getAttribute('role')).toBe('log');
    page.document.querySelector('[role="log"]')!.remove();
    expect(findChatContainer(page.document)).toBeNull();
  });

  it('needs a place to type: a page without a composer is not a chat', () => {
    page = loadPage(readPage('generic', 'chat.html').replace(/<form class="c-composer">[\s\S]*?<\/form>/, ''), 'https://example.org/');
    expect(findChatContainer(page.document)).toBeNull();
  });

  it('searches again at most every detectEveryMs while no chat is found', () => {
    let now = 0;
    page = loadPage('<!doctype html><body><p>loading…</p></body>', 'https://example.org/');
    const adapter = createGenericAdapter({ now: () => now, detectEveryMs: 2000 });
    expect(adapter.conversation(page.document, page.url)).toBeNull();
    page.document.body.innerHTML = `<ul role="log">${'<li>a short message</li>'.repeat(5)}</ul><textarea></textarea>`;
    now = 1000;
    expect(adapter.conversation(page.document, page.url)).toBeNull(); // throttled
    now = 2500;
    expect(adapter.conversation(page.document, page.url)).not.toBeNull();
  });
});
