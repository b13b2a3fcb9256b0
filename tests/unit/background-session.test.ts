/**
 * ChatSession (the background's per-tab state, lib/background/session.ts): warn once per conversation per rise in
 * level, also across a page reload or a restart of the background (seeded peak); keep context around flagged messages.
 */
import { describe, expect, it } from 'vitest';
import { ChatSession, isRiskLevel, textFingerprint } from '../../lib/background/session';
import { sha256Hex } from '../../lib/hash';
import { hashId } from '../../lib/sites/dom';
import { createBundledEngine } from '../../lib/extension/bundled-engine';
import { readExpected } from './sites-fixtures';

const engine = createBundledEngine({ sensitivity: 'balanced', disabledCategories: [], languages: ['en', 'vi'] });
const ref = { key: 'whatsapp:name:x', site: 'whatsapp', title: 'x', url: 'https://web.whatsapp.com/' };
const risky = readExpected('whatsapp').conversations.risky.messages.map((m) => ({ id: m.id ?? '', text: m.text, from: m.from }));

describe('ChatSession', () => {
  it('warns once when the conversation reaches a warning level, not again for the same level', async () => {
    const session = new ChatSession(engine, 5);
    const first = await session.process(ref, risky);
    expect(first.risk.alert).toBe(true);
    expect(first.warn).toBe(true);
    const again = await session.process(ref, [{ id: 'extra', text: 'Chuyển tiền ngay vào tài khoản an toàn', from: 'other' }]);
    expect(again.warn).toBe(levelAbove(again.risk.level, first.risk.level));
  });

  it('does not warn again after a reload for a level already reached (seeded from storage)', async () => {
    const fresh = new ChatSession(engine, 5);
    const level = (await fresh.process(ref, risky)).risk.level;
    const session = new ChatSession(engine, 5);
    session.seedWarnedLevel(ref.key, level);
    expect((await session.process(ref, risky)).warn).toBe(false);
  });

  it('does not analyse a message twice unless its text changed', async () => {
    const added: string[] = [];
    const counting = {
      ...engine,
      conversation() {
        const inner = engine.conversation();
        return {
          add(message: Parameters<typeof inner.add>[0]) {
            added.push(message.text);
            return inner.add(message);
          },
          get risk() {
            return inner.risk;
          },
        };
      },
    };
    const session = new ChatSession(counting, 5);
    await session.process(ref, risky);
    expect(added).toHaveLength(risky.length);
    expect((await session.process(ref, risky)).report).toBeNull();
    expect(added).toHaveLength(risky.length);
    await session.process(ref, [{ ...risky[0], text: `${risky[0].text} (edited)` }]);
    expect(added.at(-1)).toBe(`${risky[0].text} (edited)`);
    expect(added).toHaveLength(risky.length + 1);
  });

  it('reports a flagged message with the context before and after it, once', async () => {
    const session = new ChatSession(engine, 2, () => 7);
    const plain = (id: string) => ({ id, from: 'other' as const, text: `plain message ${id}` });
    const first = await session.process(ref, [plain('p1'), plain('p2'), plain('p3'), { id: 'f1', from: 'other', text: "don't tell your parents about us" }, plain('p4')]);
    expect(first.flagged.map((f) => f.message.id)).toEqual(['f1']);
    expect(first.report?.messages.map((m) => m.id)).toEqual(['p2', 'p3', 'f1', 'p4']);
    expect(first.report?.messages.find((m) => m.id === 'f1')?.findings.length).toBeGreaterThan(0);
    expect(first.report?.messages[0]).toMatchObject({ seenAt: 7, findings: [] });
    const next = await session.process(ref, [plain('p5'), plain('p6')]);
    expect(next.report?.messages.map((m) => m.id) ?? []).toEqual(['p5']);
  });

  it('analyses an edit whose text keeps the old 32-bit fingerprint (a crafted collision)', async () => {
    // Same length, same 32-bit FNV-1a (lib/sites/dom.ts hashId), found by a birthday search: the session used to
    // take the edit for the text it had analysed and never looked at it (issue 15, point 7).
    const harmless = 'see you at practice tomorrow, bring the ball ynsjrgoi';
    const rewritten = "don't tell your parents about us, ok? zvmknprscyuqtbr";
    expect(rewritten.length).toBe(harmless.length);
    expect(hashId(rewritten)).toBe(hashId(harmless));
    const session = new ChatSession(engine, 2);
    expect((await session.process(ref, [{ id: 'c1', from: 'other', text: harmless }])).flagged).toEqual([]);
    const edit = await session.process(ref, [{ id: 'c1', from: 'other', text: rewritten }]);
    expect(edit.flagged.map((f) => f.message.text)).toEqual([rewritten]);
  });

  it('fingerprints long texts by length and SHA-256, short ones by themselves', async () => {
    expect(await textFingerprint('short')).toBe('=short');
    const long = 'x'.repeat(300);
    expect(await textFingerprint(long)).toBe(`#300:${await sha256Hex(long)}`);
  });

  it('recognises risk levels read back from storage', () => {
    expect(isRiskLevel('high')).toBe(true);
    expect(isRiskLevel('severe')).toBe(false);
    expect(isRiskLevel(3)).toBe(false);
  });
});

function levelAbove(a: string, b: string): boolean {
  const order = ['none', 'low', 'medium', 'high', 'critical'];
  return order.indexOf(a) > order.indexOf(b);
}

describe('ChatSession: analysis cut short is counted (issue 15, point 2)', () => {
  it('counts the messages whose analysis was cut short, per conversation, for the popup', async () => {
    const session = new ChatSession(engine, 5);
    expect((await session.process(ref, [{ id: 'a', text: 'hello there', from: 'other' }])).truncated).toBe(0);
    // Past 64 windows of 4,000 characters: the engine says it stopped.
    const huge = "don't tell your parents ".repeat(12_000);
    expect((await session.process(ref, [{ id: 'b', text: huge, from: 'other' }])).truncated).toBe(1);
    expect((await session.process(ref, [{ id: 'c', text: 'ok', from: 'other' }])).truncated).toBe(1);
  });
});
