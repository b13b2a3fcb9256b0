declare module 'virtual:not-alone-rules' {
  // eslint-disable-next-line @typescript-eslint/consistent-type-imports -- an ambient module cannot use a relative import.
  type RulePack = import('../lib/engine/rule-schema').RulePack;
  // eslint-disable-next-line @typescript-eslint/consistent-type-imports -- as above.
  type PrecompiledPhrases = import('../lib/engine/matcher').PrecompiledPhrases;
  /** The bundled rule pack, validated at build time (scripts/vite-plugin-rules.ts). Examples are stripped. */
  const pack: RulePack;
  /** Every bundled pattern and guard, compiled at build time. */
  export const phrases: PrecompiledPhrases;
  // eslint-disable-next-line @typescript-eslint/consistent-type-imports -- as above.
  type RuntimeScript = import('../lib/engine/scripts').RuntimeScript;
  /** The bundled scripts (rules/scripts), validated at build time; examples and sources are stripped. */
  export const scripts: RuntimeScript[];
  export default pack;
}
