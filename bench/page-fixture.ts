/**
 * The benchmark's chat page: WhatsApp Web's real row structure (the deep April 2026 nesting of
 * tests/fixtures/sites/whatsapp/snapshots/test-messages-2026-04.html), 5,000 messages, and a page function
 * `benchAppend(n)` that appends n more the way the app does (one row element each, inserted into the list).
 * Texts: everyday chat, benign lines from the evaluation corpus that share words with risky ones (the engine's
 * hardest work), and a handful of risky ones, so the scan ends in a warning as a real risky chat would.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');

const EVERYDAY = [
  'ok',
  'haha',
  'lol same',
  'see you tomorrow 👋',
  'did you finish the math homework?',
  'i’m on the bus, 10 min',
  'can you send me the notes from today?',
  'what time is practice on saturday',
  'mai đi học sớm nhé',
  'ừ tớ biết rồi',
  'tối nay học nhóm ở nhà Mai nha 📚',
  'cho tớ mượn vở Văn với',
  'hôm nay cô giao bài tập gì thế?',
  'đi ăn trà sữa không 🧋',
  'happy birthday!! 🎂🎉',
  'that movie was so good',
  'check this out https://example.org/videos/12345',
  'my mom says i can come',
  'gg',
  'brb dinner',
];

function corpus(file: string, benign: boolean): string[] {
  return readFileSync(resolve(ROOT, 'tests/corpus', file), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { text: string; categories: string[] })
    .filter((entry) => (entry.categories.length === 0) === benign)
    .map((entry) => entry.text);
}

export interface BenchMessage {
  id: string;
  from: 'self' | 'other';
  text: string;
  clock: string;
  day: string;
}

/** Deterministic texts: message i of the chat. */
export function benchMessages(count: number, offset = 0): BenchMessage[] {
  const hardNegatives = [...corpus('messages-en.jsonl', true), ...corpus('messages-vi.jsonl', true)];
  const risky = [...corpus('messages-vi.jsonl', false), ...corpus('messages-en.jsonl', false)];
  const messages: BenchMessage[] = [];
  for (let n = offset; n < offset + count; n++) {
    let text: string;
    if (n % 1000 === 999) text = risky[((n / 1000) | 0) % risky.length];
    else if (n % 3 === 0) text = hardNegatives[n % hardNegatives.length];
    else text = `${EVERYDAY[n % EVERYDAY.length]}${n % 7 === 0 ? ` (${n})` : ''}`;
    const minutes = n % 1440;
    const day = 1 + ((n / 1440) | 0);
    messages.push({
      id: `3EB0${n.toString(16).toUpperCase().padStart(8, '0')}BENCH`,
      from: n % 4 === 1 ? 'self' : 'other',
      text,
      clock: `${String((minutes / 60) | 0).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`,
      day: `${String(day).padStart(2, '0')}/04/2026`,
    });
  }
  return messages;
}

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** One row, as in the April 2026 snapshot. */
export function rowHtml(m: BenchMessage): string {
  const out = m.from === 'self';
  const name = out ? 'Lan' : '+00 10000 00021';
  return `<div role="row"><div tabindex="-1" class="_amjv ${out ? 'xa0aww2' : 'xscbp6u'}" data-id="${m.id}"><div class="x78zum5 xdt5ytf" data-virtualized="false"><div><div class="${out ? 'message-out' : 'message-in'} focusable-list-item _amjy _amjw x1klvx2g xahtqtb"><span${out ? ' aria-label="You:"' : ''}></span><div class="_amk4 false false _amkd false"><div class="_amk6 _amlo false false"><div><div class="x9f619 x1hx0egp x1yrsyyn xf159sx xwib8y2 x7coems"><div class="_ahy1 copyable-text" data-pre-plain-text="[${m.clock}, ${m.day}] ${name}: "><div class="_ahy5"><div class="_ahwq x6s0dn4 xaejkm2 x1uuy6ko x1gfim23 xqfj769"><span data-testid="selectable-text" dir="ltr" class="_ao3e _aupe copyable-text"><span>${escapeHtml(m.text)}</span></span><span><span>${m.clock}</span></span></div></div></div></div></div></div></div></div></div></div></div></div>`;
}

export function benchPage(count: number, appendable: number): string {
  const rows = benchMessages(count).map(rowHtml).join('\n');
  const extra = JSON.stringify(benchMessages(appendable, count).map(rowHtml));
  return `<!doctype html>
<html lang="vi">
<head><meta charset="utf-8"><title>WhatsApp</title>
<style>
body { margin: 0; font: 14px/1.4 system-ui, sans-serif; }
#main { display: flex; flex-direction: column; height: 100vh; }
header { padding: 10px 16px; background: #f0f2f5; }
._amjw { flex: 1; overflow-y: auto; padding: 12px 5%; }
.message-out { text-align: right; }
._amk4 { display: inline-block; background: #fff; border-radius: 8px; padding: 6px 8px; margin: 2px 0; max-width: 65%; }
</style></head>
<body>
<div id="app"><div id="main">
<header><span dir="auto" title="Bench chat" data-testid="conversation-info-header-chat-title">Bench chat</span></header>
<div class="_amjw" role="application" id="list">
${rows}
</div>
<footer><div contenteditable="true" role="textbox" aria-label="Type a message"></div></footer>
</div></div>
<script>
  const extra = ${extra};
  let next = 0;
  // Append n rows the way a chat app does: one element per message, added to the list.
  window.benchAppend = (n) => {
    const list = document.getElementById('list');
    for (let i = 0; i < n && next < extra.length; i++) {
      const holder = document.createElement('div');
      holder.innerHTML = extra[next++];
      list.append(holder.firstElementChild);
    }
  };
  // The page's own load work is over after this frame.
  requestAnimationFrame(() => setTimeout(() => console.timeStamp('bench-loaded'), 0));
</script>
</body>
</html>`;
}
