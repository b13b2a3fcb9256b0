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

/**
 * Prefix of a conversation id that is the chat's display name, for apps that show no chat id (WhatsApp's current
 * DOM, Zalo). Two chats under one name share a record: such adapters also read `ConversationInfo.avatar`.
 */
export const NAME_ID_PREFIX = 'name:';

export interface ConversationInfo {
  /** Stable id of the open conversation (from the URL or the page), unique within the site. */
  id: string;
  title: string;
  /**
   * Only for an id that is the display name (`NAME_ID_PREFIX`): the address of the profile picture the chat's header
   * shows (`avatarAddress`, lib/sites/dom.ts), a hint of who the chat is with, so a chat that takes another chat's
   * name shows up in the report. Absent when the header shows none.
   */
  avatar?: string;
}

/** What extraction needs besides the element: passed in so adapters stay deterministic in tests. */
export interface ExtractContext {
  /** Now (ms): dates printed without a year or day are read relative to it. */
  now: number;
  /** The order of numeric dates in the browser's locale ("10/05/2026"). */
  dateOrder: 'dmy' | 'mdy';
}

export interface SiteAdapter {
  /** Short id: whatsapp, messenger, instagram, telegram-k, telegram-a, discord, zalo, demo, generic. */
  id: string;
  /**
   * The app gives messages no id: ids are hashes of their content, and two messages with the same text can share
   * one. The scanner then tells apart equal ids on different elements.
   */
  hashedIds?: boolean;
  /** Whether this adapter handles the page at this URL. */
  matches(url: URL): boolean;
  /** The open conversation, or null when none is open. */
  conversation(doc: Document, url: URL): ConversationInfo | null;
  /** The element holding the open conversation's messages, or null (then the whole document is scanned). */
  messageRoot(doc: Document): Element | null;
  /** Message elements under `root`, oldest first (a full scan: fallbacks are tried). */
  messageElements(root: ParentNode): Element[];
  /** Message elements inside a node the page just added (the selector already in use only). */
  messagesIn(element: Element): Element[];
  /** The message element holding `element` (itself included), or null when it is not inside a message. */
  messageFor(element: Element): Element | null;
  /** Read one message element; null for rows that are not messages (dates, system lines, media without text). */
  extract(element: Element, context: ExtractContext): ExtractedMessage | null;
}
