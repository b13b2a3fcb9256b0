/**
 * A talk frame (lib/engine/index.ts, combine.ts): after a message the scorer reads as talk about danger, the next few
 * messages are read as the same retelling, so "and they tell u …" continuing a school talk is not the danger itself.
 */
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../lib/engine';
import { loadBundledRules } from '../../lib/node/rule-files';
import { loadShippedScorer } from '../../lib/node/scorer-file';

const engine = createEngine(loadBundledRules(), { scorer: loadShippedScorer() });

// One example on the shipped model (the rule itself, in both readings, is tested on decideMessage in scorer.test.ts;
// the frame is the same for every language). A retrained model may read a borderline line differently: pick a line
// it reads as talk after a retelling and as the script itself alone (the model of 244 writers reads "and they say
// dont tell ur parents…" as talk even alone).
const RETELLING = {
  en: ['the assembly today was about that fake police scam, they call students and say ur a suspect in money laundering', 'and u cant tell ur parents, u go to a hotel alone and keep the camera on'],
} as const;

describe.each(Object.entries(RETELLING))('a retold school talk (%s)', (_language, [story, continuation]) => {
  it('flags the continuation on its own: said to the user, it is the script itself', () => {
    expect(engine.conversation().add({ id: '1', from: 'other', text: continuation }).flagged).toBe(true);
  });

  it('keeps the continuation visible but not counted right after the retelling', () => {
    const conversation = engine.conversation();
    conversation.add({ id: '1', from: 'other', text: story });
    const result = conversation.add({ id: '2', from: 'other', text: continuation });
    expect(result.flagged).toBe(false);
    expect(result.findings.every((f) => f.evidence === 'talk' || f.evidence === 'doubt')).toBe(true);
    expect(result.risk.alert).toBe(false);
  });

  it('lets the frame end: three ordinary messages later the same words count again', () => {
    const conversation = engine.conversation();
    conversation.add({ id: '1', from: 'other', text: story });
    for (const [i, text] of ['ok', 'lol', 'see u tmr'].entries()) conversation.add({ id: `o${i}`, from: 'self', text });
    expect(conversation.add({ id: '2', from: 'other', text: continuation }).flagged).toBe(true);
  });
});
