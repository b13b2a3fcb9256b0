/**
 * Text normalisation: turns a raw chat message into word tokens per language "view", each token remembering the
 * span of the original text it came from, so that a match can be highlighted on the exact original words.
 *
 * Pure and allocation-light: it runs on every message of every chat page. Per-token work is cached.
 */
import type { Language } from './taxonomy';

/** A word of the original text: its raw characters (invisibles removed) and where it stands. */
export interface RawToken {
  raw: string;
  start: number;
  end: number;
}

export type ViewName = 'en' | 'vi' | 'viAccented';

/** One normalised reading of a message: its words, each with the raw token it came from. */
export interface NormalizedView {
  name: ViewName;
  words: string[];
  /** For each word, the index of the raw token it came from (expanded words share their token). */
  wordToken: number[];
}

export interface NormalizedMessage {
  original: string;
  tokens: RawToken[];
  views: Partial<Record<ViewName, NormalizedView>>;
}

// Characters that carry no visible meaning and are used to dodge filters ("tele\u200Bgram").
const INVISIBLE_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x00ad, 0x00ad], [0x034f, 0x034f], [0x061c, 0x061c], [0x115f, 0x1160], [0x17b4, 0x17b5], [0x180e, 0x180e],
  [0x200b, 0x200f], [0x202a, 0x202e], [0x2060, 0x206f], [0x3164, 0x3164], [0xfe00, 0xfe0f], [0xfeff, 0xfeff],
  [0xffa0, 0xffa0], [0xe0000, 0xe007f],
];

function isInvisible(codePoint: number): boolean {
  for (const [low, high] of INVISIBLE_RANGES) if (codePoint >= low && codePoint <= high) return true;
  return false;
}
const WORD_CHAR = /[\p{L}\p{M}\p{N}]/u;
const EXTENDED_PICTOGRAPHIC = /\p{Extended_Pictographic}/u;

/** Emoji that stand for words in grooming talk; any other emoji is a word break. */
const EMOJI_WORDS: Record<string, string> = {
  '📸': 'photo',
  '📷': 'photo',
  '🤳': 'selfie',
  '🤫': 'secret',
  '🤐': 'secret',
  '🍆': 'sexy',
  '🍑': 'sexy',
  '💦': 'sexy',
  '🔞': 'sexy',
  '💰': 'money',
  '💸': 'money',
  '🏨': 'hotel',
  '📍': 'location',
};

/** Cyrillic and Greek letters that look like Latin ones (lower case; input is lower-cased first). */
const HOMOGLYPHS: Record<string, string> = {
  а: 'a', в: 'b', е: 'e', ё: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x',
  і: 'i', ї: 'i', ј: 'j', ѕ: 's', ԁ: 'd', ԛ: 'q', ԝ: 'w', ɡ: 'g', ɑ: 'a', ı: 'i',
  α: 'a', β: 'b', ε: 'e', η: 'n', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x', ω: 'w',
  ς: 's', γ: 'y', μ: 'u',
  // Small capitals ("ꜱᴇɴᴅ ɴᴜᴅᴇꜱ"), and turned letters used alone ("sǝnd"): letters of their own to Unicode.
  ᴀ: 'a', ʙ: 'b', ᴄ: 'c', ᴅ: 'd', ᴇ: 'e', ꜰ: 'f', ɢ: 'g', ʜ: 'h', ɪ: 'i', ᴊ: 'j', ᴋ: 'k', ʟ: 'l', ᴍ: 'm', ɴ: 'n',
  ᴏ: 'o', ᴘ: 'p', ǫ: 'q', ʀ: 'r', ꜱ: 's', ᴛ: 't', ᴜ: 'u', ᴠ: 'v', ᴡ: 'w', ʏ: 'y', ᴢ: 'z', ǝ: 'e', ɐ: 'a',
};

/**
 * Enclosed letters, by code point: circled (ⓓ Ⓓ), parenthesised (⒟ 🄓), squared (🄳) and negative circled or squared
 * (🅓 🅳). They are symbols, not letters, to Unicode (NFKC leaves the negative ones alone and puts parentheses around
 * ⒟), so the tokenizer would break words on them. A precomputed table: one lookup per character.
 */
const ENCLOSED_LETTERS: ReadonlyMap<number, string> = (() => {
  const table = new Map<number, string>();
  for (const first of [0x249c, 0x24b6, 0x24d0, 0x1f110, 0x1f130, 0x1f150, 0x1f170]) {
    for (let i = 0; i < 26; i++) table.set(first + i, String.fromCharCode(97 + i));
  }
  return table;
})();

/**
 * Upside-down text ("flip text": "sǝpnu puǝs") is written backwards with turned letters, so that it reads right when
 * the screen is turned around: read backwards, each character turned back. Plain letters that turn into others
 * (b/q, d/p, n/u) are turned back too, inside such a line only.
 */
const FLIPPED: Record<string, string> = {
  ɐ: 'a', q: 'b', ɔ: 'c', p: 'd', ǝ: 'e', ɟ: 'f', ƃ: 'g', ɓ: 'g', ɥ: 'h', ᴉ: 'i', ı: 'i', ɾ: 'j', ſ: 'j', ʞ: 'k',
  ʃ: 'l', ɯ: 'm', u: 'n', d: 'p', b: 'q', ɹ: 'r', ʇ: 't', n: 'u', ʌ: 'v', ʍ: 'w', ʎ: 'y',
  '∀': 'a', Ɔ: 'c', Ǝ: 'e', Ⅎ: 'f', '⅁': 'g', Ʞ: 'k', '˥': 'l', Ԁ: 'p', ᴚ: 'r', '┴': 't', '∩': 'u', Λ: 'v', '⅄': 'y',
  '¿': '?', '¡': '!', ',': "'",
};
/** Turned letters that only flip text uses: a line with two of them is read as flip text. */
const FLIP_MARKERS = new Set(['ɐ', 'ɔ', 'ǝ', 'ɟ', 'ƃ', 'ɥ', 'ᴉ', 'ɾ', 'ʞ', 'ɯ', 'ɹ', 'ʇ', 'ʌ', 'ʍ', 'ʎ', '∀', 'Ǝ', 'Ⅎ', '⅁', 'Ꞟ', 'ᴚ', '⅄'].map((c) => c.codePointAt(0) ?? 0));
const RIGHT_TO_LEFT_OVERRIDE = 0x202e;

const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's', '!': 'i' };

/** English chat-speak and contractions (apostrophes already removed), on folded, squeezed words. */
const EN_EXPANSIONS: Record<string, string> = {
  u: 'you', ya: 'you', yu: 'you', ur: 'your', yr: 'your', urs: 'yours', youre: 'you are', r: 'are',
  pls: 'please', plz: 'please', plis: 'please', pl: 'please', rn: 'right now', wyd: 'what are you doing',
  wru: 'where are you', hbu: 'how about you', wbu: 'what about you', asl: 'age sex location',
  pic: 'picture', pik: 'picture', pix: 'pictures', pics: 'pictures', piks: 'pictures', ppl: 'people',
  bc: 'because', bcz: 'because', cuz: 'because', coz: 'because', cos: 'because', wana: 'want to',
  gona: 'going to', gota: 'got to', ig: 'instagram', insta: 'instagram', tg: 'telegram', tele: 'telegram',
  im: 'i am', ima: 'i am going to', imma: 'i am going to', ive: 'i have', 
  dont: 'do not', doesnt: 'does not', didnt: 'did not', cant: 'can not', cannot: 'can not', wont: 'will not',
  isnt: 'is not', arent: 'are not', wasnt: 'was not', shouldnt: 'should not', wouldnt: 'would not',
  couldnt: 'could not', havent: 'have not', hasnt: 'has not', aint: 'is not', dnt: 'do not', dun: 'do not',
  urself: 'yourself', urselves: 'yourselves', youl: 'you will', youd: 'you would', theyl: 'they will', itl: 'it will', youve: 'you have',
  weve: 'we have', theyve: 'they have', theyre: 'they are', thats: 'that is', whats: 'what is',
  lets: 'let us', gimme: 'give me', lemme: 'let me', tho: 'though', thru: 'through', 'b4': 'before',
  bf: 'boyfriend', gf: 'girlfriend', bday: 'birthday', msg: 'message', msgs: 'messages', txt: 'text',
  abt: 'about', n: 'and', nd: 'and', w: 'with', wit: 'with', k: 'ok', kk: 'ok', okay: 'ok',
  ofc: 'of course', nvm: 'never mind', idk: 'i do not know', tmr: 'tomorrow', tmrw: 'tomorrow',
  '2nite': 'tonight', tonite: 'tonight', '2day': 'today', vid: 'video', vids: 'videos', cam: 'camera',
  addy: 'address', sc: 'snap', snapchat: 'snap',
  nudez: 'nudes', nds: 'nudes',
};

/**
 * Vietnamese teencode, keyed by the folded, squeezed word; values are full words with diacritics.
 * "tl" is "trả lời" (reply: "sao ko tl", "tl tin nhắn đi"), not Telegram, which chats spell "tele" / "telegram".
 */
const VI_EXPANSIONS: Record<string, string> = {
  k: 'không', ko: 'không', kh: 'không', kg: 'không', hok: 'không', hk: 'không', khum: 'không', hem: 'không',
  kô: 'không', kp: 'không phải', hông: 'không', hôg: 'không',
  dc: 'được', dk: 'được', đc: 'được', đk: 'được', dx: 'được', đx: 'được',
  bme: 'bố mẹ', bm: 'bố mẹ', bma: 'bố mẹ', j: 'gì', ji: 'gì', gj: 'gì', ib: 'nhắn riêng', nt: 'nhắn tin',
  ntn: 'như thế nào', vs: 'với', ms: 'mới', r: 'rồi', ròi: 'rồi', z: 'vậy', v: 'vậy', bít: 'biết', bik: 'biết',
  trc: 'trước', mn: 'mọi người', mng: 'mọi người', ngta: 'người ta', sdt: 'số điện thoại', sđt: 'số điện thoại',
  tk: 'tài khoản', stk: 'số tài khoản', ck: 'chuyển khoản', cccd: 'căn cước công dân', cmnd: 'chứng minh nhân dân',
  zl: 'zalo', tele: 'telegram', tl: 'trả lời', fb: 'facebook', ny: 'người yêu', e: 'em', a: 'anh', c: 'chị',
  t: 'tao', m: 'mày', trg: 'trường', ak: 'à', ah: 'à', uk: 'ừ', uh: 'ừ', đt: 'điện thoại', dt: 'điện thoại',
  ks: 'khách sạn', csgt: 'cảnh sát giao thông', vid: 'video',
  nch: 'nói chuyện', nc: 'nói chuyện', mk: 'mình', mik: 'mình', mjk: 'mình', ng: 'người',
  nhìu: 'nhiều', iu: 'yêu', thik: 'thích', thix: 'thích', hum: 'hôm', hnay: 'hôm nay', 
  lm: 'làm', wa: 'qua', wá: 'quá', qá: 'quá', h: 'giờ', bh: 'bao giờ', bn: 'bao nhiêu', bnh: 'bao nhiêu',
  ntin: 'nhắn tin', pk: 'phải không', ns: 'nói', cs: 'có', cx: 'cũng', dag: 'đang', đag: 'đang', qa: 'qua',
  tn: 'tin nhắn', ik: 'đi', kb: 'kết bạn', fai: 'phải', chs: 'chơi',
};

const tokenCache = new Map<string, Record<ViewName, string>>();
const TOKEN_CACHE_LIMIT = 50_000;

function isAsciiWordCode(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57);
}

/**
 * Split the original text into raw word tokens, `?` tokens and mapped emoji, skipping invisible characters. Text the
 * browser shows in another order than it is written (after a right-to-left override, or upside-down "flip text") is
 * read in the order it is shown; its tokens then span the whole reordered run (see `tokenizeReordered`).
 */
export function tokenize(text: string): RawToken[] {
  const tokens: RawToken[] = [];
  if (scanTokens(text, 0, tokens)) return joinSpacedLetters(tokenizeReordered(text));
  return joinSpacedLetters(tokens);
}

/**
 * Append the tokens of `text` (offsets shifted by `offset`) to `tokens`. True when the text holds a right-to-left
 * override or a turned letter of flip text: then it may be shown in another order than it is written.
 */
function scanTokens(text: string, offset: number, tokens: RawToken[]): boolean {
  let reordered = false;
  let current = '';
  let start = -1;
  let end = -1;
  const flush = (): void => {
    if (current) tokens.push({ raw: current, start: start + offset, end: end + offset });
    current = '';
    start = -1;
  };
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (isAsciiWordCode(code)) {
      // Take the whole ASCII run at once: most chat text is ASCII, and slicing beats appending char by char.
      let j = i + 1;
      while (j < length && isAsciiWordCode(text.charCodeAt(j))) j++;
      if (!current) start = i;
      current = current ? current + text.slice(i, j) : text.slice(i, j);
      end = j;
      i = j - 1;
      continue;
    }
    if (code < 128) {
      // Apostrophes and leet symbols stay inside a word ("don't", "s3x", "h@te"); anything else breaks it.
      if ((code === 39 || code === 64 || code === 36 || code === 33) && current && i + 1 < length && isWordAt(text, i + 1)) {
        current += text[i];
        end = i + 1;
        continue;
      }
      flush();
      if (code === 63) tokens.push({ raw: '?', start: i + offset, end: i + 1 + offset });
      continue;
    }
    const cp = text.codePointAt(i) ?? code;
    const ch = String.fromCodePoint(cp);
    const width = ch.length;
    if (cp === RIGHT_TO_LEFT_OVERRIDE || FLIP_MARKERS.has(cp)) reordered = true;
    if (isInvisible(cp)) {
      if (current) end = i + width;
      i += width - 1;
      continue;
    }
    if (ch === '\u2019' || ch === '\u02BC') {
      if (current && i + 1 < length && isWordAt(text, i + 1)) {
        current += "'";
        end = i + 1;
      } else flush();
      continue;
    }
    if (ch === '？') {
      flush();
      tokens.push({ raw: '?', start: i + offset, end: i + 1 + offset });
      continue;
    }
    if (WORD_CHAR.test(ch) || ENCLOSED_LETTERS.has(cp)) {
      if (!current) start = i;
      current += ch;
      end = i + width;
      i += width - 1;
      continue;
    }
    flush();
    if (EXTENDED_PICTOGRAPHIC.test(ch)) {
      const word = EMOJI_WORDS[ch];
      if (word) tokens.push({ raw: word, start: i + offset, end: i + width + offset });
    }
    i += width - 1;
  }
  flush();
  return reordered;
}

/** The characters of `text` by code point, each with the combining marks that follow it (marks stay on their letter). */
function clusters(text: string): string[] {
  const out: string[] = [];
  for (const ch of text) {
    if (out.length && COMBINING_MARK.test(ch)) out[out.length - 1] += ch;
    else out.push(ch);
  }
  return out;
}
const COMBINING_MARK = /^\p{M}$/u;

/** The text of a run shown backwards, in the order it is shown; turned letters turned back for flip text. */
function readBackwards(run: string, flipped: boolean): string {
  const parts = clusters(run).reverse();
  if (!flipped) return parts.join('');
  return parts.map((part) => FLIPPED[part] ?? part).join('');
}

function countFlipMarkers(line: string): number {
  let count = 0;
  for (const ch of line) if (FLIP_MARKERS.has(ch.codePointAt(0) ?? 0)) count++;
  return count;
}

/**
 * Tokens of a text with runs shown backwards: a line with two or more turned letters is flip text (read backwards,
 * letters turned back); a right-to-left override (U+202E) shows what follows it backwards up to a pop (U+202C), a
 * left-to-right override (U+202D) or the end of the line. Such a run's tokens, in the order shown, each span the
 * whole run: offsets stay in order and inside the text, and a match there marks the run it is in.
 */
function tokenizeReordered(text: string): RawToken[] {
  const tokens: RawToken[] = [];
  const backwards = (from: number, to: number, flipped: boolean): void => {
    if (to <= from) return;
    const found: RawToken[] = [];
    scanTokens(readBackwards(text.slice(from, to), flipped), 0, found);
    for (const token of found) tokens.push({ raw: token.raw, start: from, end: to });
  };
  let lineStart = 0;
  while (lineStart <= text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    const line = text.slice(lineStart, lineEnd);
    if (countFlipMarkers(line) >= 2) backwards(lineStart, lineEnd, true);
    else {
      let at = lineStart;
      while (at < lineEnd) {
        const override = text.indexOf('\u202E', at);
        const runStart = override < 0 || override >= lineEnd ? lineEnd : override;
        scanTokens(text.slice(at, runStart), at, tokens);
        if (runStart >= lineEnd) break;
        let runEnd = runStart + 1;
        while (runEnd < lineEnd && text[runEnd] !== '\u202C' && text[runEnd] !== '\u202D') runEnd++;
        backwards(runStart, runEnd, false);
        at = runEnd;
      }
    }
    lineStart = lineEnd + 1;
  }
  return tokens;
}

function isWordAt(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  if (isAsciiWordCode(code)) return true;
  if (code < 128) return false;
  const cp = text.codePointAt(index) ?? code;
  return WORD_CHAR.test(String.fromCodePoint(cp)) || ENCLOSED_LETTERS.has(cp);
}

/** "t e l e g r a m" → "telegram": runs of four or more single letters become one word. */
function joinSpacedLetters(tokens: RawToken[]): RawToken[] {
  let hasSingles = false;
  for (const token of tokens) {
    if (token.raw.length === 1 && token.raw !== '?') {
      hasSingles = true;
      break;
    }
  }
  if (!hasSingles) return tokens;
  const out: RawToken[] = [];
  const sameSpan = (a: RawToken, b: RawToken): boolean => a.start === b.start && a.end === b.end;
  let i = 0;
  while (i < tokens.length) {
    let j = i;
    // Letters of one run shown backwards share its span: they join only each other, and letters in order join only
    // letters in order after them, so a joined word never overlaps the tokens around it.
    const inRun = (i > 0 && sameSpan(tokens[i - 1], tokens[i])) || (i + 1 < tokens.length && sameSpan(tokens[i], tokens[i + 1]));
    while (j < tokens.length && isSingleLetter(tokens[j].raw) && (j === i || (inRun ? sameSpan(tokens[i], tokens[j]) : tokens[j].start >= tokens[j - 1].end))) j++;
    if (j - i >= 4) {
      out.push({ raw: tokens.slice(i, j).map((t) => t.raw).join(''), start: tokens[i].start, end: tokens[j - 1].end });
      i = j;
    } else if (j > i) {
      for (let k = i; k < j; k++) out.push(tokens[k]);
      i = j;
    } else {
      out.push(tokens[i]);
      i++;
    }
  }
  return out;
}

function isSingleLetter(raw: string): boolean {
  return raw.length === 1 && raw !== '?' && !(raw >= '0' && raw <= '9');
}

/** Enclosed letters (ⓓ, ⒟, 🅳) as plain ones. */
function unenclose(raw: string): string {
  if (!/[\u2460-\u24ff\ud83c]/.test(raw)) return raw;
  let out = '';
  for (const ch of raw) out += ENCLOSED_LETTERS.get(ch.codePointAt(0) ?? 0) ?? ch;
  return out;
}

/** Lower case, NFKC, enclosed letters and homoglyphs, apostrophes dropped: the shared first step of every view. */
function baseForm(raw: string): string {
  let s = unenclose(raw).normalize('NFKC').toLowerCase();
  let mapped = '';
  let changed = false;
  for (const ch of s) {
    const m = HOMOGLYPHS[ch];
    if (m !== undefined) {
      mapped += m;
      changed = true;
    } else if (ch === "'" || ch === '\u2019') {
      changed = true;
    } else mapped += ch;
  }
  if (changed) s = mapped;
  return s.normalize('NFC');
}

/** Remove Vietnamese (and any other) diacritics; đ is not a combining mark and is mapped explicitly. */
export function foldDiacritics(s: string): string {
  // eslint-disable-next-line no-control-regex -- a plain ASCII check, not a control-character pattern.
  if (/^[\x00-\x7f]*$/.test(s)) return s;
  return s.normalize('NFD').replace(/\p{M}+/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').normalize('NFC');
}

/** Runs of one repeated letter become a single letter ("pleeease" → "please", "khoong" → "khong"). */
export function squeeze(s: string): string {
  let out = '';
  let prev = '';
  for (const ch of s) {
    if (ch === prev && !(ch >= '0' && ch <= '9')) continue;
    out += ch;
    prev = ch;
  }
  return out;
}

/**
 * Leetspeak digits and symbols in words: "h0tel", "s3nd", "n00dz", and one look-alike digit at the start or end
 * of a longer word ("0ld", "3xpose", "0tp", "tim3"). Numbers and amounts ("500k", "10tr", "b4") are left alone.
 */
function unleet(s: string): string {
  if (!/[0-9@$!]/.test(s) || !/[a-z]/.test(s)) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    const sub = LEET[ch];
    if (sub !== undefined && isLetterBefore(s, i) && isLetterAfter(s, i)) out += sub;
    else out += ch;
  }
  const edge = EDGE_LEET[out[0]];
  if (edge && /^.[a-z]{2,}$/.test(out)) out = edge + out.slice(1);
  const last = EDGE_LEET[out[out.length - 1]];
  if (last && /^[a-z]{2,}.$/.test(out)) out = out.slice(0, -1) + last;
  return out;
}

/** Digits that stand for letters at a word's edge; 1, 2 and 4 are left out ("any1", "2day", "b4" mean words). */
const EDGE_LEET: Record<string, string> = { '0': 'o', '3': 'e', '5': 's', '7': 't', '@': 'a', $: 's' };

function isLetterBefore(s: string, i: number): boolean {
  let j = i - 1;
  while (j >= 0 && LEET[s[j]] !== undefined) j--;
  return j >= 0 && /\p{L}/u.test(s[j]);
}

function isLetterAfter(s: string, i: number): boolean {
  let j = i + 1;
  while (j < s.length && LEET[s[j]] !== undefined) j++;
  return j < s.length && /\p{L}/u.test(s[j]);
}

/** Longest word `repairVietnameseTyping` looks at: Telex syllables are short, and its checks are quadratic. */
const MAX_SYLLABLE_TYPED = 24;

/**
 * Repair Telex/VNI leftovers typed with the input method off, on an already folded word:
 * "dduwowcj" → "duoc", "kho6ng" → "khong". Doubled letters are handled by `squeeze`.
 */
/** Words the Telex repair must leave alone: loanwords common in Vietnamese chats, and English words. */
const NOT_TELEX = new Set([
  'sex', 'robux', 'inbox', 'box', 'fax', 'max', 'mix', 'six', 'ex', 'wow', 'new', 'news', 'view', 'views', 'show',
  'how', 'now', 'snow', 'follow', 'window', 'yellow', 'low', 'slow', 'flow', 'pass', 'boss', 'kiss', 'class', 'bus',
  'plus', 'yes', 'kids', 'boys', 'girls', 'pics', 'nudes', 'photos', 'sms', 'ios', 'apps', 'links', 'vs', 'ms', 'dms',
  'tiktok', 'vips', 'gifts', 'games', 'skins', 'diamonds', 'us', 'is', 'as', 'or', 'of', 'if',
]);

/**
 * Repair Telex/VNI leftovers typed with the input method off, on an already folded word:
 * "dduwowcj" → "duoc", "kho6ng" → "khong", "mifnh" → "minh", "owr" → "o". Doubled letters are handled by `squeeze`.
 */
function repairVietnameseTyping(s: string): string {
  if (s.length > MAX_SYLLABLE_TYPED || !/^[a-z0-9]+$/.test(s) || NOT_TELEX.has(s)) return s;
  let out = s;
  // VNI: tone/mark digits inside or after letters ("kho6ng", "d9i")
  if (/[a-z][1-9]/.test(out) && /^[a-z]/.test(out)) out = out.replace(/([a-z])[1-9]+/g, '$1');
  // Telex: "uw", "ow", "aw" mark ư, ơ, ă
  const marked = /[uoa]w/.test(out) || /aa|ee|oo|dd/.test(out);
  if (/[uoa]w/.test(out)) out = out.replace(/([uoa])w/g, '$1');
  // A tone key typed before the final consonants: "mifnh" → "minh", "dduwowcj" keeps its "c".
  out = out.replace(/([aeiouy])[sfrxj](ng|nh|ch|[cmnpt])$/, '$1$2');
  // A tone key left at the end of a syllable: no Vietnamese syllable ends in s, f, r, x or j.
  if (/[aeiouy][a-z]*[sfrxj]$/.test(out) && (out.length > 2 || marked) && !/[sfrxj]{2}$/.test(out)) {
    const core = out.slice(0, -1);
    if (/[aeiouy]/.test(core) && /(?:[aeiouy]|c|ch|m|n|ng|nh|p|t)$/.test(core)) out = core;
  }
  return out;
}

function normalizeToken(raw: string): Record<ViewName, string> {
  const cached = tokenCache.get(raw);
  if (cached) return cached;
  const base = baseForm(raw);
  const folded = foldDiacritics(base);
  const forms: Record<ViewName, string> = {
    en: squeeze(unleet(folded)),
    vi: squeeze(repairVietnameseTyping(folded)),
    viAccented: squeeze(base),
  };
  if (tokenCache.size >= TOKEN_CACHE_LIMIT) tokenCache.clear();
  tokenCache.set(raw, forms);
  return forms;
}

const EN_EXPANDED = expansionTable(EN_EXPANSIONS, (v) => v);
/** Keyed by the accented, squeezed word ("hông", "đc", "bít"), values with diacritics. */
const VI_BY_ACCENTED = expansionTable(VI_EXPANSIONS, (v) => v);
/**
 * Keyed by plain-ASCII teencode only ("ko", "dc", "bme"): a key with marks ("hông") must not expand once its marks
 * are gone, because its folded form collides with other words ("hồng", "hỏng").
 */
const VI_BY_FOLDED = expansionTable(
  Object.fromEntries(Object.entries(VI_EXPANSIONS).filter(([key]) => /^[a-z0-9]+$/.test(key))),
  (v) => v,
);

function expansionTable(table: Record<string, string>, value: (v: string) => string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const [key, expansion] of Object.entries(table)) {
    map.set(squeeze(key), value(expansion).split(' ').map(squeeze));
  }
  return map;
}

function expansionFor(view: ViewName, forms: Record<ViewName, string>): string[] | undefined {
  if (view === 'en') return EN_EXPANDED.get(forms.en);
  // Plain-ASCII teencode only expands when the word was typed without marks: "ảnh", "cảm", "à" are words, not "a",
  // "cam", "a" teencode.
  const typedPlain = forms.viAccented === forms.vi || !/[^ -~]/.test(forms.viAccented);
  const words = VI_BY_ACCENTED.get(forms.viAccented) ?? (typedPlain ? VI_BY_FOLDED.get(forms.vi) : undefined);
  if (!words) return undefined;
  return view === 'vi' ? words.map((w) => squeeze(foldDiacritics(w))) : words;
}

/** Normalise one word the way patterns see it, for compiling rule patterns (no chat-speak expansion). */
export function normalizeWord(word: string, view: ViewName): string {
  return normalizeToken(word)[view];
}

/** Normalise and expand a raw pattern word exactly as a text token would be ("dont" → "do not"). */
export function expandWord(word: string, view: ViewName): string[] {
  return [...expandedToken(word)[view]];
}

/** Per raw token: the words it becomes in each view, after normalisation and expansion (cached). */
const expandedCache = new Map<string, Record<ViewName, readonly string[]>>();
const QUESTION_WORDS: Record<ViewName, readonly string[]> = { en: ['?'], vi: ['?'], viAccented: ['?'] };

/** Contractions that collide with other words once the apostrophe is gone ("we're" is not "were"). */
const APOSTROPHE_CONTRACTIONS: Record<string, string[]> = {
  "we're": ['we', 'are'], "they're": ['they', 'are'], "it's": ['it', 'is'], "he's": ['he', 'is'], "she's": ['she', 'is'],
  "i'll": ['i', 'wil'], "we'll": ['we', 'wil'], "she'll": ['she', 'wil'], "he'll": ['he', 'wil'], "i'd": ['i', 'would'],
  "we've": ['we', 'have'], "let's": ['let', 'us'], "who's": ['who', 'is'], "what's": ['what', 'is'],
};

/**
 * Words as the matcher compares them: never empty, never with a space inside. (NFKC turns a few characters into a
 * space and a mark, "ﱞ" → " ٌّ", and normalising can leave nothing of a token; the word matcher compares whole words.)
 */
function wholeWords(words: readonly string[]): readonly string[] {
  if (words.every((word) => word !== '' && !/\s/u.test(word))) return words;
  return words.flatMap((word) => word.split(/\s+/u)).filter((word) => word !== '');
}

export function expandedToken(raw: string): Record<ViewName, readonly string[]> {
  if (raw === '?') return QUESTION_WORDS;
  const cached = expandedCache.get(raw);
  if (cached) return cached;
  const forms = normalizeToken(raw);
  const contraction = raw.includes("'") || raw.includes('’') ? APOSTROPHE_CONTRACTIONS[raw.toLowerCase().replace('’', "'")] : undefined;
  const words: Record<ViewName, readonly string[]> = {
    en: wholeWords(contraction ?? expansionFor('en', forms) ?? [forms.en]),
    vi: wholeWords(expansionFor('vi', forms) ?? [forms.vi]),
    viAccented: wholeWords(expansionFor('viAccented', forms) ?? [forms.viAccented]),
  };
  if (expandedCache.size >= TOKEN_CACHE_LIMIT) expandedCache.clear();
  expandedCache.set(raw, words);
  return words;
}

export function buildView(tokens: readonly RawToken[], view: ViewName): NormalizedView {
  const words: string[] = [];
  const wordToken: number[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const expanded = expandedToken(tokens[i].raw)[view];
    for (let j = 0; j < expanded.length; j++) {
      words.push(expanded[j]);
      wordToken.push(i);
    }
  }
  return { name: view, words, wordToken };
}

/** Map words [start, end) of a view back to [start, end) of the original message. */
export function wordSpanToOriginal(view: NormalizedView, tokens: readonly RawToken[], span: { start: number; end: number }): { start: number; end: number } {
  if (span.end <= span.start) return { start: 0, end: 0 };
  return { start: tokens[view.wordToken[span.start]].start, end: tokens[view.wordToken[span.end - 1]].end };
}

export function viewsFor(language: Language): ViewName[] {
  return language === 'en' ? ['en'] : ['vi', 'viAccented'];
}

/** Normalise a message; views are built on demand by `getView`. */
export function normalizeMessage(text: string): NormalizedMessage {
  return { original: text, tokens: tokenize(text), views: {} };
}

export function getView(message: NormalizedMessage, name: ViewName): NormalizedView {
  let view = message.views[name];
  if (!view) {
    view = buildView(message.tokens, name);
    message.views[name] = view;
  }
  return view;
}

/** Unambiguous function words of each language, by folded squeezed form ("me" and "do" are in both, so in neither). */
// Folded Vietnamese syllables ("ổn" → on, "ít" → it, "bé" → be, "cần" → can, "thêm" → them, "số" → so, "nó" → no)
// are left out of the English list, and English words ("day", "ban") out of the Vietnamese one.
const ENGLISH_MARKERS = new Set([
  'the', 'you', 'your', 'yours', 'u', 'ur', 'is', 'are', 'was', 'were', 'and', 'what', 'if', 'dont', 'with', 'this',
  'that', 'have', 'wil', 'of', 'for', 'just', 'want', 'not', 'she', 'we', 'they', 'get', 'got', 'or', 'pls', 'please',
  'send', 'tel', 'how', 'why', 'where', 'would', 'there', 'their', 'lets', 'everyone', 'about', 'from', 'like',
  'know', 'realy', 'when', 'yeah', 'gona', 'wana', 'did', 'does', 'could', 'should', 'then', 'here', 'who', 'which',
  'make', 'take', 'come', 'going', 'think', 'because', 'cuz', 'youre', 'lol', 'omg', 'yes', 'hey',
]);
const VIETNAMESE_MARKERS = new Set([
  'khong', 'ko', 'dc', 'duoc', 'em', 'anh', 'la', 'cua', 'nhe', 'nha', 'roi', 'voi', 'vs', 'minh', 'chi', 'toi',
  'cho', 'gi', 'j', 'nay', 'thi', 'cung', 'nhung', 'nguoi', 'biet', 'lam', 'phai', 'di', 'vay', 'oi', 'ak', 'nhan',
  'gui', 'tien', 'ma', 'kia', 'nao', 'sao', 'mot', 'hok', 'khum', 'bme',
]);
const languageCache = new Map<string, 0 | 1 | 2>();

/**
 * Which language a raw token suggests: 1 English, 2 Vietnamese, 0 neither or both. A Vietnamese letter with a
 * diacritic (or đ) is a sure sign; otherwise only unambiguous function words count.
 */
export function tokenLanguage(raw: string): 0 | 1 | 2 {
  const cached = languageCache.get(raw);
  if (cached !== undefined) return cached;
  const base = raw.normalize('NFC').toLowerCase();
  let hint: 0 | 1 | 2 = 0;
  if (/[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]/.test(base)) hint = 2;
  else {
    const word = squeeze(base.replace(/['’]/g, ''));
    if (VIETNAMESE_MARKERS.has(word)) hint = 2;
    else if (ENGLISH_MARKERS.has(word)) hint = 1;
  }
  if (languageCache.size >= TOKEN_CACHE_LIMIT) languageCache.clear();
  languageCache.set(raw, hint);
  return hint;
}

/**
 * The languages whose rules should run on a message: both, unless the message is clearly one language (two or
 * more marker words of it and none of the other). Rules of a language never fire on a message clearly in the other
 * ("if u block me i post it" is not Vietnamese, whatever its folded words resemble).
 */
export function likelyLanguages(tokens: readonly RawToken[]): { en: boolean; vi: boolean } {
  let en = 0;
  let vi = 0;
  for (const token of tokens) {
    const hint = tokenLanguage(token.raw);
    if (hint === 1) en++;
    else if (hint === 2) vi++;
  }
  return languagesOfHints(en, vi);
}

/** `likelyLanguages` from the number of English and of Vietnamese hints among a message's tokens. */
export function languagesOfHints(en: number, vi: number): { en: boolean; vi: boolean } {
  if (en >= 2 && vi === 0) return { en: true, vi: false };
  if (vi >= 2 && en === 0) return { en: false, vi: true };
  return { en: true, vi: true };
}

/** A readable normalised string (for tests, debugging and the CLI's `--explain`). */
export function normalizeForDisplay(text: string, view: ViewName): string {
  return getView(normalizeMessage(text), view).words.join(' ');
}
