/**
 * Property tests (fast-check) for the pure engine: whatever text a chat page holds, normalisation never throws and
 * every offset it hands out lies inside the original text, and every finding points at the exact original words.
 * The arbitraries lean on what hostile or simply unusual chats contain: lone surrogates, combining marks, bidi
 * controls, zero-width characters, emoji, Vietnamese with either tone placement, leetspeak and markup.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../lib/engine';
import { getView, normalizeMessage, tokenize, wordSpanToOriginal, type ViewName } from '../../lib/engine/normalize';
import { loadBundledRules } from '../../lib/node/rule-files';

const VIEWS: ViewName[] = ['en', 'vi', 'viAccented'];

/** Pieces that exercise every branch of the tokenizer. */
const TRICKY = [
  '\u202E', '\u202D', '\u2066', '\u2069', '\u200B', '\u200D', '\u00AD', '\uFEFF', '\u061C', '\u{E0041}', // invisibles and bidi
  '\u0301', '\u0323', '\u0309', '\u20DD', // combining marks
  '\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\uD83D', // lone surrogates
  '😀', '📸', '🤫', '👨‍👩‍👧', '🇻🇳', // emoji (mapped, unmapped, ZWJ sequence, flag)
  "'", '’', 'ʼ', '@', '$', '!', '?', '？', ' ', '\n', '\t', // in-word symbols and breaks
  'Đ', 'đ', 'ơ', 'ư', 'ẫ', 'а', 'о', 'ο', 'ı', 'İ', 'ß', 'ﬁ', 'Ⅻ', '①', // letters that change under NFKC/case/homoglyphs
  'ⓓ', 'Ⓓ', '⒟', '🄓', '🄳', '🅓', '🅳', 'ᴅ', 'ꜱ', 'ǝ', 'ɐ', 'ʎ', 'ɹ', '∀', '¿', 'sǝpnu puǝs', // enclosed, small capitals, flip text
  '<img src=x onerror=alert(1)>', '</script>', 'javascript:', '&amp;', // markup is plain text to the engine
  'dont tell', 'ko dc noi vs bme', 'h0tel', 's3nd n00dz', 't e l e g r a m', 'pleeease', 'kho6ng', 'dduwowcj', '500k',
];

const chatText = fc.oneof(
  { weight: 3, arbitrary: fc.array(fc.constantFrom(...TRICKY), { maxLength: 40 }).map((parts) => parts.join('')) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 120 }) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom('a', 'b', ' ', '1', '\u0301', '\uD800', '\u202E', '?'), maxLength: 300 }) },
);

const inside = (start: number, end: number, text: string): boolean =>
  Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start <= end && end <= text.length;

describe('normalisation (property)', () => {
  it('never throws, and every token is a non-empty span inside the original text, in order', () => {
    fc.assert(
      fc.property(chatText, (text) => {
        const tokens = tokenize(text);
        let previous = { start: 0, end: 0 };
        for (const token of tokens) {
          expect(token.raw.length).toBeGreaterThan(0);
          expect(inside(token.start, token.end, text), `${token.start}..${token.end} of ${text.length}`).toBe(true);
          expect(token.start).toBeLessThan(token.end);
          // After the previous token, or (words of a run shown backwards, read in the order shown) on its same span.
          const sameRun = token.start === previous.start && token.end === previous.end;
          expect(sameRun || token.start >= previous.end, `${token.start}..${token.end} after ${previous.start}..${previous.end}`).toBe(true);
          previous = token;
        }
      }),
      { numRuns: 400 },
    );
  });

  it('builds every view, and maps any span of a view back inside the original text', () => {
    fc.assert(
      fc.property(chatText, fc.nat(), fc.nat(), (text, a, b) => {
        const message = normalizeMessage(text);
        for (const name of VIEWS) {
          const view = getView(message, name);
          expect(view.words.length).toBe(view.wordToken.length);
          for (const word of view.words) expect(word.length > 0 && !/\s/.test(word)).toBe(true);
          for (const index of view.wordToken) expect(index >= 0 && index < message.tokens.length).toBe(true);
          // Any words [start, end) of the view, including empty and out-of-order spans, map inside the text.
          const start = a % (view.words.length + 1);
          const end = b % (view.words.length + 1);
          for (const [s, e] of [[start, end], [Math.min(start, end), Math.max(start, end)], [0, view.words.length]]) {
            const span = wordSpanToOriginal(view, message.tokens, { start: s, end: e });
            expect(inside(span.start, span.end, text), `${name} ${s}..${e} -> ${span.start}..${span.end} of ${text.length}`).toBe(true);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('engine (property)', () => {
  const engine = createEngine(loadBundledRules(), { sensitivity: 'cautious' });
  /** Text made of words the bundled rules look for, so that findings actually happen. */
  const ruleWords = fc
    .array(
      fc.oneof(
        fc.constantFrom(
          "don't", 'tell', 'your', 'parents', 'mom', 'send', 'me', 'pic', 'pics', 'nudes', 'or', 'i', 'will', 'post', 'secret',
          'alone', 'are', 'u', 'home', 'how', 'old', 'r', 'snap', 'telegram', 'hotel', 'meet', 'gift', 'card', 'money', 'police',
          'đừng', 'nói', 'với', 'bố', 'mẹ', 'ko', 'dc', 'chuyển', 'tiền', 'tài', 'khoản', 'công', 'an', 'khách', 'sạn', 'một', 'mình',
          'bí', 'mật', 'gửi', 'ảnh', 'nóng', 'em', 'anh', 'tung', 'lên', 'mạng', 'nhé', '?', '!', '.', ',', '😉', '📸',
        ),
        fc.constantFrom(...TRICKY),
      ),
      { maxLength: 30 },
    )
    .chain((words) => fc.constantFrom(' ', '  ', '\u200B ', ' \u202E').map((sep) => words.join(sep)));

  it('never throws and every finding points at its own words in the original text', () => {
    let withFindings = 0;
    fc.assert(
      fc.property(fc.oneof(ruleWords, chatText), (text) => {
        const findings = engine.analyze(text);
        if (findings.length) withFindings++;
        for (const finding of findings) {
          expect(inside(finding.start, finding.end, text)).toBe(true);
          expect(text.slice(finding.start, finding.end)).toBe(finding.matched);
          expect(finding.matched.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 400 },
    );
    // The generator must actually reach the rules, or this property proves nothing.
    expect(withFindings).toBeGreaterThan(10);
  });

  it('keeps a conversation consistent whatever arrives (risk level valid, offsets inside each message)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.oneof(ruleWords, chatText), fc.boolean()), { maxLength: 12 }), (messages) => {
        const conversation = engine.conversation();
        messages.forEach(([text, self], i) => {
          const result = conversation.add({ id: `m${i}`, from: self ? 'self' : 'other', text, ts: 1_750_000_000_000 + i * 60_000 });
          expect(Number.isFinite(result.risk.score)).toBe(true);
          for (const f of result.findings) expect(text.slice(f.start, f.end)).toBe(f.matched);
        });
      }),
      { numRuns: 60 },
    );
  });
});
