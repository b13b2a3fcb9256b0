/**
 * `npm run build:schema` (with the schemas): writes lib/i18n/script-texts.ts, the names, steps and advice of the
 * bundled scripts (rules/scripts/*.yaml) in both languages, for the banner, popup and report, which bundle no
 * engine. tests/unit/scripts.test.ts fails while it is out of date.
 */
import { writeFileSync } from 'node:fs';
import { loadBundledScripts } from '../lib/node/rule-files';
import { scriptTexts } from '../lib/engine/scripts';

export function scriptTextsSource(): string {
  const texts = Object.fromEntries(
    loadBundledScripts().map((script) => [script.id, { en: scriptTexts(script, 'en'), vi: scriptTexts(script, 'vi') }]),
  );
  return [
    '// Generated from rules/scripts/*.yaml by scripts/build-script-texts.ts (npm run build:schema). Do not edit.',
    '',
    '/** The words of a known manipulation script for a warning: its name, its steps and the advice that fits it first. */',
    'export interface ScriptText {',
    '  name: string;',
    '  summary: string;',
    '  advice: string[];',
    '  /** Step id → its name. */',
    '  steps: Record<string, string>;',
    '}',
    '',
    `export const SCRIPT_TEXTS: Record<string, { en: ScriptText; vi: ScriptText }> = ${JSON.stringify(texts, null, 2)};`,
    '',
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const target = new URL('../lib/i18n/script-texts.ts', import.meta.url);
  writeFileSync(target, scriptTextsSource());
  console.log(`wrote ${target.pathname}`);
}
