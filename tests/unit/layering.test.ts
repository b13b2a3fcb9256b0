/**
 * The layers of lib/ point downward (issue 15, point 8): the adapters (lib/sites) only read the page, storage sits
 * below the background, and the background's modules do not import each other in a circle. Read from the source's
 * own import statements, so a new arrow the wrong way fails here, not in review.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const LIB = join(ROOT, 'lib');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every module a file imports or re-exports (type-only imports included: they are arrows too), as repo paths. */
function importsOf(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  const specifiers = [...source.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+'([^']+)'/gms), ...source.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)].map((m) => m[1]);
  return specifiers
    .filter((s) => s.startsWith('.'))
    .map((s) => {
      const base = resolve(dirname(file), s);
      const candidates = [`${base}.ts`, join(base, 'index.ts'), base];
      return relative(ROOT, candidates.find((c) => FILES.has(relative(ROOT, c))) ?? `${base}.ts`);
    });
}

const FILES = new Set(sourceFiles(LIB).map((f) => relative(ROOT, f)));
const GRAPH = new Map([...FILES].map((file) => [file, importsOf(join(ROOT, file))]));

function violations(from: string, to: readonly string[]): string[] {
  return [...GRAPH].flatMap(([file, imports]) => (file.startsWith(from) ? imports.filter((i) => to.some((t) => i.startsWith(t))).map((i) => `${file} → ${i}`) : []));
}

/** Import cycles among the files under `folder` (each reported once, from its smallest file name). */
function cycles(folder: string): string[] {
  const found = new Set<string>();
  const inFolder = (f: string) => f.startsWith(folder);
  const visit = (file: string, path: string[]): void => {
    for (const next of GRAPH.get(file) ?? []) {
      if (!inFolder(next)) continue;
      const at = path.indexOf(next);
      if (at >= 0) {
        const cycle = path.slice(at);
        const start = cycle.indexOf([...cycle].sort()[0]);
        found.add([...cycle.slice(start), ...cycle.slice(0, start), cycle[start]].join(' → '));
        continue;
      }
      if (path.length < 30) visit(next, [...path, next]);
    }
  };
  for (const file of FILES) if (inFolder(file)) visit(file, [file]);
  return [...found];
}

describe('lib/ layering', () => {
  it('reads the imports it checks', () => {
    expect(GRAPH.get('lib/background/handler.ts')).toContain('lib/storage/conversations.ts');
    expect(GRAPH.get('lib/storage/items.ts')).toContain('lib/storage/schema.ts');
  });

  it('storage never imports the background, the content script or the extension pages’ logic', () => {
    expect(violations('lib/storage/', ['lib/background/', 'lib/content/', 'lib/popup/', 'lib/report/', 'lib/extension/'])).toEqual([]);
  });

  it('the adapters only read the page: lib/sites never imports storage or settings', () => {
    expect(violations('lib/sites/', ['lib/storage/', 'lib/settings/', 'lib/background/', 'lib/extension/'])).toEqual([]);
  });

  it('the content script never touches storage itself (storage.local is kept from it): it asks the background', () => {
    const files = [...[...FILES].filter((f) => f.startsWith('lib/content/')), 'entrypoints/content.ts'];
    const touching = files.filter((file) => {
      const source = readFileSync(join(ROOT, file), 'utf8');
      return /wxt\/utils\/storage|\bstorage\.(local|session|sync|onChanged)\b|storage\/items'/.test(source);
    });
    expect(touching).toEqual([]);
  });

  it('has no import cycles in lib/background, lib/storage or between any files of lib/', () => {
    expect(cycles('lib/background/')).toEqual([]);
    expect(cycles('lib/storage/')).toEqual([]);
    expect(cycles('lib/')).toEqual([]);
  });
});
