/**
 * Reads the whole labelled corpus (tests/corpus, see its README and SOURCES.md) into one shape, each item with its
 * source, its writer and its split. Used by `npm run train`, `npm run eval` and the tests. Node only.
 *
 * Splits are fixed in tests/corpus/splits.json: writers are held out whole; real-text sources are split by a hash
 * of the conversation id (or of the line when it has none), so a conversation never straddles two splits.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isCategoryId, type CategoryId, type Language } from '../../lib/engine/taxonomy';
import { loadConversations } from '../evaluation';

export const CORPUS_DIR = resolve(import.meta.dirname, '../../tests/corpus');

export type Split = 'train' | 'calibration' | 'test';
export type Kind = 'risky' | 'self_disclosure' | 'benign' | 'talk_about' | 'real';
/** Where a line comes from: written for this project, real ordinary text from a public corpus, a quote of real abuse. */
export type Origin = 'written' | 'real' | 'quote';

export interface LabelledMessage {
  text: string;
  lang: Language;
  categories: CategoryId[];
  kind: Kind;
  from: 'self' | 'other';
  /** Writer id (written text) or source slug (real text, quotes). */
  source: string;
  origin: Origin;
  split: Split;
  /** Set on messages taken from a conversation. */
  conversation?: string;
}

export interface LabelledConversation {
  id: string;
  lang: Language;
  risky: boolean;
  script: string;
  firstRisky: number | null;
  source: string;
  origin: Origin;
  split: Split;
  messages: Array<{ from: 'self' | 'other'; text: string; categories: CategoryId[]; kind: Kind; step?: string; ts?: number }>;
}

export interface Corpus {
  messages: LabelledMessage[];
  conversations: LabelledConversation[];
  /** Problems found while reading (bad lines are skipped, never silently). */
  problems: string[];
}

interface SplitsFile {
  writers: Record<Split, string[]>;
  realBuckets: Record<Split, number>;
}

export function readSplits(dir = CORPUS_DIR): SplitsFile {
  return JSON.parse(readFileSync(join(dir, 'splits.json'), 'utf8')) as SplitsFile;
}

/** FNV-1a of a string, for deterministic bucketing. */
export function stableHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export function realSplit(key: string, buckets: Record<Split, number>): Split {
  const bucket = stableHash(key) % 100;
  if (bucket < buckets.train) return 'train';
  if (bucket < buckets.train + buckets.calibration) return 'calibration';
  return 'test';
}

function readJsonLines(path: string, problems: string[]): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((line, index) => {
      if (!line.trim()) return;
      try {
        const value = JSON.parse(line) as unknown;
        if (typeof value === 'object' && value !== null && !Array.isArray(value)) out.push(value as Record<string, unknown>);
        else problems.push(`${path}:${index + 1}: not an object`);
      } catch (error) {
        problems.push(`${path}:${index + 1}: ${(error as Error).message}`);
      }
    });
  return out;
}

function categoriesOf(value: unknown, where: string, problems: string[]): CategoryId[] {
  if (!Array.isArray(value)) return [];
  const out: CategoryId[] = [];
  for (const c of value) {
    if (isCategoryId(c)) out.push(c);
    else problems.push(`${where}: unknown category ${JSON.stringify(c)}`);
  }
  return [...new Set(out)];
}

function kindOf(value: unknown, categories: CategoryId[], from: 'self' | 'other'): Kind {
  if (value === 'risky' || value === 'self_disclosure' || value === 'benign' || value === 'talk_about') {
    // A line labelled risky must carry a category; one without is read as benign.
    if ((value === 'risky' || value === 'self_disclosure') && categories.length === 0) return 'benign';
    return value;
  }
  if (categories.length === 0) return 'benign';
  return from === 'self' ? 'self_disclosure' : 'risky';
}

function languageOf(value: unknown, fallback: Language): Language {
  return value === 'en' || value === 'vi' ? value : fallback;
}

export function loadCorpus(dir = CORPUS_DIR): Corpus {
  const problems: string[] = [];
  const splits = readSplits(dir);
  const writerSplit = new Map<string, Split>();
  for (const split of ['train', 'calibration', 'test'] as const) for (const writer of splits.writers[split]) writerSplit.set(writer, split);
  const splitOfWriter = (writer: string): Split | undefined => {
    const split = writerSplit.get(writer);
    if (!split) problems.push(`writer ${writer} is in no split (tests/corpus/splits.json): left out`);
    return split;
  };

  const messages: LabelledMessage[] = [];
  const conversations: LabelledConversation[] = [];

  const addConversation = (raw: Record<string, unknown>, source: string, origin: Origin, split: Split, where: string, fallbackLang: Language): void => {
    const list = Array.isArray(raw.messages) ? (raw.messages as Array<Record<string, unknown>>) : [];
    if (list.length === 0) {
      problems.push(`${where}: conversation without messages`);
      return;
    }
    const lang = languageOf(raw.lang, fallbackLang);
    const id = typeof raw.id === 'string' ? raw.id : `${source}-${conversations.length}`;
    const parsed: LabelledConversation['messages'] = [];
    for (const [index, m] of list.entries()) {
      if (typeof m?.text !== 'string' || !m.text.trim()) continue;
      const from = m.from === 'self' ? 'self' : 'other';
      const labelled = categoriesOf(m.categories, `${where} #${index}`, problems);
      // A message's own `kind` when the writer gave one; else read from its categories and who said it.
      const kind = Array.isArray(m.mentions) && labelled.length === 0 ? 'talk_about' : kindOf(m.kind, labelled, from);
      const categories = kind === 'talk_about' || kind === 'benign' ? [] : labelled;
      const ts = typeof m.ts === 'string' ? Date.parse(m.ts) : undefined;
      parsed.push({ from, text: m.text, categories, kind, step: typeof m.step === 'string' ? m.step : undefined, ts: Number.isFinite(ts) ? ts : undefined });
    }
    const risky = raw.risky === true;
    const firstRisky = typeof raw.first_risky === 'number' ? raw.first_risky : null;
    conversations.push({ id, lang, risky, script: typeof raw.script === 'string' ? raw.script : risky ? 'unknown' : 'none', firstRisky: risky ? (firstRisky ?? 0) : null, source, origin, split, messages: parsed });
    for (const m of parsed) {
      messages.push({ text: m.text, lang, categories: m.categories, kind: origin === 'real' ? 'real' : m.kind, from: m.from, source, origin, split, conversation: id });
    }
  };

  // The first development corpus (written by the team, rules tuned on it).
  for (const lang of ['en', 'vi'] as const) {
    for (const raw of readJsonLines(join(dir, `messages-${lang}.jsonl`), problems)) {
      if (typeof raw.text !== 'string') continue;
      const categories = categoriesOf(raw.categories, `messages-${lang}.jsonl`, problems);
      const split = splitOfWriter('team');
      if (split) messages.push({ text: raw.text, lang, categories, kind: categories.length ? 'risky' : 'benign', from: 'other', source: 'team', origin: 'written', split });
    }
  }
  /** `<parent>/conversations/*.json`, one conversation a file (the first corpus and the hold-out set). */
  const readConversationDir = (parent: string, writer: string): void => {
    if (!existsSync(join(parent, 'conversations'))) return;
    const split = splitOfWriter(writer);
    if (!split) return;
    for (const conversation of loadConversations(parent)) {
      addConversation(conversation as unknown as Record<string, unknown>, writer, 'written', split, conversation.id, conversation.lang);
    }
  };
  readConversationDir(dir, 'team');

  // The independent held-out set: test only.
  const holdout = join(dir, 'holdout');
  if (existsSync(holdout)) {
    const split = splitOfWriter('holdout');
    if (split) {
      for (const lang of ['en', 'vi'] as const) {
        for (const raw of readJsonLines(join(holdout, `messages-${lang}.jsonl`), problems)) {
          if (typeof raw.text !== 'string') continue;
          const categories = categoriesOf(raw.categories, `holdout/messages-${lang}.jsonl`, problems);
          messages.push({ text: raw.text, lang, categories, kind: categories.length ? 'risky' : 'benign', from: 'other', source: 'holdout', origin: 'written', split });
        }
      }
      readConversationDir(holdout, 'holdout');
    }
  }

  // Written by independent writers (helper sessions), one folder each.
  const written = join(dir, 'written');
  if (existsSync(written)) {
    for (const writer of readdirSync(written).sort()) {
      const folder = join(written, writer);
      const split = splitOfWriter(writer);
      if (!split) continue;
      const messagesPath = join(folder, 'messages.jsonl');
      if (existsSync(messagesPath)) {
        for (const [index, raw] of readJsonLines(messagesPath, problems).entries()) {
          if (typeof raw.text !== 'string' || !raw.text.trim()) continue;
          const categories = categoriesOf(raw.categories, `${writer}/messages.jsonl:${index + 1}`, problems);
          const lang = languageOf(raw.lang, writer.startsWith('vi-') ? 'vi' : 'en');
          const kind = kindOf(raw.kind, categories, 'other');
          messages.push({ text: raw.text, lang, categories: kind === 'talk_about' || kind === 'benign' ? [] : categories, kind, from: kind === 'self_disclosure' ? 'self' : 'other', source: writer, origin: 'written', split });
        }
      }
      const conversationsPath = join(folder, 'conversations.jsonl');
      if (existsSync(conversationsPath)) {
        for (const [index, raw] of readJsonLines(conversationsPath, problems).entries()) {
          addConversation(raw, writer, 'written', split, `${writer}/conversations.jsonl:${index + 1}`, writer.startsWith('vi-') ? 'vi' : 'en');
        }
      }
    }
  }

  // Real ordinary text from public corpora: negatives; split by conversation.
  const real = join(dir, 'real');
  if (existsSync(real)) {
    for (const lang of ['en', 'vi'] as const) {
      const folder = join(real, lang);
      if (!existsSync(folder)) continue;
      for (const name of readdirSync(folder).filter((f) => f.endsWith('.jsonl')).sort()) {
        const source = name.replace(/\.jsonl$/, '');
        const byConversation = new Map<string, Array<Record<string, unknown>>>();
        for (const raw of readJsonLines(join(folder, name), problems)) {
          if (typeof raw.text !== 'string' || !raw.text.trim()) continue;
          const conv = typeof raw.conv === 'string' || typeof raw.conv === 'number' ? String(raw.conv) : null;
          const split = realSplit(`${source}\u0000${conv ?? raw.text}`, splits.realBuckets);
          if (conv === null) {
            messages.push({ text: raw.text, lang, categories: [], kind: 'real', from: 'other', source, origin: 'real', split });
          } else {
            let list = byConversation.get(conv);
            if (!list) byConversation.set(conv, (list = []));
            list.push(raw);
          }
        }
        for (const [conv, list] of byConversation) {
          const split = realSplit(`${source}\u0000${conv}`, splits.realBuckets);
          // Who is "self" in a real conversation is unknown: each speaker in turn is read as the other side.
          const speakers = new Map<string, 'self' | 'other'>();
          const messagesOf = list.map((raw) => {
            const speaker = typeof raw.speaker === 'string' ? raw.speaker : '';
            if (!speakers.has(speaker)) speakers.set(speaker, speakers.size === 1 ? 'self' : 'other');
            return { from: speakers.get(speaker) ?? 'other', text: raw.text as string, categories: [], kind: 'real' as const };
          });
          addConversation({ id: `${source}:${conv}`, lang, risky: false, script: 'none', messages: messagesOf }, source, 'real', split, `${name} ${conv}`, lang);
        }
      }
    }
  }

  // Lines of real abuse quoted in public material (press, court records, police warnings): test only.
  const quotes = join(dir, 'quotes');
  if (existsSync(quotes)) {
    for (const name of readdirSync(quotes).filter((f) => f.endsWith('.jsonl')).sort()) {
      for (const [index, raw] of readJsonLines(join(quotes, name), problems).entries()) {
        if (typeof raw.text !== 'string') continue;
        const categories = categoriesOf(raw.categories, `quotes/${name}:${index + 1}`, problems);
        const lang = languageOf(raw.lang, name.startsWith('vi') ? 'vi' : 'en');
        const kind = kindOf(raw.kind, categories, 'other');
        messages.push({ text: raw.text, lang, categories: kind === 'risky' || kind === 'self_disclosure' ? categories : [], kind, from: kind === 'self_disclosure' ? 'self' : 'other', source: `quotes:${name.replace(/\.jsonl$/, '')}`, origin: 'quote', split: 'test' });
      }
    }
  }

  return { messages, conversations, problems };
}

/** Whether a labelled message is a warning sign (a risky line or the user disclosing one). */
export function isPositive(message: Pick<LabelledMessage, 'kind'>): boolean {
  return message.kind === 'risky' || message.kind === 'self_disclosure';
}

/** The same text with Vietnamese diacritics removed, as many people type it (the normaliser's own folding). */
export { foldDiacritics as stripDiacritics } from '../../lib/engine/normalize';
