/**
 * The detection engine's public face, with its sentence parser (compromise). Pure: no DOM, no `browser.*`, no Node
 * APIs, so the same code runs in the background, the CLI and the tests. The content script uses lib/engine/core.ts
 * (the same engine without compromise; it asks the background to parse the rare sentence that needs it).
 *
 *   const engine = createEngine(pack, { sensitivity: 'balanced' });
 *   const conversation = engine.conversation();
 *   const { findings, risk } = conversation.add(message);
 */
import { createEngine as createCoreEngine, type Engine, type EngineRuntime, type PrecompiledPhrases } from './core';
import type { RulePack } from './rule-schema';
import { parseSentences } from './sentences';
import type { EngineOptions } from './types';

export function createEngine(pack: RulePack, options: EngineOptions & EngineRuntime = {}, phrases?: PrecompiledPhrases): Engine {
  return createCoreEngine(pack, { parseSentences, ...options }, phrases);
}

export { parseSentences };
export {
  DEFAULT_SENSITIVITY,
  precompilePhrases,
  RuleCompileError,
  SENSITIVITY_PRESETS,
  type CompileProblem,
  type ConversationAnalyzer,
  type Engine,
  type EngineRuntime,
  type MessageResult,
  type PrecompiledPhrases,
  type SensitivityPreset,
  type SentenceFacts,
  type SentenceParser,
} from './core';
export * from './taxonomy';
export type * from './types';
export type { Rule, RulePack, Pattern, Macros } from './rule-schema';
