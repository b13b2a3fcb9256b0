/**
 * Vite plugin: `import pack, { phrases } from 'virtual:not-alone-rules'` yields the validated bundled rule pack and
 * its phrases compiled ahead of time. Rules are read, validated and compiled at build time, so a malformed rule stops `wxt build` with the file, the field and the
 * problem, and the extension never parses YAML at run time.
 */
import type { Plugin } from 'vite';
import { readRuleFiles, readScriptFiles, RULES_DIR } from '../lib/node/rule-files';
import { loadRulePack, loadScripts, runtimePack } from '../lib/engine/rule-loader';
import { precompilePhrases } from '../lib/engine/matcher';

const VIRTUAL_ID = 'virtual:not-alone-rules';
const RESOLVED_ID = '\0' + VIRTUAL_ID;


export function bundledRulesPlugin(): Plugin {
  return {
    name: 'not-alone-rules',
    resolveId(source) {
      return source === VIRTUAL_ID ? RESOLVED_ID : undefined;
    },
    load(id) {
      if (id !== RESOLVED_ID) return undefined;
      const files = readRuleFiles();
      this.addWatchFile(RULES_DIR);
      const pack = loadRulePack(files);
      // JSON.parse of a string literal is faster for V8 than an object literal of this size.
      const data = (value: unknown): string => `JSON.parse(${JSON.stringify(JSON.stringify(value))})`;
      const scripts = loadScripts(readScriptFiles()).map(({ tests: _tests, sources: _sources, ...runtime }) => runtime);
      return (
        `export default ${data(runtimePack(pack))};\nexport const phrases = ${data(precompilePhrases(pack))};\n` +
        `export const scripts = ${data(scripts)};`
      );
    },
  };
}
