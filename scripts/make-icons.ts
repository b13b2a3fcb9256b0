/**
 * `npx tsx scripts/make-icons.ts`: draws the toolbar icons (two figures side by side: "not alone") into
 * public/icon/*.png. Pure Node (zlib), no image libraries; the PNGs are committed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function png(size: number, pixel: (x: number, y: number) => [number, number, number, number]): Buffer {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) raw.set(pixel(x, y), y * (size * 4 + 1) + 1 + x * 4);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8;
  header[9] = 6;
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** Coverage of the shape at a point in unit coordinates (0..1): 0 outside, 1 = teal disc, 2 = white figure. */
function shape(u: number, v: number): 0 | 1 | 2 {
  const inDisc = (u - 0.5) ** 2 + (v - 0.5) ** 2 <= 0.48 ** 2;
  if (!inDisc) return 0;
  const head = (cx: number, cy: number, r: number) => (u - cx) ** 2 + (v - cy) ** 2 <= r * r;
  // Shoulders: the top half of a disc whose centre sits low in the icon.
  const body = (cx: number, cy: number, r: number) => v <= cy && (u - cx) ** 2 + (v - cy) ** 2 <= r * r;
  const gap = (cx: number, cy: number, r: number) => (u - cx) ** 2 + (v - cy) ** 2 <= r * r;
  if (head(0.37, 0.4, 0.115) || body(0.37, 0.88, 0.25)) return 2;
  if (gap(0.37, 0.4, 0.15) || gap(0.37, 0.88, 0.29)) return 1;
  if (head(0.65, 0.44, 0.1) || body(0.65, 0.9, 0.22)) return 2;
  return 1;
}

function render(size: number): Buffer {
  const samples = 4;
  return png(size, (x, y) => {
    let teal = 0;
    let white = 0;
    for (let i = 0; i < samples; i++) {
      for (let j = 0; j < samples; j++) {
        const s = shape((x + (i + 0.5) / samples) / size, (y + (j + 0.5) / samples) / size);
        if (s === 1) teal++;
        else if (s === 2) white++;
      }
    }
    const total = samples * samples;
    const alpha = (teal + white) / total;
    if (alpha === 0) return [0, 0, 0, 0];
    const w = white / (teal + white);
    const mix = (a: number, b: number) => Math.round(a * (1 - w) + b * w);
    return [mix(15, 255), mix(118, 255), mix(110, 255), Math.round(alpha * 255)];
  });
}

mkdirSync(new URL('../public/icon/', import.meta.url), { recursive: true });
for (const size of [16, 32, 48, 96, 128]) {
  writeFileSync(new URL(`../public/icon/${size}.png`, import.meta.url), render(size));
}
console.log('icons written to public/icon/');
