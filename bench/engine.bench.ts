/**
 * `npm run bench` (engine part): messages per second of the whole engine (normalise, match, guards, grammar,
 * conversation risk) on a mixed English/Vietnamese stream of 60,000 messages, side by side in the same run with
 * (a) one precompiled RegExp test per message and (b) compromise `nlp()` per message. Prints the ratios.
 * Target: at least 100,000 messages per second on one core, within 20x of (a).
 */
import nlp from 'compromise';
import { createEngine, type Engine } from '../lib/engine';
import { loadBundledRules } from '../lib/node/rule-files';
import { loadShippedScorer } from '../lib/node/scorer-file';
import { isPositive, loadCorpus } from '../scripts/corpus/load';
import { loadConversations, loadMessages } from '../scripts/evaluation';

const STREAM_SIZE = 60_000;
const NLP_SAMPLE = 3_000;

// A deterministic pseudo-random generator, so every run measures the same stream.
let seed = 42;
function random(): number {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
}

// Everyday chat, generated from templates so the stream has a realistic, varied vocabulary (thousands of distinct
// messages), in English and Vietnamese, with chat-speak and teencode.
const EVERYDAY_EN = {
  open: ['ok', 'lol', 'haha', 'omg', 'yo', 'hey', 'bro', 'wait', 'ngl', 'tbh', 'yeah', 'nah', 'hmm', 'same'],
  body: [
    'did u finish the math homework', 'what time is practice tomorrow', 'see you at the cafe near school',
    'who is coming to the party saturday', 'can you send me the notes from today', 'that last round was insane',
    'my mom says dinner is ready', 'the bus is late again', 'i forgot my charger at home', 'that movie was so good',
    'are we still going to the mall', 'i got a B on the test', 'the wifi at school is down', 'coach moved training to 5',
    'did you see the new episode', 'my sister ate all the pizza', 'we have a quiz in bio tmr', 'gg wp', 'good night',
  ],
  close: ['', '', '?', '!', ' 😂', ' lmao', ' rn', ' fr', ' tho', ' pls', ' :)', ' 👍'],
};
const EVERYDAY_VI = {
  open: ['ok', 'ừ', 'haha', 'ơ', 'ê', 'mày ơi', 'bạn ơi', 'mẹ ơi', 'ủa', 'thôi', 'uk', 'hihi', 'trời ơi', 'vâng'],
  body: [
    'mai đi học nhóm ở thư viện nhé', 'ăn cơm chưa', 'đang làm bài tập đây', 'tối nay có trận không',
    'cho mình mượn vở Lý với', 'mai kiểm tra 15 phút đấy', 'con về muộn chút nhé', 'xe buýt lại trễ rồi',
    'hôm nay trời mưa to quá', 'cuối tuần đi xem phim không', 'bài này khó thế', 'nhớ mang áo mưa nha',
    'lớp mình được nghỉ tiết 3', 'tao quên sạc ở nhà r', 'đề cương Sử có chưa', 'ko biết làm câu 5', 'ngủ ngon nha',
    'chiều nay đá bóng ko', 'mẹ nấu canh chua ngon lắm',
  ],
  close: ['', '', '?', '!', ' 😂', ' nha', ' nhé', ' đó', ' luôn', ' á', ' :))', ' 👍'],
};

function pick<T>(list: readonly T[]): T {
  return list[Math.floor(random() * list.length)];
}

function everydayMessage(): string {
  const lang = random() < 0.5 ? EVERYDAY_EN : EVERYDAY_VI;
  const parts = [random() < 0.6 ? pick(lang.open) + ' ' : '', pick(lang.body), pick(lang.close)];
  if (random() < 0.3) parts.push(' ' + pick(lang.body));
  if (random() < 0.2) parts.push(' ' + String(Math.floor(random() * 1000)));
  return parts.join('');
}

/** Share of the stream taken from the labelled corpus (about half risky, half hard negatives). */
const CORPUS_SHARE = 0.05;

function buildStream(): string[] {
  const corpus = [...loadMessages('en'), ...loadMessages('vi')].map((m) => m.text);
  const conversations = loadConversations().flatMap((c) => c.messages.map((m) => m.text));
  const pool = [...corpus, ...conversations];
  const stream: string[] = [];
  while (stream.length < STREAM_SIZE) stream.push(random() < CORPUS_SHARE ? pick(pool) : everydayMessage());
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

// (a) what a naive keyword filter would do: one case-insensitive RegExp of a few risky phrases.
const regex = /\b(?:send (?:me )?(?:a )?(?:pic|nude)s?|don'?t tell (?:your|ur) (?:mom|dad|parents)|keep (?:it|this) (?:a )?secret|gửi ảnh|bí mật|không được nói)\b/i;
const baseline = time('(a) one precompiled RegExp per message', () => {
  let hits = 0;
  for (const text of stream) if (regex.test(text)) hits++;
  return hits;
});

/** The whole engine over a stream, 50 messages a conversation, after warming up the JIT and caches on its start. */
function runStream(label: string, e: Engine, list: readonly string[]): ReturnType<typeof time> {
  for (let i = 0; i < 5_000; i++) e.analyze(list[i]);
  return time(label, () => {
    let flagged = 0;
    let conversation = e.conversation();
    for (let i = 0; i < list.length; i++) {
      if (i % 50 === 0) conversation = e.conversation();
      if (conversation.add({ id: String(i), from: 'other', text: list[i] }).flagged) flagged++;
    }
    return flagged;
  });
}

const full = runStream('Not Alone engine (findings + conversation risk)', engine, stream);

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

const distinct = new Set(stream).size;
console.log(`Engine benchmark: ${stream.length.toLocaleString('en-US')} messages (${distinct.toLocaleString('en-US')} distinct, ${(totalChars / stream.length).toFixed(0)} chars on average, ${CORPUS_SHARE * 100}% from the risk-heavy corpus), ${engine.ruleCount} rules, Node ${process.version}, one core\n`);
console.log(`${'messages/second'.padStart(12)}  what`);
console.log(`${fmt(engineRate)}  ${full.label} (${full.sink} flagged)`);
console.log(`${fmt(regexRate)}  ${baseline.label}`);
console.log(`${fmt(nlpRate)}  ${compromise.label}`);
console.log('');
console.log(`engine is ${(regexRate / engineRate).toFixed(1)}x slower than one RegExp (target: within 20x)`);
console.log(`engine is ${(engineRate / nlpRate).toFixed(1)}x faster than compromise on every message`);
console.log(`target >= 100,000 messages/second: ${engineRate >= 100_000 ? 'met' : 'NOT met'}`);
// With the learned scorer (what the background and the CLI run), on the same stream and on a risk-dense stream
// where every message is a written warning sign or hard negative of the corpus (target: >= 50,000 a second).
const withScorer = createEngine(pack, { scorer: loadShippedScorer() });
const written = loadCorpus().messages.filter((m) => m.origin !== 'real');
const dense: string[] = [];
while (dense.length < STREAM_SIZE) dense.push(pick(written).text);
console.log(`\nrisk-dense stream: ${dense.length.toLocaleString('en-US')} written lines (${Math.round((written.filter(isPositive).length / written.length) * 100)}% warning signs, the rest hard negatives), ${(dense.reduce((n, s) => n + s.length, 0) / dense.length).toFixed(0)} chars on average`);
for (const [label, e, list] of [
  ['engine + scorer, everyday stream', withScorer, stream],
  ['rules alone, risk-dense stream', engine, dense],
  ['engine + scorer, risk-dense stream', withScorer, dense],
] as const) {
  const r = runStream(label, e, list);
  console.log(`${fmt(rate(r, list.length))}  ${label} (${r.sink} flagged)`);
}

const memory = process.memoryUsage();
console.log(`memory after the run: heap used ${(memory.heapUsed / 1048576).toFixed(1)} MiB, RSS ${(memory.rss / 1048576).toFixed(1)} MiB`);
