/**
 * The local demo chat (demo/index.html), served by `npm start` and the e2e tests. Its structure is our own:
 * `[data-conversation-id]` panes holding `.msg[data-message-id][data-from]` rows.
 */
import { textOf } from './dom';
import { fromIso } from './time';
import type { SiteAdapter } from './types';

const SELECTORS = {
  pane: '[data-conversation-id]:not([hidden])',
  message: '.msg[data-message-id]',
  text: '.msg-text',
  sender: '.msg-sender',
  title: '.conversation-title',
} as const;

export const demoAdapter: SiteAdapter = {
  id: 'demo',
  matches: (url) => (url.hostname === 'localhost' || url.hostname === '127.0.0.1') && url.pathname.startsWith('/demo'),
  conversation(doc) {
    const pane = doc.querySelector(SELECTORS.pane);
    const id = pane?.getAttribute('data-conversation-id');
    if (!pane || !id) return null;
    return { id, title: pane.querySelector(SELECTORS.title)?.textContent?.trim() ?? id };
  },
  messageRoot: (doc) => doc.querySelector('#chat') ?? doc.body,
  messageElements: (root) => [...root.querySelectorAll(`${SELECTORS.pane} ${SELECTORS.message}`)],
  messagesIn: (element) => [...element.querySelectorAll(SELECTORS.message)].filter((m) => m.closest(SELECTORS.pane)),
  messageFor: (element) => element.closest(`${SELECTORS.pane} ${SELECTORS.message}`),
  extract(element) {
    const id = element.getAttribute('data-message-id');
    const textElement = element.querySelector(SELECTORS.text);
    const text = textElement ? textOf(textElement) : '';
    if (!id || !text) return null;
    const sender = element.querySelector(SELECTORS.sender);
    return {
      id,
      text,
      from: element.getAttribute('data-from') === 'self' ? 'self' : 'other',
      sender: sender ? textOf(sender) || undefined : undefined,
      ts: fromIso(element.querySelector('time')?.getAttribute('datetime')),
    };
  },
};
