declare module 'virtual:not-alone-rules' {
  // eslint-disable-next-line @typescript-eslint/consistent-type-imports -- an ambient module cannot use a relative import.
  type RulePack = import('../lib/engine/rule-schema').RulePack;
  /** The bundled rule pack, validated at build time (scripts/vite-plugin-rules.ts). Examples are stripped. */
  const pack: RulePack;
  export default pack;
}
