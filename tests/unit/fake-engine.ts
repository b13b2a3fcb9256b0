/**
 * A stand-in engine for the tests of what surrounds the engine (the page scanner, the background's analysis and
 * storage): it finds one chosen word, so a test can follow what reached the engine and what came of it. The real
 * engine is tested on its own (matcher, rules, eval).
 */
import type { ConversationAnalyzer, Engine } from '../../lib/engine';
import { ConversationRiskTracker, SENSITIVITY_PRESETS } from '../../lib/engine/risk';
import type { RiskLevel } from '../../lib/engine/taxonomy';
import type { ConversationRisk, Finding } from '../../lib/engine/types';

const STEPS: RiskLevel[] = ['none', 'medium', 'high', 'critical'];

export interface FakeEngineOptions {
  /** The word that makes a finding where it first occurs, or a function giving the finding's words (or null). */
  flag: string | ((text: string) => string | null);
  ruleId?: string;
  /** The finding's weight (default 5). */
  weight?: number;
  /** What each finding adds to the conversation's score (default: the weight). */
  score?: number;
  /** The level after a finding: this one, or 'step' for one level up per finding (default 'high'). */
  level?: RiskLevel | 'step';
  /** Keep each finding as a reason of the risk (default true). */
  reasons?: boolean;
  /** Every message text that reached the engine, in order. */
  analysed?: string[];
}

export function fakeEngine(options: FakeEngineOptions): Engine {
  const { ruleId = 'test', weight = 5, level = 'high', reasons = true } = options;
  const score = options.score ?? weight;
  const wordsIn = typeof options.flag === 'string' ? ((word: string) => (text: string) => (text.includes(word) ? word : null))(options.flag) : options.flag;
  return {
    preset: { minShownWeight: 0 } as Engine['preset'],
    problems: [],
    ruleCount: 1,
    analyze: () => [],
    // The real tracker of the stored findings: the tests of reports recompute timelines with it.
    riskTracker: (preset = SENSITIVITY_PRESETS.balanced) => new ConversationRiskTracker(preset),
    conversation(): ConversationAnalyzer {
      let risk: ConversationRisk = { level: 'none', score: 0, alert: false, categories: [], reasons: [] };
      return {
        add(message) {
          options.analysed?.push(message.text);
          const words = wordsIn(message.text);
          const at = words === null ? -1 : message.text.indexOf(words);
          const findings: Finding[] =
            words === null || at < 0
              ? []
              : [{ ruleId, category: 'secrecy', language: 'en', weight, start: at, end: at + words.length, matched: words, adviceKey: 'secrecy', selfCompliance: false }];
          if (findings.length) {
            risk = {
              level: level === 'step' ? STEPS[Math.min(STEPS.indexOf(risk.level) + 1, STEPS.length - 1)] : level,
              score: risk.score + score,
              alert: true,
              categories: ['secrecy'],
              reasons: reasons
                ? [...risk.reasons, { category: 'secrecy', ruleId, messageId: message.id, matched: findings[0].matched, from: message.from, contribution: score }]
                : [],
            };
          }
          return { findings, flagged: findings.length > 0, risk, truncated: false };
        },
        get risk() {
          return risk;
        },
      };
    },
  };
}
