import { describe, expect, it } from 'vitest';
import { dateOfEpochDay, epochDay, fromZoned, toZoned, weekdayOf } from './zoned-time.ts';

// Oracle: published UK and US daylight-saving rules (Europe/London: BST from the last Sunday of
// March 01:00 UTC to the last Sunday of October 01:00 UTC; America/New_York: UTC−5 / UTC−4).

const local = (year: number, month: number, day: number, hour: number, minute = 0) => ({ year, month, day, hour, minute, second: 0 });

describe('zoned time', () => {
  it('08:00 in London is 08:00Z in winter and 07:00Z in summer', () => {
    expect(new Date(fromZoned(local(2025, 1, 15, 8), 'Europe/London')).toISOString()).toBe('2025-01-15T08:00:00.000Z');
    expect(new Date(fromZoned(local(2025, 7, 15, 8), 'Europe/London')).toISOString()).toBe('2025-07-15T07:00:00.000Z');
    expect(new Date(fromZoned(local(2025, 7, 15, 8), 'America/New_York')).toISOString()).toBe('2025-07-15T12:00:00.000Z');
  });

  it('round-trips an instant through local time', () => {
    const t = Date.UTC(2025, 2, 30, 0, 59, 0);
    expect(fromZoned(toZoned(t, 'Europe/London'), 'Europe/London')).toBe(t);
    expect(toZoned(Date.UTC(2025, 2, 30, 1, 0, 0), 'Europe/London')).toEqual(local(2025, 3, 30, 2));
  });

  it('skipped local time (01:30 on 30 March 2025 in London) maps one hour later; repeated time maps to its first occurrence', () => {
    expect(new Date(fromZoned(local(2025, 3, 30, 1, 30), 'Europe/London')).toISOString()).toBe('2025-03-30T01:30:00.000Z');
    expect(new Date(fromZoned(local(2025, 10, 26, 1, 30), 'Europe/London')).toISOString()).toBe('2025-10-26T00:30:00.000Z');
  });

  it('calendar helpers', () => {
    expect(weekdayOf(2025, 1, 1)).toBe(3); // Wednesday
    expect(epochDay(1970, 1, 2)).toBe(1);
    expect(dateOfEpochDay(epochDay(2024, 2, 29) + 1)).toEqual({ year: 2024, month: 3, day: 1 });
  });

  it('rejects unknown zones with a clear error', () => {
    expect(() => fromZoned(local(2025, 1, 1, 8), 'Mars/Olympus')).toThrow(/unknown time zone "Mars\/Olympus"/);
  });
});
