/**
 * Phrase-pattern compiler (syntax in rules/README.md). A pattern becomes a word matcher over a normalised view's
 * words, plus an "anchor": a set of words one of which every match must contain, so the matcher can skip the pattern
 * for messages that contain none of them.
 *
 * Why not a RegExp: a pattern is a sequence of whole words, and ~1,700 patterns made ~1,700 RegExps whose
 * compilation alone (~0.1 ms each on first use, V8 compiles lazily) cost ~150 ms on a first scan. The word matcher
 * walks the parsed nodes (nothing to compile), compares words with `===` and shares the parsed macros. Its semantics
 * are exactly those of the RegExp the pattern used to be (`phraseRegExp`, kept as the test oracle): leftmost match,
 * then alternatives in order, optional groups and gaps greedy.
 */
import { expandWord, foldDiacritics, normalizeWord, squeeze, type ViewName } from './normalize';

export type PatternNode =
  | { kind: 'word'; words: string[] }
  | { kind: 'prefix'; stem: string }
  | { kind: 'group'; alternatives: PatternNode[][]; optional: boolean }
  | { kind: 'gap'; max: number }
  | { kind: 'number' }
  | { kind: 'question' };

/** Words [start, end) of a view. */
export interface WordSpan {
  start: number;
  end: number;
}

export interface CompiledPhrase {
  /** The first match starting at word `from` or later, or null. */
  find(words: readonly string[], from?: number): WordSpan | null;
  /** The parsed pattern (shared macro nodes included): what `precompilePhrases` ships and `phraseRegExp` reads. */
  nodes: readonly PatternNode[];
  /**
   * Words of which every match contains at least one ("stem*" stands for any word starting with stem); null when
   * no such set exists (the pattern then runs on every message).
   */
  anchors: string[] | null;
  /** True when the anchors are all very common words: the pattern works but rarely gets skipped. */
  weakAnchor: boolean;
  /**
   * More such sets, one per other required part of the pattern (rarest first): a candidate whose message lacks the
   * words of any of them cannot match, so the pattern is not run. Null when the pattern has no other required part.
   */
  alsoRequired?: string[][] | null;
}

export class PatternError extends Error {
  constructor(
    message: string,
    readonly pattern: string,
  ) {
    super(`${message} in pattern "${pattern}"`);
    this.name = 'PatternError';
  }
}

/** Words so common that indexing a pattern by them saves nothing, per language view. */
const COMMON_EN = new Set([
  'you', 'your', 'i', 'me', 'my', 'a', 'an', 'the', 'to', 'and', 'or', 'is', 'are', 'am', 'be', 'do', 'not', 'it',
  'in', 'on', 'of', 'for', 'we', 'us', 'that', 'this', 'so', 'if', 'can', 'wil', 'with', 'at', 'what', 'ok',
]);
const COMMON_VI = new Set([
  'em', 'anh', 'chi', 'toi', 'minh', 'ban', 'khong', 'co', 'la', 'va', 'di', 'nhe', 'nha', 'roi', 'thi', 'cho',
  'cua', 'voi', 'duoc', 'se', 'da', 'dang', 'nay', 'do', 'ma', 'gi', 'vay', 'a', 'oi', 'chị', 'tôi', 'mình',
  'bạn', 'không', 'có', 'là', 'và', 'đi', 'nhé', 'rồi', 'thì', 'của', 'với', 'được', 'sẽ', 'đã', 'đang', 'này',
  'đó', 'mà', 'gì', 'vậy', 'à', 'ơi',
]);

/** Frequent verbs and function words: fine anchors when nothing rarer is in the pattern, but avoided when possible. */
const FREQUENT_WORDS = new Set([
  'send', 'give', 'have', 'get', 'take', 'show', 'tel', 'make', 'go', 'come', 'want', 'know', 'ned', 'let', 'se',
  'say', 'talk', 'cal', 'now', 'just', 'one', 'al', 'any', 'some', 'them', 'they', 'he', 'she', 'his', 'her', 'our',
  'nhan', 'bao', 'biet', 'gui', 'chuyen', 'lien', 'may', 'cuoc', 'dong', 'quan', 'nghi', 'noi', 'lam', 'muon', 'can',
  'ai', 'nguoi', 'cai', 'con', 'ra', 'vao', 'len', 'xuong', 'qua', 'hay', 'nhieu', 'mot', 'hai', 'ba', 'bo', 'me',
  // Everyday words that would otherwise make patterns run on ordinary chat ("good night", "school tomorrow").
  'school', 'night', 'god', 'down', 'time', 'today', 'tomorow', 'home', 'back', 'out', 'up', 'day', 'like', 'love',
  'new', 'here', 'there', 'way', 'right', 'thing', 'people', 'game', 'phone', 'work', 'class', 'friend', 'friends',
  'mom', 'dad', 'tonight', 'later', 'after', 'before', 'realy', 'too', 'more', 'much', 'the', 'them', 'then', 'when',
  'hoc', 've', 'an', 'com', 'ngay', 'mai', 'nay', 'gio', 'nha', 'truong', 'lop', 'ban', 'the', 'thi', 'xem', 'choi',
  'dau', 'luc', 'toi', 'sang', 'chieu', 'tuan', 'nam', 'thang', 'roi', 'chua', 'nua', 'lai', 'het', 'luon', 'o', 'thu',
  'vien', 'muon', 'last', 'did', 'yo', 'rn', 'chut', 'tao', 'may',
]);

const MAX_GAP = 8;
const MAX_MACRO_DEPTH = 4;

interface ParseContext {
  view: ViewName;
  macros: Readonly<Record<string, string>>;
  depth: number;
  source: string;
}

function lex(source: string): string[] {
  const tokens: string[] = [];
  const re = /\s*(\(|\)|\[|\]|\||~\d+|\{[a-z0-9_]+\}|\?|[\p{L}\p{M}0-9'’]+\*?)/uy;
  let index = 0;
  while (index < source.length) {
    if (/^\s*$/.test(source.slice(index))) break;
    re.lastIndex = index;
    const m = re.exec(source);
    if (!m) throw new PatternError(`unexpected "${source.slice(index).trim()[0] ?? ''}" at ${index}`, source);
    tokens.push(m[1]);
    index = re.lastIndex;
  }
  return tokens;
}

function parseAlternatives(tokens: string[], pos: { i: number }, ctx: ParseContext, closer: string | null): PatternNode[][] {
  const alternatives: PatternNode[][] = [parseSequence(tokens, pos, ctx)];
  while (pos.i < tokens.length && tokens[pos.i] === '|') {
    pos.i++;
    alternatives.push(parseSequence(tokens, pos, ctx));
  }
  if (closer !== null) {
    if (tokens[pos.i] !== closer) throw new PatternError(`missing "${closer}"`, ctx.source);
    pos.i++;
  } else if (pos.i < tokens.length) {
    throw new PatternError(`unexpected "${tokens[pos.i]}"`, ctx.source);
  }
  for (const alternative of alternatives) {
    if (alternative.length === 0) throw new PatternError('empty alternative', ctx.source);
  }
  return alternatives;
}

function parseSequence(tokens: string[], pos: { i: number }, ctx: ParseContext): PatternNode[] {
  const nodes: PatternNode[] = [];
  while (pos.i < tokens.length) {
    const token = tokens[pos.i];
    if (token === '|' || token === ')' || token === ']') break;
    pos.i++;
    if (token === '(' || token === '[') {
      const alternatives = parseAlternatives(tokens, pos, ctx, token === '(' ? ')' : ']');
      nodes.push({ kind: 'group', alternatives, optional: token === '[' });
    } else if (token.startsWith('~')) {
      const max = Number(token.slice(1));
      if (max < 1 || max > MAX_GAP) throw new PatternError(`a gap is ~1 to ~${MAX_GAP}`, ctx.source);
      nodes.push({ kind: 'gap', max });
    } else if (token === '?') {
      nodes.push({ kind: 'question' });
    } else if (token.startsWith('{')) {
      nodes.push(expandMacro(token.slice(1, -1), ctx));
    } else if (token.endsWith('*')) {
      const stem = normalizeWord(token.slice(0, -1), ctx.view);
      if (stem.length < 2) throw new PatternError(`prefix "${token}" is too short`, ctx.source);
      nodes.push({ kind: 'prefix', stem });
    } else {
      nodes.push({ kind: 'word', words: expandWord(token, ctx.view) });
    }
  }
  return nodes;
}

/** Parsed macros per macro table, view, nesting depth and name: a pack uses the same macros hundreds of times. */
const macroCache = new WeakMap<Readonly<Record<string, string>>, Map<string, PatternNode>>();
/** RegExp source of each (shared, immutable) node. */
const sourceCache = new WeakMap<PatternNode, string>();

function expandMacro(name: string, ctx: ParseContext): PatternNode {
  if (name === 'num') return { kind: 'number' };
  const body = ctx.macros[name];
  if (body === undefined) throw new PatternError(`unknown macro {${name}}`, ctx.source);
  if (ctx.depth >= MAX_MACRO_DEPTH) throw new PatternError(`macros nested deeper than ${MAX_MACRO_DEPTH}`, ctx.source);
  let cache = macroCache.get(ctx.macros);
  if (!cache) {
    cache = new Map();
    macroCache.set(ctx.macros, cache);
  }
  const key = `${ctx.view}\u0000${ctx.depth}\u0000${name}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const inner: ParseContext = { ...ctx, depth: ctx.depth + 1, source: body };
  const alternatives = parseAlternatives(lex(body), { i: 0 }, inner, null);
  const node: PatternNode = { kind: 'group', alternatives, optional: false };
  cache.set(key, node);
  return node;
}

function escapeWord(word: string): string {
  return word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function sequenceSource(nodes: readonly PatternNode[]): string {
  return nodes.map(nodeSource).join('');
}

function nodeSource(node: PatternNode): string {
  let source = sourceCache.get(node);
  if (source === undefined) {
    source = buildNodeSource(node);
    sourceCache.set(node, source);
  }
  return source;
}

function buildNodeSource(node: PatternNode): string {
  switch (node.kind) {
    case 'word':
      return node.words.map((w) => ' ' + escapeWord(w)).join('');
    case 'prefix':
      return ' ' + escapeWord(node.stem) + '[^ ]*';
    case 'group':
      return '(?:' + node.alternatives.map(sequenceSource).join('|') + ')' + (node.optional ? '?' : '');
    case 'gap':
      return `(?: [^ ]+){0,${node.max}}`;
    case 'number':
      return ' [0-9][^ ]*';
    case 'question':
      return ' \\?';
  }
}

interface AnchorChoice {
  words: string[];
  cost: number;
}

function wordCost(word: string, common: ReadonlySet<string>): number {
  // Accented words ("ở", "mẹ") are judged by their plain form: as common in chats as their folded twins.
  const plain = squeeze(foldDiacritics(word));
  if (common.has(word) || common.has(plain)) return 100;
  if (FREQUENT_WORDS.has(plain)) return 20;
  return word.length <= 2 ? 8 : word.length <= 3 ? 3 : 1;
}

function sequenceAnchor(nodes: readonly PatternNode[], common: ReadonlySet<string>): AnchorChoice | null {
  let best: AnchorChoice | null = null;
  for (const node of nodes) {
    const choice = nodeAnchor(node, common);
    if (choice && (!best || choice.cost < best.cost)) best = choice;
  }
  return best;
}

function sameAnchor(a: AnchorChoice, b: AnchorChoice): boolean {
  return a.words.length === b.words.length && a.words.every((w, i) => w === b.words[i]);
}

function nodeAnchor(node: PatternNode, common: ReadonlySet<string>): AnchorChoice | null {
  if (node.kind === 'word') {
    let best = node.words[0];
    for (const w of node.words) if (wordCost(w, common) < wordCost(best, common)) best = w;
    return { words: [best], cost: wordCost(best, common) };
  }
  if (node.kind === 'prefix') {
    // A prefix anchor ("pic*") is written with its star; the matcher tests words that start with the stem.
    return { words: [node.stem + '*'], cost: wordCost(node.stem, common) + 2 };
  }
  if (node.kind === 'group' && !node.optional) {
    const words: string[] = [];
    let cost = 0;
    for (const alternative of node.alternatives) {
      const choice = sequenceAnchor(alternative, common);
      if (!choice) return null;
      words.push(...choice.words);
      cost += choice.cost;
    }
    return { words: [...new Set(words)], cost };
  }
  return null;
}

/**
 * Most ways a pattern may match from one position: a bound on the RegExp engine's backtracking there. Gaps and
 * optional groups multiply it (`~8 ~8 ~8 ~8 ~8 ~8` is 9^6 paths and freezes a page for seconds on one message), and
 * so do groups whose alternatives can begin with the same word (`(a|a b) (a|a b) …`). Alternatives that begin with
 * different words exclude each other: at most one class of them gets past its first word. A prefix (`pic*`) or a
 * number matches one way, because whatever follows it starts with a space. Bundled rules stay far below the limit;
 * the limit is there for imported rule files (ARCHITECTURE.md, docs/threat-model.md).
 */
export const MAX_MATCH_PATHS = 4096;

function sequencePaths(nodes: readonly PatternNode[]): number {
  let paths = 1;
  for (const node of nodes) paths = Math.min(Number.MAX_SAFE_INTEGER, paths * nodePaths(node));
  return paths;
}

/** The literal words a sequence can begin with, or null when it can begin with any word. */
function firstWords(nodes: readonly PatternNode[]): Set<string> | null {
  const first = nodes[0];
  if (first?.kind === 'word') return new Set([first.words[0]]);
  if (first?.kind === 'question') return new Set(['?']);
  if (first?.kind === 'group' && !first.optional) {
    const words = new Set<string>();
    for (const alternative of first.alternatives) {
      const inner = firstWords(alternative);
      if (!inner) return null;
      inner.forEach((w) => words.add(w));
    }
    return words;
  }
  return null;
}

/** The word sequences a run of plain words (or a group of such runs) stands for; null when it holds anything else. */
function literalSequences(nodes: readonly PatternNode[]): string[][] | null {
  if (nodes.length === 1 && nodes[0].kind === 'group' && !nodes[0].optional) {
    const all: string[][] = [];
    for (const alternative of nodes[0].alternatives) {
      const inner = literalSequences(alternative);
      if (!inner) return null;
      all.push(...inner);
    }
    return all;
  }
  const words: string[] = [];
  for (const node of nodes) {
    if (node.kind !== 'word') return null;
    words.push(...node.words);
  }
  return [words];
}

/** How many of these word sequences can match at one place: those that are prefixes of one another. */
function longestPrefixChain(sequences: readonly string[][]): number {
  let best = 0;
  for (const longer of sequences) {
    let chain = 0;
    for (const shorter of sequences) {
      if (shorter.length <= longer.length && shorter.every((w, i) => w === longer[i])) chain++;
    }
    best = Math.max(best, chain);
  }
  return best;
}

function nodePaths(node: PatternNode): number {
  if (node.kind === 'gap') return node.max + 1;
  if (node.kind !== 'group') return 1;
  let wild = node.optional ? 1 : 0;
  // Per first word: the literal alternatives (only a chain of prefixes can match together) and the others.
  const classes = new Map<string, { literals: string[][]; paths: number }>();
  const classOf = (word: string) => {
    let found = classes.get(word);
    if (!found) classes.set(word, (found = { literals: [], paths: 0 }));
    return found;
  };
  for (const alternative of node.alternatives) {
    const literals = literalSequences(alternative);
    if (literals) {
      for (const sequence of literals) classOf(sequence[0]).literals.push(sequence);
      continue;
    }
    const paths = sequencePaths(alternative);
    const words = firstWords(alternative);
    if (!words) wild += paths;
    else for (const word of words) classOf(word).paths += paths;
  }
  let most = 0;
  for (const c of classes.values()) most = Math.max(most, c.paths + longestPrefixChain(c.literals));
  return Math.min(Number.MAX_SAFE_INTEGER, wild + most);
}

/** Compile one phrase pattern for one view. Throws PatternError with the reason. */
export function compilePhrase(source: string, view: ViewName, macros: Readonly<Record<string, string>>): CompiledPhrase {
  const ctx: ParseContext = { view, macros, depth: 0, source };
  // "(the)?" is RegExp habit, not this syntax: here "?" is a question-mark word, so it must stand apart.
  if (/[)\]]\?/.test(source)) {
    throw new PatternError('"?" right after a group: write [words] for optional words, or "( … ) ?" with a space for a question mark', source);
  }
  const tokens = lex(source);
  if (tokens.length === 0) throw new PatternError('empty pattern', source);
  const alternatives = parseAlternatives(tokens, { i: 0 }, ctx, null);
  const root: PatternNode[] = alternatives.length === 1 ? alternatives[0] : [{ kind: 'group', alternatives, optional: false }];
  if (root.every((n) => n.kind === 'gap' || (n.kind === 'group' && n.optional))) {
    throw new PatternError('a pattern needs at least one required word', source);
  }
  const paths = sequencePaths(root);
  if (paths > MAX_MATCH_PATHS) {
    throw new PatternError(`too many ways to match (${paths > 1e9 ? 'over a billion' : paths}, at most ${MAX_MATCH_PATHS}): use fewer gaps and optional groups`, source);
  }
  return phraseFromNodes(root, view);
}

export type PhraseAnchors = Pick<CompiledPhrase, 'anchors' | 'weakAnchor' | 'alsoRequired'>;

/** A compiled phrase from parsed nodes: parsed now, or shipped with the anchors computed at build time. */
export function phraseFromNodes(root: readonly PatternNode[], view: ViewName, anchors?: PhraseAnchors): CompiledPhrase {
  return lazyPhrase(() => root, anchors ?? phraseAnchors(root, view));
}

/** A phrase whose nodes are unpacked on first use: most patterns never run on a given page. */
export function lazyPhrase(unpack: () => readonly PatternNode[], anchors: PhraseAnchors): CompiledPhrase {
  let root: readonly PatternNode[] | undefined;
  let startIds: Int32Array | null = null;
  let seconds: SecondWords | null = null;
  let branching = false;
  return {
    find(words, from = 0) {
      if (!root) {
        root = unpack();
        const starts = startWords(root);
        startIds = starts && Int32Array.from(starts, wordId);
        seconds = starts && secondWords(root);
        branching = root.some((node) => node.kind === 'gap' || node.kind === 'group');
      }
      if (branching) {
        sharedMemo.width = words.length + 1;
        const size = root.length * sharedMemo.width;
        if (sharedMemo.table.length < size) sharedMemo.table = new Int32Array(size);
        else sharedMemo.table.fill(0, 0, size);
      }
      if (words.length > from) placesTried += words.length - from;
      const ids = startIds && wordIdsOf(words);
      const mark = startIds && markWords(startIds);
      for (let start = from; start < words.length; start++) {
        if (ids) {
          // Most places cannot start a match: the words' ids, marked for this phrase, say so without a hash lookup.
          if (wordMarks[ids[start]] !== mark) continue;
          // Most of the rest fail on their second word: one lookup says so before any branch is tried.
          const next = seconds?.get(ids[start]);
          if (next && !next.has(ids[start + 1])) continue;
        }
        const end = matchSequence(root, 0, words, start, END, branching ? sharedMemo : undefined);
        if (end >= 0) return { start, end };
      }
      return null;
    },
    get nodes() {
      return (root ??= unpack());
    },
    ...anchors,
  };
}

/**
 * Ids of the words patterns can start with and of the words that can follow them (from 1; 0 for any other word), so
 * `find` tests a place with array reads and one lookup by number instead of string lookups: ~10 patterns run on each
 * word of a message.
 */
const wordIds = new Map<string, number>();
/** Per id, the last `markWords` call that marked it. */
let wordMarks = new Int32Array(1024);
let lastMark = 0;

function wordId(word: string): number {
  let id = wordIds.get(word);
  if (id === undefined) {
    id = wordIds.size + 1;
    wordIds.set(word, id);
    if (id >= wordMarks.length) {
      const grown = new Int32Array(wordMarks.length * 2);
      grown.set(wordMarks);
      wordMarks = grown;
    }
  }
  return id;
}

/** Marks these ids (and no other) with a fresh mark, and returns it. */
function markWords(ids: Int32Array): number {
  if (lastMark === 0x7fffffff) {
    wordMarks.fill(0);
    lastMark = 0;
  }
  const mark = ++lastMark;
  for (let i = 0; i < ids.length; i++) wordMarks[ids[i]] = mark;
  return mark;
}

/** Per first word (id), the ids of the words a match can go on with; null when it can go on with any word. */
type SecondWords = Map<number, Set<number> | null>;
/** Most paths through a pattern's start that `secondWords` follows before it gives up (no filter then). */
const MAX_START_PATHS = 512;

/**
 * The first two words of every way a pattern can match (a word followed by anything when a gap, prefix or number
 * comes second, or the pattern can end after one word), or null when a match can start otherwise or there are too
 * many ways. A necessary condition only: `find` skips a place whose first two words are none of them.
 */
function secondWords(root: readonly PatternNode[]): SecondWords | null {
  const pairs: SecondWords = new Map();
  let paths = 0;
  // What is left to match: node `i` of `nodes`, then `then`.
  type Rest = { nodes: readonly PatternNode[]; i: number; then: Rest | null } | null;
  const add = (first: string, second: string | null): void => {
    const id = wordId(first);
    const known = pairs.get(id);
    if (second === null) pairs.set(id, null);
    else if (known === undefined) pairs.set(id, new Set([wordId(second)]));
    else known?.add(wordId(second));
  };
  // Follow every way through the start of the pattern until two words are known; false to give up.
  const walk = (rest: Rest, first: string | null): boolean => {
    if (++paths > MAX_START_PATHS) return false;
    while (rest && rest.i >= rest.nodes.length) rest = rest.then;
    if (!rest) {
      if (first === null) return false;
      add(first, null);
      return true;
    }
    const node = rest.nodes[rest.i];
    const after: Rest = { nodes: rest.nodes, i: rest.i + 1, then: rest.then };
    switch (node.kind) {
      case 'word':
      case 'question': {
        const words = node.kind === 'word' ? node.words : ['?'];
        if (words.length === 0) return walk(after, first);
        if (first !== null) {
          add(first, words[0]);
          return true;
        }
        if (words.length >= 2) {
          add(words[0], words[1]);
          return true;
        }
        return walk(after, words[0]);
      }
      case 'prefix':
      case 'number':
        if (first === null) return false;
        add(first, null);
        return true;
      case 'gap':
        if (first === null) return false;
        add(first, null);
        return walk(after, first);
      case 'group':
        for (const alternative of node.alternatives) if (!walk({ nodes: alternative, i: 0, then: after }, first)) return false;
        return node.optional ? walk(after, first) : true;
    }
  };
  return walk({ nodes: root, i: 0, then: null }, null) ? pairs : null;
}

/** The id of each word of a view's words (cached per array; worked out again when new words got ids since). */
const idsOfWords = new WeakMap<readonly string[], { ids: Int32Array; known: number }>();

function wordIdsOf(words: readonly string[]): Int32Array {
  const cached = idsOfWords.get(words);
  if (cached && cached.known === wordIds.size) return cached.ids;
  const ids = new Int32Array(words.length);
  for (let i = 0; i < words.length; i++) ids[i] = wordIds.get(words[i]) ?? 0;
  idsOfWords.set(words, { ids, known: wordIds.size });
  return ids;
}

function phraseAnchors(root: readonly PatternNode[], view: ViewName): PhraseAnchors {
  const common = view === 'en' ? COMMON_EN : COMMON_VI;
  const anchor = sequenceAnchor(root, common);
  // The other required parts of a plain sequence give more independent filters (very common words filter nothing).
  const also: AnchorChoice[] = [];
  if (anchor && root.length > 1) {
    for (const node of root) {
      const choice = nodeAnchor(node, common);
      if (choice && choice.cost < 100 && !sameAnchor(choice, anchor) && !also.some((c) => sameAnchor(c, choice))) also.push(choice);
    }
  }
  also.sort((a, b) => a.cost - b.cost);
  // The words a match can start with are required too: about half the candidate patterns of a message hold none of
  // them, and this filter skips them without running the matcher. Last, as the costliest to check.
  const starts = startWords(root);
  if (anchor && starts) {
    const choice: AnchorChoice = { words: [...starts], cost: 0 };
    if (!sameAnchor(choice, anchor) && !also.some((c) => sameAnchor(c, choice))) also.push(choice);
  }
  return {
    anchors: anchor ? anchor.words : null,
    weakAnchor: anchor ? anchor.words.every((w) => common.has(w.replace(/\*$/, ''))) : true,
    alsoRequired: also.length ? also.map((c) => c.words) : null,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The word matcher: walks the parsed nodes directly, so there is nothing to compile per pattern. Order of
// preference as in a RegExp: alternatives left to right, an optional group tried before it is skipped, a gap as
// long as possible first. Fixed-width nodes are checked in a loop; a gap or a group tries its branches, each with a
// continuation that matches the rest. What a group needs (its alternatives by first word) is worked out once per
// group and kept on it: a macro's group is shared by every pattern using it.

type Continue = (at: number) => number;

/** Branches tried (gap lengths and group alternatives): the matcher's cost, counted for the ReDoS tests. */
let branchesTried = 0;
let branchesTaken = 0;
/** Places a `find` looked at for a match to start. */
let placesTried = 0;

/** The branches tried since the last call (tests/unit/trust-redos.test.ts). */
export function takeBranchCount(): number {
  const count = branchesTried - branchesTaken;
  branchesTaken = branchesTried;
  return count;
}

/**
 * The matcher's work so far, in units that do not depend on the machine (places looked at plus branches tried): a
 * counter that only grows. The difference over a run is what that run cost (lib/settings/custom-rules.ts refuses an
 * import that costs too much on a fixed sample).
 */
export function matchWork(): number {
  return placesTried + branchesTried;
}

interface GroupIndex {
  /** Alternatives that can start with this word, plus those that can start with any word, in written order. */
  byFirst: Map<string, PatternNode[][]>;
  /** Alternatives that can start with any word. */
  open: PatternNode[][];
}

const groupIndexes = new WeakMap<PatternNode, GroupIndex>();
const startWordsCache = new WeakMap<readonly PatternNode[], Set<string> | null>();

function groupIndex(node: PatternNode & { kind: 'group' }): GroupIndex {
  let index = groupIndexes.get(node);
  if (index) return index;
  index = { byFirst: new Map(), open: [] };
  for (const alternative of node.alternatives) {
    const first = startWords(alternative);
    if (first === null) {
      index.open.push(alternative);
      for (const list of index.byFirst.values()) list.push(alternative);
      continue;
    }
    for (const word of first) {
      let list = index.byFirst.get(word);
      if (!list) index.byFirst.set(word, (list = [...index.open]));
      if (list[list.length - 1] !== alternative) list.push(alternative);
    }
  }
  groupIndexes.set(node, index);
  return index;
}

/**
 * The words a match of this sequence can start with, or null when it can start with any word (a gap, a prefix, a
 * number, or only optional parts).
 */
function startWords(nodes: readonly PatternNode[]): Set<string> | null {
  if (startWordsCache.has(nodes)) return startWordsCache.get(nodes) ?? null;
  let result: Set<string> | null = null;
  const words = new Set<string>();
  scan: for (const node of nodes) {
    switch (node.kind) {
      case 'word':
        if (node.words.length === 0) continue;
        words.add(node.words[0]);
        result = words;
        break scan;
      case 'question':
        words.add('?');
        result = words;
        break scan;
      case 'group': {
        let open = false;
        for (const alternative of node.alternatives) {
          const inner = startWords(alternative);
          if (!inner) {
            open = true;
            break;
          }
          inner.forEach((w) => words.add(w));
        }
        if (open) break scan;
        if (!node.optional) {
          result = words;
          break scan;
        }
        continue;
      }
      default:
        break scan;
    }
  }
  startWordsCache.set(nodes, result);
  return result;
}

/**
 * What the top-level nodes of a pattern give from each place, while one `find` runs: (node, word) → end + 2, 1 for
 * no match, 0 for not known yet. It is a pure function of the place, so no place is explored twice, from any start:
 * `~7 ~7 ~7 ~7 foo bar` on a 1,000-word text tries ~50,000 branches instead of ~4 million.
 */
interface Memo {
  table: Int32Array;
  width: number;
}
/** One memo for every `find` (matching never runs two `find`s at once): no allocation per call. */
const sharedMemo: Memo = { table: new Int32Array(1024), width: 0 };

/** Match `nodes[i…]` at word `at`, then `next`: the end of the whole match, or -1. */
function matchSequence(nodes: readonly PatternNode[], i: number, words: readonly string[], at: number, next: Continue, memo?: Memo): number {
  for (; i < nodes.length; i++) {
    const node = nodes[i];
    switch (node.kind) {
      case 'word': {
        const expected = node.words;
        for (let j = 0; j < expected.length; j++) if (words[at + j] !== expected[j]) return -1;
        at += expected.length;
        continue;
      }
      case 'prefix':
        if (!words[at]?.startsWith(node.stem)) return -1;
        at++;
        continue;
      case 'number': {
        const code = words[at]?.charCodeAt(0) ?? 0;
        if (code < 48 || code > 57) return -1;
        at++;
        continue;
      }
      case 'question':
        if (words[at] !== '?') return -1;
        at++;
        continue;
      case 'gap':
      case 'group': {
        if (!memo) return branch(nodes, i, words, at, next);
        const key = i * memo.width + at;
        const known = memo.table[key];
        if (known !== 0) return known - 2;
        const end = branch(nodes, i, words, at, next, memo);
        memo.table[key] = end + 2;
        return end;
      }
    }
  }
  return next(at);
}

/** The branches of the gap or group `nodes[i]` at word `at`, each followed by the rest of the sequence. */
function branch(nodes: readonly PatternNode[], i: number, words: readonly string[], at: number, next: Continue, memo?: Memo): number {
  const node = nodes[i];
  let alternatives: readonly PatternNode[][] = [];
  if (node.kind === 'group') {
    const index = groupIndex(node);
    alternatives = index.byFirst.get(words[at]) ?? index.open;
    // Most groups fail on their first word: no continuation to make.
    if (alternatives.length === 0 && !node.optional) return -1;
  }
  const rest = restOf(nodes, i + 1, words, next, memo);
  if (node.kind === 'gap') {
    for (let length = Math.min(node.max, words.length - at); length >= 0; length--) {
      branchesTried++;
      const end = rest(at + length);
      if (end >= 0) return end;
    }
    return -1;
  }
  if (node.kind !== 'group') return -1;
  for (let a = 0; a < alternatives.length; a++) {
    branchesTried++;
    const end = matchSequence(alternatives[a], 0, words, at, rest);
    if (end >= 0) return end;
  }
  return node.optional ? rest(at) : -1;
}

const END: Continue = (at) => at;

/** The continuation "match `nodes[i…]`, then `next`" (an unnamed closure: tsx names named ones, at a cost per call). */
function restOf(nodes: readonly PatternNode[], i: number, words: readonly string[], next: Continue, memo?: Memo): Continue {
  return (end) => matchSequence(nodes, i, words, end, next, memo);
}

/**
 * The RegExp over a view's text (` w1 w2 … `) that a phrase is equivalent to. The matcher does not use it: it is the
 * oracle that tests/unit/patterns.test.ts checks the word matcher against, and shows what a pattern means.
 */
export function phraseRegExp(phrase: Pick<CompiledPhrase, 'nodes'>): RegExp {
  return new RegExp(sequenceSource(phrase.nodes) + '(?= )');
}

// ---------------------------------------------------------------------------------------------------------------
// Shipping parsed patterns: nodes as compact arrays in one table, each distinct node once (macros are parsed once
// and shared by hundreds of patterns), patterns as lists of table indexes.

export type PackedNode = [kind: 'w', ...words: string[]] | [kind: 'p', stem: string] | [kind: 'g', optional: 0 | 1, ...alternatives: number[][]] | [kind: '~', max: number] | [kind: 'n'] | [kind: '?'];

export class NodePacker {
  readonly table: PackedNode[] = [];
  private readonly byNode = new Map<PatternNode, number>();
  private readonly byShape = new Map<string, number>();

  pack(nodes: readonly PatternNode[]): number[] {
    return nodes.map((node) => this.packNode(node));
  }

  private packNode(node: PatternNode): number {
    const known = this.byNode.get(node);
    if (known !== undefined) return known;
    let packed: PackedNode;
    switch (node.kind) {
      case 'word':
        packed = ['w', ...node.words];
        break;
      case 'prefix':
        packed = ['p', node.stem];
        break;
      case 'group':
        packed = ['g', node.optional ? 1 : 0, ...node.alternatives.map((alternative) => this.pack(alternative))];
        break;
      case 'gap':
        packed = ['~', node.max];
        break;
      case 'number':
        packed = ['n'];
        break;
      case 'question':
        packed = ['?'];
        break;
    }
    const shape = JSON.stringify(packed);
    let index = this.byShape.get(shape);
    if (index === undefined) {
      index = this.table.length;
      this.table.push(packed);
      this.byShape.set(shape, index);
    }
    this.byNode.set(node, index);
    return index;
  }
}

/** Unpacks nodes from a packed table on demand, each once. Throws PatternError on a damaged table. */
export class NodeUnpacker {
  private readonly nodes = new Map<number, PatternNode>();

  constructor(private readonly table: readonly PackedNode[]) {}

  unpack(indexes: readonly number[]): PatternNode[] {
    return indexes.map((index) => this.node(index, 0));
  }

  private node(index: number, depth: number): PatternNode {
    const known = this.nodes.get(index);
    if (known) return known;
    const packed = this.table[index];
    if (!Array.isArray(packed) || depth > 32) throw new PatternError(`damaged pattern table at ${index}`, String(index));
    let node: PatternNode;
    switch (packed[0]) {
      case 'w':
        node = { kind: 'word', words: packed.slice(1) };
        break;
      case 'p':
        node = { kind: 'prefix', stem: packed[1] };
        break;
      case 'g':
        node = {
          kind: 'group',
          optional: packed[1] === 1,
          alternatives: (packed.slice(2) as number[][]).map((alternative) => alternative.map((i) => this.node(i, depth + 1))),
        };
        break;
      case '~':
        node = { kind: 'gap', max: packed[1] };
        break;
      case 'n':
        node = { kind: 'number' };
        break;
      case '?':
        node = { kind: 'question' };
        break;
      default:
        throw new PatternError(`damaged pattern table at ${index}`, String(index));
    }
    this.nodes.set(index, node);
    return node;
  }
}
