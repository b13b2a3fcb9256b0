import { describe, expect, it } from 'vitest';
import { clockOnDay, dateOrderFor, fromIso, fromUnixSeconds, parseClock, parseDayLabel, parseNumericDate, parseWhatsAppPrePlain } from '../../lib/sites/time';

const NOW = Date.parse('2026-05-10T15:00:00');

describe('clock times', () => {
  it.each([
    ['12:19', 12, 19],
    ['9:12 am', 9, 12],
    ['8:05 PM', 20, 5],
    ['12:30 am', 0, 30],
    ['12:30 pm', 12, 30],
    ['8:05 CH', 20, 5],
    ['20:15:03', 20, 15],
    ['12h19', 12, 19],
    ['edited 07:45', 7, 45],
    ['12:19 amazing', 12, 19],
  ])('%s', (text, hour, minute) => {
    expect(parseClock(text)).toMatchObject({ hour, minute });
  });

  it('rejects what is not a time', () => {
    expect(parseClock('10.05.2026')).toBeUndefined();
    expect(parseClock('25:00')).toBeUndefined();
    expect(parseClock('13:10 pm')).toBeUndefined();
    expect(parseClock('no time')).toBeUndefined();
  });
});

describe('numeric dates (locale dependent)', () => {
  it('reads the unambiguous ones whatever the preference', () => {
    expect(parseNumericDate('22/03/2026', NOW, 'mdy')).toEqual({ year: 2026, month: 3, day: 22 });
    expect(parseNumericDate('3/22/2026', NOW, 'dmy')).toEqual({ year: 2026, month: 3, day: 22 });
    expect(parseNumericDate('2026-05-10', NOW)).toEqual({ year: 2026, month: 5, day: 10 });
  });
  it('uses the preference when both readings are possible', () => {
    expect(parseNumericDate('03/04/2026', NOW, 'dmy')).toEqual({ year: 2026, month: 4, day: 3 });
    expect(parseNumericDate('03/04/2026', NOW, 'mdy')).toEqual({ year: 2026, month: 3, day: 4 });
  });
  it('never picks a reading in the future', () => {
    // On 10 May 2026, "05/09/2026" read day first is 5 September (still to come); month first, 9 May.
    expect(parseNumericDate('05/09/2026', NOW, 'dmy')).toEqual({ year: 2026, month: 5, day: 9 });
  });
  it('two-digit years and invalid dates', () => {
    expect(parseNumericDate('14/12/25', NOW)).toEqual({ year: 2025, month: 12, day: 14 });
    expect(parseNumericDate('31/02/2026', NOW)).toBeUndefined();
  });
  it('picks the order from the locale', () => {
    expect(dateOrderFor('en-US')).toBe('mdy');
    expect(dateOrderFor('vi-VN')).toBe('dmy');
    expect(dateOrderFor('en-GB')).toBe('dmy');
    expect(dateOrderFor(undefined)).toBe('dmy');
  });
});

describe("WhatsApp's data-pre-plain-text", () => {
  it('gives the time and the sender', () => {
    expect(parseWhatsAppPrePlain('[12:19, 10/05/2026] +00 10000 00011: ', NOW)).toEqual({ ts: Date.parse('2026-05-10T12:19'), sender: '+00 10000 00011' });
    expect(parseWhatsAppPrePlain('[8:05 pm, 14/12/2025] Jordan Poe: ', NOW)).toEqual({ ts: Date.parse('2025-12-14T20:05'), sender: 'Jordan Poe' });
    expect(parseWhatsAppPrePlain('[8:05 PM, 12/14/2025] Jordan Poe: ', NOW, 'mdy').ts).toBe(Date.parse('2025-12-14T20:05'));
  });
  it('keeps a sender whose name has a colon, and gives no time for an unreadable date', () => {
    expect(parseWhatsAppPrePlain('[12:19, 10/05/2026] Team: Alpha: ', NOW).sender).toBe('Team: Alpha');
    expect(parseWhatsAppPrePlain('[12:19, someday] Mai: ', NOW)).toEqual({ ts: undefined, sender: 'Mai' });
    expect(parseWhatsAppPrePlain('no brackets', NOW)).toEqual({});
  });
});

describe('day labels and clock times without a day', () => {
  it.each([
    ['Today', { year: 2026, month: 5, day: 10 }],
    ['Hôm nay', { year: 2026, month: 5, day: 10 }],
    ['Yesterday', { year: 2026, month: 5, day: 9 }],
    ['hôm qua', { year: 2026, month: 5, day: 9 }],
    ['May 8', { year: 2026, month: 5, day: 8 }],
    ['December 24', { year: 2025, month: 12, day: 24 }],
    ['May 10, 2025', { year: 2025, month: 5, day: 10 }],
    ['Sunday, May 10, 2026', { year: 2026, month: 5, day: 10 }],
    ['8 May 2026', { year: 2026, month: 5, day: 8 }],
    ['10 tháng 5, 2026', { year: 2026, month: 5, day: 10 }],
    ['3 tháng 4', { year: 2026, month: 4, day: 3 }],
    ['10/05/2026', { year: 2026, month: 5, day: 10 }],
  ])('%s', (label, day) => {
    expect(parseDayLabel(label, NOW)).toEqual(day);
  });
  it('gives nothing for weekday names alone', () => {
    expect(parseDayLabel('Monday', NOW)).toBeUndefined();
    expect(parseDayLabel('', NOW)).toBeUndefined();
  });
  it('places a bare clock time today, or yesterday when today is still to come', () => {
    expect(clockOnDay('14:59', undefined, NOW)).toBe(Date.parse('2026-05-10T14:59'));
    expect(clockOnDay('15:30', undefined, NOW)).toBe(Date.parse('2026-05-09T15:30'));
    expect(clockOnDay('9:00', { year: 2026, month: 5, day: 8 }, NOW)).toBe(Date.parse('2026-05-08T09:00'));
    expect(clockOnDay('later', undefined, NOW)).toBeUndefined();
  });
});

describe('machine times', () => {
  it('unix seconds and ISO strings', () => {
    expect(fromUnixSeconds('1778403600')).toBe(1_778_403_600_000);
    expect(fromUnixSeconds('12')).toBeUndefined();
    expect(fromUnixSeconds(null)).toBeUndefined();
    expect(fromIso('2026-05-10T05:19:00.000Z')).toBe(Date.UTC(2026, 4, 10, 5, 19));
    expect(fromIso('not a date')).toBeUndefined();
  });
});
