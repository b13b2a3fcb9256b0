/**
 * The text of each page of a PDF printed by Chromium (Skia), to check what a printed report really shows: page
 * numbers, the running header. A small reader for what Skia writes (uncompressed object table, FlateDecode streams,
 * Type0 fonts with a ToUnicode map, text shown with Tj/TJ), not a general PDF parser.
 */
import { inflateSync } from 'node:zlib';

interface PdfObject {
  dict: string;
  stream: Buffer | null;
}

function objects(pdf: Buffer): Map<number, PdfObject> {
  const text = pdf.toString('latin1');
  const out = new Map<number, PdfObject>();
  const start = /(\d+) 0 obj\b/g;
  for (let match = start.exec(text); match; match = start.exec(text)) {
    const bodyStart = match.index + match[0].length;
    const streamAt = text.indexOf('stream', bodyStart);
    const endAt = text.indexOf('endobj', bodyStart);
    let dict = text.slice(bodyStart, endAt);
    let stream: Buffer | null = null;
    if (streamAt >= 0 && streamAt < endAt) {
      dict = text.slice(bodyStart, streamAt);
      const length = Number(/\/Length (\d+)/.exec(dict)?.[1] ?? 0);
      let dataStart = streamAt + 'stream'.length;
      if (text[dataStart] === '\r') dataStart++;
      if (text[dataStart] === '\n') dataStart++;
      const raw = pdf.subarray(dataStart, dataStart + length);
      stream = dict.includes('/FlateDecode') ? inflateSync(raw) : raw;
      start.lastIndex = dataStart + length;
    }
    out.set(Number(match[1]), { dict, stream });
  }
  return out;
}

/** Glyph code (hex) → text, from a ToUnicode CMap. */
function toUnicode(cmap: string): Map<string, string> {
  const map = new Map<string, string>();
  const utf16 = (hex: string) => String.fromCharCode(...(hex.match(/.{4}/g) ?? []).map((h) => parseInt(h, 16)));
  for (const block of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const m of block[1].matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>/g)) map.set(m[1].toLowerCase(), utf16(m[2]));
  }
  for (const block of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const m of block[1].matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>/g)) {
      const from = parseInt(m[1], 16);
      const to = parseInt(m[2], 16);
      const base = parseInt(m[3], 16);
      for (let code = from; code <= to; code++) map.set(code.toString(16).padStart(m[1].length, '0'), String.fromCharCode(base + code - from));
    }
  }
  return map;
}

const ref = (dict: string, name: string) => Number(new RegExp(`/${name} (\\d+) 0 R`).exec(dict)?.[1] ?? NaN);

/**
 * One string per page, in page order. Skia often shows a line glyph by glyph and spaces by moving, so the text has no
 * reliable spaces: it is returned without any whitespace (compare with `squeezed`).
 */
export function pdfPageTexts(pdf: Buffer): string[] {
  const all = objects(pdf);
  const fontMaps = new Map<number, Map<string, string>>();
  const fontMap = (id: number) => {
    if (!fontMaps.has(id)) {
      const cmapId = ref(all.get(id)?.dict ?? '', 'ToUnicode');
      fontMaps.set(id, toUnicode(all.get(cmapId)?.stream?.toString('latin1') ?? ''));
    }
    return fontMaps.get(id)!;
  };
  const catalog = [...all.values()].find((o) => /\/Type\s*\/Catalog/.test(o.dict));
  const pageIds: number[] = [];
  const walk = (id: number) => {
    const node = all.get(id);
    if (!node) return;
    if (/\/Type\s*\/Pages/.test(node.dict)) {
      for (const kid of /\/Kids\s*\[([^\]]*)\]/.exec(node.dict)?.[1].matchAll(/(\d+) 0 R/g) ?? []) walk(Number(kid[1]));
    } else pageIds.push(id);
  };
  walk(ref(catalog?.dict ?? '', 'Pages'));
  return pageIds.map((id) => {
    const page = all.get(id)!.dict;
    let resources = /\/Resources\s*(<<[\s\S]*>>)/.exec(page)?.[1] ?? '';
    if (!resources) resources = all.get(ref(page, 'Resources'))?.dict ?? '';
    const fonts = new Map<string, number>();
    let fontDict = /\/Font\s*<<([\s\S]*?)>>/.exec(resources)?.[1];
    if (fontDict === undefined) fontDict = all.get(ref(resources, 'Font'))?.dict ?? '';
    for (const m of fontDict.matchAll(/\/([A-Za-z0-9]+) (\d+) 0 R/g)) fonts.set(m[1], Number(m[2]));
    const contents = /\/Contents\s*\[([^\]]*)\]/.exec(page)?.[1].match(/(\d+) 0 R/g)?.map((r) => Number(r.split(' ')[0])) ?? [ref(page, 'Contents')];
    const content = contents.map((c) => all.get(c)?.stream?.toString('latin1') ?? '').join('\n');
    const pieces: string[] = [];
    let map = new Map<string, string>();
    for (const op of content.matchAll(/\/([A-Za-z0-9]+)\s+[\d.]+\s+Tf|(\[(?:[^\]]*)\])\s*TJ|<([0-9a-fA-F]*)>\s*Tj/g)) {
      if (op[1]) {
        map = fontMap(fonts.get(op[1]) ?? NaN);
        continue;
      }
      const hexes = op[2] ? [...op[2].matchAll(/<([0-9a-fA-F]*)>/g)].map((m) => m[1]) : [op[3]];
      const codes = hexes.join('').toLowerCase().match(/.{4}/g) ?? [];
      pieces.push(codes.map((code) => map.get(code) ?? '').join(''));
    }
    return squeezed(pieces.join(''));
  });
}

/** Text without whitespace and with ligatures taken apart ("ﬁ" → "fi"), to compare with a page's text. */
export function squeezed(text: string): string {
  return text.normalize('NFKC').replace(/\s+/g, '');
}
