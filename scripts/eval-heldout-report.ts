/**
 * The held-out part of `npm run eval`: prints the honest numbers of the shipped engine (rules + model/scorer.json)
 * beside the rules alone, and writes them to docs/quality.json and the precision/recall picture to
 * docs/quality-pr-curve.svg (sources held out: docs/quality-loso.json). Never trains on the test split; for the
 * sources held out it retrains without each fold of them.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { LANGUAGES, type Language } from '../lib/engine/taxonomy';
import { loadShippedScorer } from '../lib/node/scorer-file';
import { loadBundledScripts } from '../lib/node/rule-files';
import { isPositive, loadCorpus, stripDiacritics, type LabelledMessage } from './corpus/load';
import { countMessages, curvePoints, curveSvg, engines, LOSO_FOLDS, losoSources, sourceFolds, median, precisionRecall, summariseConversations, type Counts, type LosoRow } from './evaluation-heldout';

const DOCS = resolve(import.meta.dirname, '../docs');
const pct = (x: number, digits = 1): string => (Number.isFinite(x) ? (x * 100).toFixed(digits) + '%' : '  n/a');
const pr = (c: Counts): string => {
  const { precision, recall } = precisionRecall(c);
  return `P ${pct(precision).padStart(6)}  R ${pct(recall).padStart(6)}  (tp ${c.tp}, fp ${c.fp}, fn ${c.fn}, n ${c.tp + c.fp + c.fn + c.tn})`;
};

/**
 * Sources held out (evaluation-heldout.ts `leaveSourcesOut`) on every core: one worker per core
 * (scripts/loso-part.ts), each retraining without its share of the folds. A worker that fails fails the whole run,
 * with its error.
 */
function leaveSourcesOutInParallel(onRow: (row: LosoRow) => void): Promise<LosoRow[]> {
  const parts = Math.max(1, Math.min(4, availableParallelism()));
  const worker = resolve(import.meta.dirname, 'loso-part.ts');
  const rows: LosoRow[] = [];
  const runs = Array.from({ length: parts }, (_, part) =>
    new Promise<void>((done, fail) => {
      const child = spawn(process.execPath, ['--import', 'tsx', worker, String(part), String(parts)], { cwd: resolve(import.meta.dirname, '..'), stdio: ['ignore', 'pipe', 'inherit'] });
      let pending = '';
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => {
        pending += chunk;
        for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n')) {
          const row = JSON.parse(pending.slice(0, end)) as LosoRow;
          pending = pending.slice(end + 1);
          rows.push(row);
          onRow(row);
        }
      });
      child.on('error', fail);
      child.on('close', (code) => (code === 0 ? done() : fail(new Error(`sources-held-out worker ${part + 1}/${parts} exited with ${code}`))));
    }),
  );
  return Promise.all(runs).then(() => rows);
}

export async function heldOutReport(args = process.argv.slice(2)): Promise<void> {
  const scorer = loadShippedScorer();
  const { engine, rules } = engines(scorer);
  const scriptIds = new Set(loadBundledScripts().map((s) => s.id));
  const corpus = loadCorpus();
  const quality: Record<string, unknown> = { thresholds: scorer.thresholds };
  const written = (split: string, lang: Language): LabelledMessage[] => corpus.messages.filter((m) => m.split === split && m.lang === lang && m.origin !== 'real');

  console.log('\n=== Held-out test split (writers never trained or tuned on, the independent hold-out set, quotes of real abuse)');
  const test: Record<string, unknown> = {};
  for (const lang of LANGUAGES) {
    const messages = written('test', lang);
    const byEngine = countMessages(engine, messages);
    const byRules = countMessages(rules, messages);
    console.log(`Messages, ${lang}:`);
    console.log(`  engine         ${pr(byEngine)}`);
    console.log(`  rules alone    ${pr(byRules)}`);
    const entry: Record<string, unknown> = { engine: { ...byEngine, ...precisionRecall(byEngine) }, rules: { ...byRules, ...precisionRecall(byRules) } };
    if (lang === 'vi') {
      const plain = countMessages(engine, messages, stripDiacritics);
      console.log(`  engine, no diacritics ${pr(plain)}`);
      entry.engineNoDiacritics = { ...plain, ...precisionRecall(plain) };
    }
    const bySource: Record<string, unknown> = {};
    for (const source of [...new Set(messages.map((m) => m.source))].sort()) {
      const c = countMessages(engine, messages.filter((m) => m.source === source));
      console.log(`    ${source.padEnd(24)} ${pr(c)}`);
      bySource[source] = { ...c, ...precisionRecall(c) };
    }
    entry.bySource = bySource;
    test[lang] = entry;
  }
  quality.test = test;

  console.log('\nConversations, test split (engine):');
  const conversations: Record<string, unknown> = {};
  for (const lang of LANGUAGES) {
    const list = corpus.conversations.filter((c) => c.split === 'test' && c.lang === lang && c.origin !== 'real');
    const s = summariseConversations(engine, list, undefined, scriptIds);
    const r = summariseConversations(rules, list);
    console.log(`  ${lang}: risky alerted ${s.riskyAlerted}/${s.risky}, benign alerted ${s.benignAlerted}/${s.benign}, median latency ${median(s.latencies)} (rules alone: ${r.riskyAlerted}/${r.risky}, ${r.benignAlerted}/${r.benign}, ${median(r.latencies)})`);
    console.log(`    pattern named right: ${s.namedRight}/${s.ofKnownScript} risky conversations of a known script; benign ones named as a script: ${s.benignNamed}/${s.benign}`);
    const byScript: Record<string, unknown> = {};
    for (const script of [...new Set(list.map((c) => c.script))].sort()) {
      const sub = summariseConversations(engine, list.filter((c) => c.script === script), undefined, scriptIds);
      byScript[script] = { risky: sub.risky, riskyAlerted: sub.riskyAlerted, benign: sub.benign, benignAlerted: sub.benignAlerted, medianLatency: median(sub.latencies), namedRight: sub.namedRight, benignNamed: sub.benignNamed };
      console.log(`    ${script.padEnd(18)} risky ${sub.riskyAlerted}/${sub.risky}  benign ${sub.benignAlerted}/${sub.benign}  median latency ${median(sub.latencies)}  named right ${sub.namedRight}/${sub.ofKnownScript}  look-alikes named ${sub.benignNamed}/${sub.benign}`);
    }
    conversations[lang] = { risky: s.risky, riskyAlerted: s.riskyAlerted, benign: s.benign, benignAlerted: s.benignAlerted, medianLatency: median(s.latencies), namedRight: s.namedRight, ofKnownScript: s.ofKnownScript, benignNamed: s.benignNamed, rules: { riskyAlerted: r.riskyAlerted, benignAlerted: r.benignAlerted, medianLatency: median(r.latencies) }, byScript };
  }
  quality.conversations = conversations;

  console.log('\n=== Real ordinary text (test split of each public corpus: lines flagged, conversations alerted)');
  const real: Record<string, unknown> = {};
  for (const lang of LANGUAGES) {
    const lines = corpus.messages.filter((m) => m.split === 'test' && m.lang === lang && m.origin === 'real');
    if (lines.length === 0) continue;
    const variants: Array<[string, ((t: string) => string) | undefined]> = lang === 'vi' ? [['as written', undefined], ['no diacritics', stripDiacritics]] : [['as written', undefined]];
    const entry: Record<string, unknown> = {};
    for (const [name, transform] of variants) {
      const c = countMessages(engine, lines, transform);
      const r = countMessages(rules, lines, transform);
      const convs = corpus.conversations.filter((x) => x.split === 'test' && x.lang === lang && x.origin === 'real');
      const s = summariseConversations(engine, convs, transform);
      console.log(`  ${lang} ${name}: ${c.fp}/${lines.length} lines flagged (${pct(c.fp / lines.length, 2)}; rules alone ${pct(r.fp / lines.length, 2)}), conversations alerted ${s.benignAlerted}/${s.benign} (${pct(s.benignAlerted / Math.max(1, s.benign), 2)})`);
      const bySource: Record<string, unknown> = {};
      for (const source of [...new Set(lines.map((m) => m.source))].sort()) {
        const mine = lines.filter((m) => m.source === source);
        const cs = countMessages(engine, mine, transform);
        const sc = summariseConversations(engine, convs.filter((x) => x.source === source), transform);
        console.log(`    ${source.padEnd(26)} ${cs.fp}/${mine.length} lines (${pct(cs.fp / mine.length, 2)})${sc.benign ? `, conversations ${sc.benignAlerted}/${sc.benign}` : ''}`);
        bySource[source] = { lines: mine.length, flagged: cs.fp, conversations: sc.benign, alerted: sc.benignAlerted };
      }
      entry[name] = { lines: lines.length, flagged: c.fp, rulesFlagged: r.fp, conversations: s.benign, alerted: s.benignAlerted, bySource };
    }
    real[lang] = entry;
  }
  quality.real = real;

  const series = LANGUAGES.map((lang, i) => {
    const messages = written('test', lang);
    const c = countMessages(engine, messages);
    return { name: `${lang}: scorer P(risky) on the test split; dot = the engine as shipped`, colour: i ? '#c0392b' : '#2e86c1', points: curvePoints(scorer, messages), operating: precisionRecall(c) };
  });
  writeFileSync(resolve(DOCS, 'quality-pr-curve.svg'), curveSvg(series, 'Precision / recall on the held-out test split'));

  if (!args.includes('--no-loso')) {
    console.log(`\n=== Sources held out (${LOSO_FOLDS} folds of training sources: each source measured by a model trained without its fold; calibration split as usual)`);
    const train = corpus.messages.filter((m) => m.split === 'train');
    const printRow = (row: LosoRow): void => {
      if (row.kind === 'written') console.log(`  ${row.source.padEnd(26)} ${row.lang}  recall ${pct(row.recall ?? NaN)}  precision ${pct(row.precision ?? NaN)}  (${row.messages} lines)`);
      else console.log(`  ${row.source.padEnd(26)} ${row.lang}  real lines flagged ${pct(row.flaggedRate ?? NaN, 2)}  (${row.messages} lines)`);
    };
    const rows = await leaveSourcesOutInParallel(printRow);
    // Printed as the workers finish; kept in source order.
    const order = new Map(losoSources(train).map((source, i) => [source, i]));
    rows.sort((a, b) => (order.get(a.source) ?? 0) - (order.get(b.source) ?? 0) || a.lang.localeCompare(b.lang));
    // Kept in a file of its own: it takes minutes, and `--no-loso` runs must not erase it.
    writeFileSync(resolve(DOCS, 'quality-loso.json'), JSON.stringify({ thresholds: scorer.thresholds, folds: sourceFolds(losoSources(train)), rows }, null, 2) + '\n');
  }
  quality.corpus = {
    messages: Object.fromEntries(LANGUAGES.map((lang) => [lang, {
      warningSigns: corpus.messages.filter((m) => m.lang === lang && isPositive(m)).length,
      writtenNegatives: corpus.messages.filter((m) => m.lang === lang && m.origin !== 'real' && !isPositive(m)).length,
      real: corpus.messages.filter((m) => m.lang === lang && m.origin === 'real').length,
      conversations: corpus.conversations.filter((c) => c.lang === lang && c.origin !== 'real').length,
      realConversations: corpus.conversations.filter((c) => c.lang === lang && c.origin === 'real').length,
    }])),
  };
  writeFileSync(resolve(DOCS, 'quality.json'), JSON.stringify(quality, null, 2) + '\n');
  console.log('\nWrote docs/quality.json and docs/quality-pr-curve.svg');
}
