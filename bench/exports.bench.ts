/**
 * `npx tsx bench/exports.bench.ts [messages…]` (part of `npm run bench`): generates a WhatsApp "Export chat" .txt of
 * 100,000 messages (Android style, Vietnamese and English everyday talk with a fake-police script and a grooming
 * script mixed in, multi-line messages, media placeholders) in a temporary folder, scans it through the CLI code path
 * (`not-alone scan FILE --out report.json`), and prints messages per second, wall time, peak RSS and the peak live heap
 * (sampled after a full garbage collection twice a second).
 * A second, three times larger export with the same risky episodes shows that memory does not grow with the size of
 * the export (it grows with the number of flagged messages, which are kept as evidence).
 * Target: 100,000 messages in a few seconds.
 */
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parseArgs } from '../cli/args';
import { runScanFiles } from '../cli/commands/scan-files';

// A full garbage collection on demand, to measure the heap the scan really holds (not garbage awaiting collection).
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const SIZES = process.argv.slice(2).map(Number).filter((n) => n > 0);
if (SIZES.length === 0) SIZES.push(100_000, 300_000);

// A deterministic pseudo-random generator, so every run measures the same export.
let seed = 7;
function random(): number {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
}
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];

const everyday = [
  'ok see u at 5', 'lol same', 'did u finish the math homework?', 'mai đi học nhóm ở thư viện nhé', 'ăn cơm chưa',
  'haha đúng rồi', 'gg wp', 'can you send me the notes from today', 'tối nay có trận không', 'good night!',
  'bạn ơi cho mình mượn vở Lý', 'what time is practice tomorrow', 'mẹ ơi con về muộn chút nhé', 'nice pic 😂',
  'see you at the cafe near school', 'ok nha', 'đang làm bài tập đây', 'who is coming to the party saturday',
  'Thứ 7 này lớp mình đi dã ngoại\nnhớ mang áo khoác nhé\nvà nước uống', '<Media omitted>', 'This message was deleted',
];
const risky = [
  'Tôi là đại úy Trần Văn Hùng, cán bộ điều tra Công an quận Cầu Giấy.',
  'Đây là bí mật điều tra, em không được nói với ai, kể cả bố mẹ.',
  'Em chuyển tiền vào tài khoản an toàn để cơ quan điều tra xác minh',
  'this stays between us ok? our little secret',
  'do your parents check your phone?',
  'send me a pic of you in your pajamas',
];

function generate(path: string, messages: number): void {
  const fd = openSync(path, 'w');
  let buffer = '12/01/2024, 08:00 - Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them. Tap to learn more.\n';
  let minute = 0;
  for (let i = 0; i < messages; i++) {
    minute += 1 + Math.floor(random() * 3);
    const d = new Date(Date.UTC(2024, 0, 12, 8, minute));
    const stamp = `${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${d.getUTCFullYear()}, ${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
    // Three episodes of the risky scripts at fixed places: a real export holds a few, however long it is.
    const episode = [0.1, 0.5, 0.9].some((at) => i >= Math.floor(at * messages) && i < Math.floor(at * messages) + risky.length);
    const other = episode || random() < 0.5;
    const text = episode ? risky[i % risky.length] : pick(everyday);
    buffer += `${stamp} - ${other ? 'Anh Hùng' : 'Minh'}: ${text}\n`;
    if (buffer.length > 1 << 20) {
      writeSync(fd, buffer);
      buffer = '';
    }
  }
  writeSync(fd, buffer);
  closeSync(fd);
}

interface Run {
  messages: number;
  megabytes: number;
  seconds: number;
  peakHeapMb: number;
  peakRssMb: number;
  level: string;
}

async function measure(dir: string, messages: number): Promise<Run> {
  const folder = mkdtempSync(join(dir, `${messages}-`));
  // Named as WhatsApp names it, so that "Minh" (the other sender) is taken as the owner.
  const file = join(folder, 'WhatsApp Chat with Anh Hùng.txt');
  generate(file, messages);
  const report = join(folder, 'report.json');
  gc();
  let peakHeap = process.memoryUsage().heapUsed;
  let peakRss = process.memoryUsage().rss;
  let updates = 0;
  const sample = (): void => {
    // Every fifth progress update (about twice a second): the heap still in use after a full collection.
    if (updates++ % 5 === 0) {
      gc();
      peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    }
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  };
  let out = '';
  const started = performance.now();
  // errIsTTY: the progress bar is drawn (into nothing) so that memory is sampled about ten times a second mid-scan.
  const code = await runScanFiles(parseArgs([file, '--out', report], ['format', 'self', 'lang', 'out', 'sensitivity'], ['no-color', 'quiet']), {
    out: (s) => (out += s),
    err: sample,
    outIsTTY: false,
    errIsTTY: true,
  });
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`scan exited with ${code}`);
  const level = / ([A-Z]+) {2}Anh Hùng/.exec(out)?.[1] ?? '?';
  return { messages, megabytes: statSync(file).size / 1e6, seconds, peakHeapMb: peakHeap / 1e6, peakRssMb: peakRss / 1e6, level };
}

const dir = mkdtempSync(join(tmpdir(), 'not-alone-bench-'));
try {
  console.log('Export scan benchmark: WhatsApp .txt → not-alone scan --out report.json (CLI code path)');
  // Loading and compiling the rules and warming up the JIT happen once per CLI run: measured apart.
  const cold = await measure(dir, 1_000);
  console.log(`  cold start (rules loaded and compiled, 1,000 messages): ${cold.seconds.toFixed(2)} s`);
  const runs: Run[] = [];
  for (const size of SIZES) {
    const run = await measure(dir, size);
    runs.push(run);
    console.log(
      `  ${run.messages.toLocaleString('en-US').padStart(9)} messages (${run.megabytes.toFixed(1)} MB): ${run.seconds.toFixed(2)} s, ` +
        `${Math.round(run.messages / run.seconds).toLocaleString('en-US')} messages/s, peak live heap ${run.peakHeapMb.toFixed(0)} MB, ` +
        `peak RSS ${run.peakRssMb.toFixed(0)} MB, level ${run.level}`,
    );
  }
  if (runs.length >= 2) {
    const [a, b] = [runs[0], runs[runs.length - 1]];
    console.log(`  ${(b.messages / a.messages).toFixed(1)}x the messages → ${(b.peakHeapMb / a.peakHeapMb).toFixed(2)}x the peak live heap (bounded: it does not grow with the export)`);
  }
  console.log(`  process peak RSS (whole run): ${((process.resourceUsage().maxRSS * 1024) / 1e6).toFixed(0)} MB`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
