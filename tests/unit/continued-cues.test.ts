/** Cues split over two messages in a row ("dont tell" … "ur parents"), issue 12 point 4. */
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../lib/engine';
import { loadBundledRules } from '../../lib/node/rule-files';
import { loadShippedScorer } from '../../lib/node/scorer-file';

const pack = loadBundledRules();

describe.each([
  ['rules alone', createEngine(pack)],
  ['rules and scorer', createEngine(pack, { scorer: loadShippedScorer() })],
])('a cue split over two messages (%s)', (_name, engine) => {
  it('is found in the second message, marked as continuing the first, with its own words highlighted', () => {
    const conversation = engine.conversation();
    expect(conversation.add({ id: '1', from: 'other', text: 'dont tell' }).findings.filter((f) => f.category === 'secrecy')).toEqual([]);
    // A second half the scorer does not read as secrecy on its own ("ur parents about this" it now does: then nothing is joined).
    const text = 'ur parents pls';
    const second = conversation.add({ id: '2', from: 'other', text }).findings.filter((f) => f.continues);
    expect(second.map((f) => f.category)).toContain('secrecy');
    for (const f of second) expect(text.slice(f.start, f.end)).toBe(f.matched);
  });

  it('is not joined across two senders, nor between two whole sentences, nor with words far from the break', () => {
    const between = engine.conversation();
    between.add({ id: '1', from: 'other', text: 'dont tell' });
    expect(between.add({ id: '2', from: 'self', text: 'ur parents about this' }).findings.some((f) => f.continues)).toBe(false);
    const long = engine.conversation();
    long.add({ id: '1', from: 'other', text: 'dont tell ' + 'anything about the weather or the bus timetable, '.repeat(6) });
    expect(long.add({ id: '2', from: 'other', text: 'ur parents about this' }).findings.some((f) => f.continues)).toBe(false);
    const sentences = engine.conversation();
    sentences.add({ id: '1', from: 'other', text: 'we can talk later tonight if you want, dont tell' });
    expect(sentences.add({ id: '2', from: 'other', text: 'ur parents are going to love the cake we made for them' }).findings.some((f) => f.continues)).toBe(false);
  });

  it('adds nothing when a message already carries the category on its own', () => {
    const conversation = engine.conversation();
    conversation.add({ id: '1', from: 'other', text: "don't tell anyone about us" });
    expect(conversation.add({ id: '2', from: 'other', text: 'esp ur parents' }).findings.filter((f) => f.continues && f.category === 'secrecy')).toEqual([]);
  });
});
