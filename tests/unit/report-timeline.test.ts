/**
 * The report's risk chart is recomputed from the stored messages. With the engine's tracker (script steps and the
 * context model, as when the messages were first read) it must show the risk the user was shown after each message;
 * the stored findings alone leave out the script's progress and the context model's early warning.
 */
import { describe, expect, it } from 'vitest';
import { createMessageHandler, type BackgroundDeps } from '../../lib/background/handler';
import { createEngine, SENSITIVITY_PRESETS, type Engine } from '../../lib/engine';
import { createBundledEngine } from '../../lib/extension/bundled-engine';
import { loadBundledRules, loadBundledScripts } from '../../lib/node/rule-files';
import { loadShippedScorer } from '../../lib/node/scorer-file';
import { buildReport, findingsOnlyTracker, riskTimeline } from '../../lib/report';
import type { ConversationMap } from '../../lib/storage/conversations';
import type { StoredConversation } from '../../lib/storage/schema';

const engine = createEngine(loadBundledRules(), { scorer: loadShippedScorer(), scripts: loadBundledScripts() });

type Line = ['self' | 'other', string];

// The demo's two risky conversations (demo/index.html).
const FAKE_POLICE: Line[] = [
  ['other', 'Chào em, em là Nguyễn Thị Lan, sinh viên năm nhất đúng không?'],
  ['self', 'Dạ đúng ạ, ai đấy ạ?'],
  ['other', 'Tôi là cán bộ công an quận, đang điều tra một đường dây rửa tiền. Tài khoản ngân hàng của em có liên quan đến hồ sơ vụ án.'],
  ['self', 'Dạ? Em không biết gì hết, em chỉ dùng thẻ để nhận tiền bố mẹ gửi thôi ạ'],
  ['other', 'Đây là bí mật điều tra, em không được nói với ai kể cả bố mẹ, nếu không sẽ bị xử lý.'],
  ['self', 'vâng em sẽ ko nói vs ai ạ'],
  ['other', 'Tối nay em thuê phòng khách sạn ở một mình, mua sim mới và giữ cuộc gọi video để cơ quan giám sát.'],
  ['other', 'Sau đó chuyển tiền vào tài khoản an toàn để chứng minh trong sạch.'],
];
const GAMER: Line[] = [
  ['other', 'gg that last round was insane, ur actually cracked at this'],
  ['self', 'haha thanks, you carried tho'],
  ['other', 'i can buy u the new battle pass if u want, no big deal'],
  ['other', 'how old r u btw? are ur parents home rn?'],
  ['self', "15, they're out till late"],
  ['other', 'dont tell ur parents we talk ok, they wouldnt get it. add me on snap'],
  ['other', 'send me a pic of u, just for me 😉'],
];

/** Reads the lines with `e` as the background does, and returns what it stored and what the user saw after each. */
function readLive(e: Engine, key: string, lines: readonly Line[]): { stored: StoredConversation; seen: Array<{ score: number; level: string }> } {
  const conversation = e.conversation();
  const seen: Array<{ score: number; level: string }> = [];
  const messages = lines.map(([from, text], i) => {
    const result = conversation.add({ id: `m${i}`, from, text, ts: 1_750_000_000_000 + i * 60_000 });
    seen.push({ score: result.risk.score, level: result.risk.level });
    return { id: `m${i}`, from, text, ts: 1_750_000_000_000 + i * 60_000, seenAt: 1_750_000_000_000 + i * 60_000, findings: result.findings };
  });
  const risk = conversation.risk;
  const stored: StoredConversation = { key, site: 'demo', title: key, url: 'http://127.0.0.1/demo/', firstSeen: 0, updatedAt: 0, risk, peakLevel: risk.level, saved: false, messages };
  return { stored, seen };
}

const pointsOf = (timeline: ReturnType<typeof riskTimeline>) => timeline.map((p) => ({ score: p.score, level: p.level }));

describe('risk timeline of a report', () => {
  it('shows the risk the user was shown after every message when recomputed with the engine’s tracker', () => {
    for (const [key, lines] of [['demo:vi-fake-police', FAKE_POLICE], ['demo:en-gamer', GAMER]] as const) {
      const { stored, seen } = readLive(engine, key, lines);
      expect(pointsOf(riskTimeline(stored, engine.riskTracker())), key).toEqual(seen);
    }
  });

  it('differs from the stored findings alone where the script counts', () => {
    // What the chart showed before the engine's tracker: the fake-police script's steps added nothing, so the chart
    // stayed below the risk the user was warned with (12 points at the end).
    const police = readLive(engine, 'demo:vi-fake-police', FAKE_POLICE);
    const alone = pointsOf(riskTimeline(police.stored, findingsOnlyTracker('balanced')));
    expect(alone.at(-1)!.score).toBeLessThan(police.seen.at(-1)!.score);
    expect(alone.every((p, i) => p.score <= police.seen[i].score)).toBe(true);
  });

  it('puts the timelines it is given into the report, and the stored findings’ own otherwise', async () => {
    const { stored, seen } = readLive(engine, 'demo:vi-fake-police', FAKE_POLICE);
    const other = { ...stored, key: 'demo:other' };
    const timelines = new Map([[stored.key, riskTimeline(stored, engine.riskTracker())]]);
    const report = await buildReport([stored, other], { language: 'en', generator: 'cli', timelines, now: 0, timeZone: 'UTC' });
    expect(pointsOf(report.conversations[0].timeline)).toEqual(seen);
    expect(pointsOf(report.conversations[1].timeline)).toEqual(pointsOf(riskTimeline(other, findingsOnlyTracker('balanced'))));
  });
});

describe("the background's 'risk-timelines'", () => {
  const SETTINGS = { sensitivity: 'balanced', disabledCategories: [], languages: ['en', 'vi'], contextMessages: 5 } as const;

  function setup(withAnalysis = true) {
    const bundled = createBundledEngine(SETTINGS);
    const conversations: ConversationMap = { 'demo:en-gamer': readLive(bundled, 'demo:en-gamer', GAMER).stored };
    const deps: BackgroundDeps = {
      extensionId: 'ours',
      extensionPageUrl: 'chrome-extension://ours/',
      loadConversations: () => Promise.resolve(conversations),
      saveConversations: () => Promise.resolve(),
      retentionDays: () => Promise.resolve(30),
      setBadge: () => Promise.resolve(),
      setTabState: () => Promise.resolve(),
      now: () => 1,
      ...(withAnalysis ? { analysis: { engineInputs: () => Promise.resolve({ settings: SETTINGS, customRules: [] }), createEngine: ({ settings, customRules }) => createBundledEngine(settings, customRules) } } : {}),
    };
    return { handle: createMessageHandler(deps), bundled, conversations };
  }
  const fromReportPage = { id: 'ours', tab: { id: 4 }, url: 'chrome-extension://ours/report.html' };

  it("answers the report page with the engine's timelines of the stored conversations it names", async () => {
    const { handle, bundled, conversations } = setup();
    const answer = await handle({ type: 'risk-timelines', keys: ['demo:en-gamer', 'demo:gone'], sensitivity: 'balanced' }, fromReportPage);
    const expected = riskTimeline(conversations['demo:en-gamer'], bundled.riskTracker());
    expect(answer).toEqual({ ok: true, timelines: { 'demo:en-gamer': expected } });
    // Another sensitivity than the settings' is read with that one's thresholds.
    const relaxed = await handle({ type: 'risk-timelines', keys: ['demo:en-gamer'], sensitivity: 'relaxed' }, fromReportPage);
    const expectedRelaxed = riskTimeline(conversations['demo:en-gamer'], bundled.riskTracker(SENSITIVITY_PRESETS.relaxed));
    expect(relaxed).toEqual({ ok: true, timelines: { 'demo:en-gamer': expectedRelaxed } });
    expect(expectedRelaxed.map((p) => p.level)).not.toEqual(expected.map((p) => p.level));
  });

  it('refuses content scripts, malformed requests, and answers an error without an engine', async () => {
    const { handle } = setup();
    const fromChat = { id: 'ours', tab: { id: 4 }, url: 'https://web.whatsapp.com/' };
    expect(await handle({ type: 'risk-timelines', keys: ['demo:en-gamer'], sensitivity: 'balanced' }, fromChat)).toEqual({ ok: false, error: 'not allowed from this sender' });
    expect(await handle({ type: 'risk-timelines', keys: [], sensitivity: 'balanced' }, fromReportPage)).toMatchObject({ ok: false });
    expect(await handle({ type: 'risk-timelines', keys: ['a'], sensitivity: 'loud' }, fromReportPage)).toMatchObject({ ok: false });
    expect(await handle({ type: 'risk-timelines', keys: Array.from({ length: 201 }, (_, i) => `demo:${i}`), sensitivity: 'balanced' }, fromReportPage)).toMatchObject({ ok: false });
    expect(await setup(false).handle({ type: 'risk-timelines', keys: ['demo:en-gamer'], sensitivity: 'balanced' }, fromReportPage)).toEqual({ ok: false, error: 'no analysis' });
  });
});
