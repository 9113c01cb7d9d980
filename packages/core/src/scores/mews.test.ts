import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VitaltwinError } from '../errors/error-codes.ts';
import { type MewsBandTable, mewsParameters, scoreMews, subbeMewsBands, validateMewsBandTable } from './mews.ts';

// Oracle: Subbe et al. QJM 2001 MEWS table as transcribed in docs/clinical-references.md.
// Integer scores: exact equality.

const sub = (input: Parameters<typeof scoreMews>[0], table?: MewsBandTable) => scoreMews(input, table).subScores;

describe('MEWS default (Subbe 2001) band edges', () => {
  it.each([
    [50, 3],
    [70, 3],
    [71, 2],
    [80, 2],
    [81, 1],
    [100, 1],
    [101, 0],
    [199, 0],
    [200, 2],
  ])('systolic BP %i scores %i', (sbp, score) => {
    expect(sub({ systolicBpMmHg: sbp }).systolicBp).toBe(score);
  });

  it.each([
    [40, 2],
    [41, 1],
    [50, 1],
    [51, 0],
    [100, 0],
    [101, 1],
    [110, 1],
    [111, 2],
    [129, 2],
    [130, 3],
  ])('heart rate %i scores %i', (hr, score) => {
    expect(sub({ heartRatePerMin: hr }).heartRate).toBe(score);
  });

  it.each([
    [8, 2],
    [9, 0],
    [14, 0],
    [15, 1],
    [20, 1],
    [21, 2],
    [29, 2],
    [30, 3],
  ])('respiratory rate %i scores %i', (rr, score) => {
    expect(sub({ respiratoryRatePerMin: rr }).respiratoryRate).toBe(score);
  });

  it.each([
    [34.9, 2],
    [35.0, 0],
    [38.4, 0],
    [38.5, 2],
    [38.45, 2],
    [38.44, 0],
  ])('temperature %f scores %i', (t, score) => {
    expect(sub({ temperatureC: t }).temperature).toBe(score);
  });

  it('AVPU: A 0, V 1, P 2, U 3; new confusion "C" is not on the plain AVPU table', () => {
    expect((['A', 'V', 'P', 'U'] as const).map((c) => sub({ consciousness: c }).consciousness)).toEqual([0, 1, 2, 3]);
    expect(() => scoreMews({ consciousness: 'C' })).toThrow(/not on this table's scale/);
  });
});

describe('MEWS totals and configuration', () => {
  it('total ≥5 is high risk; missing values give a lower bound', () => {
    expect(
      scoreMews({ systolicBpMmHg: 75, heartRatePerMin: 115, respiratoryRatePerMin: 16, temperatureC: 37, consciousness: 'A' }),
    ).toMatchObject({
      total: 5,
      highRisk: true,
    });
    expect(
      scoreMews({ systolicBpMmHg: 120, heartRatePerMin: 80, respiratoryRatePerMin: 12, temperatureC: 37, consciousness: 'A' }),
    ).toMatchObject({
      total: 0,
      highRisk: false,
    });
    expect(scoreMews({ heartRatePerMin: 80 })).toMatchObject({ total: null, complete: false, partialTotal: 0, highRisk: null });
    expect(scoreMews({ heartRatePerMin: 140, systolicBpMmHg: 80 })).toMatchObject({ total: null, partialTotal: 5, highRisk: true });
  });

  it('an institutional variant moves a boundary: "≤35 °C scores 2" instead of "<35"', () => {
    const variant = validateMewsBandTable({
      ...subbeMewsBands,
      temperature: { decimals: 1, bands: [{ upTo: 35, inclusive: true, score: 2 }, ...subbeMewsBands.temperature.bands.slice(1)] },
      consciousness: { ...subbeMewsBands.consciousness, C: 1 },
      highRiskThreshold: 4,
    });
    expect(sub({ temperatureC: 35.0 }, variant).temperature).toBe(2);
    expect(sub({ temperatureC: 35.1 }, variant).temperature).toBe(0);
    expect(sub({ consciousness: 'C' }, variant).consciousness).toBe(1);
    expect(
      scoreMews({ heartRatePerMin: 140, temperatureC: 35, systolicBpMmHg: 120, respiratoryRatePerMin: 12, consciousness: 'A' }, variant),
    ).toMatchObject({
      total: 5,
      highRisk: true,
    });
  });

  it('rejects broken tables with every problem located', () => {
    const broken: MewsBandTable = {
      ...subbeMewsBands,
      heartRate: {
        decimals: 0,
        bands: [
          { upTo: 50, inclusive: true, score: 1 },
          { upTo: 40, inclusive: true, score: 2 },
        ],
      },
      temperature: {
        decimals: 1,
        bands: [
          { upTo: 35.05, inclusive: false, score: 2 },
          { upTo: Number.POSITIVE_INFINITY, inclusive: true, score: -1 },
        ],
      },
    };
    try {
      validateMewsBandTable(broken);
      expect.unreachable('should throw');
    } catch (e) {
      expect(e).toBeInstanceOf(VitaltwinError);
      const expressions = (e as VitaltwinError).problems.map((p) => p.expression);
      expect(expressions).toEqual(
        expect.arrayContaining(['heartRate.bands[1].upTo', 'temperature.bands[0].upTo', 'temperature.bands[1].score']),
      );
    }
  });

  it('the default table is valid, and total = sum of parts for any complete input', () => {
    expect(validateMewsBandTable(subbeMewsBands)).toBe(subbeMewsBands);
    fc.assert(
      fc.property(
        fc.integer({ min: 40, max: 260 }),
        fc.integer({ min: 20, max: 220 }),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 300, max: 430 }),
        fc.constantFrom('A' as const, 'V' as const, 'P' as const, 'U' as const),
        (sbp, hr, rr, t10, c) => {
          const r = scoreMews({
            systolicBpMmHg: sbp,
            heartRatePerMin: hr,
            respiratoryRatePerMin: rr,
            temperatureC: t10 / 10,
            consciousness: c,
          });
          const sum = mewsParameters.reduce((a, p) => a + (r.subScores[p] ?? Number.NaN), 0);
          return r.total === sum && r.highRisk === sum >= 5;
        },
      ),
    );
  });
});
