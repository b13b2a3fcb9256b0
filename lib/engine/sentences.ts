/**
 * The sentence parser behind the grammar checks (lib/engine/grammar.ts), with compromise. Loading compromise costs
 * ~150 ms: the engine runs in the background, the CLI and the tests, never in a chat page's content script.
 */
import nlp from 'compromise';

export interface Span {
  start: number;
  end: number;
}

/** What the grammar checks need to know about one sentence of a message (offsets into the message). */
export interface SentenceFacts extends Span {
  isQuestion: boolean;
  clauses: Span[];
  /** Offsets of the words the parser tagged as negations. */
  negations: number[];
}

/** Chat questions often have no "?": an auxiliary before a pronoun, or a wh-word, opens one ("are u alone"). */
export const QUESTION_OPENING =
  /^\W*(?:(?:are|r|is|am|do|does|did|can|could|will|would|should|have|has|had)\s+(?:you|u|ya|your|ur|yr|they|he|she|anyone|someone|any)\b|(?:what|where|when|who|whom|whose|which|why|how|wyd|wru|hbu)\b)/i;

type TermJson = { offset?: { start: number; length: number } };
type PhraseJson = { text: string; offset?: { start: number; length: number }; terms?: TermJson[] };

export function parseSentences(text: string): SentenceFacts[] {
  const doc = nlp(text);
  const questionStarts = new Set((doc.questions().json({ offset: true }) as PhraseJson[]).map((q) => q.offset?.start ?? -1));
  const facts: SentenceFacts[] = [];
  for (const sentence of doc.sentences().json({ offset: true }) as PhraseJson[]) {
    const start = sentence.offset?.start ?? 0;
    const end = start + (sentence.offset?.length ?? sentence.text.length);
    const sentenceDoc = nlp(sentence.text);
    const clauses = (sentenceDoc.clauses().json({ offset: true }) as PhraseJson[]).map((c) => ({
      start: start + (c.offset?.start ?? 0),
      end: start + (c.offset?.start ?? 0) + (c.offset?.length ?? c.text.length),
    }));
    const negations = (sentenceDoc.match('#Negative').json({ offset: true }) as PhraseJson[]).map((n) => start + (n.offset?.start ?? 0));
    const trimmed = text.slice(start, end).trimEnd();
    facts.push({ start, end, clauses, negations, isQuestion: questionStarts.has(start) || trimmed.endsWith('?') || QUESTION_OPENING.test(trimmed) });
  }
  return facts;
}
