/**
 * English grammar checks where grammar changes the meaning. Cheap checks decide most of them; the rest need the
 * sentences parsed (lib/engine/sentences.ts, with compromise: ~0.3 ms a message). The matcher asks only for a
 * message where a rule with a `grammar` block already matched.
 */
import { parseSentences, QUESTION_OPENING, type SentenceFacts, type Span } from './sentences';

export interface GrammarConstraints {
  /** Suppress the match when its clause is negated before it ("I would never ask you to keep secrets"). */
  not_negated?: boolean;
  /** The sentence holding the match must (not) be a question ("are you home alone?" vs "you are home alone"). */
  question?: 'required' | 'forbidden';
}

/** Words that can negate what follows; without one before the match, the match cannot be negated. */
const NEGATION_HINT = /\b(?:not|never|no|nobody|nothing|neither|nor|without|cannot|\w+n['’]?t|dont|wont|cant|didnt|doesnt|wouldnt|shouldnt|couldnt|isnt|arent|aint)\b/i;
/** How many words before a match a negation may stand ("I would never ask you to keep secrets"). */
const NEGATION_REACH = 6;
/**
 * Words through which a negation reaches the matched verb: "never [ask you to] keep", "don't [want you to] send".
 * Any other word in between means the negation belongs to something else ("don't [be shy] send nudes").
 */
const NEGATION_BRIDGE = new Set([
  'ask', 'asking', 'want', 'wanna', 'need', 'make', 'tell', 'force', 'pressure', 'expect', 'let', 'you', 'u', 'ya', 'to',
  'ever', 'really', 'have', 'gonna', 'going', 'would', 'will', 'i', 'me', 'anyone', 'anybody', 'a', 'the', 'ur',
  'your', 'even', 'should', 'must', 'can', 'could', 'do', 'does', 'did',
]);
/** Negation words, as a global pattern to find each occurrence. */
const NEGATION_WORDS = new RegExp(NEGATION_HINT.source, 'gi');

/** Openings that may or may not be questions: compromise decides. */
const QUESTION_START = /^\W*(?:are|r|is|am|do|does|did|can|could|will|would|should|have|has|had|u|you|ur|wanna|want)\b/i;

/**
 * Parses one message at most once and answers every grammar question rules ask about it. Cheap checks decide first;
 * compromise runs only when they cannot: a negation word before the match (is it in the same clause?), or a
 * sentence without "?" that starts like a question.
 */
export class GrammarContext {
  private sentences: readonly SentenceFacts[] | undefined;

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

  private parse(): readonly SentenceFacts[] {
    this.sentences ??= parseSentences(this.text);
    return this.sentences;
  }

  private sentenceAt(sentences: readonly SentenceFacts[], offset: number): SentenceFacts | undefined {
    return sentences.find((s) => offset >= s.start && offset < s.end) ?? sentences[sentences.length - 1];
  }

  /**
   * Where a negation of the match could stand: the few words right before it, within its sentence and not across
   * a comma or "but" ("don't be shy, send a pic" is not a negated request).
   */
  private negationWindow(match: Span, sentenceStart: number): Span {
    const before = this.text.slice(sentenceStart, match.start);
    const cut = Math.max(before.lastIndexOf(','), before.lastIndexOf(';'), before.search(/\b(?:but|just|and|so)\b(?!.*\b(?:but|just|and|so)\b)/i));
    const from = cut >= 0 ? sentenceStart + cut + 1 : sentenceStart;
    const words = [...this.text.slice(from, match.start).matchAll(/\S+/g)];
    const start = words.length > NEGATION_REACH ? from + (words[words.length - NEGATION_REACH].index ?? 0) : from;
    return { start, end: match.start };
  }

  /** Offsets of negation words in the window that reach the match through bridge words only. */
  private reachingNegations(window: Span): number[] {
    const found: number[] = [];
    const text = this.text.slice(window.start, window.end);
    for (const m of text.matchAll(NEGATION_WORDS)) {
      // "why won't you meet me", "why not send one": a negative question presses, it does not refuse.
      if (/\bwhy\W+(?:\w+\W+)?$/i.test(this.text.slice(0, window.start + (m.index ?? 0)))) continue;
      const between = text.slice((m.index ?? 0) + m[0].length).toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? [];
      if (between.every((word) => NEGATION_BRIDGE.has(word.replace(/['’]/g, '')))) found.push(window.start + (m.index ?? 0));
    }
    return found;
  }

  allows(match: Span, constraints: GrammarConstraints): boolean {
    const rough = this.roughSentence(match.start);
    const roughText = this.text.slice(rough.start, rough.end);
    const obviousQuestion = roughText.trimEnd().endsWith('?') || QUESTION_OPENING.test(roughText);
    const needsQuestionParse = constraints.question !== undefined && !obviousQuestion && QUESTION_START.test(roughText);
    const window = this.negationWindow(match, rough.start);
    const reaching = constraints.not_negated === true ? this.reachingNegations(window) : [];
    const needsNegationParse = reaching.length > 0;
    if (!needsQuestionParse && !needsNegationParse) {
      const isQuestion = obviousQuestion;
      if (constraints.question === 'required' && !isQuestion) return false;
      if (constraints.question === 'forbidden' && isQuestion) return false;
      return true;
    }
    const sentence = this.sentenceAt(this.parse(), match.start);
    if (!sentence) return true;
    if (constraints.question === 'required' && !sentence.isQuestion) return false;
    if (constraints.question === 'forbidden' && sentence.isQuestion) return false;
    if (constraints.not_negated) {
      // compromise confirms the negation word really is a negation in the match's clause.
      const clause = sentence.clauses.find((c) => match.start >= c.start && match.start < c.end) ?? sentence;
      const from = Math.max(clause.start, window.start);
      // Contractions ("won't") are tagged at an offset inside the word: compare by containing word.
      const near = (n: number): boolean => reaching.some((r) => Math.abs(r - n) <= 6);
      if (sentence.negations.some((n) => n >= from && n < match.start && near(n))) return false;
    }
    return true;
  }
}
