/**
 * A site adapter knows where one chat app keeps its messages. Adapters only read the DOM; they never change it.
 * All of an app's selectors live in its adapter file, with ordered fallbacks and the date each was seen.
 */
import type { Direction } from '../engine/types';

export interface ExtractedMessage {
  /** Stable within the conversation (the app's own message id when it has one). */
  id: string;
  text: string;
  from: Direction;
  sender?: string;
  /** Milliseconds since the epoch, when the page shows a time. */
  ts?: number;
}

export interface ConversationInfo {
  /** Stable id of the open conversation (from the URL or the page), unique within the site. */
  id: string;
  title: string;
}

export interface SiteAdapter {
  /** Short id: whatsapp, messenger, instagram, telegram-k, telegram-a, discord, zalo, demo, generic. */
  id: string;
  /** Whether this adapter handles the page at this URL. */
  matches(url: URL): boolean;
  /** The open conversation, or null when none is open. */
  conversation(doc: Document, url: URL): ConversationInfo | null;
  /** The element to observe for new messages (falls back to body). */
  messageRoot(doc: Document): Element | null;
  /** Message elements currently on the page, oldest first. */
  messageElements(root: ParentNode): Element[];
  /** Read one message element; null for rows that are not messages (dates, system lines). */
  extract(element: Element): ExtractedMessage | null;
}
