/**
 * What the content script knows about the conversations of one tab, without touching the DOM: which messages were
 * already analysed, each conversation's risk tracker, which context to keep, when a warning is due, and which
 * messages wait for the sentence parser (the background's) to finish a grammar check (`pendingTexts`, `recheck`).
 */
import type { ConversationAnalyzer, Engine } from '../engine/core';
import { levelRank, RISK_LEVELS, type RiskLevel } from '../engine/taxonomy';
import type { ConversationRisk, Finding } from '../engine/types';
import type { ScanReport } from '../protocol';
import type { ConversationRef, StoredMessage } from '../storage/schema';
import { MAX_TEXT } from '../storage/schema';
import type { ExtractedMessage } from '../sites/types';

export function isRiskLevel(value: unknown): value is RiskLevel {
  return typeof value === 'string' && (RISK_LEVELS as readonly string[]).includes(value);
}

/** Messages kept per conversation while a grammar check waits for the sentence parser (they are rare). */
const MAX_PENDING_MESSAGES = 1000;

/**
 * A message whose grammar check waits for the parser (`MessageResult.grammarPending`), with what a report needs if
 * the check finds something later: its record and the context around it as it was seen.
 */
interface PendingMessage {
  message: ExtractedMessage;
  stored: StoredMessage;
  before: StoredMessage[];
  after: StoredMessage[];
}

interface ConversationState {
  analyzer: ConversationAnalyzer;
  /** Message id → the message while a grammar check of it waits for the parser, in page order. */
  pending: Map<string, PendingMessage>;
  /** Waiting messages that still collect the messages after them as context. */
  collectingAfter: PendingMessage[];
  /** Message id → the text it was analysed with (an edit changes the text and is analysed again). */
  seen: Map<string, string>;
  /** The last few plain messages, kept as context in case the next one is flagged. */
  recent: StoredMessage[];
  /** How many following messages are still kept as context after a flagged one. */
  contextAfter: number;
  /** The highest level already warned about: a warning shows once per rise in level. */
  warnedLevel: RiskLevel;
}

export interface FlaggedMessage {
  message: ExtractedMessage;
  findings: Finding[];
}

export interface SessionUpdate {
  risk: ConversationRisk;
  /** To send to the background, or null when nothing worth storing changed. */
  report: ScanReport | null;
  flagged: FlaggedMessage[];
  /** The conversation just reached a warning level higher than any warned about before. */
  warn: boolean;
  /** Ids of the messages of this update whose grammar checks still wait for the parser (see `recheck`). */
  pending: string[];
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
      state = { analyzer: this.engine.conversation(), pending: new Map(), collectingAfter: [], seen: new Map(), recent: [], contextAfter: 0, warnedLevel: 'none' };
      this.conversations.set(key, state);
    }
    return state;
  }

  riskOf(key: string): ConversationRisk | null {
    return this.conversations.get(key)?.analyzer.risk ?? null;
  }

  /**
   * The level already warned about in an earlier visit (the stored peak), so a page reload does not show the same
   * warning again: a warning shows once per conversation per rise in level.
   */
  seedWarnedLevel(key: string, level: RiskLevel): void {
    const state = this.state(key);
    if (levelRank(level) > levelRank(state.warnedLevel)) state.warnedLevel = level;
  }

  /** Analyse the messages of `conversation` not analysed before (in page order) and decide what to report. */
  process(conversation: ConversationRef, messages: readonly ExtractedMessage[]): SessionUpdate {
    const state = this.state(conversation.key);
    const keep: StoredMessage[] = [];
    const flagged: FlaggedMessage[] = [];
    const pending: string[] = [];
    const before = state.analyzer.risk;
    for (const message of messages) {
      if (state.seen.get(message.id) === message.text) continue;
      const edited = state.seen.has(message.id);
      state.seen.set(message.id, message.text);
      const result = state.analyzer.add(message);
      const stored = this.record(message, result.findings);
      if (edited) {
        // An edit replaces the message: its earlier text no longer waits for the parser, and context shows the new one.
        state.pending.delete(message.id);
        for (const waiting of state.pending.values()) {
          replaceById(waiting.before, stored);
          replaceById(waiting.after, stored);
        }
      }
      if (state.collectingAfter.length) {
        for (const waiting of state.collectingAfter) if (!waiting.after.some((m) => m.id === message.id)) waiting.after.push(stored);
        state.collectingAfter = state.collectingAfter.filter((waiting) => waiting.after.length < this.contextMessages);
      }
      if (result.grammarPending) {
        pending.push(message.id);
        const waiting: PendingMessage = { message, stored, before: state.recent.slice(-this.contextMessages), after: [] };
        state.pending.set(message.id, waiting);
        if (state.pending.size > MAX_PENDING_MESSAGES) state.pending.delete(state.pending.keys().next().value as string);
        if (this.contextMessages > 0) state.collectingAfter.push(waiting);
      }
      if (result.findings.length) {
        flagged.push({ message, findings: result.findings });
        keep.push(...state.recent.splice(0), stored);
        state.contextAfter = this.contextMessages;
      } else if (state.contextAfter > 0) {
        keep.push(stored);
        state.contextAfter--;
      } else {
        state.recent.push(stored);
        if (state.recent.length > this.contextMessages) state.recent.shift();
      }
    }
    return this.update(state, conversation, before, keep, flagged, pending);
  }

  /** Texts of the messages of a conversation whose grammar checks wait for the sentence parser. */
  pendingTexts(key: string): string[] {
    const state = this.conversations.get(key);
    return state ? [...new Set([...state.pending.values()].map((waiting) => waiting.message.text))] : [];
  }

  /**
   * Check the waiting messages of `conversation` again now that the parser can answer (only those `ready` says it
   * can answer for), and decide what to report, as `process` does. A message flagged now is reported with the
   * context it had when it was seen; the warning follows the same rule (once per rise in level).
   */
  recheck(conversation: ConversationRef, ready: (text: string) => boolean = () => true): SessionUpdate {
    const state = this.state(conversation.key);
    const before = state.analyzer.risk;
    const keep = new Map<string, StoredMessage>();
    const flagged: FlaggedMessage[] = [];
    const pending: string[] = [];
    for (const [id, waiting] of [...state.pending]) {
      if (!ready(waiting.message.text)) continue;
      const result = state.analyzer.recheck(waiting.message);
      if (!result?.grammarPending) state.pending.delete(id);
      else pending.push(id);
      if (!result?.findings.length) continue;
      const stored: StoredMessage = { ...waiting.stored, findings: [...waiting.stored.findings, ...result.findings.filter((f) => f.end <= MAX_TEXT)] };
      waiting.stored = stored;
      flagged.push({ message: waiting.message, findings: result.findings });
      // Messages still to come after it are its context too, as for a message flagged when it arrives.
      state.contextAfter = Math.max(state.contextAfter, this.contextMessages - waiting.after.length);
      // Every copy kept as context now carries the findings: a later report resends it, and the background keeps
      // the last copy of a message it receives.
      replaceById(state.recent, stored);
      for (const other of state.pending.values()) {
        replaceById(other.before, stored);
        replaceById(other.after, stored);
      }
      const keepContext = (context: StoredMessage): void => {
        if (!keep.get(context.id)?.findings.length) keep.set(context.id, context);
      };
      waiting.before.forEach(keepContext);
      keep.set(id, stored);
      waiting.after.forEach(keepContext);
    }
    return this.update(state, conversation, before, [...keep.values()], flagged, pending);
  }

  private record(message: ExtractedMessage, findings: readonly Finding[]): StoredMessage {
    return {
      id: message.id,
      from: message.from,
      text: message.text.slice(0, MAX_TEXT),
      ts: message.ts,
      sender: message.sender?.slice(0, 300),
      findings: findings.filter((f) => f.end <= MAX_TEXT),
      seenAt: this.now(),
    };
  }

  /** The risk after an update, whether to warn, and the report to send. */
  private update(
    state: ConversationState,
    conversation: ConversationRef,
    before: ConversationRisk,
    keep: StoredMessage[],
    flagged: FlaggedMessage[],
    pending: string[],
  ): SessionUpdate {
    const risk = state.analyzer.risk;
    let warn = false;
    if (risk.alert && levelRank(risk.level) > levelRank(state.warnedLevel)) {
      warn = true;
      state.warnedLevel = risk.level;
    }
    const changed = keep.length > 0 || risk.level !== before.level || risk.score !== before.score;
    return {
      risk,
      flagged,
      warn,
      pending,
      report: changed && (keep.length > 0 || risk.level !== 'none') ? { type: 'scan-report', conversation, messages: keep, risk } : null,
    };
  }
}

/** Replace the record of the same message in a context list; false when it is not there. */
function replaceById(list: StoredMessage[], stored: StoredMessage): boolean {
  const at = list.findIndex((message) => message.id === stored.id);
  if (at >= 0) list[at] = stored;
  return at >= 0;
}
