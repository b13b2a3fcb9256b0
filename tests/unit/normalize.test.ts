import { describe, expect, it } from 'vitest';
import { createEngine } from '../../lib/engine';
import { foldDiacritics, getView, normalizeForDisplay, normalizeMessage, squeeze, tokenize, wordSpanToOriginal } from '../../lib/engine/normalize';
import { loadBundledRules } from '../../lib/node/rule-files';

const en = (text: string) => normalizeForDisplay(text, 'en');
const vi = (text: string) => normalizeForDisplay(text, 'vi');
const viAccented = (text: string) => normalizeForDisplay(text, 'viAccented');

describe('normalisation', () => {
  it('folds case, NFC/NFD and Vietnamese diacritics, including đ', () => {
    expect(vi('Không được nói')).toBe('khong duoc noi');
    expect(vi('Khoˆng'.normalize('NFD'))).toBe(vi('Khoˆng'));
    expect(vi('Đừng NÓI với bố mẹ'.normalize('NFD'))).toBe('dung noi voi bo me');
    expect(foldDiacritics('đĐ')).toBe('dD');
  });

  it('treats old and new Vietnamese tone placement alike', () => {
    expect(vi('hoà thuý khoẻ')).toBe(vi('hòa thúy khỏe'));
  });

  it('keeps diacritics in the accented view', () => {
    expect(viAccented('Bố Mẹ')).toBe('bố mẹ');
    expect(viAccented('Bỏ đi')).toBe('bỏ đi');
  });

  it('expands Vietnamese teencode to full words', () => {
    expect(vi('ko dc noi vs bme')).toBe('khong duoc noi voi bo me');
    expect(vi('k đc nói j hết')).toBe('khong duoc noi gi het');
    expect(viAccented('ko dc nói vs bme')).toBe('không được nói với bố mẹ');
    expect(vi('hok, khum, hông')).toBe('khong khong khong');
    expect(vi('ib a nhé, chuyển vào stk này')).toBe('nhan rieng anh nhe chuyen vao so tai khoan nay');
  });

  it('does not expand teencode written with marks once the marks are gone (hồng is not hông)', () => {
    expect(vi('hoa hồng')).toBe('hoa hong');
    expect(vi('hông')).toBe('khong');
  });

  it('repairs leftover Telex and VNI typing', () => {
    expect(vi('khoong dduwowcj nois')).toBe('khong duoc noi');
    expect(vi('kho6ng d9u7o7c5')).toBe('khong duoc');
    expect(vi('owr mootj mifnh')).toBe('o mot minh');
  });

  it('leaves loanwords alone when repairing Telex ("sex" is not "sẽ")', () => {
    expect(vi('sex robux inbox show pass')).toBe('sex robux inbox show pas');
    expect(vi('sẽ')).toBe('se');
  });

  it('expands English chat-speak and contractions', () => {
    expect(en("dont tell ur mom rn pls")).toBe('do not tel your mom right now please') // letters are squeezed: tell → tel;
    expect(en("I'm sure you're ok, can't u")).toBe('i am sure you are ok can not you');
    expect(en('wyd? asl')).toBe('what are you doing ? age sex location');
    expect(en('send pix')).toBe('send pictures');
  });

  it('undoes leetspeak inside words but leaves numbers alone', () => {
    expect(en('s3nd me a p1c at the h0tel')).toBe('send me a picture at the hotel');
    expect(en('500k or 10tr')).toBe('500k or 10tr');
    expect(en('0ld 3xpose 0tp b4 any1')).toBe('old expose otp before any1');
  });

  it('squeezes stretched letters the same way on both sides', () => {
    expect(en('pleeeease')).toBe('please');
    expect(squeeze('goood')).toBe('god');
    expect(squeeze('2000')).toBe('2000');
  });

  it('removes zero-width and bidi control characters without splitting the word', () => {
    expect(en('tele\u200Bgram')).toBe('telegram');
    expect(en('sn\u200Dap\uFEFF')).toBe('snap');
    // A left-to-right override or embedding does not reorder Latin letters (a right-to-left override does: below).
    expect(en('se\u202Dnd')).toBe('send');
    expect(en('se\u202And')).toBe('send');
  });

  it('maps Cyrillic and Greek look-alike letters to Latin', () => {
    expect(en('sеnd nudеs')).toBe('send nudes'); // Cyrillic е
    expect(en('ѕnаp')).toBe('snap'); // Cyrillic ѕ, а
    expect(en('hοtel')).toBe('hotel'); // Greek ο
  });

  it('joins spaced-out letters', () => {
    expect(en('add me on t e l e g r a m')).toBe('ad me on telegram');
    expect(en('a b c')).toBe('a b c');
  });

  it('joins spaced letters of a run shown backwards only with each other, never across into the next line (fast-check counterexample)', () => {
    // Flip text on the first line (its tokens share the line's span), single letters after it on the next.
    const text = 'ɹ ɹ</script>\nꜱ\u202Eʎ';
    const tokens = tokenize(text);
    for (const [i, token] of tokens.entries()) {
      if (i === 0) continue;
      const previous = tokens[i - 1];
      expect(token.start >= previous.end || (token.start === previous.start && token.end === previous.end), `${token.start}..${token.end} after ${previous.start}..${previous.end}`).toBe(true);
    }
    expect(tokens.map((t) => t.raw)).toEqual(['tdircs', 'r', 'r', 'ꜱ', 'ʎ']);
    // Spaced letters in a flip-text line still join into one word on the line's span.
    expect(tokenize('ɯ ɐ ɹ ƃ ǝ l ǝ ʇ').map((t) => [t.raw, t.start, t.end])).toEqual([['telegram', 0, 15]]);
  });

  it('keeps question marks as tokens and maps meaningful emoji', () => {
    expect(en('are u alone?')).toBe('are you alone ?');
    expect(en('send 📸 🤫')).toBe('send photo secret');
    expect(en('lol 😂😂')).toBe('lol');
  });

  it('never makes a word with a space inside or an empty word (NFKC turns "ﱞ" into a space and a mark)', () => {
    for (const text of ['send\uFC5Enudes', '\uFC5E', 'pic \uFC5E now']) {
      const message = normalizeMessage(text);
      for (const view of ['en', 'vi', 'viAccented'] as const) {
        for (const word of getView(message, view).words) expect(word !== '' && !/\s/u.test(word), `${JSON.stringify(word)} in ${view}`).toBe(true);
      }
    }
  });

  it('maps a match back to the exact original words', () => {
    const text = 'Nhớ là ko dc noi vs bme nhé!';
    const message = normalizeMessage(text);
    const view = getView(message, 'vi');
    const start = view.words.indexOf('khong');
    const end = view.words.lastIndexOf('me') + 1;
    expect(view.words.slice(start, end).join(' ')).toBe('khong duoc noi voi bo me');
    const span = wordSpanToOriginal(view, message.tokens, { start, end });
    expect(text.slice(span.start, span.end)).toBe('ko dc noi vs bme');
  });

  it('maps offsets of a leetspeak, invisible-character word to its original span', () => {
    const text = 'ok s\u200B3nd now';
    const message = normalizeMessage(text);
    const token = message.tokens.find((t) => t.raw.startsWith('s'));
    expect(token && text.slice(token.start, token.end)).toBe('s\u200B3nd');
  });

  it('tokenises astral characters and long texts without throwing', () => {
    expect(() => tokenize('𝓗𝓸𝓽𝓮𝓵 '.repeat(1000))).not.toThrow();
    expect(en('𝓗𝓸𝓽𝓮𝓵')).toBe('hotel');
  });
});

describe('letters dressed up to dodge the rules (issue 15, point 7)', () => {
  it('reads circled, parenthesised and squared letters as plain letters', () => {
    expect(en('ⓓⓔⓛⓔⓣⓔ ⓘⓣ')).toBe('delete it');
    expect(en('ⓈⒺⓃⒹ ⓝⓤⓓⓔⓢ')).toBe('send nudes');
    expect(en('⒟⒠⒧⒠⒯⒠ ⒤⒯')).toBe('delete it');
    expect(en('🅳🅴🅻🅴🆃🅴 🅸🆃')).toBe('delete it');
    expect(en('🄳🄴🄻🄴🅃🄴 🅘🅣 🄓🄞🄝🄔')).toBe('delete it done');
    expect(en('send ⓝ ⓤ ⓓ ⓔ ⓢ')).toBe('send nudes');
  });

  it('reads small capitals as plain letters', () => {
    expect(en('ꜱᴇɴᴅ ɴᴜᴅᴇꜱ')).toBe('send nudes');
    expect(en('ᴅᴏɴᴛ ᴛᴇʟʟ ʏᴏᴜʀ ᴘᴀʀᴇɴᴛꜱ')).toBe('do not tel your parents');
  });

  it('reads upside-down text (flipped and written backwards) in reading order', () => {
    // What "flip text" generators make of "send nudes" and "don't tell your mom".
    expect(en('sǝpnu puǝs')).toBe('send nudes');
    expect(en('ɯoɯ ɹnoʎ llǝʇ ʇ,uop')).toBe('do not tel your mom');
    // One turned letter in an ordinary word is read as its letter.
    expect(en('sǝnd it')).toBe('send it');
  });

  it('reads text written backwards behind a right-to-left override in reading order', () => {
    // Shown as "send nudes" and "add me on telegram" by the browser.
    expect(en('\u202Esedun dnes')).toBe('send nudes');
    expect(en('ok \u202Emargelet no em dda\u202C thx')).toBe('ok ad me on telegram thx');
    expect(vi('\u202Eteib ia ohc ion gnohk')).toBe('khong noi cho ai biet');
  });

  it('maps a match in reversed text back inside the reversed run', () => {
    const text = 'ok \u202Emargelet no em dda\u202C thx';
    const message = normalizeMessage(text);
    const view = getView(message, 'en');
    const start = view.words.indexOf('telegram');
    const span = wordSpanToOriginal(view, message.tokens, { start, end: start + 1 });
    expect(span.start).toBeGreaterThanOrEqual(3);
    expect(span.end).toBeLessThanOrEqual(text.indexOf(' thx'));
    expect(text.slice(span.start, span.end)).toContain('margelet');
  });
});

describe('the bundled rules see through the dressed-up letters (issue 15, point 7)', () => {
  const engine = createEngine(loadBundledRules());
  const plain = "don't tell your parents about us";
  const flip = (text: string): string => {
    const turned: Record<string, string> = { a: 'ɐ', e: 'ǝ', t: 'ʇ', r: 'ɹ', y: 'ʎ', l: 'l', n: 'u', u: 'n', d: 'p', p: 'd', b: 'q', o: 'o', s: 's', "'": ',' };
    return [...text].reverse().map((ch) => turned[ch] ?? ch).join('');
  };
  const circled = (text: string): string => text.replace(/[a-z]/g, (ch) => String.fromCodePoint(0x24d0 + ch.charCodeAt(0) - 97));
  const negativeSquared = (text: string): string => text.replace(/[a-z]/g, (ch) => String.fromCodePoint(0x1f170 + ch.charCodeAt(0) - 97));

  it('flags the same message written in each disguise', () => {
    const expected = engine.analyze(plain).map((f) => f.ruleId);
    expect(expected.length).toBeGreaterThan(0);
    for (const disguised of [circled(plain), negativeSquared(plain), flip(plain), '\u202E' + [...plain].reverse().join(''), 'ᴅᴏɴ\'ᴛ ᴛᴇʟʟ ʏᴏᴜʀ ᴘᴀʀᴇɴᴛꜱ ᴀʙᴏᴜᴛ ᴜꜱ']) {
      const findings = engine.analyze(disguised);
      expect(findings.map((f) => f.ruleId), disguised).toEqual(expected);
      for (const f of findings) expect(disguised.slice(f.start, f.end)).toBe(f.matched);
    }
  });
});
