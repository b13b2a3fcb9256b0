/**
 * `npm run bench` (engine part): messages per second of the whole engine (normalise, match, guards, grammar,
 * conversation risk) on a mixed English/Vietnamese stream of 60,000 messages, side by side in the same run with
 * (a) one precompiled RegExp test per message and (b) compromise `nlp()` per message. Prints the ratios.
 * Target: at least 100,000 messages per second on one core, within 20x of (a).
 */
import nlp from 'compromise';
import { createEngine } from '../lib/engine';
import { loadBundledRules } from '../lib/node/rule-files';
import { loadConversations, loadMessages } from '../scripts/evaluation';

const STREAM_SIZE = 60_000;
const NLP_SAMPLE = 3_000;

// A deterministic pseudo-random generator, so every run measures the same stream.
let seed = 42;
function random(): number {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
}

const everyday = [
  'ok see u at 5', 'lol same', 'did u finish the math homework?', 'mai đi học nhóm ở thư viện nhé', 'ăn cơm chưa',
  'haha đúng rồi', 'gg wp', 'can you send me the notes from today', 'tối nay có trận không', 'good night!',
  'bạn ơi cho mình mượn vở Lý', 'what time is practice tomorrow', 'mẹ ơi con về muộn chút nhé', 'nice pic 😂',
  'see you at the cafe near school', 'ok nha', 'đang làm bài tập đây', 'who is coming to the party saturday',
];

function buildStream(): string[] {
  const corpus = [...loadMessages('en'), ...loadMessages('vi')].map((m) => m.text);
  const conversations = loadConversations().flatMap((c) => c.messages.map((m) => m.text));
  const pool = [...corpus, ...conversations];
  const stream: string[] = [];
  while (stream.length < STREAM_SIZE) {
    // Real chats are mostly everyday talk: about 1 message in 5 comes from the (risk-heavy) corpus.
    stream.push(random() < 0.2 ? pool[Math.floor(random() * pool.length)] : everyday[Math.floor(random() * everyday.length)] + (random() < 0.5 ? '' : ` ${Math.floor(random() * 100)}`));
  }
  return stream;
}

function time(label: string, run: () => number): { label: string; seconds: number; sink: number } {
  const start = process.hrtime.bigint();
  const sink = run();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { label, seconds, sink };
}

const pack = loadBundledRules();
const engine = createEngine(pack);
const stream = buildStream();
const totalChars = stream.reduce((n, s) => n + s.length, 0);

// Warm up the JIT and the token cache the way a long-running content script would be.
for (let i = 0; i < 5_000; i++) engine.analyze(stream[i]);

const regex = /\b(?:send|gửi) (?:me )?(?:a )?(?:pic|ảnh)/i;
const baseline = time('(a) one precompiled RegExp per message', () => {
  let hits = 0;
  for (const text of stream) if (regex.test(text)) hits++;
  return hits;
});

const full = time('Not Alone engine (findings + conversation risk)', () => {
  let flagged = 0;
  let conversation = engine.conversation();
  for (let i = 0; i < stream.length; i++) {
    if (i % 50 === 0) conversation = engine.conversation();
    if (conversation.add({ id: String(i), from: 'other', text: stream[i] }).flagged) flagged++;
  }
  return flagged;
});

const sample = stream.slice(0, NLP_SAMPLE);
const compromise = time(`(b) compromise nlp() per message (${NLP_SAMPLE} sampled)`, () => {
  let terms = 0;
  for (const text of sample) terms += nlp(text).terms().length;
  return terms;
});

const rate = (r: { seconds: number }, n: number): number => n / r.seconds;
const engineRate = rate(full, stream.length);
const regexRate = rate(baseline, stream.length);
const nlpRate = rate(compromise, sample.length);
const fmt = (x: number): string => Math.round(x).toLocaleString('en-US').padStart(12);

console.log(`Engine benchmark: ${stream.length.toLocaleString('en-US')} messages (${(totalChars / stream.length).toFixed(0)} chars on average), ${engine.ruleCount} rules, Node ${process.version}, one core\n`);
console.log(`${'messages/second'.padStart(12)}  what`);
console.log(`${fmt(engineRate)}  ${full.label} (${full.sink} flagged)`);
console.log(`${fmt(regexRate)}  ${baseline.label}`);
console.log(`${fmt(nlpRate)}  ${compromise.label}`);
console.log('');
console.log(`engine is ${(regexRate / engineRate).toFixed(1)}x slower than one RegExp (target: within 20x)`);
console.log(`engine is ${(engineRate / nlpRate).toFixed(1)}x faster than compromise on every message`);
console.log(`target >= 100,000 messages/second: ${engineRate >= 100_000 ? 'met' : 'NOT met'}`);
const memory = process.memoryUsage();
console.log(`memory after the run: heap used ${(memory.heapUsed / 1048576).toFixed(1)} MiB, RSS ${(memory.rss / 1048576).toFixed(1)} MiB`);
