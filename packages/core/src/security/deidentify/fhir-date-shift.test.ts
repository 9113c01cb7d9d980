import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shiftFhirDate } from './fhir-date-shift.ts';

const dayMs = 86_400_000;

describe('FHIR date shifting', () => {
  it('shifts dates, dateTimes and instants by whole days, keeping time and zone', () => {
    expect(shiftFhirDate('2020-02-28', 1)).toBe('2020-02-29');
    expect(shiftFhirDate('2020-02-28', 2)).toBe('2020-03-01');
    expect(shiftFhirDate('2019-12-31T23:59:59-05:00', 1)).toBe('2020-01-01T23:59:59-05:00');
    expect(shiftFhirDate('2021-03-01T08:00:00.123Z', -1)).toBe('2021-02-28T08:00:00.123Z');
    expect(shiftFhirDate('0001-01-01', 0)).toBe('0001-01-01');
  });

  it('keeps month and year precision', () => {
    expect(shiftFhirDate('2020-01', 30)).toBe('2020-02');
    expect(shiftFhirDate('2020', -365)).toBe('2019');
  });

  it('refuses values that are not valid dates', () => {
    for (const bad of ['2020-02-30', '2020-13-01', '2020-01-01T25:00:00Z', 'yesterday', '20200101'])
      expect(shiftFhirDate(bad, 1), bad).toBeUndefined();
  });

  it('keeps the interval between any two dates of one patient (property)', () => {
    const date = fc
      .integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2100, 0, 1) })
      .map((t) => new Date(t - (t % dayMs)).toISOString().slice(0, 10));
    fc.assert(
      fc.property(date, date, fc.integer({ min: -365, max: 365 }), (a, b, days) => {
        const sa = shiftFhirDate(a, days) as string;
        const sb = shiftFhirDate(b, days) as string;
        expect(Date.parse(sb) - Date.parse(sa)).toBe(Date.parse(b) - Date.parse(a));
        expect(Date.parse(sa) - Date.parse(a)).toBe(days * dayMs);
      }),
    );
  });
});
