/**
 * Turning the times chat pages show into epoch milliseconds. Pure functions: `now` is always passed in, local time
 * is the browser's (the page shows local times). Anything that cannot be read with confidence gives undefined:
 * a wrong time is worse than none, because the engine lets old evidence fade.
 */

export interface DayDate {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
}

const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
};

function validDate(year: number, month: number, day: number): boolean {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return false;
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(year, month, 0).getDate();
}

function fullYear(year: number): number {
  return year < 100 ? 2000 + year : year;
}

function localMs(date: DayDate, hour: number, minute: number, second = 0): number | undefined {
  if (!validDate(date.year, date.month, date.day)) return undefined;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return undefined;
  return new Date(date.year, date.month - 1, date.day, hour, minute, second).getTime();
}

/** Hours and minutes of "12:19", "9:12 am", "8:05 PM", "20:15:03", "8:05 CH" (Vietnamese PM), "12h19", or undefined. */
export function parseClock(text: string): { hour: number; minute: number; second: number } | undefined {
  const match =
    /(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.|sa|ch)?(?![a-zà-ỹ])/i.exec(text) ?? /\b(\d{1,2})h(\d{2})()\s*(am|pm|sa|ch)?(?![a-zà-ỹ])/i.exec(text);
  if (!match) return undefined;
  let hour = Number(match[1]);
  const minute = Number(match[2]);
  const second = match[3] ? Number(match[3]) : 0;
  const half = match[4]?.toLowerCase().replace(/\./g, '');
  if (half) {
    if (hour < 1 || hour > 12) return undefined;
    const pm = half === 'pm' || half === 'ch';
    hour = (hour % 12) + (pm ? 12 : 0);
  }
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  return { hour, minute, second };
}

/**
 * A numeric date whose order depends on the locale ("10/05/2026" is 10 May in Vietnam, 5 October in the US).
 * Unambiguous when one part is over 12, or when only one reading is not in the future; otherwise `prefer` decides
 * (day first unless the page is known to be month first). Year-first dates ("2026-05-10") are read directly.
 */
export function parseNumericDate(text: string, now: number, prefer: 'dmy' | 'mdy' = 'dmy'): DayDate | undefined {
  const iso = /(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})/.exec(text);
  if (iso) {
    const date = { year: Number(iso[1]), month: Number(iso[2]), day: Number(iso[3]) };
    return validDate(date.year, date.month, date.day) ? date : undefined;
  }
  const match = /(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})/.exec(text);
  if (!match) return undefined;
  const a = Number(match[1]);
  const b = Number(match[2]);
  const year = fullYear(Number(match[3]));
  const dmy = { year, month: b, day: a };
  const mdy = { year, month: a, day: b };
  const dmyOk = validDate(dmy.year, dmy.month, dmy.day);
  const mdyOk = validDate(mdy.year, mdy.month, mdy.day);
  if (dmyOk && !mdyOk) return dmy;
  if (mdyOk && !dmyOk) return mdy;
  if (!dmyOk && !mdyOk) return undefined;
  if (a === b) return dmy;
  // Both readings are valid dates: a message cannot come from the future.
  const tomorrow = now + 86_400_000;
  const dmyFuture = new Date(dmy.year, dmy.month - 1, dmy.day).getTime() > tomorrow;
  const mdyFuture = new Date(mdy.year, mdy.month - 1, mdy.day).getTime() > tomorrow;
  if (dmyFuture && !mdyFuture) return mdy;
  if (mdyFuture && !dmyFuture) return dmy;
  return prefer === 'dmy' ? dmy : mdy;
}

/**
 * WhatsApp's `data-pre-plain-text`: "[12:19, 10/05/2026] Name: " or "[8:05 pm, 14/12/2025] +00 10000 00000: ".
 * The date's order follows the browser locale; `prefer` is the locale's order (see `dateOrderFor`).
 */
export function parseWhatsAppPrePlain(text: string, now: number, prefer: 'dmy' | 'mdy' = 'dmy'): { ts?: number; sender?: string } {
  const match = /^\s*\[([^\]]+)\]\s*(.*?):\s*$/s.exec(text);
  if (!match) return {};
  const [, stamp, name] = match;
  const parts = stamp.split(',');
  let ts: number | undefined;
  if (parts.length >= 2) {
    const clock = parseClock(parts[0]);
    const date = parseNumericDate(parts.slice(1).join(','), now, prefer);
    if (clock && date) ts = localMs(date, clock.hour, clock.minute);
  }
  const sender = name.trim() || undefined;
  return { ts, sender };
}

/** Month-first locales among those we expect (the rest of the world writes the day first). */
export function dateOrderFor(locale: string | undefined): 'dmy' | 'mdy' {
  return /^en-(us|ph)\b|^(fil|es-us)\b/i.test(locale ?? '') ? 'mdy' : 'dmy';
}

function startOfDay(ms: number): DayDate {
  const d = new Date(ms);
  return { year: d.getFullYear(), month: d.getMonth() + 1, day: d.getDate() };
}

/**
 * A day separator as chat apps print it: "Today", "Yesterday", "Hôm nay", "Hôm qua", "May 10", "May 10, 2025",
 * "10 May 2026", "10 tháng 5, 2026", "10/05/2026", "2026-05-10". Weekday names alone give undefined.
 */
export function parseDayLabel(label: string, now: number, prefer: 'dmy' | 'mdy' = 'dmy'): DayDate | undefined {
  const text = label.trim().toLowerCase();
  if (!text) return undefined;
  if (/^(today|hôm nay|hom nay)\b/.test(text)) return startOfDay(now);
  if (/^(yesterday|hôm qua|hom qua)\b/.test(text)) return startOfDay(now - 86_400_000);
  const numeric = parseNumericDate(text, now, prefer);
  if (numeric) return numeric;
  const current = startOfDay(now);
  const withYear = (month: number, day: number, year: number | undefined): DayDate | undefined => {
    if (year !== undefined) return validDate(year, month, day) ? { year, month, day } : undefined;
    // No year printed: this year, unless that is still to come (then last year).
    let y = current.year;
    if (new Date(y, month - 1, day).getTime() > now + 86_400_000) y -= 1;
    return validDate(y, month, day) ? { year: y, month, day } : undefined;
  };
  const vietnamese = /(\d{1,2})\s+tháng\s+(\d{1,2})(?:,?\s+(?:năm\s+)?(\d{4}))?/.exec(text);
  if (vietnamese) return withYear(Number(vietnamese[2]), Number(vietnamese[1]), vietnamese[3] ? Number(vietnamese[3]) : undefined);
  const monthFirst = /\b([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(\d{4}))?/.exec(text);
  const monthA = monthFirst ? MONTHS[monthFirst[1].slice(0, 3)] : undefined;
  if (monthFirst && monthA) return withYear(monthA, Number(monthFirst[2]), monthFirst[3] ? Number(monthFirst[3]) : undefined);
  const dayFirst = /\b(\d{1,2})\s+([a-z]{3,9})\.?(?:,?\s+(\d{4}))?/.exec(text);
  const monthB = dayFirst ? MONTHS[dayFirst[2].slice(0, 3)] : undefined;
  if (dayFirst && monthB) return withYear(monthB, Number(dayFirst[1]), dayFirst[3] ? Number(dayFirst[3]) : undefined);
  return undefined;
}

/**
 * A clock time ("12:19") on a known day, or, with no day known, today (yesterday when today's would be in the
 * future): chat apps print only the time for today's messages.
 */
export function clockOnDay(clockText: string, day: DayDate | undefined, now: number): number | undefined {
  const clock = parseClock(clockText);
  if (!clock) return undefined;
  if (day) return localMs(day, clock.hour, clock.minute, clock.second);
  const today = localMs(startOfDay(now), clock.hour, clock.minute, clock.second);
  if (today === undefined) return undefined;
  return today > now + 60_000 ? localMs(startOfDay(now - 86_400_000), clock.hour, clock.minute, clock.second) : today;
}

/** Unix seconds (Telegram's `data-timestamp`) to milliseconds; undefined unless a plausible date. */
export function fromUnixSeconds(value: string | null | undefined): number | undefined {
  if (!value || !/^\d{9,11}$/.test(value.trim())) return undefined;
  return Number(value.trim()) * 1000;
}

/** An ISO date-time attribute (`<time datetime>`) to milliseconds. */
export function fromIso(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}
