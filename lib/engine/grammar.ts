/**
 * English grammar checks where grammar changes the meaning, with compromise. Costly (~0.3 ms a message), so the
 * matcher calls it only for a message where a rule with a `grammar` block already matched.
 */
import nlp from 'compromise';

export interface GrammarConstraints {
  /** Suppress the match when its clause is negated before it ("I would never ask you to keep secrets"). */
  not_negated?: boolean;
  /** The sentence holding the match must (not) be a question ("are you home alone?" vs "you are home alone"). */
  question?: 'required' | 'forbidden';
}

interface Span {
  start: number;
  end: number;
}

interface SentenceFacts extends Span {
  isQuestion: boolean;
  clauses: Span[];
  negations: number[];
}

type TermJson = { offset?: { start: number; length: number } };
type PhraseJson = { text: string; offset?: { start: number; length: number }; terms?: TermJson[] };

/** Words that can negate what follows; without one before the match, the match cannot be negated. */
const NEGATION_HINT = /\b(?:not|never|no|nobody|nothing|neither|nor|without|cannot|\w+n['’]?t|dont|wont|cant|didnt|doesnt|wouldnt|shouldnt|couldnt|isnt|arent|aint)\b/i;
/** Chat questions often have no "?": an auxiliary before a pronoun, or a wh-word, opens one ("are u alone"). */
const QUESTION_OPENING = /^\W*(?:(?:are|r|is|am|do|does|did|can|could|will|would|should|have|has|had)\s+(?:you|u|ya|your|ur|yr|they|he|she|anyone|someone|any)\b|(?:what|where|when|who|whom|whose|which|why|how|wyd|wru|hbu)\b)/i;
/** Openings that may or may not be questions: compromise decides. */
const QUESTION_START = /^\W*(?:are|r|is|am|do|does|did|can|could|will|would|should|have|has|had|u|you|ur|wanna|want)\b/i;

/**
 * Parses one message at most once and answers every grammar question rules ask about it. Cheap checks decide first;
 * compromise runs only when they cannot: a negation word before the match (is it in the same clause?), or a
 * sentence without "?" that starts like a question.
 */
export class GrammarContext {
  private sentences: SentenceFacts[] | undefined;

  constructor(private readonly text: string) {}

  /** The sentence around an offset, split on sentence punctuation and line breaks (no NLP). */
  private roughSentence(offset: number): { start: number; end: number } {
    const boundary = /[.!?\n]/g;
    let start = 0;
    let m: RegExpExecArray | null;
    while ((m = boundary.exec(this.text)) !== null) {
      if (m.index >= offset) return { start, end: m.index + 1 };
      start = m.index + 1;
    }
    return { start, end: this.text.length };
  }

  private parse(): SentenceFacts[] {
    if (this.sentences) return this.sentences;
    const doc = nlp(this.text);
    const questionStarts = new Set(
      (doc.questions().json({ offset: true }) as PhraseJson[]).map((q) => q.offset?.start ?? -1),
    );
    const facts: SentenceFacts[] = [];
    for (const sentence of doc.sentences().json({ offset: true }) as PhraseJson[]) {
      const start = sentence.offset?.start ?? 0;
      const end = start + (sentence.offset?.length ?? sentence.text.length);
      const sentenceDoc = nlp(sentence.text);
      const clauses = (sentenceDoc.clauses().json({ offset: true }) as PhraseJson[]).map((c) => ({
        start: start + (c.offset?.start ?? 0),
        end: start + (c.offset?.start ?? 0) + (c.offset?.length ?? c.text.length),
      }));
      const negations = (sentenceDoc.match('#Negative').json({ offset: true }) as PhraseJson[]).map(
        (n) => start + (n.offset?.start ?? 0),
      );
      const trimmed = this.text.slice(start, end).trimEnd();
      facts.push({ start, end, clauses, negations, isQuestion: questionStarts.has(start) || trimmed.endsWith('?') || QUESTION_OPENING.test(trimmed) });
    }
    this.sentences = facts;
    return facts;
  }

  private sentenceAt(offset: number): SentenceFacts | undefined {
    const sentences = this.parse();
    return sentences.find((s) => offset >= s.start && offset < s.end) ?? sentences[sentences.length - 1];
  }

  allows(match: Span, constraints: GrammarConstraints): boolean {
    const rough = this.roughSentence(match.start);
    const roughText = this.text.slice(rough.start, rough.end);
    const obviousQuestion = roughText.trimEnd().endsWith('?') || QUESTION_OPENING.test(roughText);
    const needsQuestionParse = constraints.question !== undefined && !obviousQuestion && QUESTION_START.test(roughText);
    const needsNegationParse = constraints.not_negated === true && NEGATION_HINT.test(this.text.slice(rough.start, match.start));
    if (!needsQuestionParse && !needsNegationParse) {
      const isQuestion = obviousQuestion;
      if (constraints.question === 'required' && !isQuestion) return false;
      if (constraints.question === 'forbidden' && isQuestion) return false;
      return true;
    }
    const sentence = this.sentenceAt(match.start);
    if (!sentence) return true;
    if (constraints.question === 'required' && !sentence.isQuestion) return false;
    if (constraints.question === 'forbidden' && sentence.isQuestion) return false;
    if (constraints.not_negated) {
      const clause = sentence.clauses.find((c) => match.start >= c.start && match.start < c.end) ?? sentence;
      if (sentence.negations.some((n) => n >= clause.start && n < match.start)) return false;
    }
    return true;
  }
}
