/**
 * Builds a report from stored conversations (the extension's storage shape; the CLI converts parsed chat exports
 * into the same shape). Pure apart from WebCrypto hashing.
 */
import { ConversationRiskTracker, SENSITIVITY_PRESETS } from '../engine/risk';
import { levelRank, type RiskLevel, type Sensitivity } from '../engine/taxonomy';
import type { UiLanguage } from '../i18n';
import { allFindings, isFlagged } from '../storage/conversations';
import { scriptText } from '../i18n/script-text';
import { keyedByName, numberedPictures, pictureNumber } from '../storage/pictures';
import type { PictureSeen, StoredConversation, StoredMessage } from '../storage/schema';

type Finding = StoredMessage['findings'][number];
import { canonicalJson, messageRecordHash, sha256Hex } from './integrity';
import { createRedactor, REDACTED, type RedactionOptions, type Redactor } from './redact';
import {
  CANONICALIZATION,
  REPORT_FORMAT,
  REPORT_SCHEMA_VERSION,
  type Report,
  type ReportContent,
  type ReportConversation,
  type ReportFinding,
  type ReportMessage,
  type ReportParticipant,
  type ReportPattern,
  type TimelinePoint,
} from './schema';

export interface BuildReportOptions {
  /** Language of the printable report and its labels. */
  language: UiLanguage;
  generator: 'extension' | 'cli';
  /** Version of the extension or CLI that made the report. */
  generatorVersion?: string;
  /** Messages kept before and after each flagged message; null or undefined keeps every stored message. */
  contextMessages?: number | null;
  /** Hide the user's name, phone numbers and e-mail addresses; null or undefined hides nothing. */
  redaction?: RedactionOptions | null;
  /** Sensitivity the risk timeline is recomputed with (default balanced). */
  sensitivity?: Sensitivity;
  /**
   * Risk timelines by conversation key, worked out where the engine is (`riskTimeline` with `Engine.riskTracker`: the
   * background for the report page, the CLI's own engine). A conversation without one gets the timeline of its stored
   * findings alone, which leaves out the script steps and the context model.
   */
  timelines?: ReadonlyMap<string, TimelinePoint[]>;
  /** IANA time zone for the printable report (default: this computer's). */
  timeZone?: string;
  /** Report time in ms (default now); tests pass a fixed value. */
  now?: number;
}

/** An ISO 8601 UTC time, or null for a value that is not a usable time. */
export function isoTime(ms: number | undefined | null): string | null {
  if (ms === undefined || ms === null || !Number.isFinite(ms)) return null;
  const date = new Date(ms);
  const year = date.getUTCFullYear();
  if (Number.isNaN(date.getTime()) || year < 1970 || year > 9999) return null;
  return date.toISOString();
}

const EPOCH = new Date(0).toISOString();

export function defaultTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/**
 * Which stored messages a report or the report page shows: every flagged message and up to `context` messages
 * before and after each. Returns indexes into `messages`, ascending. `null` keeps all.
 */
export function selectContext(messages: readonly Pick<StoredMessage, 'findings' | 'edits'>[], context: number | null | undefined): number[] {
  if (context === null || context === undefined) return messages.map((_, i) => i);
  const keep = new Set<number>();
  messages.forEach((message, i) => {
    if (!isFlagged(message)) return;
    for (let j = Math.max(0, i - context); j <= Math.min(messages.length - 1, i + context); j++) keep.add(j);
  });
  return [...keep].sort((a, b) => a - b);
}

/** Timeline points kept per conversation at most (flagged messages are always kept). */
export const MAX_TIMELINE_POINTS = 400;

/**
 * The conversation's risk after each stored message, recomputed from the stored findings with `tracker`: the engine's
 * (`Engine.riskTracker`, which also reads the script steps and the context model from the texts, as when the messages
 * were first read), else one that reads the findings alone at the balanced sensitivity. Long conversations (a
 * 100,000-message chat export) are sampled evenly down to about MAX_TIMELINE_POINTS, always keeping the first, the
 * last and every flagged message.
 */
export function riskTimeline(
  conversation: Pick<StoredConversation, 'messages'>,
  tracker: ConversationRiskTracker = findingsOnlyTracker('balanced'),
  maxPoints = MAX_TIMELINE_POINTS,
): TimelinePoint[] {
  const count = conversation.messages.length;
  const step = Math.max(1, Math.ceil(count / Math.max(1, maxPoints)));
  const points: TimelinePoint[] = [];
  conversation.messages.forEach((message, index) => {
    const findings = allFindings(message);
    const risk = tracker.add({ id: message.id, from: message.from, ts: message.ts, text: message.text }, findings);
    if (index % step === 0 || index === count - 1 || findings.length > 0) {
      points.push({ messageIndex: index, at: isoTime(message.ts ?? message.seenAt), score: risk.score, level: risk.level });
    }
  });
  return points;
}

/** A tracker of the stored findings alone (no script steps, no context model): where no engine is at hand. */
export function findingsOnlyTracker(sensitivity: Sensitivity = 'balanced'): ConversationRiskTracker {
  return new ConversationRiskTracker(SENSITIVITY_PRESETS[sensitivity]);
}

function highest(levels: Iterable<RiskLevel>): RiskLevel {
  let out: RiskLevel = 'none';
  for (const level of levels) if (levelRank(level) > levelRank(out)) out = level;
  return out;
}

/**
 * An offset moved off the middle of a surrogate pair (an emoji) or of a CRLF line end, so a highlight never splits
 * a character: the printable report would write half of it, which a UTF-8 file cannot hold, or a lone CR, which
 * line-end normalisation turns into a second line end (tests/unit/trust-exports.test.ts).
 */
function wholeCharacter(text: string, offset: number, direction: -1 | 1): number {
  const before = text.charCodeAt(offset - 1);
  const at = text.charCodeAt(offset);
  const splitsPair = before >= 0xd800 && before <= 0xdbff && at >= 0xdc00 && at <= 0xdfff;
  const splitsLineEnd = before === 13 && at === 10;
  return splitsPair || splitsLineEnd ? offset + (direction < 0 ? -1 : 1) : offset;
}

/** One version of a message's text as the report shows it: findings sorted and on whole characters, redacted. */
function reportVersion(
  source: string,
  stored: readonly Finding[],
  from: StoredMessage['from'],
  redactor: Redactor | null,
): { text: string; findings: ReportFinding[]; originalFindings: ReportFinding[]; redactions: ReportMessage['redactions'] } {
  let text = source;
  let findings = [...stored]
    .filter((f) => f.start <= f.end && f.end <= source.length)
    .sort((a, b) => a.start - b.start || a.end - b.end)
    .map((f) => ({
      ruleId: f.ruleId,
      category: f.category,
      language: f.language,
      weight: f.weight,
      start: wholeCharacter(source, f.start, -1),
      end: wholeCharacter(source, f.end, 1),
      matched: f.matched,
    }));
  const originalFindings = findings;
  let redactions: ReportMessage['redactions'];
  if (redactor) {
    const redacted = redactor.text(source, from);
    text = redacted.text;
    findings = findings.map((f) => {
      const start = redacted.map(f.start, 'start');
      const end = Math.max(start, redacted.map(f.end, 'end'));
      return { ...f, start, end, matched: text.slice(start, end) };
    });
    if (redacted.spans.length) redactions = redacted.spans;
  } else {
    findings = findings.map((f) => ({ ...f, matched: text.slice(f.start, f.end) }));
  }
  return { text, findings, originalFindings, redactions };
}

/**
 * The pictures to mark messages with (a name-keyed conversation shown with two or more), else null: a message's
 * picture as its number among them.
 */
type PictureMarks = readonly PictureSeen[] | null;

async function buildMessage(conversation: StoredConversation, index: number, redactor: Redactor | null, pictures: PictureMarks): Promise<ReportMessage> {
  const message = conversation.messages[index];
  const { text, findings, originalFindings, redactions } = reportVersion(message.text, message.findings, message.from, redactor);
  const originalSender = message.sender || null;
  let sender = originalSender;
  if (redactor && sender !== null) sender = message.from === 'self' && redactor.settings.ownName ? REDACTED.name : redactor.label(sender, message.from);
  const sentAt = isoTime(message.ts);
  const seenAt = isoTime(message.seenAt) ?? EPOCH;
  const record = { conversation: conversation.key, index, id: message.id, from: message.from, sentAt, seenAt };
  const sha256 = await messageRecordHash({ ...record, sender, text, findings });
  const edits = message.edits?.map((edit) => {
    const { text: editText, findings: editFindings } = reportVersion(edit.text, edit.findings, message.from, redactor);
    return {
      seenAt: isoTime(edit.seenAt) ?? EPOCH,
      text: editText,
      findings: editFindings,
      flagged: editFindings.length > 0,
      ...(edit.original ? { original: { ...edit.original } } : {}),
      ...(pictures ? { picture: pictureNumber(pictures, edit.picture) } : {}),
    };
  });
  const built: ReportMessage = {
    index,
    id: message.id,
    from: message.from,
    sender,
    sentAt,
    seenAt,
    text,
    flagged: findings.length > 0 || (edits?.some((e) => e.flagged) ?? false),
    findings,
    ...(message.original ? { original: { ...message.original } } : {}),
    ...(edits?.length ? { edits } : {}),
    ...(pictures ? { picture: pictureNumber(pictures, message.picture) } : {}),
    sha256,
  };
  if (redactions || sender !== originalSender) {
    // What the message was before it was hidden: the same record hash a report without redaction gives it.
    built.redactions = redactions ?? [];
    built.originalSha256 = await messageRecordHash({ ...record, sender: originalSender, text: message.text, findings: originalFindings });
  }
  return built;
}

function participantsOf(messages: readonly ReportMessage[]): ReportParticipant[] {
  const byKey = new Map<string, ReportParticipant>();
  byKey.set('self\u0000', { role: 'self', name: null, messageCount: 0 });
  for (const message of messages) {
    const key = `${message.from}\u0000${message.sender ?? ''}`;
    const entry = byKey.get(key) ?? { role: message.from, name: message.sender, messageCount: 0 };
    entry.messageCount++;
    byKey.set(key, entry);
  }
  const selfNamed = [...byKey.values()].some((p) => p.role === 'self' && p.name !== null);
  return [...byKey.values()]
    .filter((p) => p.messageCount > 0 || (p.role === 'self' && !selfNamed))
    .sort((a, b) => (a.role === b.role ? b.messageCount - a.messageCount : a.role === 'self' ? -1 : 1));
}

/** The known script a conversation follows, named in the report's language (its ids when this build does not know it). */
function patternOf(risk: StoredConversation['risk'], language: UiLanguage): ReportPattern | undefined {
  const pattern = risk.pattern;
  if (!pattern) return undefined;
  const text = scriptText(language, pattern.script);
  return {
    script: pattern.script,
    name: text?.name ?? pattern.script,
    steps: pattern.steps.map((s) => ({ step: s.step, name: text?.steps[s.step] ?? s.step, messageId: s.messageId, from: s.from })),
    total: pattern.total,
  };
}

async function buildConversation(conversation: StoredConversation, options: BuildReportOptions, redactor: Redactor | null): Promise<ReportConversation> {
  const indexes = selectContext(conversation.messages, options.contextMessages);
  const byName = keyedByName(conversation.key);
  const pictures = byName ? numberedPictures(conversation) : [];
  const marks: PictureMarks = pictures.length > 1 ? pictures : null;
  const messages: ReportMessage[] = [];
  // Hash in batches: a long chat export can hold 100,000 messages.
  for (let start = 0; start < indexes.length; start += 1000) {
    messages.push(...(await Promise.all(indexes.slice(start, start + 1000).map((index) => buildMessage(conversation, index, redactor, marks)))));
  }
  const label = (text: string, from: 'self' | 'other' = 'other') => (redactor ? redactor.label(text, from) : text);
  const pattern = patternOf(conversation.risk, options.language);
  return {
    key: conversation.key,
    site: conversation.site,
    title: label(conversation.title),
    ...((conversation.titles?.length ?? 0) > 1 ? { titles: conversation.titles!.map((t) => ({ title: label(t.title), at: isoTime(t.at) ?? EPOCH })) } : {}),
    ...(byName ? { keyedByName: { pictures: pictures.map((p, i) => ({ number: i + 1, fingerprint: p.fingerprint, firstSeen: isoTime(p.at) ?? EPOCH })) } } : {}),
    url: conversation.url,
    firstSeen: isoTime(conversation.firstSeen) ?? EPOCH,
    lastUpdated: isoTime(conversation.updatedAt) ?? EPOCH,
    savedByUser: conversation.saved,
    level: conversation.risk.level,
    peakLevel: highest([conversation.peakLevel, conversation.risk.level]),
    score: conversation.risk.score,
    categories: [...conversation.risk.categories],
    ...(pattern ? { pattern } : {}),
    reasons: conversation.risk.reasons.map((r) => ({ ...r, matched: label(r.matched, r.from) })),
    participants: participantsOf(messages),
    storedMessageCount: conversation.messages.length,
    ...(conversation.overBudget?.messages ? { notKept: { messages: conversation.overBudget.messages, since: isoTime(conversation.overBudget.since) ?? EPOCH } } : {}),
    omittedMessageCount: conversation.messages.length - messages.length,
    messages,
    timeline: options.timelines?.get(conversation.key) ?? riskTimeline(conversation, findingsOnlyTracker(options.sensitivity)),
  };
}

/** SHA-256 of the canonical JSON of a report without its `integrity` member. */
export function reportContentHash(report: ReportContent | Report): Promise<string> {
  const content: Record<string, unknown> = { ...report };
  delete content.integrity;
  return sha256Hex(canonicalJson(content));
}

/**
 * Every string as a file can hold it: a lone surrogate (half an emoji, from a page or a broken export) becomes U+FFFD,
 * one code unit for one, so offsets stay right. Without this a CSV or HTML export written as UTF-8 no longer matched
 * its own hashes (tests/unit/trust-exports.test.ts).
 */
function wellFormed<T>(value: T): T {
  if (typeof value === 'string') return value.toWellFormed() as T;
  if (Array.isArray(value)) return value.map(wellFormed) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, wellFormed(v)])) as T;
  return value;
}

export async function buildReport(input: readonly StoredConversation[], options: BuildReportOptions): Promise<Report> {
  const conversations = input.map(wellFormed);
  const redaction = options.redaction ?? null;
  const redactor = redaction && (redaction.phones || redaction.emails || (redaction.ownNames ?? []).some((n) => [...n.trim()].length >= 2)) ? createRedactor(redaction) : null;
  const built: ReportConversation[] = [];
  for (const conversation of conversations) built.push(await buildConversation(conversation, options, redactor));
  const allMessages = built.flatMap((c) => c.messages);
  const times = allMessages.map((m) => m.sentAt ?? m.seenAt).sort();
  const content: ReportContent = {
    format: REPORT_FORMAT,
    schemaVersion: REPORT_SCHEMA_VERSION,
    generatedAt: isoTime(options.now ?? Date.now()) ?? EPOCH,
    generator: { name: 'not-alone', kind: options.generator, version: (options.generatorVersion ?? 'unknown').slice(0, 40) },
    language: options.language,
    timeZone: (options.timeZone ?? defaultTimeZone()).slice(0, 64),
    settings: {
      contextMessages: options.contextMessages ?? null,
      sensitivity: options.sensitivity ?? 'balanced',
      redaction: redactor ? redactor.settings : null,
    },
    summary: {
      conversations: built.length,
      messages: allMessages.length,
      flaggedMessages: allMessages.filter((m) => m.flagged).length,
      highestLevel: highest(built.map((c) => c.level)),
      from: times[0] ?? null,
      to: times[times.length - 1] ?? null,
    },
    conversations: built,
  };
  return { ...content, integrity: { algorithm: 'SHA-256', canonicalization: CANONICALIZATION, contentSha256: await reportContentHash(content) } };
}
