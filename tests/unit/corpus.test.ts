/**
 * The corpus as data: every line says who wrote it and where it comes from, the splits are fixed and disjoint, every
 * source is named in SOURCES.md, and the shipped scorer was trained on the corpus as it is now.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATEGORY_IDS } from '../../lib/engine/taxonomy';
import { SCORER_FILE } from '../../lib/node/scorer-file';
import { CORPUS_DIR, isPositive, loadCorpus, readSplits, realSplit } from '../../scripts/corpus/load';

const corpus = loadCorpus();
const splits = readSplits();
const sources = readFileSync(join(CORPUS_DIR, 'SOURCES.md'), 'utf8');

describe('the corpus', () => {
  it('reads without problems', () => {
    expect(corpus.problems).toEqual([]);
  });

  it('puts every writer in exactly one split', () => {
    const all = [...splits.writers.train, ...splits.writers.calibration, ...splits.writers.test];
    expect(new Set(all).size).toBe(all.length);
    for (const writer of readdirSync(join(CORPUS_DIR, 'written'))) expect(all).toContain(writer);
  });

  it('records the writer on every written line, as its folder names it', () => {
    const written = join(CORPUS_DIR, 'written');
    for (const writer of readdirSync(written)) {
      for (const file of ['messages.jsonl', 'conversations.jsonl']) {
        const path = join(written, writer, file);
        if (!existsSync(path)) continue;
        for (const line of readFileSync(path, 'utf8').split('\n').filter((l) => l.trim())) {
          const value = JSON.parse(line) as { writer?: string; messages?: unknown[] };
          expect(value.writer, `${writer}/${file}`).toBe(writer);
        }
      }
    }
  });

  it('keeps a real conversation in one split, decided by its id alone', () => {
    const byConversation = new Map<string, Set<string>>();
    for (const m of corpus.messages) {
      if (m.origin !== 'real' || !m.conversation) continue;
      let set = byConversation.get(m.conversation);
      if (!set) byConversation.set(m.conversation, (set = new Set()));
      set.add(m.split);
    }
    for (const set of byConversation.values()) expect(set.size).toBe(1);
    expect(realSplit('x\u0000y', splits.realBuckets)).toBe(realSplit('x\u0000y', splits.realBuckets));
  });

  it('never puts a test line into training: quotes and test writers are test only', () => {
    for (const m of corpus.messages) {
      if (m.origin === 'quote') expect(m.split).toBe('test');
      if (splits.writers.test.includes(m.source)) expect(m.split).toBe('test');
    }
  });

  it('names every writer and every real source in SOURCES.md', () => {
    const named = new Set(corpus.messages.map((m) => m.source));
    for (const source of named) expect(sources, source).toContain(source.replace(/^quotes:/, ''));
  });

  it('has warning signs of every category in both languages', () => {
    for (const lang of ['en', 'vi'] as const) {
      for (const category of CATEGORY_IDS) {
        const count = corpus.messages.filter((m) => m.lang === lang && isPositive(m) && m.categories.includes(category)).length;
        expect(count, `${lang} ${category}`).toBeGreaterThanOrEqual(100);
      }
    }
  });
});

describe('the shipped scorer', () => {
  it('was trained on the corpus as it is now (run `npm run train` after changing the corpus)', () => {
    const data = JSON.parse(readFileSync(SCORER_FILE, 'utf8')) as { trainedOn: { train: { messages: number; positive: number }; calibration: { messages: number } } };
    const train = corpus.messages.filter((m) => m.split === 'train');
    expect(data.trainedOn.train.messages).toBe(train.length);
    expect(data.trainedOn.train.positive).toBe(train.filter(isPositive).length);
    expect(data.trainedOn.calibration.messages).toBe(corpus.messages.filter((m) => m.split === 'calibration').length);
  });
});
