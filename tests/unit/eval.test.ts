/**
 * The detection targets on the labelled development corpus (tests/corpus), so a rule change that loses precision or
 * recall fails `npm test`. `npm run eval -- --errors` shows what was missed.
 */
import { describe, expect, it } from 'vitest';
import { evaluate, targetFailures, TARGETS } from '../../scripts/evaluation';

const result = evaluate('balanced');

describe('evaluation on the development corpus', () => {
  for (const language of ['en', 'vi'] as const) {
    it(`${language}: message precision >= ${TARGETS.precision} and recall >= ${TARGETS.recall}`, () => {
      const { precision, recall } = result.messages[language].overall;
      expect(precision).toBeGreaterThanOrEqual(TARGETS.precision);
      expect(recall).toBeGreaterThanOrEqual(TARGETS.recall);
    });
  }

  it('alerts on every risky conversation and on at most 5% of benign ones', () => {
    expect(result.conversations.missed).toEqual([]);
    expect(result.conversations.benignAlerted / result.conversations.benign).toBeLessThanOrEqual(TARGETS.benignAlertedMax);
  });

  it('has no target failures overall', () => {
    expect(targetFailures(result)).toEqual([]);
  });

  it('is stricter when cautious and looser when relaxed', () => {
    const cautious = evaluate('cautious').conversations;
    const relaxed = evaluate('relaxed').conversations;
    expect(cautious.riskyAlerted).toBeGreaterThanOrEqual(result.conversations.riskyAlerted);
    expect(relaxed.benignAlerted).toBeLessThanOrEqual(result.conversations.benignAlerted);
  });
});
