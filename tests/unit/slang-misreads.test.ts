/**
 * Ordinary Vietnamese chat slang that the rules used to misread, through the whole engine (bundled rules):
 * "cmt" (comment) read as the ID card, "tl" (trả lời, reply) expanded to Telegram, the curse "kệ mẹ (nó|mày)" read
 * as turning the target against their family, and "thả tim" (liking a post) read as a request for photos. The real
 * cues next to them must still be found.
 */
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../lib/engine';
import { normalizeForDisplay } from '../../lib/engine/normalize';
import { loadBundledRules } from '../../lib/node/rule-files';

const engine = createEngine(loadBundledRules());
const ruleIds = (text: string): string[] => engine.analyze(text).map((f) => f.ruleId);

function expectNoFinding(lines: readonly string[]): void {
  for (const line of lines) expect({ line, rules: ruleIds(line) }).toEqual({ line, rules: [] });
}

function expectRule(ruleId: string, lines: readonly string[]): void {
  for (const line of lines) expect({ line, fired: ruleIds(line).includes(ruleId) }).toEqual({ line, fired: true });
}

describe('Vietnamese slang misreads', () => {
  it('"cmt" meaning a comment is not the ID card', () => {
    expectNoFinding(['đọc cmt đi', 'vào đọc cmt đi m ơi cười vl', 'cmt dạo thôi', 'thả cmt cho tao cái', 'rep cmt giùm t với', 'chụp màn hình cmt đó gửi tao']);
  });

  it('still finds requests for the ID card ("số cmt", "chụp cmt", "cmt mặt trước", "ảnh cmt", "cmnd")', () => {
    expectRule('vi-personal-info-id-card', [
      'gửi số cmt cho anh để xác minh',
      'em chụp cmt gửi anh nhé',
      'chụp cmt mặt trước mặt sau gửi chị',
      'cmt mặt trước em chụp rõ vào',
      'gửi ảnh cmt cho chị kiểm tra',
      'gửi ảnh cmnd đi em',
      'Em chụp hai mặt căn cước công dân gửi anh',
    ]);
  });

  it('"tl" is "trả lời" (reply), not Telegram', () => {
    expect(normalizeForDisplay('sao ko tl', 'vi')).toBe('sao khong tra loi');
    expect(normalizeForDisplay('tl tin nhắn đi', 'viAccented')).toBe('trả lời tin nhắn đi');
    expectNoFinding(['tl tin nhắn đi', 'sao ko tl', 'tl cmt', 'qua tl cmt của tao đi', 'nhắn mà ko tl à']);
  });

  it('still finds moving the chat to Telegram ("tele", "telegram", "tg" in context)', () => {
    expectRule('vi-platform-move-telegram', [
      'ib anh qua tele nhé',
      'qua tele noi chuyen cho tien nhe e',
      'Em tải Telegram về rồi nhắn anh qua đó',
      'vào tele đi e, a nhắn riêng cho dễ',
      'add tg đi em, nói chuyện cho tiện',
      'qua tg nhắn nhé e',
    ]);
    expectNoFinding(['tao ko có tg nói chuyện đâu', 'qua tg em sẽ hiểu thôi']);
  });

  it('the curse "kệ mẹ (nó|mày)" is not isolation', () => {
    expectNoFinding(['kệ mẹ', 'kệ mẹ nó', 'kệ mẹ mày', 'kệ mẹ nó, thua thì thôi', 'ke me no di, mai tinh tiep', 'kệ bố nó']);
  });

  it('still finds telling the target to ignore their family', () => {
    expectRule('vi-isolation-turn-against-family', [
      'mac ke bo me di, co anh day roi',
      'Kệ bố mẹ em đi, có anh lo cho em rồi',
      'kệ mẹ em đi, mẹ em có hiểu gì đâu',
      'Đừng nghe lời bố mẹ em, họ không hiểu em đâu',
    ]);
  });

  it('"thả tim" (liking a post) is not a request for photos', () => {
    expectNoFinding(['thả tim ảnh mới của tao đi', 'thả tim story', 'thả tim giùm', 'tha tim story cua e di a', 'vào fb thả tim ảnh cho anh với']);
  });

  it('still finds requests for intimate photos', () => {
    expectRule('vi-sexual-request-images', ['Em gửi anh vài tấm ảnh nóng đi', 'e gui a hinh nude di ma', 'chup hinh khong mac gi cho anh xem']);
  });
});
