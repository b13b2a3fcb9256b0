/**
 * The sentence parser behind the grammar checks (lib/engine/grammar.ts), with compromise. Kept apart from the rest
 * of the engine because loading compromise costs ~150 ms of one task: the CLI, the tests and the background import
 * it; the content script asks the background instead.
 */
import nlp from 'compromise';
import { QUESTION_OPENING, type SentenceFacts } from './grammar';

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
