/**
 * The content script's analyzer: the background (lib/background/analysis.ts) runs the detection engine; this sends
 * it the messages the page scanner read ('analyze-messages') and returns its answer. Requests of one scan carry its
 * `scanId` and count up from `seq` 0; when the background answers `resync` (its service worker was restarted, or the
 * settings changed), the next request starts a new scan (new scanId, seq 0) and the scanner reads everything again.
 * No zod here: the content script stays small (the background is our own code; its answer is checked for shape).
 */
import type { ExtractedMessage } from '../sites/types';
import type { AnalyzeMessages, AnalyzeResponse, PageConversation } from '../protocol';
import type { Analyzer } from './page-scanner';

/** A random scan id (32 hex digits). */
export function newScanId(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function isResponse(value: unknown): value is AnalyzeResponse {
  if (!value || typeof value !== 'object') return false;
  const reply = value as { ok?: unknown; resync?: unknown; analysis?: { risk?: unknown; warn?: unknown; flagged?: unknown } };
  if (reply.ok === false) return true;
  if (reply.ok !== true) return false;
  if (reply.resync === true) return true;
  const { analysis } = reply;
  return !!analysis && typeof analysis.risk === 'object' && analysis.risk !== null && typeof analysis.warn === 'boolean' && Array.isArray(analysis.flagged);
}

/** How long to wait for the background's answer (ms): a long first scan queues many requests behind each other. */
export const ANSWER_TIMEOUT_MS = 120_000;

export function createRemoteAnalyzer(
  send: (message: AnalyzeMessages) => Promise<unknown>,
  timeoutMs = ANSWER_TIMEOUT_MS,
): Analyzer & { readonly scanId: string; restart(): void } {
  let scanId = newScanId();
  let seq = 0;
  return {
    get scanId() {
      return scanId;
    },
    restart() {
      scanId = newScanId();
      seq = 0;
    },
    async analyze(conversation: PageConversation, messages: readonly ExtractedMessage[]): Promise<AnalyzeResponse> {
      const request: AnalyzeMessages = { type: 'analyze-messages', scanId, seq: seq++, conversation, messages: [...messages] };
      let reply: unknown;
      let timer: ReturnType<typeof setTimeout> | undefined;
      try {
        // An answer that never comes must not stop the scanner for good (it waits for every reply of a batch).
        const late = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('no answer in time')), timeoutMs);
        });
        reply = await Promise.race([send(request), late]);
      } catch (error) {
        // The extension was reloaded or removed (the scanner stops), or the background failed to answer.
        return { ok: false, error: String((error as Error)?.message ?? error) };
      } finally {
        clearTimeout(timer);
      }
      if (!isResponse(reply)) return { ok: false, error: 'no answer' };
      if ('resync' in reply && reply.ok && request.scanId === scanId) {
        scanId = newScanId();
        seq = 0;
      }
      return reply;
    },
  };
}
