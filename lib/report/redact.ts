/**
 * Optional redaction before a report is shared: the user's own name(s), phone numbers and e-mail addresses are
 * replaced by `[name]`, `[phone]` and `[email]`. Finding offsets are moved with the text so highlights stay right.
 *
 * What the other person wrote is evidence: by default nothing in their messages changes (the user's name, their
 * phone number, their address); the user has to choose "all messages" for each kind. Names are matched as the chat
 * shows them (case-sensitive, whole words), so the name "An" leaves "tài khoản an toàn" alone. Each redacted
 * message records where the placeholders are (`spans`), and the report keeps the hash of the original record.
 */
import type { RedactionSettings } from './schema';

export interface RedactionOptions {
  /** The user's own names as they appear in chats (display name, first name...). Names shorter than 2 letters are ignored. */
  ownNames?: readonly string[];
  /** Where names are hidden (default: the user's own messages and their sender label). */
  nameScope?: 'self' | 'all';
  phones?: boolean;
  emails?: boolean;
  /** Where phone numbers and e-mail addresses are hidden (default: the user's own messages). */
  scope?: 'self' | 'all';
}

export const REDACTED = { name: '[name]', phone: '[phone]', email: '[email]' } as const;

export type RedactionKind = keyof typeof REDACTED;

interface Span {
  start: number;
  end: number;
  kind: RedactionKind;
}

/** Where a placeholder stands in the redacted text (offsets into it, end exclusive). */
export interface RedactedSpan {
  start: number;
  end: number;
  kind: RedactionKind;
}

// The look-behind starts a match only at the beginning of a run: without it a long run of such characters with no
// "@" is rescanned from every position (quadratic: 20,000 hyphens took 0.2 s; tests/unit/trust-redos.test.ts).
const EMAIL = /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;
// A run of digits with the usual separators; 9 to 15 digits (Vietnamese mobiles have 10, with +84 11).
const PHONE = /(?<![\p{L}\p{N}])\+?\(?\d[\d .\-()]{6,20}\d(?![\p{L}\p{N}])/gu;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function namePattern(names: readonly string[]): RegExp | null {
  const usable = [...new Set(names.map((n) => n.trim()).filter((n) => [...n].length >= 2))].sort((a, b) => b.length - a.length);
  if (usable.length === 0) return null;
  // Case-sensitive: the name as the chat shows it, not every word that is spelt the same ("An" / "an toàn").
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${usable.map(escapeRegExp).join('|')})(?![\\p{L}\\p{N}])`, 'gu');
}

function collect(pattern: RegExp, text: string, kind: RedactionKind, accept: (match: string) => boolean = () => true): Span[] {
  const spans: Span[] = [];
  pattern.lastIndex = 0;
  for (const match of text.matchAll(pattern)) {
    if (match.index === undefined || !accept(match[0])) continue;
    spans.push({ start: match.index, end: match.index + match[0].length, kind });
  }
  return spans;
}

function digitCount(text: string): number {
  return text.replace(/\D/g, '').length;
}

export interface Redactor {
  readonly settings: RedactionSettings;
  /** Redact one message's text; `from` decides whether phone numbers and e-mail addresses are in scope. */
  text(text: string, from: 'self' | 'other'): { text: string; spans: RedactedSpan[]; map(offset: number, edge: 'start' | 'end'): number };
  /** Redact a short label (a sender name, a title): names always, numbers and addresses when in scope for `from`. */
  label(text: string, from: 'self' | 'other'): string;
}

export function createRedactor(options: RedactionOptions): Redactor {
  const names = namePattern(options.ownNames ?? []);
  const scope = options.scope ?? 'self';
  const nameScope = options.nameScope ?? 'self';
  const settings: RedactionSettings = {
    ownName: names !== null,
    nameScope,
    phones: options.phones ?? false,
    emails: options.emails ?? false,
    scope,
  };

  const spansOf = (text: string, from: 'self' | 'other'): Span[] => {
    const inScope = scope === 'all' || from === 'self';
    const spans: Span[] = [];
    if (settings.emails && inScope) spans.push(...collect(EMAIL, text, 'email'));
    if (settings.phones && inScope) {
      spans.push(...collect(PHONE, text, 'phone', (m) => digitCount(m) >= 9 && digitCount(m) <= 15));
    }
    if (names && (nameScope === 'all' || from === 'self')) spans.push(...collect(names, text, 'name'));
    // Earlier spans win; an overlapping later span is dropped (an e-mail address containing the name stays [email]).
    spans.sort((a, b) => a.start - b.start || b.end - a.end);
    const kept: Span[] = [];
    for (const span of spans) {
      const last = kept[kept.length - 1];
      if (last && span.start < last.end) continue;
      kept.push(span);
    }
    return kept;
  };

  const apply = (text: string, spans: Span[]) => {
    let out = '';
    let cursor = 0;
    const placed: RedactedSpan[] = [];
    for (const span of spans) {
      out += text.slice(cursor, span.start);
      placed.push({ start: out.length, end: out.length + REDACTED[span.kind].length, kind: span.kind });
      out += REDACTED[span.kind];
      cursor = span.end;
    }
    out += text.slice(cursor);
    const map = (offset: number, edge: 'start' | 'end'): number => {
      let shift = 0;
      for (const span of spans) {
        if (offset <= span.start) break;
        const replacement = REDACTED[span.kind];
        // Inside a replaced span: widen to the whole replacement.
        if (offset < span.end) return edge === 'start' ? span.start + shift : span.start + shift + replacement.length;
        shift += replacement.length - (span.end - span.start);
      }
      return offset + shift;
    };
    return { text: out, spans: placed, map };
  };

  return {
    settings,
    text: (text, from) => apply(text, spansOf(text, from)),
    label: (text, from) => apply(text, spansOf(text, from)).text,
  };
}
