/**
 * The page scanner's analyzer for unit tests: a real `ChatSession` (lib/background/session.ts) answering as the
 * background does, asynchronously, each request checked against the protocol's schema first (so the scanner only
 * ever sends what the background accepts). Replies can be held back (`hold`, `release`) to play a slow or restarted
 * background.
 */
import type { Analyzer } from '../../lib/content/page-scanner';
import type { ChatSession } from '../../lib/background/session';
import { AnalyzeMessagesSchema, type AnalyzeResponse } from '../../lib/protocol';
import type { ScanReport } from '../../lib/storage/conversations';
import type { ConversationRef } from '../../lib/storage/schema';
import type { ExtractedMessage } from '../../lib/sites/types';

export interface LocalAnalyzer extends Analyzer {
  readonly session: ChatSession;
  /** Every request, in the order sent. */
  readonly requests: Array<{ conversation: ConversationRef; messages: ExtractedMessage[] }>;
  /** What the session decided to store, in order. */
  readonly reports: ScanReport[];
  /** Hold the replies from now on, until `release`. */
  hold(): void;
  release(): void;
  /** Answer the next request(s) with this instead of analysing (a restarted background answers `resync`). */
  answerNext(reply: AnalyzeResponse, times?: number): void;
  /** How many times the scanner started a new scan (`restart`). */
  readonly restarts: number;
}

export function localAnalyzer(session: ChatSession): LocalAnalyzer {
  const requests: LocalAnalyzer['requests'] = [];
  const reports: ScanReport[] = [];
  let held: Array<() => void> | null = null;
  const canned: AnalyzeResponse[] = [];
  let seq = 0;
  let inTurn: Promise<unknown> = Promise.resolve();
  let restarts = 0;
  return {
    session,
    requests,
    reports,
    hold() {
      held ??= [];
    },
    release() {
      const waiting = held ?? [];
      held = null;
      for (const done of waiting) done();
    },
    answerNext(reply, times = 1) {
      for (let i = 0; i < times; i++) canned.push(reply);
    },
    get restarts() {
      return restarts;
    },
    restart() {
      restarts++;
      seq = 0;
    },
    async analyze(conversation, messages) {
      // What the background would refuse, the scanner must never send.
      AnalyzeMessagesSchema.parse(JSON.parse(JSON.stringify({ type: 'analyze-messages', scanId: 'local', seq: seq++, conversation, messages })));
      requests.push({ conversation, messages: [...messages] });
      // Analysed in the order sent, answered later (a service worker answers some time later).
      const cannedReply = canned.shift();
      // In turn, as the background does (session.process is async: it fingerprints the texts first).
      const processing = cannedReply ? null : inTurn.then(() => session.process(conversation, messages));
      if (processing) inTurn = processing.then(() => undefined, () => undefined);
      const update = processing ? await processing : null;
      if (update?.report) reports.push(update.report);
      await new Promise<void>((done) => (held ? held.push(done) : setTimeout(done, 0)));
      if (cannedReply) return cannedReply;
      return {
        ok: true,
        analysis: { risk: update!.risk, warn: update!.warn, flagged: update!.flagged.map((f) => ({ id: f.message.id, findings: f.findings })) },
      };
    },
  };
}
