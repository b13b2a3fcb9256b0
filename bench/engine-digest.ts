/**
 * `npx tsx bench/engine-digest.ts [out.jsonl]`: every output of the engine with the learned scorer and the bundled
 * scripts over the whole corpus (each line on its own, the lines in conversations of 50 so cues read across message
 * breaks run too, and every corpus conversation message by message), written one JSON line per result, and its
 * SHA-256 printed. A speed change must leave the digest unchanged: run it before and after, and compare.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createEngine, type ConversationRisk, type Engine } from '../lib/engine';
import { loadBundledRules, loadBundledScripts } from '../lib/node/rule-files';
import { loadShippedScorer } from '../lib/node/scorer-file';
import { loadCorpus } from '../scripts/corpus/load';

const out = process.argv[2] ?? 'engine-digest.jsonl';
const pack = loadBundledRules();
const withScorer = createEngine(pack, { scorer: loadShippedScorer(), scripts: loadBundledScripts() });
const rulesAlone = createEngine(pack, { scripts: loadBundledScripts() });
const corpus = loadCorpus();
const lines: string[] = [];

/** Risk with its reasons and script progress, everything a caller can read. */
const riskDigest = (risk: ConversationRisk): unknown => risk;

function digestEngine(name: string, engine: Engine): void {
  for (const [index, message] of corpus.messages.entries()) {
    lines.push(JSON.stringify({ engine: name, line: index, findings: engine.analyze(message.text) }));
  }
  const CONVERSATION_SIZE = 50;
  for (let first = 0; first < corpus.messages.length; first += CONVERSATION_SIZE) {
    const conversation = engine.conversation();
    corpus.messages.slice(first, first + CONVERSATION_SIZE).forEach((message, i) => {
      const result = conversation.add({ id: String(i), from: message.from, text: message.text });
      lines.push(JSON.stringify({ engine: name, chunk: first, i, findings: result.findings, flagged: result.flagged, truncated: result.truncated }));
    });
    lines.push(JSON.stringify({ engine: name, chunk: first, risk: riskDigest(conversation.risk) }));
  }
  for (const labelled of corpus.conversations) {
    const conversation = engine.conversation();
    labelled.messages.forEach((message, i) => {
      const result = conversation.add({ id: String(i), from: message.from, text: message.text, ts: message.ts });
      lines.push(JSON.stringify({ engine: name, conversation: labelled.id, i, findings: result.findings, flagged: result.flagged, risk: riskDigest(result.risk) }));
    });
  }
}

const start = performance.now();
digestEngine('scorer', withScorer);
digestEngine('rules', rulesAlone);
const text = lines.join('\n') + '\n';
writeFileSync(out, text);
console.log(`${createHash('sha256').update(text).digest('hex')}  ${lines.length} results in ${out} (${((performance.now() - start) / 1000).toFixed(1)} s)`);
