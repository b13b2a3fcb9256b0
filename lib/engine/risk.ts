/**
 * Conversation risk: combines the findings of a conversation's messages into one level, explained by the findings
 * that produced it.
 *
 * Single cues are weak evidence ("don't tell mom, it's a surprise"); what makes a conversation dangerous is the
 * combination of moves over time, said by the other party, and the user going along with them. The model:
 *   evidence   = rule weight, × 0.3 when the user said it, halved for each repeat of the same rule,
 *                halved every `HALF_LIFE_DAYS` of age;
 *   category   = sum of its evidence, capped, so one category repeated cannot reach "critical" alone;
 *   score      = Σ category + bonuses for known dangerous combinations + a bonus per extra category (escalation)
 *                + a bonus when the user complies with a demand;
 *                + a bonus per step of a known script (rules/scripts) once the conversation is named as it;
 *   level      = thresholds of the sensitivity preset;
 *   context    = with a conversation-context model (scorer.ts `ContextModel`), a level that would alert but is
 *                below critical alerts only when the last messages, read together, look like a risky conversation;
 *                otherwise the level stays just below the alert and the risk says why (`ordinaryContext`). The
 *                other way round, a score of at least `EARLY_SHARE` of the alert threshold alerts at once when the
 *                last messages read as clearly risky (≥ `confirm`; `riskyContext`): one cue in a conversation that
 *                already looks like grooming is enough. Once a conversation has alerted, the gate no longer applies;
 *                a finding of a rule the user imported is never held back.
 */
import { isShownOnly } from './combine';
import { leadingScript, stepsInMessage, type CompiledScript, type SeenStep } from './scripts';
import { levelRank, RISK_LEVELS, type CategoryId, type RiskLevel, type Sensitivity } from './taxonomy';
import type { ConversationRisk, Direction, Finding, RiskReason } from './types';

/**
 * The conversation-context model, as the tracker uses it (lib/engine/scorer.ts `ContextModel`): each message's
 * evidence is worked out once, the probability over the last `window` messages.
 */
export interface ContextGate<Evidence = unknown> {
  readonly window: number;
  /** Below this probability an alert (below critical) is held back. */
  readonly threshold: number;
  /** At or above this probability a score of `EARLY_SHARE` of the alert threshold alerts at once. */
  readonly confirm: number;
  evidence(text: string): Evidence;
  probability(parts: readonly Evidence[]): number;
}

export interface SensitivityPreset {
  /** Minimum score for each level above none (any evidence at all is at least "low"). */
  thresholds: { medium: number; high: number; critical: number };
  /** The lowest level the user is warned about. */
  alertLevel: RiskLevel;
  /** Findings below this weight are not shown on their own (they still add to the conversation). */
  minShownWeight: number;
}

export const SENSITIVITY_PRESETS: Record<Sensitivity, SensitivityPreset> = {
  cautious: { thresholds: { medium: 3.5, high: 7, critical: 12 }, alertLevel: 'medium', minShownWeight: 1 },
  balanced: { thresholds: { medium: 5, high: 10, critical: 16 }, alertLevel: 'medium', minShownWeight: 1 },
  relaxed: { thresholds: { medium: 7, high: 12, critical: 20 }, alertLevel: 'high', minShownWeight: 2 },
};

export const DEFAULT_SENSITIVITY: Sensitivity = 'balanced';

const SELF_FACTOR = 0.3;
const REPEAT_FACTOR = 0.5;
const HALF_LIFE_DAYS = 14;
const CATEGORY_CAP = 8;
const COMPLIANCE_BONUS = 3;
/** A category counts toward combinations once the other party's evidence for it reaches this. */
const PRESENT = 1.5;
const MAX_EVIDENCE = 400;
/** Added per step seen of the script a conversation is named as: the script's progress is what makes it dangerous. */
const STEP_BONUS = 2;
const DAY_MS = 86_400_000;
/**
 * With the context model, the share of the alert level's score at which a conversation that reads as clearly risky
 * alerts (balanced: 3 of 5, one cue of weight 3). Chosen on calibration conversations (December 2026): at 0.6 the
 * median delay fell to 0 messages in English and 1 in Vietnamese (from 1 and 2) for one more look-alike alerted; at
 * 0.7 or 0.8 the Vietnamese delay stayed at 2.
 */
export const EARLY_SHARE = 0.6;

/** Categories a user can "comply" with: going along with these is what puts them in danger. */
const COMPLIABLE: readonly CategoryId[] = ['secrecy', 'isolation', 'money', 'monitoring', 'sexual', 'meeting', 'platform_move', 'personal_info'];

/** Known dangerous combinations (cue-taxonomy.md): every category listed must be present. */
const COMBINATIONS: ReadonlyArray<{ categories: CategoryId[]; bonus: number }> = [
  { categories: ['impersonation', 'secrecy'], bonus: 3 },
  { categories: ['impersonation', 'secrecy', 'money'], bonus: 4 },
  { categories: ['impersonation', 'isolation'], bonus: 3 },
  { categories: ['impersonation', 'threat'], bonus: 2 },
  { categories: ['isolation', 'monitoring'], bonus: 4 },
  { categories: ['age_probe', 'secrecy'], bonus: 2 },
  { categories: ['age_probe', 'sexual'], bonus: 3 },
  { categories: ['age_probe', 'secrecy', 'sexual'], bonus: 3 },
  { categories: ['secrecy', 'sexual'], bonus: 3 },
  { categories: ['sexual', 'threat'], bonus: 5 },
  { categories: ['threat', 'money'], bonus: 3 },
  { categories: ['meeting', 'secrecy'], bonus: 3 },
  { categories: ['meeting', 'age_probe'], bonus: 2 },
  { categories: ['platform_move', 'secrecy'], bonus: 2 },
  { categories: ['platform_move', 'sexual'], bonus: 2 },
  { categories: ['gifts_flattery', 'secrecy'], bonus: 2 },
  { categories: ['gifts_flattery', 'sexual'], bonus: 2 },
];

interface Evidence {
  finding: Finding;
  messageId: string;
  from: Direction;
  ts: number | undefined;
  repeat: number;
}

export interface RiskMessage {
  id: string;
  from: Direction;
  ts?: number;
  /** The message text, for recognising script steps (rules/scripts); without it only categories are tracked. */
  text?: string;
}

/**
 * Evidence of what the other side is doing: their own words, and the user disclosing it ("he told me not to tell my
 * parents", said about a call the extension never saw). Findings shown but not counted (talk about danger, or
 * doubted by the scorer) never make a combination.
 */
function countsAsOther(finding: Finding, from: Direction): boolean {
  if (isShownOnly(finding)) return false;
  return from === 'other' || finding.evidence === 'disclosure';
}

export function levelForScore(score: number, preset: SensitivityPreset): RiskLevel {
  if (score >= preset.thresholds.critical) return 'critical';
  if (score >= preset.thresholds.high) return 'high';
  if (score >= preset.thresholds.medium) return 'medium';
  return score > 0 ? 'low' : 'none';
}

export function isAlertLevel(level: RiskLevel, preset: SensitivityPreset): boolean {
  return levelRank(level) >= levelRank(preset.alertLevel);
}

const EMPTY: ConversationRisk = { level: 'none', score: 0, alert: false, categories: [], reasons: [] };

/** Follows one conversation message by message. */
export class ConversationRiskTracker {
  private readonly evidence: Evidence[] = [];
  private readonly repeats = new Map<string, number>();
  private latestTs: number | undefined;
  /** Per script (index in `scripts`), the steps seen so far by step index, in the order they first appeared. */
  private readonly seenSteps: Array<Map<number, SeenStep>>;
  private risk: ConversationRisk = EMPTY;
  /** The risk is worked out when asked for, not after every message: a page scan adds thousands in a row. */
  private stale = false;
  /** Counts changes, so a caller can tell whether a risk it holds is still the current one. */
  version = 0;
  /** The last messages' texts (and their evidence once worked out), for the context gate. */
  private readonly recent: Array<{ text: string; evidence?: unknown }> = [];
  /** The conversation has alerted once: the context gate no longer holds it back. */
  private alerted = false;
  /**
   * The context probability at which the conversation alerted early, if it did: it stays read as risky, so a later
   * score still at the early share keeps the alert (otherwise the next finding would take the warning back).
   */
  private alertedEarly: number | undefined;

  constructor(
    private readonly preset: SensitivityPreset = SENSITIVITY_PRESETS[DEFAULT_SENSITIVITY],
    private readonly scripts: readonly CompiledScript[] = [],
    private readonly context?: ContextGate,
    /** Findings the context gate never holds back (the user's imported rules: the model never overrules them). */
    private readonly neverHeldBack: (finding: Finding) => boolean = () => false,
  ) {
    this.seenSteps = scripts.map(() => new Map<number, SeenStep>());
  }

  get current(): ConversationRisk {
    if (this.stale) {
      this.risk = this.compute();
      this.stale = false;
    }
    return this.risk;
  }

  /** Whether the conversation is already named as a known script (cheap: no risk is worked out). */
  get followsScript(): boolean {
    return this.scripts.length > 0 && leadingScript(this.scripts, this.seenSteps) !== undefined;
  }

  add(message: RiskMessage, findings: readonly Finding[]): ConversationRisk {
    this.addLater(message, findings);
    return this.current;
  }

  /** Like `add`, without working out the risk yet (read `current` when it is needed). */
  addLater(message: RiskMessage, findings: readonly Finding[]): void {
    if (message.ts !== undefined && (this.latestTs === undefined || message.ts > this.latestTs)) this.latestTs = message.ts;
    for (const finding of findings) {
      const key = `${message.from}:${finding.ruleId}`;
      const repeat = this.repeats.get(key) ?? 0;
      this.repeats.set(key, repeat + 1);
      this.evidence.push({ finding, messageId: message.id, from: message.from, ts: message.ts, repeat });
    }
    if (this.evidence.length > MAX_EVIDENCE) this.evidence.splice(0, this.evidence.length - MAX_EVIDENCE);
    if (message.text !== undefined && this.scripts.length && findings.length) this.trackSteps(message, message.text, findings);
    let changed = findings.length > 0 || (message.ts !== undefined && this.evidence.length > 0);
    if (this.context) {
      this.recent.push({ text: message.text ?? '' });
      if (this.recent.length > this.context.window) this.recent.shift();
      // The gate reads the latest messages: a held-back level may alert after any message, findings or not.
      if (!this.alerted && this.evidence.length > 0) changed = true;
    }
    if (changed) {
      this.stale = true;
      this.version++;
    }
    // While the context gate has not let an alert through, it decides after every message, as when each message is
    // read on its own: a page scan adds a whole history before it asks, and an alert the gate gave on the way (early,
    // or released) must stay given. Only then: a conversation without evidence, or already alerted, stays lazy.
    if (this.stale && this.context && !this.alerted && this.evidence.length > 0) {
      this.risk = this.compute();
      this.stale = false;
    }
  }

  /** The context model's probability that the last messages are a risky conversation. */
  private contextProbability(context: ContextGate): number {
    for (const item of this.recent) item.evidence ??= context.evidence(item.text);
    return context.probability(this.recent.map((item) => item.evidence));
  }

  private trackSteps(message: RiskMessage, text: string, findings: readonly Finding[]): void {
    const categories = new Set<CategoryId>();
    for (const finding of findings) {
      if (countsAsOther(finding, message.from)) categories.add(finding.category);
    }
    for (const [script, step] of stepsInMessage(this.scripts, text, categories)) {
      const seen = this.seenSteps[script];
      if (!seen.has(step)) seen.set(step, { step: this.scripts[script].steps[step].id, messageId: message.id, from: message.from });
    }
  }

  private contribution(item: Evidence, otherCategories: ReadonlySet<CategoryId>): number {
    let value = item.finding.weight * REPEAT_FACTOR ** item.repeat;
    if (item.from === 'self' && item.finding.evidence !== 'disclosure') {
      value = item.finding.selfCompliance
        ? COMPLIABLE.some((c) => otherCategories.has(c))
          ? COMPLIANCE_BONUS * REPEAT_FACTOR ** item.repeat
          : 0
        : value * SELF_FACTOR;
    }
    if (item.ts !== undefined && this.latestTs !== undefined && this.latestTs > item.ts) {
      value *= 0.5 ** ((this.latestTs - item.ts) / DAY_MS / HALF_LIFE_DAYS);
    }
    return value;
  }

  private compute(): ConversationRisk {
    if (this.evidence.length === 0) return EMPTY;
    const otherRaw = new Map<CategoryId, number>();
    for (const item of this.evidence) {
      if (!countsAsOther(item.finding, item.from)) continue;
      const c = item.finding.category;
      otherRaw.set(c, (otherRaw.get(c) ?? 0) + item.finding.weight);
    }
    const otherCategories = new Set([...otherRaw.keys()]);

    const byCategory = new Map<CategoryId, number>();
    const reasons: RiskReason[] = [];
    for (const item of this.evidence) {
      const contribution = this.contribution(item, otherCategories);
      if (contribution <= 0) continue;
      const c = item.finding.category;
      byCategory.set(c, (byCategory.get(c) ?? 0) + contribution);
      reasons.push({
        category: c,
        ruleId: item.finding.ruleId,
        messageId: item.messageId,
        matched: item.finding.matched,
        from: item.from,
        contribution: Math.round(contribution * 100) / 100,
      });
    }

    let score = 0;
    for (const value of byCategory.values()) score += Math.min(CATEGORY_CAP, value);

    const otherEvidence = new Map<CategoryId, number>();
    for (const item of this.evidence) {
      if (!countsAsOther(item.finding, item.from)) continue;
      const c = item.finding.category;
      otherEvidence.set(c, (otherEvidence.get(c) ?? 0) + this.contribution(item, otherCategories));
    }
    const present = new Set([...otherEvidence.entries()].filter(([, v]) => v >= PRESENT).map(([c]) => c));
    for (const combination of COMBINATIONS) {
      if (combination.categories.every((c) => present.has(c))) score += combination.bonus;
    }
    if (present.size >= 3) score += 1.5 * (present.size - 2);
    const pattern = leadingScript(this.scripts, this.seenSteps);
    if (pattern) score += STEP_BONUS * pattern.steps.length;

    score = Math.round(score * 100) / 100;
    let level = levelForScore(score, this.preset);
    let ordinaryContext: number | undefined;
    let riskyContext: number | undefined;
    const alertLevel = this.preset.alertLevel;
    const earlyScore = alertLevel !== 'none' && alertLevel !== 'low' && score >= EARLY_SHARE * this.preset.thresholds[alertLevel];
    if (this.context && this.alerted) {
      if (this.alertedEarly !== undefined && earlyScore && !isAlertLevel(level, this.preset)) {
        riskyContext = this.alertedEarly;
        level = alertLevel;
      }
    } else if (this.context) {
      if (isAlertLevel(level, this.preset)) {
        if (level !== 'critical' && !this.evidence.some((item) => this.neverHeldBack(item.finding))) {
          const p = this.contextProbability(this.context);
          if (p < this.context.threshold) {
            ordinaryContext = Math.round(p * 1000) / 1000;
            level = RISK_LEVELS[Math.max(0, RISK_LEVELS.indexOf(alertLevel) - 1)];
          }
        }
      } else if (earlyScore) {
        const p = this.contextProbability(this.context);
        if (p >= this.context.confirm) {
          riskyContext = this.alertedEarly = Math.round(p * 1000) / 1000;
          level = alertLevel;
        }
      }
    }
    const alert = isAlertLevel(level, this.preset);
    if (alert) this.alerted = true;
    reasons.sort((a, b) => b.contribution - a.contribution);
    const categories = [...otherEvidence.entries()].sort((a, b) => b[1] - a[1]).map(([c]) => c);
    const risk: ConversationRisk = { level, score, alert, categories, reasons: reasons.slice(0, 20) };
    if (ordinaryContext !== undefined) risk.ordinaryContext = ordinaryContext;
    if (riskyContext !== undefined) risk.riskyContext = riskyContext;
    if (pattern) risk.pattern = pattern;
    return risk;
  }
}

export { RISK_LEVELS };
