import { describe, expect, it } from 'vitest';
import { expandTiming, fhirDateTimeMs } from './dose-schedule.ts';

const iso = (ms: number[]) => ms.map((t) => new Date(t).toISOString());
const day = (d: number, h = 0) => Date.UTC(2025, 0, d, h);

describe('FHIR Timing expansion', () => {
  it('timeOfDay twice daily (BID at 08:00 and 20:00), UTC', () => {
    const s = expandTiming(
      { repeat: { frequency: 2, period: 1, periodUnit: 'd', timeOfDay: ['20:00:00', '08:00:00'] } },
      { fromMs: day(1), toMs: day(3) },
    );
    expect(iso(s.timesMs)).toEqual([
      '2025-01-01T08:00:00.000Z',
      '2025-01-01T20:00:00.000Z',
      '2025-01-02T08:00:00.000Z',
      '2025-01-02T20:00:00.000Z',
    ]);
    expect(s.unsupported).toBeNull();
  });

  it('timeOfDay is local time in the patient time zone (08:00 New York = 13:00Z in January)', () => {
    const s = expandTiming({ repeat: { timeOfDay: ['08:00:00'] } }, { fromMs: day(1, 12), toMs: day(2, 23), timeZone: 'America/New_York' });
    expect(iso(s.timesMs)).toEqual(['2025-01-01T13:00:00.000Z', '2025-01-02T13:00:00.000Z']);
  });

  it('frequency / period without timeOfDay: every 8 h from boundsPeriod.start, inside the bounds', () => {
    const s = expandTiming(
      {
        repeat: { frequency: 3, period: 1, periodUnit: 'd', boundsPeriod: { start: '2025-01-01T06:00:00Z', end: '2025-01-02T06:00:00Z' } },
      },
      { fromMs: day(1), toMs: day(5) },
    );
    expect(iso(s.timesMs)).toEqual([
      '2025-01-01T06:00:00.000Z',
      '2025-01-01T14:00:00.000Z',
      '2025-01-01T22:00:00.000Z',
      '2025-01-02T06:00:00.000Z',
    ]);
  });

  it('every other day at 09:00 counts days from the start; dayOfWeek filters weekdays', () => {
    const alt = expandTiming(
      { repeat: { period: 2, periodUnit: 'd', timeOfDay: ['09:00'], boundsPeriod: { start: '2025-01-02' } } },
      { fromMs: day(1), toMs: day(8) },
    );
    expect(iso(alt.timesMs)).toEqual(['2025-01-02T09:00:00.000Z', '2025-01-04T09:00:00.000Z', '2025-01-06T09:00:00.000Z']);
    // 2025-01-06 is a Monday.
    const weekly = expandTiming(
      { repeat: { period: 1, periodUnit: 'wk', dayOfWeek: ['mon'], timeOfDay: ['09:00:00'] } },
      { fromMs: day(1), toMs: day(15) },
    );
    expect(iso(weekly.timesMs)).toEqual(['2025-01-06T09:00:00.000Z', '2025-01-13T09:00:00.000Z']);
  });

  it('count limits the doses from the start; explicit events are included', () => {
    const s = expandTiming(
      { repeat: { count: 3, frequency: 1, period: 12, periodUnit: 'h', boundsPeriod: { start: '2025-01-01T00:00:00Z' } } },
      { fromMs: day(1), toMs: day(9) },
    );
    expect(s.timesMs).toEqual([day(1, 0), day(1, 12), day(2, 0)]);
    expect(expandTiming({ event: ['2025-01-03T10:00:00Z', '2025-02-01T10:00:00Z'] }, { fromMs: day(1), toMs: day(9) }).timesMs).toEqual([
      day(3, 10),
    ]);
  });

  it('a frequency schedule falls back to the caller anchor (authoredOn)', () => {
    const s = expandTiming({ repeat: { frequency: 1, period: 1, periodUnit: 'd' } }, { fromMs: day(2), toMs: day(4), anchorMs: day(1, 7) });
    expect(s.timesMs).toEqual([day(2, 7), day(3, 7)]);
  });

  it('reports what it cannot honour', () => {
    expect(expandTiming({ repeat: { when: ['MORN'] } }, { fromMs: day(1), toMs: day(2) }).unsupported).toMatch(/needs timeOfDay/);
    expect(
      expandTiming(
        { repeat: { frequency: 1, period: 1, periodUnit: 'mo', boundsPeriod: { start: '2025-01-01' } } },
        { fromMs: day(1), toMs: day(2) },
      ).unsupported,
    ).toMatch(/calendar months/);
    expect(expandTiming({ repeat: { frequency: 1, period: 1, periodUnit: 'd' } }, { fromMs: day(1), toMs: day(2) }).unsupported).toMatch(
      /anchor/,
    );
    const partly = expandTiming({ repeat: { timeOfDay: ['08:00:00'], when: ['C'], offset: 30 } }, { fromMs: day(1), toMs: day(2) });
    expect(partly.ignored).toEqual(['repeat.when', 'repeat.offset']);
    expect(partly.timesMs).toEqual([day(1, 8)]);
  });

  it('parses FHIR dates as local midnight and dateTimes with their offset', () => {
    expect(fhirDateTimeMs('2025-07-01', 'Europe/London')).toBe(Date.UTC(2025, 5, 30, 23));
    expect(fhirDateTimeMs('2025-07-01T08:00:00+02:00', 'UTC')).toBe(Date.UTC(2025, 6, 1, 6));
    expect(fhirDateTimeMs('01/07/2025', 'UTC')).toBeNaN();
  });
});
