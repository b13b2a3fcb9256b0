/**
 * Runs the engine over one exported conversation, message by message, keeping only what a report needs: flagged
 * messages, a few messages of context around each, and the risk at its highest point. Memory grows with the number of
 * flagged messages, not with the size of the export.
 *
 * For an export the conversation's `risk` is the risk at its HIGHEST point (with the reasons that produced it): an
 * export is a closed record, and a grooming script months before the last message must not read as "low" because
 * later everyday talk decayed it. The level at the last message is kept in `finalRisk` for the summary.
 */
import type { Engine } from '../engine';
import { levelRank } from '../engine/taxonomy';
import type { ChatMessage, ConversationRisk, Finding } from '../engine/types';
import { MAX_TEXT, type StoredConversation, type StoredMessage } from '../storage/schema';
import { isSelf, type SelfChoice } from './self';
import type { ExportConversationInfo, ExportMessage } from './types';
import { FORMAT_NAMES } from './types';

/** Plain messages kept before and after each flagged one (the extension's default). */
export const DEFAULT_CONTEXT_MESSAGES = 5;
/** Context messages kept per conversation at most (flagged messages are never dropped). */
export const MAX_CONTEXT_MESSAGES = 2_000;
const MAX_FINDINGS = 100;
const MAX_KEY = 400;

/**
 * `whatsapp-export:Downloads/WhatsApp Chat with Anna.txt`, `telegram-export:ChatExport/result.json#5550001`: the last
 * two parts of the file's path (enough to tell files apart, without the user's folders) and the chat id.
 */
export function conversationKey(info: Pick<ExportConversationInfo, 'format' | 'file' | 'id'>): string {
  const file = info.file.split(/[\\/]/).filter(Boolean).slice(-2).join('/');
  const key = `${info.format}-export:${file}${info.id ? `#${info.id}` : ''}`;
  return key.length > MAX_KEY ? key.slice(0, MAX_KEY) : key;
}

/** The engine's view of an exported message. */
export function toChatMessage(message: ExportMessage, conversation: string, self: SelfChoice | undefined): ChatMessage {
  return {
    id: message.id,
    conversation,
    from: isSelf(message, self) ? 'self' : 'other',
    text: message.kind === 'text' ? message.text : '',
    ts: message.ts,
    sender: message.sender || undefined,
  };
}

export interface TopMessage {
  message: StoredMessage;
  findings: Finding[];
  /** The evidence it contributed to the peak risk (0 when it did not count, e.g. your own words). */
  contribution: number;
}

export interface ScannedConversation {
  info: ExportConversationInfo;
  self: SelfChoice | undefined;
  /** Ready for the report: the schema the extension stores. */
  stored: StoredConversation;
  finalRisk: ConversationRisk;
  /** When the peak was reached (the message that raised the risk to it). */
  peakAt: { messageId: string; ts?: number } | undefined;
  messageCount: number;
  flaggedCount: number;
  skipped: number;
  /** Messages too long to analyse completely. */
  truncatedCount: number;
  /** The messages that weigh most, strongest first. */
  top: TopMessage[];
}

export interface ScannerOptions {
  contextMessages?: number;
  maxContext?: number;
  /** When the export is read (ms): each message's `seenAt`, and firstSeen/updatedAt of a chat without times. */
  now?: number;
  /** The conversation's key, when the caller must make it unique (default `conversationKey(info)`). */
  key?: string;
}

export class ConversationScanner {
  private readonly analyzer;
  private readonly key: string;
  private readonly kept: StoredMessage[] = [];
  private recent: StoredMessage[] = [];
  private contextAfter = 0;
  private contextKept = 0;
  private peak: ConversationRisk;
  private peakAt: ScannedConversation['peakAt'];
  private count = 0;
  private flagged = 0;
  private truncated = 0;
  private firstTs: number | undefined;
  private lastTs: number | undefined;
  private readonly contextMessages: number;
  private readonly maxContext: number;
  private readonly now: number;
  /** Sum of finding weights by sender name: lets the CLI check a guess of who "you" are without a second pass. */
  readonly evidence = new Map<string, number>();

  constructor(
    engine: Engine,
    readonly info: ExportConversationInfo,
    readonly self: SelfChoice | undefined,
    options: ScannerOptions = {},
  ) {
    this.analyzer = engine.conversation();
    this.peak = this.analyzer.risk;
    this.key = options.key ?? conversationKey(info);
    this.contextMessages = options.contextMessages ?? DEFAULT_CONTEXT_MESSAGES;
    this.maxContext = options.maxContext ?? MAX_CONTEXT_MESSAGES;
    this.now = options.now ?? Date.now();
  }

  add(message: ExportMessage): void {
    this.count++;
    const chat = toChatMessage(message, this.key, this.self);
    const result = this.analyzer.add(chat);
    if (result.truncated) this.truncated++;
    const weight = result.findings.reduce((sum, f) => sum + f.weight, 0);
    if (weight) this.evidence.set(message.sender, (this.evidence.get(message.sender) ?? 0) + weight);
    if (message.ts !== undefined) {
      if (this.firstTs === undefined || message.ts < this.firstTs) this.firstTs = message.ts;
      if (this.lastTs === undefined || message.ts > this.lastTs) this.lastTs = message.ts;
    }
    if (result.risk.score > this.peak.score) {
      this.peak = result.risk;
      this.peakAt = { messageId: message.id, ts: message.ts };
    }
    const stored: StoredMessage = {
      id: message.id,
      from: chat.from,
      text: message.text.slice(0, MAX_TEXT),
      ts: message.ts,
      sender: message.sender ? message.sender.slice(0, 300) : undefined,
      findings: result.findings.filter((f) => f.end <= MAX_TEXT).slice(0, MAX_FINDINGS),
      // Read by Not Alone now, from the export (the time the app showed is `ts`).
      seenAt: this.now,
    };
    if (result.findings.length) {
      this.flagged++;
      this.kept.push(...this.recent, stored);
      this.contextKept += this.recent.length;
      this.recent = [];
      this.contextAfter = this.contextMessages;
    } else if (this.contextAfter > 0) {
      this.contextAfter--;
      this.keepContext(stored);
    } else if (this.contextMessages > 0 && this.contextKept < this.maxContext) {
      this.recent.push(stored);
      if (this.recent.length > this.contextMessages) this.recent.shift();
    }
  }

  private keepContext(message: StoredMessage): void {
    if (this.contextKept >= this.maxContext) return;
    this.contextKept++;
    this.kept.push(message);
  }

  finish(skipped = 0): ScannedConversation {
    const risk = this.peak;
    const stored: StoredConversation = {
      key: this.key,
      site: this.info.format,
      title: (this.info.title || FORMAT_NAMES[this.info.format]).slice(0, 300),
      url: '',
      firstSeen: this.firstTs ?? this.now,
      updatedAt: this.lastTs ?? this.now,
      risk,
      peakLevel: risk.level,
      saved: true,
      messages: this.kept,
    };
    return {
      info: this.info,
      self: this.self,
      stored,
      finalRisk: this.analyzer.risk,
      peakAt: this.peakAt,
      messageCount: this.count,
      flaggedCount: this.flagged,
      skipped,
      truncatedCount: this.truncated,
      top: topMessages(stored),
    };
  }
}

/** The messages that weigh most in the conversation's risk (then any other flagged ones), strongest first. */
export function topMessages(conversation: StoredConversation, limit = 5): TopMessage[] {
  const contribution = new Map<string, number>();
  for (const reason of conversation.risk.reasons) contribution.set(reason.messageId, (contribution.get(reason.messageId) ?? 0) + reason.contribution);
  const flagged = conversation.messages.filter((m) => m.findings.length > 0);
  const weight = (m: StoredMessage): number => m.findings.reduce((sum, f) => sum + f.weight, 0) * (m.from === 'self' ? 0.3 : 1);
  return flagged
    .map((message) => ({ message, findings: message.findings, contribution: Math.round((contribution.get(message.id) ?? 0) * 100) / 100 }))
    .sort((a, b) => b.contribution - a.contribution || weight(b.message) - weight(a.message) || (a.message.ts ?? 0) - (b.message.ts ?? 0))
    .slice(0, limit);
}

/** Most serious first. */
export function byRisk(a: ScannedConversation, b: ScannedConversation): number {
  return levelRank(b.stored.risk.level) - levelRank(a.stored.risk.level) || b.stored.risk.score - a.stored.risk.score;
}
