/**
 * One worker of leave-one-source-out (`npm run eval`, scripts/eval-heldout-report.ts): `tsx scripts/loso-part.ts K N`
 * retrains without each K-th of every N sources (in sorted order) and prints one JSON row per line. Each source is
 * independent of the others, so the rows are the same however the sources are shared out.
 */
import { loadCorpus } from './corpus/load';
import { leaveOneSourceOut, losoSources } from './evaluation-heldout';

const [part, parts] = process.argv.slice(2).map(Number);
if (!Number.isInteger(part) || !Number.isInteger(parts) || parts < 1 || part < 0 || part >= parts) {
  console.error('usage: tsx scripts/loso-part.ts <part> <parts>');
  process.exit(2);
}
const corpus = loadCorpus();
const train = corpus.messages.filter((m) => m.split === 'train');
const calibration = corpus.messages.filter((m) => m.split === 'calibration');
const mine = losoSources(train).filter((_, i) => i % parts === part);
leaveOneSourceOut(train, calibration, (row) => process.stdout.write(JSON.stringify(row) + '\n'), mine);
