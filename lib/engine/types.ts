import type { Scorer } from './scorer';
import type { RuntimeScript } from './script-schema';
import type { CategoryId, Language, RiskLevel, Sensitivity } from './taxonomy';

/** Who wrote a message, seen from the person the extension protects. */
export type Direction = 'self' | 'other';

/** One chat message as every source (web page, export file, JSONL) hands it to the engine. */
export interface ChatMessage {
  /** Stable id within its conversation. */
  id: string;
  /** Conversation id (site + thread, export file + chat, or the JSONL `conversation`). */
  conversation: string;
  from: Direction;
  /** The message text as the user saw it. Untrusted: never render as HTML. */
  text: string;
  /** Milliseconds since the epoch, when known. */
  ts?: number;
  /** Display name of the sender, when known. */
  sender?: string;
}

/** One rule hit inside one message. Offsets index the ORIGINAL text (UTF-16 code units), end exclusive. */
export interface Finding {
  ruleId: string;
  category: CategoryId;
  language: Language;
  weight: number;
  start: number;
  end: number;
  /** `text.slice(start, end)` of the original message: the words that triggered the rule. */
  matched: string;
  adviceKey: string;
  /** The rule detects the user complying with a demand ("ok I won't tell"). */
  selfCompliance: boolean;
  /**
   * How the learned scorer read the message (lib/engine/combine.ts): `talk` (talk about danger: shown, not
   * counted), `doubt` (the scorer is sure it is benign: shown, not counted), `disclosure` (the user telling what is
   * happening to them: counted in full). Absent: an ordinary finding.
   */
  evidence?: 'talk' | 'doubt' | 'disclosure';
  /**
   * The cue began in the same sender's previous message ("dont tell" … "ur parents"): `start`/`end` and `matched`
   * are its part in this message.
   */
  continues?: boolean;
}

export interface RiskReason {
  category: CategoryId;
  ruleId: string;
  messageId: string;
  matched: string;
  from: Direction;
  /** The evidence this finding contributed after direction, repetition and decay. */
  contribution: number;
}

/** A step of a known script (rules/scripts) seen in a conversation. */
export interface SeenStep {
  step: string;
  messageId: string;
  from: Direction;
}

/** How far a conversation follows a script: its steps seen so far, in the order they first appeared. */
export interface ScriptProgress {
  script: string;
  steps: SeenStep[];
  /** Number of steps the script has. */
  total: number;
}

export interface ConversationRisk {
  level: RiskLevel;
  score: number;
  /** True when the level is one the user is warned about at the engine's sensitivity. */
  alert: boolean;
  /** Categories seen from the other party, strongest first. */
  categories: CategoryId[];
  /** The findings that produced the level, strongest first. */
  reasons: RiskReason[];
  /** The known script (rules/scripts) this conversation follows, once enough of its steps have shown. */
  pattern?: ScriptProgress;
  /**
   * Set when the score reached an alert level but the last messages, read together, look like an ordinary
   * conversation (the context model's probability, below its threshold): the level is held just below the alert.
   */
  ordinaryContext?: number;
  /**
   * Set when a score below the alert level alerted because the last messages, read together, look clearly like a
   * risky conversation (the context model's probability, at or above its `confirm` threshold).
   */
  riskyContext?: number;
}

export interface EngineOptions {
  sensitivity?: Sensitivity;
  /** Categories switched off by the user. */
  disabledCategories?: readonly CategoryId[];
  /** Languages whose rules run (default: all). */
  languages?: readonly Language[];
  /** The learned scorer (lib/engine/scorer.ts); without it the rules decide alone. */
  scorer?: Scorer;
  /** Rules the user imported: the scorer never overrules them. */
  userRuleIds?: readonly string[];
  /** Known manipulation scripts (rules/scripts) whose steps the conversation risk tracks. */
  scripts?: readonly RuntimeScript[];
}

export type { CategoryId, Language, RiskLevel, Sensitivity };
