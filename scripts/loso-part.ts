/**
 * One worker of the sources held out (`npm run eval`, scripts/eval-heldout-report.ts): `tsx scripts/loso-part.ts K N`
 * retrains without each K-th of every N folds of sources and prints one JSON row per line. Each fold is independent
 * of the others, so the rows are the same however the folds are shared out.
 */
import { loadCorpus } from './corpus/load';
import { leaveSourcesOut, losoSources, sourceFolds } from './evaluation-heldout';

const [part, parts] = process.argv.slice(2).map(Number);
if (!Number.isInteger(part) || !Number.isInteger(parts) || parts < 1 || part < 0 || part >= parts) {
  console.error('usage: tsx scripts/loso-part.ts <part> <parts>');
  process.exit(2);
}
const corpus = loadCorpus();
const train = corpus.messages.filter((m) => m.split === 'train');
const calibration = corpus.messages.filter((m) => m.split === 'calibration');
const mine = sourceFolds(losoSources(train)).filter((_, i) => i % parts === part);
leaveSourcesOut(train, calibration, mine, (row) => process.stdout.write(JSON.stringify(row) + '\n'));
