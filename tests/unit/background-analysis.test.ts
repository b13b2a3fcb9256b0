/**
 * The background's analysis service (lib/background/analysis.ts) with fake effects: a session per tab and frame,
 * requests of a session analysed in the order they came even when storage is slow, `resync` after a restart of the
 * service worker, after a settings change and for a closed tab, warnings once per rise (also across restarts, from
 * the stored peaks), reports stored and the badge set, and a build or storage failure that breaks nothing for good.
 */
import { describe, expect, it } from 'vitest';
import { createAnalysisService, type AnalysisDeps, type EngineInputs } from '../../lib/background/analysis';
import type { TabState } from '../../lib/storage/schema';
import type { AnalyzeMessages, AnalyzeResponse, MessageAnalysis } from '../../lib/protocol';
import type { ConversationMap, ScanReport } from '../../lib/storage/conversations';
import { fakeEngine } from './fake-engine';

const INPUTS: EngineInputs = { settings: { sensitivity: 'balanced', disabledCategories: [], languages: ['en', 'vi'], contextMessages: 2 }, customRules: [] };

function setup(options: { stored?: ConversationMap; storeDelay?: () => Promise<void> } = {}) {
  const analysed: string[] = [];
  const reports: ScanReport[] = [];
  const states: Array<[number, TabState | null]> = [];
  const storeErrors: unknown[] = [];
  const askedToReadAgain: Array<[number, number]> = [];
  let inputs = INPUTS;
  let builds = 0;
  let failBuild = false;
  let failStore = false;
  const deps: AnalysisDeps = {
    engineInputs: () => Promise.resolve(inputs),
    createEngine: () => {
      builds++;
      if (failBuild) throw new Error('rules failed to compile');
      return fakeEngine({ flag: 'RISK', level: 'step', analysed });
    },
    loadConversations: () => Promise.resolve(options.stored ?? {}),
    storeReport: async (report) => {
      await options.storeDelay?.();
      if (failStore) throw new Error('storage is full');
      reports.push(report);
    },
    showTabState: (tabId, state) => {
      states.push([tabId, state]);
      return Promise.resolve();
    },
    now: () => 1_000,
    onStoreError: (error) => storeErrors.push(error),
    askToReadAgain: (tabId, frameId) => askedToReadAgain.push([tabId, frameId]),
  };
  const env = {
    askedToReadAgain,
    analysed,
    reports,
    states,
    storeErrors,
    deps,
    builds: () => builds,
    setInputs: (next: EngineInputs) => (inputs = next),
    failBuild: (on: boolean) => (failBuild = on),
    failStore: (on: boolean) => (failStore = on),
  };
  return { service: createAnalysisService(deps), ...env };
}

const conversation = { key: 'demo:x', site: 'demo', title: 'X', url: 'http://127.0.0.1/demo/' };
let nextId = 0;
function request(scanId: string, seq: number, texts: string[], key = conversation.key): AnalyzeMessages {
  return { type: 'analyze-messages', scanId, seq, conversation: { ...conversation, key }, messages: texts.map((text) => ({ id: `m${nextId++}`, from: 'other', text })) };
}

function analysisOf(answer: AnalyzeResponse): MessageAnalysis {
  if (!answer.ok || !('analysis' in answer)) throw new Error(`no analysis: ${JSON.stringify(answer)}`);
  return answer.analysis;
}

describe('background analysis service', () => {
  it('analyses, stores the report, sets the tab state and answers risk, warning and flagged messages', async () => {
    const { service, reports, states, analysed } = setup();
    const answer = analysisOf(await service.analyze(7, 0, request('s1', 0, ['hello', 'this is RISK talk', 'ok'])));
    expect(analysed).toEqual(['hello', 'this is RISK talk', 'ok']);
    expect(answer.warn).toBe(true);
    expect(answer.risk).toMatchObject({ level: 'medium', alert: true });
    expect(answer.flagged.map((f) => f.findings.map((x) => x.matched))).toEqual([['RISK']]);
    expect(reports).toHaveLength(1);
    expect(reports[0].messages.map((m) => m.text)).toEqual(['hello', 'this is RISK talk', 'ok']);
    expect(states).toEqual([[7, { conversationKey: 'demo:x', risk: answer.risk }]]);
    expect(service.riskOf(7, 0, 'demo:x')).toEqual(answer.risk);
    expect(service.diagnostics).toMatchObject({ requests: 1, messages: 3, resyncs: 0 });
  });

  it('warns once per rise in level', async () => {
    const { service } = setup();
    expect(analysisOf(await service.analyze(1, 0, request('s1', 0, ['RISK']))).warn).toBe(true);
    expect(analysisOf(await service.analyze(1, 0, request('s1', 1, ['nothing here']))).warn).toBe(false);
    expect(analysisOf(await service.analyze(1, 0, request('s1', 2, ['RISK again']))).warn).toBe(true); // medium → high
  });

  it('answers resync to a later request of a scan it does not know (the service worker was restarted)', async () => {
    const first = setup();
    await first.service.analyze(1, 0, request('s1', 0, ['RISK']));
    // A new service: Chrome stopped the idle worker and started it again for this message.
    const { service, analysed, states } = setup({ stored: { 'demo:x': { peakLevel: 'medium' } as ConversationMap[string] } });
    expect(await service.analyze(1, 0, request('s1', 1, ['RISK more']))).toEqual({ ok: true, resync: true });
    expect(analysed).toEqual([]);
    expect(states).toEqual([]);
    expect(service.diagnostics.resyncs).toBe(1);
    // The content script scans again under a new scan id: the level warned about before is not warned again.
    const again = analysisOf(await service.analyze(1, 0, request('s2', 0, ['RISK'])));
    expect(again).toMatchObject({ warn: false, risk: { level: 'medium' } });
    expect(analysisOf(await service.analyze(1, 0, request('s2', 1, ['RISK more']))).warn).toBe(true); // a new rise
  });

  it('answers resync to a request of another scan than the one it knows for the frame', async () => {
    const { service } = setup();
    await service.analyze(1, 0, request('s1', 0, ['hi']));
    expect(await service.analyze(1, 0, request('other', 3, ['hi']))).toEqual({ ok: true, resync: true });
  });

  it('keeps tabs and frames apart', async () => {
    const { service } = setup();
    await service.analyze(1, 0, request('s1', 0, ['RISK']));
    // Tab 2 cannot continue tab 1's scan, nor can another frame of tab 1.
    expect(await service.analyze(2, 0, request('s1', 1, ['hi']))).toEqual({ ok: true, resync: true });
    expect(await service.analyze(1, 3, request('s1', 1, ['hi']))).toEqual({ ok: true, resync: true });
    const other = analysisOf(await service.analyze(2, 0, request('s9', 0, ['calm'])));
    expect(other.risk.level).toBe('none');
    expect(service.riskOf(1, 0, 'demo:x')?.level).toBe('medium');
    expect(service.riskOf(2, 0, 'demo:x')?.level).toBe('none');
    service.dropTab(1);
    expect(service.riskOf(1, 0, 'demo:x')).toBeNull();
    expect(await service.analyze(1, 0, request('s1', 1, ['hi']))).toEqual({ ok: true, resync: true });
    expect(service.riskOf(2, 0, 'demo:x')?.level).toBe('none');
  });

  it('keeps two scans of one frame apart (a content script injected twice), and forgets the oldest beyond that', async () => {
    const { service } = setup();
    await service.analyze(1, 0, request('first', 0, ['RISK']));
    await service.analyze(1, 0, request('second', 0, ['calm']));
    expect(analysisOf(await service.analyze(1, 0, request('first', 1, ['more']))).risk.level).toBe('medium');
    expect(analysisOf(await service.analyze(1, 0, request('second', 1, ['more']))).risk.level).toBe('none');
    // A reload: a third scan; the least recently used one ("first") is forgotten.
    await service.analyze(1, 0, request('third', 0, ['calm']));
    expect(await service.analyze(1, 0, request('first', 2, ['more']))).toEqual({ ok: true, resync: true });
    expect(analysisOf(await service.analyze(1, 0, request('second', 2, ['more']))).risk.level).toBe('none');
  });

  it('analyses the requests of a scan in the order they came, even when storing is slow', async () => {
    const { service, analysed } = setup({ storeDelay: () => new Promise((done) => setTimeout(done, Math.random() * 10)) });
    const texts = Array.from({ length: 8 }, (_, i) => [`RISK ${i}`, `plain ${i}`]);
    const answers = await Promise.all(texts.map((pair, seq) => service.analyze(1, 0, request('s1', seq, pair))));
    expect(analysed).toEqual(texts.flat());
    const scores = answers.map((answer) => analysisOf(answer).risk.score);
    expect(scores).toEqual([...scores].sort((a, b) => a - b));
    expect(scores.at(-1)).toBe(40);
  });

  it('builds the engine once, lazily, and again only when its settings or rules changed (then every scan resyncs)', async () => {
    const { service, builds, setInputs, analysed } = setup();
    expect(builds()).toBe(0);
    await service.analyze(1, 0, request('s1', 0, ['hi']));
    await service.analyze(2, 0, request('s2', 0, ['hi']));
    expect(builds()).toBe(1);
    // A setting the engine does not use (a pause, a watched site): nothing changes.
    await service.settingsChanged();
    expect(analysisOf(await service.analyze(1, 0, request('s1', 1, ['still here']))).risk.level).toBe('none');
    setInputs({ ...INPUTS, settings: { ...INPUTS.settings, sensitivity: 'cautious' } });
    await service.settingsChanged();
    expect(await service.analyze(1, 0, request('s1', 2, ['hi']))).toEqual({ ok: true, resync: true });
    expect(await service.analyze(2, 0, request('s2', 1, ['hi']))).toEqual({ ok: true, resync: true });
    expect(builds()).toBe(1);
    await service.analyze(1, 0, request('s3', 0, ['new scan']));
    expect(builds()).toBe(2);
    expect(analysed.at(-1)).toBe('new scan');
    // Imported rules count too.
    setInputs({ ...INPUTS, settings: { ...INPUTS.settings, sensitivity: 'cautious' }, customRules: [{ id: 'x' } as EngineInputs['customRules'][number]] });
    await service.settingsChanged();
    expect(await service.analyze(1, 0, request('s3', 1, ['hi']))).toEqual({ ok: true, resync: true });
  });

  it('asks each frame that had a scan to read its conversation again when the engine changes, and only then', async () => {
    const { service, setInputs, askedToReadAgain } = setup();
    await service.analyze(1, 0, request('s1', 0, ['hi']));
    await service.analyze(1, 3, request('s2', 0, ['hi']));
    await service.analyze(2, 0, request('s3', 0, ['hi']));
    service.dropTab(2);
    await service.settingsChanged();
    expect(askedToReadAgain).toEqual([]);
    setInputs({ ...INPUTS, settings: { ...INPUTS.settings, sensitivity: 'relaxed' } });
    await service.settingsChanged();
    // The closed tab is not asked; the frames of the open one are, once.
    expect(askedToReadAgain).toEqual([
      [1, 0],
      [1, 3],
    ]);
    await service.settingsChanged();
    expect(askedToReadAgain).toHaveLength(2);
  });

  it('answers an error when the engine cannot be built, and builds it on the next request', async () => {
    const { service, failBuild } = setup();
    failBuild(true);
    expect(await service.analyze(1, 0, request('s1', 0, ['hi']))).toEqual({ ok: false, error: 'cannot analyse: rules failed to compile' });
    failBuild(false);
    expect(analysisOf(await service.analyze(1, 0, request('s2', 0, ['RISK']))).warn).toBe(true);
  });

  it('still answers (and badges) when the report could not be stored', async () => {
    const { service, failStore, storeErrors, states } = setup();
    failStore(true);
    expect(analysisOf(await service.analyze(1, 0, request('s1', 0, ['RISK']))).warn).toBe(true);
    expect(storeErrors).toHaveLength(1);
    expect(states.at(-1)?.[1]?.risk.alert).toBe(true);
  });

  it('stores nothing for plain messages of a calm conversation', async () => {
    const { service, reports } = setup();
    await service.analyze(1, 0, request('s1', 0, ['hi', 'how are you', 'fine']));
    expect(reports).toEqual([]);
  });
});
