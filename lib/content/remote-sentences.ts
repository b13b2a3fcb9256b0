/**
 * Sentences for the content script's grammar checks, parsed by the background. The content script does not load
 * the parser (compromise costs ~150 ms of one task to start, on the chat page's main thread); it asks the
 * background ('parse-sentences', lib/protocol.ts) for the rare text a grammar check needs, keeps the answers, and
 * the session checks the waiting messages again (lib/content/session.ts `recheck`).
 *
 *   const sentences = createRemoteSentences((message) => browser.runtime.sendMessage(message));
 *   const engine = createBundledEngine(settings, customRules, sentences.parse);
 *   …
 *   if (await sentences.request(sentences.missingFor(session.pendingTexts(key)))) session.recheck(ref, sentences.ready);
 */
import type { SentenceFacts, SentenceParser } from '../engine/core';
import { MAX_PARSE_TEXT_CHARS, MAX_PARSE_TEXTS, ParseSentencesResponseSchema, type ParseSentences } from '../protocol';

/** Parsed texts kept (a text is parsed once; pending messages are rare, so this is plenty). */
export const SENTENCE_CACHE_SIZE = 500;
/** Texts the engine asked for without an answer, kept until they are requested. */
const MAX_WANTED = 500;

export interface RemoteSentences {
  /** The engine's `SentenceParser`: answers from the cache only; a miss is remembered for the next request. */
  readonly parse: SentenceParser;
  /**
   * The texts still to parse for these messages: a short message is parsed whole (the engine analyses it in one
   * piece); a long one is analysed in windows, so its texts are the windows the engine asked for.
   */
  readonly missingFor: (messageTexts: Iterable<string>) => string[];
  /** Whether everything this message's grammar checks asked for is parsed now (a recheck can decide them). */
  readonly ready: (messageText: string) => boolean;
  /**
   * Ask the background to parse up to `MAX_PARSE_TEXTS` of these texts (the rest are left for the next request)
   * and cache the answer. True when an answer came and was valid; never rejects.
   */
  readonly request: (texts: readonly string[]) => Promise<boolean>;
}

const parseable = (text: string): boolean => text.length > 0 && text.length <= MAX_PARSE_TEXT_CHARS;

/** The answer describes this text: every offset lies inside it. */
function fitsText(sentences: readonly SentenceFacts[], length: number): boolean {
  return sentences.every(
    (sentence) =>
      sentence.end <= length && sentence.clauses.every((clause) => clause.end <= length) && sentence.negations.every((offset) => offset <= length),
  );
}

export function createRemoteSentences(send: (message: ParseSentences) => Promise<unknown>, cacheSize = SENTENCE_CACHE_SIZE): RemoteSentences {
  /** Text → its sentences, least recently used first. */
  const cache = new Map<string, readonly SentenceFacts[]>();
  /** Texts the engine asked for and did not get, oldest first. */
  const wanted = new Set<string>();

  const remember = (text: string, sentences: readonly SentenceFacts[]): void => {
    cache.delete(text);
    cache.set(text, sentences);
    if (cache.size > cacheSize) cache.delete(cache.keys().next().value as string);
  };

  const parse: SentenceParser = (text) => {
    const sentences = cache.get(text);
    if (sentences) {
      remember(text, sentences);
      return sentences;
    }
    if (parseable(text)) {
      wanted.delete(text);
      wanted.add(text);
      if (wanted.size > MAX_WANTED) wanted.delete(wanted.values().next().value as string);
    }
    return undefined;
  };

  const missingFor = (messageTexts: Iterable<string>): string[] => {
    const missing = new Set<string>();
    for (const text of messageTexts) {
      if (text.length <= MAX_PARSE_TEXT_CHARS) {
        if (parseable(text) && !cache.has(text)) missing.add(text);
        continue;
      }
      for (const piece of wanted) if (!cache.has(piece) && text.includes(piece)) missing.add(piece);
    }
    return [...missing];
  };

  return {
    parse,
    missingFor,
    ready: (messageText) => missingFor([messageText]).length === 0,
    async request(texts) {
      const asked = [...new Set(texts.filter(parseable))].slice(0, MAX_PARSE_TEXTS);
      if (asked.length === 0) return false;
      let answer: unknown;
      try {
        answer = await send({ type: 'parse-sentences', texts: asked });
      } catch {
        // The background restarts or the extension was reloaded: the messages stay pending.
        return false;
      }
      // The answer is checked like any message: a wrong one must not decide a grammar check.
      const parsed = ParseSentencesResponseSchema.safeParse(answer);
      if (!parsed.success || parsed.data.sentences.length !== asked.length) return false;
      const { sentences } = parsed.data;
      if (!sentences.every((facts, i) => fitsText(facts, asked[i].length))) return false;
      asked.forEach((text, i) => {
        remember(text, sentences[i]);
        wanted.delete(text);
      });
      return true;
    },
  };
}
