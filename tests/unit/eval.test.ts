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

describe('sources held out in folds (npm run eval)', () => {
  it('puts every training source in exactly one fold, the folds within one source of each other in size', async () => {
    const { sourceFolds, LOSO_FOLDS } = await import('../../scripts/evaluation-heldout');
    const sources = Array.from({ length: 83 }, (_, i) => `src-${String(i).padStart(2, '0')}`);
    const folds = sourceFolds(sources);
    expect(folds).toHaveLength(LOSO_FOLDS);
    expect(folds.flat().sort()).toEqual(sources);
    const sizes = folds.map((f) => f.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    // Fewer sources than folds: one fold each, none empty.
    expect(sourceFolds(['a', 'b', 'c'])).toEqual([['a'], ['b'], ['c']]);
  });
});
