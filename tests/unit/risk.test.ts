import { describe, expect, it } from 'vitest';
import { ConversationRiskTracker, SENSITIVITY_PRESETS, type ContextGate } from '../../lib/engine/risk';
import { levelRank, type CategoryId } from '../../lib/engine/taxonomy';
import type { Direction, Finding } from '../../lib/engine/types';

const DAY = 86_400_000;

function finding(category: CategoryId, weight: number, ruleId = `test-${category}`, selfCompliance = false): Finding {
  return { ruleId, category, language: 'en', weight, start: 0, end: 4, matched: 'word', adviceKey: category, selfCompliance };
}

function run(steps: Array<[Direction, Finding[], number?]>, sensitivity: 'cautious' | 'balanced' | 'relaxed' = 'balanced') {
  const tracker = new ConversationRiskTracker(SENSITIVITY_PRESETS[sensitivity]);
  let risk = tracker.current;
  steps.forEach(([from, findings, ts], i) => {
    risk = tracker.add({ id: String(i), from, ts }, findings);
  });
  return risk;
}

describe('conversation risk', () => {
  it('is none without findings', () => {
    expect(run([['other', []], ['self', []]]).level).toBe('none');
  });

  it('keeps a lone weak cue low and raises no warning', () => {
    const risk = run([['other', [finding('age_probe', 2)]]]);
    expect(risk.level).toBe('low');
    expect(risk.alert).toBe(false);
  });

  it('raises the level for the dangerous combinations of the kidnapping script', () => {
    const single = run([['other', [finding('impersonation', 3)]]]);
    const script = run([
      ['other', [finding('impersonation', 3)]],
      ['other', [finding('secrecy', 3)]],
      ['other', [finding('money', 3)]],
    ]);
    expect(levelRank(script.level)).toBeGreaterThan(levelRank(single.level));
    expect(script.level).toBe('critical');
    expect(script.alert).toBe(true);
    expect(script.categories).toEqual(expect.arrayContaining(['impersonation', 'secrecy', 'money']));
  });

  it('counts the same cues less when the user says them', () => {
    const other = run([['other', [finding('secrecy', 3)]], ['other', [finding('platform_move', 3)]]]);
    const self = run([['self', [finding('secrecy', 3)]], ['self', [finding('platform_move', 3)]]]);
    expect(self.score).toBeLessThan(other.score);
    expect(self.alert).toBe(false);
  });

  it('rises when the user complies with a demand, and only then', () => {
    const demand = run([['other', [finding('secrecy', 3)]]]);
    const complied = run([['other', [finding('secrecy', 3)]], ['self', [finding('secrecy', 2, 'comply', true)]]]);
    const unprompted = run([['self', [finding('secrecy', 2, 'comply', true)]]]);
    expect(complied.score).toBeGreaterThan(demand.score);
    expect(unprompted.score).toBe(0);
  });

  it('gives repeats of one rule diminishing weight, capped per category', () => {
    const once = run([['other', [finding('gifts_flattery', 2)]]]);
    const many = run(Array.from({ length: 30 }, () => ['other', [finding('gifts_flattery', 2)]] as [Direction, Finding[]]));
    expect(many.score).toBeGreaterThan(once.score);
    expect(many.score).toBeLessThan(SENSITIVITY_PRESETS.balanced.thresholds.high);
  });

  it('lets old evidence decay over days', () => {
    const fresh = run([['other', [finding('secrecy', 3)], 0], ['other', [finding('meeting', 3)], DAY]]);
    const old = run([['other', [finding('secrecy', 3)], 0], ['other', [finding('meeting', 3)], 60 * DAY]]);
    expect(old.score).toBeLessThan(fresh.score);
  });

  it('moves thresholds with the sensitivity preset', () => {
    const steps: Array<[Direction, Finding[]]> = [['other', [finding('secrecy', 2)]], ['other', [finding('platform_move', 2)]]];
    const cautious = run(steps, 'cautious');
    const balanced = run(steps, 'balanced');
    const relaxed = run(steps, 'relaxed');
    expect(cautious.score).toBe(balanced.score);
    expect(levelRank(cautious.level)).toBeGreaterThanOrEqual(levelRank(balanced.level));
    expect(levelRank(balanced.level)).toBeGreaterThanOrEqual(levelRank(relaxed.level));
    expect(cautious.alert).toBe(true);
    expect(relaxed.alert).toBe(false);
  });

  it('explains every level with the findings behind it', () => {
    const risk = run([['other', [finding('sexual', 4)]], ['other', [finding('threat', 4)]]]);
    expect(risk.reasons.map((r) => r.category)).toEqual(expect.arrayContaining(['sexual', 'threat']));
    expect(risk.reasons.every((r) => r.messageId && r.ruleId && r.contribution > 0)).toBe(true);
  });
});

describe('conversation context gate', () => {
  /** A context model that reads "party" as ordinary and "hotel" as risky: the probability is the share of risky words. */
  const gate: ContextGate<{ risky: number; words: number }> = {
    window: 3,
    threshold: 0.5,
    confirm: 0.9,
    evidence: (text) => {
      const words = text.split(/\s+/).filter(Boolean);
      return { risky: words.filter((w) => w === 'hotel').length, words: words.length };
    },
    probability: (parts) => {
      const risky = parts.reduce((n, p) => n + p.risky, 0);
      const words = parts.reduce((n, p) => n + p.words, 0);
      return words ? risky / words : 0;
    },
  };
  const secrecy = finding('secrecy', 3);
  const meeting = finding('meeting', 3);

  function gated(messages: Array<[string, Finding[]]>, sensitivity: 'balanced' | 'relaxed' = 'balanced') {
    const tracker = new ConversationRiskTracker(SENSITIVITY_PRESETS[sensitivity], [], gate);
    return messages.map(([text, findings], i) => tracker.add({ id: String(i), from: 'other', text }, findings));
  }

  it('holds an alert back, just below the alert level, while the last messages read as ordinary', () => {
    const risks = gated([['party party', [secrecy]], ['party', [meeting]]]);
    const last = risks[risks.length - 1];
    expect(last.score).toBeGreaterThanOrEqual(SENSITIVITY_PRESETS.balanced.thresholds.medium);
    expect(last.alert).toBe(false);
    expect(last.level).toBe('low');
    expect(last.ordinaryContext).toBe(0);
    // Relaxed alerts from "high": held back, the level is "medium".
    const relaxed = gated([['party', [finding('secrecy', 4)]], ['party', [finding('meeting', 4)]], ['party', [finding('money', 4)]]], 'relaxed');
    expect(relaxed[2].alert).toBe(false);
    expect(relaxed[2].level).toBe('medium');
  });

  it('alerts as without the gate when the last messages read as risky', () => {
    const risks = gated([['hotel', [secrecy]], ['hotel alone', [meeting]]]);
    expect(risks[1].alert).toBe(true);
    expect(risks[1].level).toBe('medium');
    expect(risks[1].ordinaryContext).toBeUndefined();
  });

  it('lets a later message without findings release the alert, and never takes an alert back', () => {
    const risks = gated([
      ['party', [secrecy]],
      ['party', [meeting]],
      ['hotel hotel', []],
      ['party party party', []],
      ['party party party', []],
    ]);
    expect(risks.map((r) => r.alert)).toEqual([false, false, true, true, true]);
  });

  it('never holds back a finding of a rule the user imported', () => {
    const tracker = new ConversationRiskTracker(SENSITIVITY_PRESETS.balanced, [], gate, (f) => f.ruleId === 'custom-meet');
    const risk = tracker.add({ id: '1', from: 'other', text: 'party' }, [finding('meeting', 5, 'custom-meet')]);
    expect(risk.alert).toBe(true);
    const bundled = new ConversationRiskTracker(SENSITIVITY_PRESETS.balanced, [], gate, (f) => f.ruleId === 'custom-meet');
    expect(bundled.add({ id: '1', from: 'other', text: 'party' }, [finding('meeting', 5, 'en-meet')]).alert).toBe(false);
  });

  it('alerts early, from 60% of the alert score, when the last messages read as clearly risky, and says why', () => {
    const early = gated([['hotel hotel', [secrecy]]]);
    expect(early[0].score).toBe(3);
    expect(early[0]).toMatchObject({ alert: true, level: 'medium', riskyContext: 1 });
    // Risky enough to keep an alert (0.5) but not clearly risky (0.9): a score of 3 stays low.
    const unsure = gated([['hotel party', [secrecy]]]);
    expect(unsure[0]).toMatchObject({ alert: false, level: 'low' });
    expect(unsure[0].riskyContext).toBeUndefined();
    // Below 60% of the alert score, nothing alerts early.
    expect(gated([['hotel hotel', [finding('secrecy', 2)]]])[0].alert).toBe(false);
  });

  it('keeps an early alert when later messages read as ordinary and a small finding comes in', () => {
    const risks = gated([
      ['hotel hotel', [secrecy]],
      ['party party party', []],
      ['party party party', [finding('age_probe', 1)]],
    ]);
    expect(risks.map((r) => r.alert)).toEqual([true, true, true]);
    expect(risks[2]).toMatchObject({ level: 'medium', riskyContext: 1 });
    expect(risks[2].score).toBeLessThan(SENSITIVITY_PRESETS.balanced.thresholds.medium);
  });

  it('decides after every message when a page scan adds many before it asks, as when each is read on its own', () => {
    const histories: Array<Array<[string, Finding[]]>> = [
      // An early alert, then ordinary messages: at the end alone, the last messages read as ordinary.
      [['hotel hotel', [secrecy]], ['party party party', []], ['party party party', [finding('age_probe', 1)]]],
      // Held back, released by a risky message, then ordinary again.
      [['party', [secrecy]], ['party', [meeting]], ['hotel hotel', []], ['party party party', []], ['party party party', []]],
    ];
    for (const history of histories) {
      const batch = new ConversationRiskTracker(SENSITIVITY_PRESETS.balanced, [], gate);
      history.forEach(([text, findings], i) => batch.addLater({ id: String(i), from: 'other', text }, findings));
      const oneByOne = gated(history).at(-1)!;
      expect(oneByOne.alert).toBe(true);
      expect(batch.current).toEqual(oneByOne);
    }
  });

  it('never holds back a critical level', () => {
    const risks = gated([['party', [finding('impersonation', 3)]], ['party', [finding('secrecy', 3)]], ['party', [finding('money', 3)]]]);
    expect(risks[2].level).toBe('critical');
    expect(risks[2].alert).toBe(true);
  });
});
