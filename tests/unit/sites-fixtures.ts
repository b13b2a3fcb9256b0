/**
 * Loads the fixture pages of tests/fixtures/sites/ into happy-dom (no layout, no scripts) for extraction tests, and
 * turns their expected.json into what the adapters must return. Shared by the unit tests and the e2e site tests
 * (tests/e2e/sites.spec.ts), so both resolve an expected message's time by the same rule.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Window } from 'happy-dom';
import type { ExtractedMessage } from '../../lib/sites/types';

export const SITES_DIR = resolve(import.meta.dirname, '../fixtures/sites');

export interface ExpectedMessage {
  id: string | null;
  from: 'self' | 'other';
  sender?: string;
  text: string;
  /** Absolute time (ms). */
  ts?: number;
  /** Local wall-clock time on a known day ("2026-05-10T12:19"). */
  local?: string;
  /** A time printed without a day ("12:19"): today, or yesterday if that is still to come. */
  clock?: string;
  /** The day header the message sits under, when the page shows one ("Today", "Hôm nay"): the clock is today's. */
  day?: 'today';
}

export interface ExpectedConversation {
  id: string;
  title: string;
  /** The header's profile-picture address, as `ConversationInfo.avatar` (conversations keyed by their name only). */
  avatar?: string;
  /** The address of the page with this conversation open (when the URL names the conversation). */
  url?: string;
  messages: ExpectedMessage[];
}

export interface Expected {
  app: string;
  url: string;
  initial: string;
  conversations: Record<string, ExpectedConversation>;
}

export function readExpected(app: string): Expected {
  return JSON.parse(readFileSync(resolve(SITES_DIR, app, 'expected.json'), 'utf8')) as Expected;
}

export function readPage(app: string, file = 'index.html'): string {
  return readFileSync(resolve(SITES_DIR, app, file), 'utf8');
}

export interface LoadedPage {
  window: Window;
  document: Document;
  url: URL;
  /** Switch to another conversation the way the fixture's own script does (scripts do not run here). */
  open(conversation: string): void;
  close(): Promise<void>;
}

export function loadPage(html: string, url: string): LoadedPage {
  const window = new Window({
    url,
    width: 1200,
    height: 800,
    settings: { disableJavaScriptEvaluation: true, disableCSSFileLoading: true, disableIframePageLoading: true, navigation: { disableMainFrameNavigation: true } },
  });
  window.document.write(html);
  const document = window.document as unknown as Document;
  const page: LoadedPage = {
    window,
    document,
    url: new URL(url),
    open(conversation) {
      const slot = document.querySelector('[data-fixture-slot]');
      const template = document.querySelector<HTMLTemplateElement>(`template[data-conversation="${conversation}"]`);
      if (!slot || !template) throw new Error(`no conversation ${conversation}`);
      slot.replaceChildren(template.content.cloneNode(true));
      slot.setAttribute('data-fixture-slot', conversation);
      if (template.dataset.url) {
        window.happyDOM.setURL(new URL(template.dataset.url, url).href);
        page.url = new URL(template.dataset.url, url);
      }
    },
    close: () => window.happyDOM.close(),
  };
  return page;
}

/** What an adapter must return for an expected message, with times resolved against `now`. */
export function expectedMessage(message: ExpectedMessage, now: number): ExtractedMessage {
  let ts: number | undefined = message.ts;
  if (message.local) ts = Date.parse(message.local);
  if (message.clock) {
    const [h, m] = message.clock.split(':').map(Number);
    const today = new Date(now);
    today.setHours(h, m, 0, 0);
    ts = message.day === 'today' || today.getTime() <= now + 60_000 ? today.getTime() : today.getTime() - 86_400_000;
  }
  const result: ExtractedMessage = { id: message.id ?? '', text: message.text, from: message.from };
  if (message.sender !== undefined) result.sender = message.sender;
  if (ts !== undefined) result.ts = ts;
  return result;
}
