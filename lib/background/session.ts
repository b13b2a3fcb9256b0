/**
 * What the background knows about the conversations one content script (a tab's frame) sends, without touching the
 * DOM: which messages were already analysed, each conversation's risk tracker, which context to keep, and when a
 * warning is due (once per conversation per rise in level).
 */
import type { ConversationAnalyzer, Engine } from '../engine';
import { levelRank, RISK_LEVELS, type RiskLevel } from '../engine/taxonomy';
import type { ConversationRisk, Finding } from '../engine/types';
import { sha256Hex } from '../hash';
import type { ScanReport } from '../storage/conversations';
import { keyedByName, pictureFingerprint } from '../storage/pictures';
import type { ConversationRef, StoredMessage } from '../storage/schema';
import { MAX_TEXT } from '../storage/schema';
import type { ExtractedMessage } from '../sites/types';

/** Texts up to this length are their own fingerprint; longer ones are fingerprinted by length and SHA-256. */
const FINGERPRINT_TEXT = 256;

/**
 * What the session remembers of the text a message was analysed with, to notice an edit. Not a 32-bit hash: a chat
 * partner could craft an edit that keeps it (tests/unit/background-session.test.ts) and it would never be analysed.
 * Not the whole text either: a page can send texts of 256K characters, and the worker keeps these.
 */
export async function textFingerprint(text: string): Promise<string> {
  return text.length <= FINGERPRINT_TEXT ? `=${text}` : `#${text.length}:${await sha256Hex(text)}`;
}

export function isRiskLevel(value: unknown): value is RiskLevel {
  return typeof value === 'string' && (RISK_LEVELS as readonly string[]).includes(value);
}

interface ConversationState {
  analyzer: ConversationAnalyzer;
  /** Message id → the fingerprint of the text it was analysed with (`textFingerprint`): an edit is analysed again. */
  seen: Map<string, string>;
  /**
   * Ids of messages that are in storage (reported by this session, or stored before it started): any other text
   * read under such an id is reported, so storage records the edit next to the version it holds (mergeScanReport).
   */
  stored: Set<string>;
  /** The last few plain messages, kept as context in case the next one is flagged. */
  recent: StoredMessage[];
  /** How many following messages are still kept as context after a flagged one. */
  contextAfter: number;
  /** The highest level already warned about: a warning shows once per rise. */
  warnedLevel: RiskLevel;
  /** Messages whose analysis was cut short (too long, or imported rules too slow): shown in the popup. */
  truncated: number;
  /** The last picture address read in the header (name-keyed conversations) and its fingerprint. */
  avatar?: { address: string; fingerprint: string };
  /** Fingerprints of the pictures reported for this conversation: a new one is reported even with no new message. */
  pictures: Set<string>;
}

export interface FlaggedMessage {
  message: ExtractedMessage;
  findings: Finding[];
}

export interface SessionUpdate {
  risk: ConversationRisk;
  /** What to store, or null when nothing worth storing changed. */
  report: ScanReport | null;
  flagged: FlaggedMessage[];
  /** The conversation just reached a warning level higher than any warned about before. */
  warn: boolean;
  /** Messages of this conversation whose analysis was cut short so far. */
  truncated: number;
}

export class ChatSession {
  private readonly conversations = new Map<string, ConversationState>();

  constructor(
    private readonly engine: Engine,
    private readonly contextMessages: number,
    private readonly now: () => number = () => Date.now(),
  ) {}

  private state(key: string): ConversationState {
    let state = this.conversations.get(key);
    if (!state) {
      state = { analyzer: this.engine.conversation(), seen: new Map(), stored: new Set(), recent: [], contextAfter: 0, warnedLevel: 'none', truncated: 0, pictures: new Set() };
      this.conversations.set(key, state);
    }
    return state;
  }

  riskOf(key: string): ConversationRisk | null {
    return this.conversations.get(key)?.analyzer.risk ?? null;
  }

  /**
   * The level already warned about in an earlier visit (the stored peak), so a page reload or a restart of the
   * background does not show the same warning again: a warning shows once per conversation per rise in level.
   */
  seedWarnedLevel(key: string, level: RiskLevel): void {
    const state = this.state(key);
    if (levelRank(level) > levelRank(state.warnedLevel)) state.warnedLevel = level;
  }

  /** Messages of this conversation already in storage (by id): what this session reads under them is reported. */
  seedStored(key: string, ids: Iterable<string>): void {
    const state = this.state(key);
    for (const id of ids) state.stored.add(id);
  }

  /**
   * Analyse the messages of `conversation` not analysed before (in page order) and decide what to report. For a
   * conversation keyed by its name, `avatar` is the header's picture address: each message read now is stored with
   * its fingerprint (never the address), and so is the conversation (lib/storage/pictures.ts).
   */
  async process(page: ConversationRef & { avatar?: string }, messages: readonly ExtractedMessage[]): Promise<SessionUpdate> {
    const { avatar, ...conversation } = page;
    const fingerprints = await Promise.all(messages.map((m) => textFingerprint(m.text)));
    const state = this.state(conversation.key);
    const picture = avatar && keyedByName(conversation.key) ? await this.pictureOf(state, avatar) : undefined;
    const keep: StoredMessage[] = [];
    const flagged: FlaggedMessage[] = [];
    const before = state.analyzer.risk;
    messages.forEach((message, i) => {
      const fingerprint = fingerprints[i];
      const previous = state.seen.get(message.id);
      if (previous === fingerprint) return;
      state.seen.set(message.id, fingerprint);
      // An earlier version that is only held as possible context (never stored) is not evidence: keep the new one.
      if (previous !== undefined && !state.stored.has(message.id)) state.recent = state.recent.filter((m) => m.id !== message.id);
      const result = state.analyzer.add(message);
      if (result.truncated) state.truncated++;
      const stored = this.record(message, result.findings, picture);
      if (result.findings.length) {
        flagged.push({ message, findings: result.findings });
        keep.push(...state.recent.splice(0), stored);
        state.contextAfter = this.contextMessages;
      } else if (state.stored.has(message.id)) {
        // A stored message read again, perhaps edited: storage keeps every version (never replaced by the edit).
        keep.push(stored);
      } else if (state.contextAfter > 0) {
        keep.push(stored);
        state.contextAfter--;
      } else {
        state.recent.push(stored);
        if (state.recent.length > this.contextMessages) state.recent.shift();
      }
    });
    for (const message of keep) state.stored.add(message.id);
    const risk = state.analyzer.risk;
    let warn = false;
    if (risk.alert && levelRank(risk.level) > levelRank(state.warnedLevel)) {
      warn = true;
      state.warnedLevel = risk.level;
    }
    const newPicture = picture !== undefined && !state.pictures.has(picture);
    const changed = keep.length > 0 || risk.level !== before.level || risk.score !== before.score || newPicture;
    const report = changed && (keep.length > 0 || risk.level !== 'none') ? { conversation, messages: keep, risk, ...(picture ? { picture } : {}) } : null;
    if (report && picture) state.pictures.add(picture);
    return { risk, flagged, warn, truncated: state.truncated, report };
  }

  /** The fingerprint of a header picture's address (hashed once while the header shows the same one). */
  private async pictureOf(state: ConversationState, address: string): Promise<string> {
    if (state.avatar?.address !== address) state.avatar = { address, fingerprint: await pictureFingerprint(address) };
    return state.avatar.fingerprint;
  }

  private record(message: ExtractedMessage, findings: readonly Finding[], picture: string | undefined): StoredMessage {
    return {
      id: message.id,
      from: message.from,
      text: message.text.slice(0, MAX_TEXT),
      ts: message.ts,
      sender: message.sender?.slice(0, 300),
      findings: findings.filter((f) => f.end <= MAX_TEXT),
      seenAt: this.now(),
      ...(picture ? { picture } : {}),
    };
  }
}
