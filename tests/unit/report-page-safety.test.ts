/**
 * Chat text is untrusted: the extension pages build their DOM with textContent only. This keeps HTML-parsing sinks out
 * of the popup, report and options pages and their helpers (the printable report escapes instead; see report.test.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;
const DIRS = ['entrypoints/popup', 'entrypoints/report', 'entrypoints/options', 'lib/popup'];
const SINKS = /\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write|createContextualFragment|DOMParser|\beval\(|new Function\(/;

describe('extension pages', () => {
  for (const dir of DIRS) {
    for (const name of readdirSync(join(ROOT, dir)).filter((n) => n.endsWith('.ts'))) {
      it(`${dir}/${name} uses no HTML-parsing sink`, () => {
        const source = readFileSync(join(ROOT, dir, name), 'utf8');
        expect(source).not.toMatch(SINKS);
      });
    }
  }
});
