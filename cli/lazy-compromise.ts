/**
 * The CLI build's stand-in for `compromise` (aliased in scripts/build-cli.ts): compromise builds its lexicon when it
 * is loaded (~1 s on a busy machine), and most scans never ask a grammar question. This loads the package (its
 * CommonJS build, from node_modules) on the first call instead, so `not-alone` starts fast.
 */
import { createRequire } from 'node:module';
import type nlpType from 'compromise';

let loaded: typeof nlpType | undefined;

const nlp = ((...args: Parameters<typeof nlpType>) => {
  loaded ??= createRequire(import.meta.url)('compromise') as typeof nlpType;
  return loaded(...args);
}) as typeof nlpType;

export default nlp;
