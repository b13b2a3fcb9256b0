/**
 * UI strings in English and Vietnamese. Pure (no `browser.*`): the content script, popup, report page and CLI all
 * pick a language with `pickLanguage` and look strings up with `t`. Every key exists in both languages (a test
 * enforces it). Tone: calm, never blaming; see ../shared/reference/help-and-tone.md.
 */
import type { CategoryId, RiskLevel } from '../engine/taxonomy';
import type { DismissalKind } from '../storage/limits';
import { en } from './en';
import { vi } from './vi';

export type UiLanguage = 'en' | 'vi';
export type Strings = typeof en;
export type StringKey = keyof Strings['ui'];

export const STRINGS: Record<UiLanguage, Strings> = { en, vi };

/** Vietnamese when the browser (or the setting) says Vietnamese, English otherwise. */
export function pickLanguage(preferred: string | readonly string[] | undefined): UiLanguage {
  const list = typeof preferred === 'string' ? [preferred] : (preferred ?? []);
  for (const tag of list) {
    const primary = tag.toLowerCase().split(/[-_]/)[0];
    if (primary === 'vi') return 'vi';
    if (primary === 'en') return 'en';
  }
  return 'en';
}

/** Look up a string and fill `{name}` placeholders. Values are plain text; callers set them with textContent. */
export function t(language: UiLanguage, key: StringKey, values: Record<string, string | number> = {}): string {
  const template = STRINGS[language].ui[key];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

export function categoryName(language: UiLanguage, category: CategoryId): string {
  return STRINGS[language].categories[category].name;
}

export function categoryExplanation(language: UiLanguage, category: CategoryId): string {
  return STRINGS[language].categories[category].why;
}

/** How a warning was closed, as the report page says it ("you pressed “I'm OK”", "closed with ×"…). */
export function dismissalName(language: UiLanguage, kind: DismissalKind): string {
  return STRINGS[language].dismissals[kind];
}

export function levelName(language: UiLanguage, level: RiskLevel): string {
  return STRINGS[language].levels[level];
}

/** Advice for an advice key (a rule's `advice`, defaulting to its category). Unknown keys get general advice. */
export function advice(language: UiLanguage, key: string): string {
  const table = STRINGS[language].advice as Record<string, string>;
  return table[key] ?? table.general;
}

export function helpLines(language: UiLanguage): readonly { label: string; number: string; note: string }[] {
  return STRINGS[language].help;
}

/** What the reader of a printable report should know about a warning sign (addressed to an adult, not the teen). */
export function readerExplanation(language: UiLanguage, category: CategoryId): string {
  return STRINGS[language].readerWhy[category];
}

/** The chat app's name for a site id (`telegram-k` → Telegram); an unknown id is shown as it is. */
export function siteName(language: UiLanguage, site: string): string {
  const table = STRINGS[language].sites as Record<string, string>;
  return Object.hasOwn(table, site) ? table[site] : site;
}
