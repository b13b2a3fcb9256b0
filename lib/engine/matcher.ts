/**
 * Compiles a rule pack once into per-view word indexes, then finds the rules each message triggers.
 *
 * Hot path: a message costs one tokenisation, one hash lookup per word per view, and word matchers only for patterns
 * whose anchor word occurs in the message. Most messages run no pattern at all.
 */
import { GrammarContext } from './grammar';
import { expandedToken, getView, languagesOfHints, normalizeMessage, tokenLanguage, wordSpanToOriginal, type NormalizedMessage, type ViewName } from './normalize';
import { compilePhrase, lazyPhrase, matchWork, NodePacker, NodeUnpacker, PatternError, type CompiledPhrase, type PackedNode } from './patterns';
import type { Macros, Pattern, Rule, RulePack } from './rule-schema';
import type { Language } from './taxonomy';
import type { Finding } from './types';

interface CompiledPattern {
  /** The `analyzePiece` call that last took this pattern as a candidate (dedupes candidates without a Set). */
  stamp: number;
  phrase: CompiledPhrase;
  anchors: string[] | null;
  /** `alsoRequired` as ids of word lists: each needs one of its words in the message (see `TokenEntry.requiredLists`). */
  alsoRequired: number[] | null;
  rule: CompiledRule;
  view: ViewName;
  language: Language;
}

interface Hit {
  pattern: CompiledPattern;
  start: number;
  end: number;
}

/** What the patterns of one piece share while they run. */
interface PieceContext {
  message: NormalizedMessage;
  present: Int32Array;
  stamp: number;
  languages: { en: boolean; vi: boolean };
  hits: Map<CompiledRule, Hit[]>;
}

const MAX_HITS_PER_RULE = 6;

export interface CompiledRule {
  rule: Rule;
  /** Position in the pack: findings come out in this order. */
  order: number;
  guards: Map<ViewName, CompiledPhrase[]>;
  /** A rule the user imported: its patterns run after the bundled ones, on a budget of their own. */
  imported: boolean;
  /** Matching work its patterns did (`matchWork` units; counted for imported rules only, see `work`). */
  work: number;
}

export interface RuleSetOptions {
  /** Ids of the rules the user imported (lib/settings/custom-rules.ts); every other rule is bundled. */
  importedRuleIds?: Iterable<string>;
}

interface ViewIndex {
  byWord: Map<string, CompiledPattern[]>;
  /** Patterns anchored on a word prefix ("pic*"): [stem, pattern]. */
  byPrefix: Array<[string, CompiledPattern]>;
}

const NO_PATTERNS: readonly CompiledPattern[] = [];
const NO_IDS: readonly number[] = [];

/** Per raw token: the patterns it anchors (in any view), the required word lists it has a word of, its language hint. */
interface TokenEntry {
  candidates: readonly CompiledPattern[];
  requiredLists: readonly number[];
  language: ReturnType<typeof tokenLanguage>;
}
const TOKEN_CANDIDATE_CACHE = 50_000;

/** A phrase parsed ahead of time, as plain data: its nodes (indexes into the shared table) and anchors. */
export interface PrecompiledPhrase {
  nodes: number[];
  anchors: string[] | null;
  weakAnchor: boolean;
  alsoRequired: string[][] | null;
}
/** Every phrase of a pack parsed ahead of time; `nodes` holds each distinct node once (see NodePacker). */
export interface PrecompiledPhrases {
  nodes: PackedNode[];
  phrases: Record<string, PrecompiledPhrase>;
}

function phraseKey(view: ViewName, source: string): string {
  return `${view}\u0000${source}`;
}

/** Parse every pattern and guard of a pack once, as data to ship with it (build time). */
export function precompilePhrases(pack: RulePack): PrecompiledPhrases {
  const packer = new NodePacker();
  const out: Record<string, PrecompiledPhrase> = {};
  for (const rule of pack.rules) {
    for (const language of rule.languages) {
      for (const pattern of [...rule.patterns, ...(rule.guards ?? [])]) {
        const { source, accents } = patternSource(pattern);
        const view = viewFor(language, accents);
        const key = phraseKey(view, source);
        if (out[key]) continue;
        try {
          const phrase = compilePhrase(source, view, pack.macros[language]);
          out[key] = { nodes: packer.pack(phrase.nodes), anchors: phrase.anchors, weakAnchor: phrase.weakAnchor, alsoRequired: phrase.alsoRequired ?? null };
        } catch (error) {
          if (!(error instanceof PatternError)) throw error;
        }
      }
    }
  }
  return { nodes: packer.table, phrases: out };
}

/** Whether the message has a word of each of these required lists (`present[list] === stamp`). */
function allPresent(required: readonly number[], present: Int32Array, stamp: number): boolean {
  for (let i = 0; i < required.length; i++) if (present[required[i]] !== stamp) return false;
  return true;
}

export interface CompileProblem {
  ruleId: string;
  message: string;
  /** Warnings do not stop a build; errors do. */
  severity: 'error' | 'warning';
}

/** Longest text analysed as one piece; longer messages are analysed in windows (see `analyzeText`). */
export const WINDOW_CHARS = 4000;
const WINDOW_OVERLAP = 200;

function patternSource(pattern: Pattern): { source: string; accents: boolean } {
  return typeof pattern === 'string' ? { source: pattern, accents: false } : { source: pattern.p, accents: pattern.accents === true };
}

function viewFor(language: Language, accents: boolean): ViewName {
  if (language === 'en') return 'en';
  return accents ? 'viAccented' : 'vi';
}

export class CompiledRuleSet {
  readonly rules: CompiledRule[] = [];
  readonly problems: CompileProblem[] = [];
  private readonly indexes = new Map<ViewName, ViewIndex>();
  private readonly alwaysRun: CompiledPattern[] = [];
  private readonly tokens = new Map<string, TokenEntry>();
  /**
   * Ids of the word lists patterns also require (`alsoRequired`, by their words), and per id the last message holding
   * one of its words. Each token marks its lists (cached on the token): a candidate then costs one read per list, not
   * one per word of it (a macro's list has dozens).
   */
  private readonly requiredLists = new Map<string, number>();
  /** Per word, and per "stem*" prefix, the required lists it is in. */
  private readonly listsOfWord = new Map<string, number[]>();
  private readonly listsOfPrefix: Array<[stem: string, list: number]> = [];
  private present = new Int32Array(0);
  private stamp = 0;
  private readonly phrases: Record<string, PrecompiledPhrase>;
  private readonly unpacker: NodeUnpacker;
  private readonly importedIds: ReadonlySet<string>;
  /** Whether any imported rule compiled: only then does the imported tier cost anything. */
  hasImported = false;
  /** Matching work done so far by the bundled and by the imported rules' patterns (`matchWork` units). */
  readonly work = { bundled: 0, imported: 0 };

  /**
   * `phrases` holds patterns parsed ahead of time (the extension parses its bundled rules at build time, see
   * scripts/vite-plugin-rules.ts): parsing ~1,800 phrases costs ~100 ms, which a chat page should not pay.
   */
  constructor(pack: RulePack, phrases?: PrecompiledPhrases, options: RuleSetOptions = {}) {
    this.importedIds = new Set(options.importedRuleIds ?? []);
    this.phrases = phrases?.phrases ?? {};
    this.unpacker = new NodeUnpacker(phrases?.nodes ?? []);
    const seen = new Set<string>();
    for (const rule of pack.rules) {
      if (seen.has(rule.id)) {
        this.problems.push({ ruleId: rule.id, severity: 'error', message: 'duplicate rule id' });
        continue;
      }
      seen.add(rule.id);
      this.addRule(rule, pack.macros);
    }
  }

  private index(view: ViewName): ViewIndex {
    let index = this.indexes.get(view);
    if (!index) {
      index = { byWord: new Map(), byPrefix: [] };
      this.indexes.set(view, index);
    }
    return index;
  }

  private phrase(source: string, view: ViewName, macros: Macros): CompiledPhrase {
    const key = phraseKey(view, source);
    const ready = Object.hasOwn(this.phrases, key) ? this.phrases[key] : undefined;
    if (ready) {
      return lazyPhrase(() => this.unpacker.unpack(ready.nodes), { anchors: ready.anchors, weakAnchor: ready.weakAnchor, alsoRequired: ready.alsoRequired });
    }
    return compilePhrase(source, view, macros);
  }

  private addRule(rule: Rule, macros: RulePack['macros']): void {
    const imported = this.importedIds.has(rule.id);
    const compiled: CompiledRule = { rule, order: this.rules.length, guards: new Map(), imported, work: 0 };
    const patterns: CompiledPattern[] = [];
    try {
      for (const language of rule.languages) {
        const languageMacros: Macros = macros[language];
        for (const pattern of rule.patterns) {
          const { source, accents } = patternSource(pattern);
          const view = viewFor(language, accents);
          const phrase = this.phrase(source, view, languageMacros);
          if (!phrase.anchors || phrase.weakAnchor) {
            this.problems.push({
              ruleId: rule.id,
              severity: 'warning',
              message: `pattern "${source}" has no distinctive word, so it runs on every message`,
            });
          }
          const alsoRequired = phrase.alsoRequired?.map((words) => this.requiredList(words)) ?? null;
          patterns.push({ stamp: 0, phrase, anchors: phrase.anchors, alsoRequired, rule: compiled, view, language });
        }
        for (const guard of rule.guards ?? []) {
          const { source, accents } = patternSource(guard);
          const view = viewFor(language, accents);
          const list = compiled.guards.get(view) ?? [];
          list.push(this.phrase(source, view, languageMacros));
          compiled.guards.set(view, list);
        }
      }
    } catch (error) {
      if (error instanceof PatternError) {
        this.problems.push({ ruleId: rule.id, severity: 'error', message: error.message });
        return;
      }
      throw error;
    }
    this.rules.push(compiled);
    if (imported) this.hasImported = true;
    for (const pattern of patterns) {
      const index = this.index(pattern.view);
      if (!pattern.anchors) {
        this.alwaysRun.push(pattern);
        continue;
      }
      for (const word of pattern.anchors) {
        if (word.endsWith('*')) {
          index.byPrefix.push([word.slice(0, -1), pattern]);
          continue;
        }
        const list = index.byWord.get(word);
        if (list) list.push(pattern);
        else index.byWord.set(word, [pattern]);
      }
    }
  }

  get views(): ViewName[] {
    return [...this.indexes.keys()];
  }

  /** Every distinct pattern and guard of this rule set (for the matching-cost checks in the tests). */
  phrasesInUse(): CompiledPhrase[] {
    const all = new Set<CompiledPhrase>();
    for (const index of this.indexes.values()) for (const list of index.byWord.values()) for (const p of list) all.add(p.phrase);
    for (const index of this.indexes.values()) for (const [, p] of index.byPrefix) all.add(p.phrase);
    for (const pattern of this.alwaysRun) all.add(pattern.phrase);
    for (const rule of this.rules) for (const guards of rule.guards.values()) guards.forEach((g) => all.add(g));
    return [...all];
  }

  /**
   * Every finding in one piece of text (offsets relative to that text). At most one finding per rule. With a
   * `deadline`, no further pattern runs once `now()` has passed it, and the deadline says so. The bundled rules' patterns
   * run first; the imported ones after them, and once they have spent a budget they stop for good
   * (`deadline.importedStopped`) and the bundled ones get a fresh budget: an imported rule file can slow a message
   * down, but never keep the bundled rules from running. `normalized` is the text already normalised, when the caller
   * shares it with the scorer.
   */
  analyzePiece(text: string, deadline?: PieceDeadline, normalized?: NormalizedMessage): Finding[] {
    const message = normalized ?? normalizeMessage(text);
    // Hot path: one cached lookup per raw token says which patterns could match; most messages stop here.
    const stamp = ++this.stamp;
    if (this.present.length < this.requiredLists.size) this.present = new Int32Array(this.requiredLists.size);
    const present = this.present;
    let candidates: CompiledPattern[] | undefined;
    // Language hints counted as in `likelyLanguages`, from the same cached entry.
    let english = 0;
    let vietnamese = 0;
    for (const token of message.tokens) {
      const { candidates: list, requiredLists, language } = this.tokenEntry(token.raw);
      if (language === 1) english++;
      else if (language === 2) vietnamese++;
      for (let i = 0; i < requiredLists.length; i++) present[requiredLists[i]] = stamp;
      for (let i = 0; i < list.length; i++) {
        const pattern = list[i];
        if (pattern.stamp === stamp) continue;
        pattern.stamp = stamp;
        (candidates ??= []).push(pattern);
      }
    }
    for (const pattern of this.alwaysRun) {
      if (pattern.stamp === stamp) continue;
      pattern.stamp = stamp;
      (candidates ??= []).push(pattern);
    }
    if (!candidates) return [];
    let imported: CompiledPattern[] | undefined;
    if (this.hasImported) {
      const bundled: CompiledPattern[] = [];
      for (const pattern of candidates) {
        if (!pattern.rule.imported) bundled.push(pattern);
        else if (!deadline?.importedStopped) (imported ??= []).push(pattern);
      }
      candidates = bundled;
    }
    const context: PieceContext = { message, present, stamp, languages: languagesOfHints(english, vietnamese), hits: new Map() };
    if (candidates.length) {
      const before = matchWork();
      const finished = this.runPatterns(context, candidates, deadline);
      this.work.bundled += matchWork() - before;
      if (!finished && deadline) {
        deadline.stopped = true;
        imported = undefined;
      }
    }
    if (imported) {
      const before = matchWork();
      if (!this.runPatterns(context, imported, deadline) && deadline) {
        deadline.importedStopped = true;
        deadline.at = deadline.now() + deadline.limitMs;
      }
      this.work.imported += matchWork() - before;
    }
    if (context.hits.size === 0) return [];
    return this.confirm(message, context.hits);
  }

  /** Run candidate patterns into `context.hits`; false when the deadline stopped them. */
  private runPatterns(context: PieceContext, patterns: readonly CompiledPattern[], deadline: PieceDeadline | undefined): boolean {
    const { message, present, stamp, languages, hits } = context;
    let run = 0;
    for (const pattern of patterns) {
      if (!languages[pattern.language]) continue;
      if (pattern.alsoRequired && !allPresent(pattern.alsoRequired, present, stamp)) continue;
      // Reading the clock costs as much as a small pattern: look every 8 patterns (each one is bounded, patterns.ts).
      if (deadline && (run++ & 7) === 7 && deadline.now() > deadline.at) return false;
      const previous = hits.get(pattern.rule);
      // One hit per rule is enough, except for rules whose grammar check may reject a hit: they keep every
      // occurrence of every pattern (bounded) so a later valid one still counts.
      if (previous && !pattern.rule.rule.grammar) continue;
      const before = pattern.rule.imported ? matchWork() : 0;
      const view = getView(message, pattern.view);
      const list = previous ?? [];
      if (pattern.rule.rule.grammar) {
        let span = pattern.phrase.find(view.words);
        while (span && list.length < MAX_HITS_PER_RULE) {
          list.push({ pattern, ...wordSpanToOriginal(view, message.tokens, span) });
          // Step past the first word of this match so overlapping later occurrences are found too.
          span = pattern.phrase.find(view.words, span.start + 1);
        }
      } else {
        const span = pattern.phrase.find(view.words);
        if (span) list.push({ pattern, ...wordSpanToOriginal(view, message.tokens, span) });
      }
      if (pattern.rule.imported) pattern.rule.work += matchWork() - before;
      if (list.length) hits.set(pattern.rule, list);
    }
    return true;
  }

  /** The id of a list of words (and "stem*" prefixes) one of which some pattern also requires. */
  private requiredList(words: readonly string[]): number {
    const key = words.join(' ');
    let id = this.requiredLists.get(key);
    if (id === undefined) {
      id = this.requiredLists.size;
      this.requiredLists.set(key, id);
      for (const word of new Set(words)) {
        if (word.endsWith('*')) this.listsOfPrefix.push([word.slice(0, -1), id]);
        else {
          const lists = this.listsOfWord.get(word);
          if (lists) lists.push(id);
          else this.listsOfWord.set(word, [id]);
        }
      }
    }
    return id;
  }

  /** What this raw token becomes in any view: the patterns it anchors and the required lists it has a word of (cached). */
  private tokenEntry(raw: string): TokenEntry {
    const cached = this.tokens.get(raw);
    if (cached) return cached;
    const expanded = expandedToken(raw);
    let candidates: CompiledPattern[] | undefined;
    const requiredLists = new Set<number>();
    for (const [viewName, index] of this.indexes) {
      for (const word of expanded[viewName]) {
        const list = index.byWord.get(word);
        if (list) (candidates ??= []).push(...list);
        for (const [stem, pattern] of index.byPrefix) if (word.startsWith(stem)) (candidates ??= []).push(pattern);
      }
    }
    for (const view of [expanded.en, expanded.vi, expanded.viAccented]) {
      for (const word of view) {
        this.listsOfWord.get(word)?.forEach((id) => requiredLists.add(id));
        for (const [stem, id] of this.listsOfPrefix) if (word.startsWith(stem)) requiredLists.add(id);
      }
    }
    const entry: TokenEntry = { candidates: candidates ?? NO_PATTERNS, requiredLists: requiredLists.size ? [...requiredLists] : NO_IDS, language: tokenLanguage(raw) };
    if (this.tokens.size >= TOKEN_CANDIDATE_CACHE) this.tokens.clear();
    this.tokens.set(raw, entry);
    return entry;
  }

  /** Apply guards and grammar to the rules whose patterns matched. */
  private confirm(message: NormalizedMessage, hits: Map<CompiledRule, Hit[]>): Finding[] {
    let grammar: GrammarContext | undefined;
    const findings: Finding[] = [];
    const ordered = [...hits.entries()].sort((a, b) => a[0].order - b[0].order);
    for (const [compiled, candidates] of ordered) {
      const { rule } = compiled;
      if (this.guarded(message, compiled)) continue;
      const hit = candidates.find((candidate) => {
        if (!rule.grammar || candidate.pattern.language !== 'en') return true;
        grammar ??= new GrammarContext(message.original);
        return grammar.allows(candidate, rule.grammar);
      });
      if (!hit) continue;
      findings.push({
        ruleId: rule.id,
        category: rule.category,
        language: hit.pattern.language,
        weight: rule.weight,
        start: hit.start,
        end: hit.end,
        matched: message.original.slice(hit.start, hit.end),
        adviceKey: rule.advice ?? rule.category,
        selfCompliance: rule.self_compliance === true,
      });
    }
    return findings;
  }

  private guarded(message: NormalizedMessage, compiled: CompiledRule): boolean {
    for (const [viewName, guards] of compiled.guards) {
      const { words } = getView(message, viewName);
      for (const guard of guards) if (guard.find(words)) return true;
    }
    return false;
  }
}

export interface AnalyzeLimits {
  /** At most this many windows of `WINDOW_CHARS` are analysed. */
  maxWindows?: number;
  /** Time budget per message in milliseconds: analysis stops after the window that exceeds it. */
  budgetMs?: number;
  /** Clock (ms), injectable for tests. */
  now?: () => number;
}

const DEFAULT_LIMITS = { maxWindows: 64, budgetMs: 40 };
/**
 * Within one window, patterns stop running only at this multiple of the budget: bundled rules finish a window in
 * about a millisecond, so only an abusive (imported) rule set ever reaches it, and a slow device never loses a
 * finding to it. No single pattern can take long: patterns.ts bounds each one's backtracking (MAX_MATCH_PATHS).
 */
const HARD_LIMIT_FACTOR = 10;

export interface PieceDeadline {
  /** `now()` past which no further pattern runs. */
  at: number;
  now: () => number;
  /** A fresh budget (ms): what the bundled rules get again once the imported rules are stopped. */
  limitMs: number;
  /** Bundled patterns were stopped: findings may be missing. */
  stopped?: boolean;
  /** The imported rules' patterns spent their budget and no longer run on this text. */
  importedStopped?: boolean;
}

/**
 * Analyse a text of any length. Long texts (a pasted 1 MB message) are cut into overlapping windows so that no
 * single pattern ever runs over more than `WINDOW_CHARS` characters; analysis stops after `maxWindows` windows or
 * when the time budget is spent, and says so (`truncated`), so a hostile message cannot freeze a chat page.
 * Imported rules spend the budget first when it runs out: they stop, and the bundled rules go on with a budget of
 * their own. `normalized`: `normalizeMessage(text)` when the caller has it already (used for a text of one window).
 */
export interface TextAnalysis {
  findings: Finding[];
  truncated: boolean;
}

export function analyzeText(rules: CompiledRuleSet, text: string, limits: AnalyzeLimits = {}, normalized?: NormalizedMessage): TextAnalysis {
  const maxWindows = limits.maxWindows ?? DEFAULT_LIMITS.maxWindows;
  const budgetMs = limits.budgetMs ?? DEFAULT_LIMITS.budgetMs;
  const now = limits.now ?? (() => performance.now());
  let started = now();
  const deadline: PieceDeadline = { at: started + budgetMs * HARD_LIMIT_FACTOR, now, limitMs: budgetMs * HARD_LIMIT_FACTOR };
  const truncated = (): boolean => deadline.stopped === true || deadline.importedStopped === true;
  if (text.length <= WINDOW_CHARS) {
    const findings = rules.analyzePiece(text, deadline, normalized);
    return { findings, truncated: truncated() };
  }
  const byRule = new Map<string, Finding>();
  let offset = 0;
  let windows = 0;
  while (offset < text.length && windows < maxWindows) {
    let end = Math.min(text.length, offset + WINDOW_CHARS);
    if (end < text.length) {
      const space = text.lastIndexOf(' ', end);
      if (space > offset + WINDOW_CHARS / 2) end = space;
    }
    const importedRan = deadline.importedStopped !== true;
    for (const finding of rules.analyzePiece(text.slice(offset, end), deadline)) {
      if (byRule.has(finding.ruleId)) continue;
      byRule.set(finding.ruleId, { ...finding, start: finding.start + offset, end: finding.end + offset });
    }
    // The imported rules were stopped in this window: the bundled ones start a budget of their own.
    if (importedRan && deadline.importedStopped) started = now();
    windows++;
    if (deadline.stopped) return { findings: [...byRule.values()], truncated: true };
    if (end >= text.length) return { findings: [...byRule.values()], truncated: truncated() };
    offset = Math.max(offset + 1, end - WINDOW_OVERLAP);
    if (now() - started > budgetMs) {
      if (!rules.hasImported || deadline.importedStopped) break;
      // The imported rules go first: the bundled ones carry on alone, with a budget of their own.
      deadline.importedStopped = true;
      started = now();
      deadline.at = started + deadline.limitMs;
    }
  }
  return { findings: [...byRule.values()], truncated: truncated() || offset < text.length };
}

/**
 * The matching work (`matchWork` units: machine-independent) a rule set does on sample texts (each at most
 * `WINDOW_CHARS` long): in all, and per imported rule (costliest first). Matching stops once `cap` units are done
 * (`capped`), so measuring a hostile rule file stays quick; measure bundled and imported rules in rule sets of their
 * own. Deterministic: the same rules and texts give the same numbers.
 */
export function measureWork(rules: CompiledRuleSet, texts: readonly string[], cap = Infinity): { work: number; capped: boolean; byRule: Array<{ ruleId: string; work: number }> } {
  const ruleBefore = new Map(rules.rules.map((r) => [r, r.work]));
  const origin = matchWork();
  const deadline: PieceDeadline = { at: cap, now: () => matchWork() - origin, limitMs: Infinity };
  for (const text of texts) {
    if (deadline.importedStopped || deadline.stopped) break;
    rules.analyzePiece(text.slice(0, WINDOW_CHARS), deadline);
  }
  const byRule = rules.rules
    .filter((r) => r.imported)
    .map((r) => ({ ruleId: r.rule.id, work: r.work - (ruleBefore.get(r) ?? 0) }))
    .sort((a, b) => b.work - a.work || a.ruleId.localeCompare(b.ruleId));
  return { work: matchWork() - origin, capped: deadline.importedStopped === true || deadline.stopped === true, byRule };
}
