/**
 * Reads the learned scorer's weights file (model/scorer.json, written by `npm run train`) from disk: the CLI,
 * the evaluation and the tests. The extension bundles the same file (lib/extension/bundled-engine.ts).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseScorerData, ScorerDataError, type Scorer } from '../engine/scorer';

export const SCORER_FILE = fileURLToPath(new URL('../../model/scorer.json', import.meta.url));

let cached: Scorer | undefined;

/** The shipped scorer; throws ScorerDataError with the reason when the file is missing or malformed. */
export function loadShippedScorer(path = SCORER_FILE): Scorer {
  if (path === SCORER_FILE && cached) return cached;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ScorerDataError(`cannot read ${path}: ${(error as Error).message} (run \`npm run train\`)`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ScorerDataError(`${path} is not JSON: ${(error as Error).message}`);
  }
  const scorer = parseScorerData(value);
  if (path === SCORER_FILE) cached = scorer;
  return scorer;
}
