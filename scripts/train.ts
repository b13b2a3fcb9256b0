/**
 * `npm run train`: trains the learned scorer from tests/corpus (train split), calibrates it on the calibration
 * split and writes model/scorer.json, which the background and the CLI load. Deterministic: the same corpus and
 * seed give the same file. Never reads the test split. Runs offline from a fresh clone.
 */
import { writeFileSync } from 'node:fs';
import { SCORER_FILE as SCORER_PATH } from '../lib/node/scorer-file';
import { loadCorpus } from './corpus/load';
import { DEFAULT_TRAIN_OPTIONS } from './training/logistic';
import { trainScorer } from './training/pipeline';


const started = Date.now();
const corpus = loadCorpus();
for (const problem of corpus.problems) console.warn(`corpus: ${problem}`);
const train = corpus.messages.filter((m) => m.split === 'train');
const calibration = corpus.messages.filter((m) => m.split === 'calibration');
console.log(`training on ${train.length} messages, calibrating on ${calibration.length} (test split not read)`);
const conversations = {
  train: corpus.conversations.filter((c) => c.split === 'train'),
  calibration: corpus.conversations.filter((c) => c.split === 'calibration'),
};
const { data } = trainScorer(train, calibration, DEFAULT_TRAIN_OPTIONS, { corpus: 'tests/corpus', splits: 'tests/corpus/splits.json' }, conversations);
const json = JSON.stringify(data);
writeFileSync(SCORER_PATH, json + '\n');
console.log(`wrote ${SCORER_PATH} (${(json.length / 1024).toFixed(0)} KiB) in ${((Date.now() - started) / 1000).toFixed(1)} s; thresholds ${JSON.stringify(data.thresholds)}`);
