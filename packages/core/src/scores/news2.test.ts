import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VitaltwinError } from '../errors/error-codes.ts';
import { acvpuLevels } from './acvpu.ts';
import {
  type News2Input,
  news2ClinicalRisk,
  news2ClinicalRisks,
  news2ConsciousnessScore,
  news2HeartRateScore,
  news2Parameters,
  news2RespiratoryRateScore,
  news2Spo2Scale1Score,
  news2Spo2Scale2Score,
  news2SystolicBpScore,
  news2TemperatureScore,
  scoreNews2,
} from './news2.ts';

// Oracle: RCP NEWS2 (2017) Chart 1, as transcribed in docs/clinical-references.md. Every band
// boundary is tested on both sides. Scores are integers: exact equality, no tolerance.

describe('NEWS2 Chart 1 band edges', () => {
  it.each([
    [0, 3],
    [8, 3],
    [9, 1],
    [11, 1],
    [12, 0],
    [20, 0],
    [21, 2],
    [24, 2],
    [25, 3],
    [60, 3],
  ])('respiration rate %i /min scores %i', (rr, score) => {
    expect(news2RespiratoryRateScore(rr)).toBe(score);
  });

  it.each([
    [50, 3],
    [91, 3],
    [92, 2],
    [93, 2],
    [94, 1],
    [95, 1],
    [96, 0],
    [100, 0],
  ])('SpO2 scale 1: %i %% scores %i', (spo2, score) => {
    expect(news2Spo2Scale1Score(spo2)).toBe(score);
  });

  it.each([
    // [SpO2, on oxygen?, score]
    [83, false, 3],
    [83, true, 3],
    [84, true, 2],
    [85, false, 2],
    [86, true, 1],
    [87, false, 1],
    [88, true, 0],
    [88, false, 0],
    [92, true, 0],
    [92, false, 0],
    [93, false, 0],
    [100, false, 0],
    [93, true, 1],
    [94, true, 1],
    [95, true, 2],
    [96, true, 2],
    [97, true, 3],
    [100, true, 3],
  ])('SpO2 scale 2: %i %% (oxygen %s) scores %i', (spo2, oxygen, score) => {
    expect(news2Spo2Scale2Score(spo2, oxygen)).toBe(score);
  });

  it.each([
    [60, 3],
    [90, 3],
    [91, 2],
    [100, 2],
    [101, 1],
    [110, 1],
    [111, 0],
    [219, 0],
    [220, 3],
  ])('systolic BP %i mmHg scores %i', (sbp, score) => {
    expect(news2SystolicBpScore(sbp)).toBe(score);
  });

  it.each([
    [30, 3],
    [40, 3],
    [41, 1],
    [50, 1],
    [51, 0],
    [90, 0],
    [91, 1],
    [110, 1],
    [111, 2],
    [130, 2],
    [131, 3],
  ])('pulse %i /min scores %i', (hr, score) => {
    expect(news2HeartRateScore(hr)).toBe(score);
  });

  it.each([
    [34.0, 3],
    [35.0, 3],
    [35.1, 1],
    [36.0, 1],
    [36.1, 0],
    [38.0, 0],
    [38.1, 1],
    [39.0, 1],
    [39.1, 2],
    [41.0, 2],
  ])('temperature %f °C scores %i', (t, score) => {
    expect(news2TemperatureScore(t)).toBe(score);
  });

  it('consciousness: Alert 0, new Confusion / Voice / Pain / Unresponsive 3', () => {
    expect(acvpuLevels.map((c) => news2ConsciousnessScore(c))).toEqual([0, 3, 3, 3, 3]);
  });

  it('air or oxygen: oxygen adds 2 on either scale', () => {
    const base: News2Input = {
      respiratoryRatePerMin: 16,
      spo2Percent: 97,
      systolicBpMmHg: 120,
      heartRatePerMin: 70,
      consciousness: 'A',
      temperatureC: 37,
    };
    expect(scoreNews2({ ...base, onSupplementalOxygen: true }).subScores.airOrOxygen).toBe(2);
    expect(scoreNews2({ ...base, onSupplementalOxygen: false }).subScores.airOrOxygen).toBe(0);
    expect(scoreNews2({ ...base, onSupplementalOxygen: true, spo2Scale: 2 }).subScores.airOrOxygen).toBe(2);
  });
});

describe('NEWS2 recorded precision (continuous device values)', () => {
  it('rounds half up to whole numbers before banding', () => {
    expect(news2RespiratoryRateScore(20.4)).toBe(0);
    expect(news2RespiratoryRateScore(20.5)).toBe(2);
    expect(news2HeartRateScore(90.49)).toBe(0);
    expect(news2HeartRateScore(90.5)).toBe(1);
    expect(news2SystolicBpScore(219.49)).toBe(0);
    expect(news2SystolicBpScore(219.5)).toBe(3);
  });

  it('rounds temperature to 0.1 °C (38.04 → 38.0 scores 0, 38.05 → 38.1 scores 1)', () => {
    expect(news2TemperatureScore(38.04)).toBe(0);
    expect(news2TemperatureScore(38.05)).toBe(1);
    expect(news2TemperatureScore(35.04)).toBe(3);
    expect(news2TemperatureScore(35.05)).toBe(1);
  });

  it('rejects values outside the input domain with VT_ERR_INVALID_INPUT naming the input', () => {
    expect(() => news2Spo2Scale1Score(101)).toThrow(VitaltwinError);
    expect(() => scoreNews2({ heartRatePerMin: Number.NaN })).toThrow(/heartRatePerMin/);
    expect(() => scoreNews2({ temperatureC: 98.6 })).toThrow(/temperatureC/);
  });
});

const normal: Required<News2Input> = {
  respiratoryRatePerMin: 16,
  spo2Percent: 97,
  spo2Scale: 1,
  onSupplementalOxygen: false,
  systolicBpMmHg: 120,
  heartRatePerMin: 70,
  consciousness: 'A',
  temperatureC: 37.0,
};

describe('NEWS2 aggregate, red flag and clinical risk', () => {
  it('a normal set scores 0, low risk', () => {
    const r = scoreNews2(normal);
    expect(r).toMatchObject({ total: 0, complete: true, partialTotal: 0, redFlag: false, clinicalRisk: 'low', minimumClinicalRisk: 'low' });
  });

  it('worked example: RR 22, SpO2 93 on O2, SBP 105, HR 115, A, 38.5 → 2+2+2+1+2+0+1 = 10, high', () => {
    const r = scoreNews2({
      ...normal,
      respiratoryRatePerMin: 22,
      spo2Percent: 93,
      onSupplementalOxygen: true,
      systolicBpMmHg: 105,
      heartRatePerMin: 115,
      temperatureC: 38.5,
    });
    expect(r.subScores).toEqual({
      respiratoryRate: 2,
      spo2: 2,
      airOrOxygen: 2,
      systolicBp: 1,
      heartRate: 2,
      consciousness: 0,
      temperature: 1,
    });
    expect(r.total).toBe(10);
    expect(r.clinicalRisk).toBe('high');
  });

  it.each([
    // [overrides, total, redFlag, risk]
    [{}, 0, false, 'low'],
    [{ heartRatePerMin: 95 }, 1, false, 'low'],
    [{ heartRatePerMin: 115, respiratoryRatePerMin: 22 }, 4, false, 'low'],
    [{ consciousness: 'C' }, 3, true, 'low-medium'],
    [{ systolicBpMmHg: 90, heartRatePerMin: 95 }, 4, true, 'low-medium'],
    [{ heartRatePerMin: 115, respiratoryRatePerMin: 22, temperatureC: 38.5 }, 5, false, 'medium'],
    [{ consciousness: 'V', respiratoryRatePerMin: 22, heartRatePerMin: 95 }, 6, true, 'medium'],
    [{ consciousness: 'U', respiratoryRatePerMin: 25, heartRatePerMin: 95 }, 7, true, 'high'],
    [{ heartRatePerMin: 115, respiratoryRatePerMin: 22, temperatureC: 39.5 }, 6, false, 'medium'],
    [{ heartRatePerMin: 115, respiratoryRatePerMin: 22, temperatureC: 39.5, systolicBpMmHg: 105 }, 7, false, 'high'],
  ] as const)('%j → total %i, red flag %s, risk %s', (overrides, total, redFlag, risk) => {
    const r = scoreNews2({ ...normal, ...overrides });
    expect(r.total).toBe(total);
    expect(r.redFlag).toBe(redFlag);
    expect(r.clinicalRisk).toBe(risk);
  });

  it('risk precedence: total beats red flag; red flag lifts 0–4 to low-medium', () => {
    expect(news2ClinicalRisk(3, true)).toBe('low-medium');
    expect(news2ClinicalRisk(4, true)).toBe('low-medium');
    expect(news2ClinicalRisk(5, true)).toBe('medium');
    expect(news2ClinicalRisk(6, false)).toBe('medium');
    expect(news2ClinicalRisk(7, false)).toBe('high');
    expect(news2ClinicalRisk(4, false)).toBe('low');
    expect(news2ClinicalRisk(0, false)).toBe('low');
  });
});

describe('NEWS2 missing-value rule (project rule in clinical-references.md)', () => {
  it('a missing input: its sub-score null, total null, complete false, partialTotal = sum of the rest', () => {
    const r = scoreNews2({ ...normal, respiratoryRatePerMin: null, heartRatePerMin: 115 });
    expect(r.subScores.respiratoryRate).toBeNull();
    expect(r.total).toBeNull();
    expect(r.complete).toBe(false);
    expect(r.partialTotal).toBe(2);
    expect(r.clinicalRisk).toBeNull();
    expect(r.minimumClinicalRisk).toBe('low');
  });

  it('undefined counts as missing like null', () => {
    const { temperatureC: _omitted, ...rest } = normal;
    const r = scoreNews2(rest);
    expect(r.subScores.temperature).toBeNull();
    expect(r.complete).toBe(false);
  });

  it('the red flag is evaluated on the available components', () => {
    const r = scoreNews2({ ...normal, temperatureC: null, systolicBpMmHg: 85 });
    expect(r.redFlag).toBe(true);
    expect(r.partialTotal).toBe(3);
    expect(r.clinicalRisk).toBeNull();
    expect(r.minimumClinicalRisk).toBe('low-medium');
  });

  it('a partial total already ≥7 settles the risk as high', () => {
    const r = scoreNews2({ respiratoryRatePerMin: 30, systolicBpMmHg: 80, heartRatePerMin: 140 });
    expect(r.total).toBeNull();
    expect(r.partialTotal).toBe(9);
    expect(r.clinicalRisk).toBe('high');
  });

  it('missing oxygen status: air-or-oxygen null; scale 2 SpO2 ≥93 null, scale 2 SpO2 ≤92 and scale 1 still scored', () => {
    expect(scoreNews2({ ...normal, onSupplementalOxygen: null }).subScores).toMatchObject({ airOrOxygen: null, spo2: 0 });
    expect(scoreNews2({ ...normal, spo2Scale: 2, spo2Percent: 95, onSupplementalOxygen: null }).subScores.spo2).toBeNull();
    expect(scoreNews2({ ...normal, spo2Scale: 2, spo2Percent: 90, onSupplementalOxygen: null }).subScores.spo2).toBe(0);
  });

  it('nothing measured: partialTotal 0, incomplete, no settled risk', () => {
    expect(scoreNews2({})).toMatchObject({ total: null, complete: false, partialTotal: 0, redFlag: false, clinicalRisk: null });
  });
});

const arbInput = fc.record({
  respiratoryRatePerMin: fc.integer({ min: 0, max: 60 }),
  spo2Percent: fc.integer({ min: 60, max: 100 }),
  spo2Scale: fc.constantFrom(1 as const, 2 as const),
  onSupplementalOxygen: fc.boolean(),
  systolicBpMmHg: fc.integer({ min: 40, max: 280 }),
  heartRatePerMin: fc.integer({ min: 20, max: 220 }),
  consciousness: fc.constantFrom(...acvpuLevels),
  temperatureC: fc.integer({ min: 300, max: 430 }).map((t) => t / 10),
});

describe('NEWS2 properties', () => {
  it('total = sum of the seven sub-scores, within 0–20; red flag ⇔ some sub-score is 3', () => {
    fc.assert(
      fc.property(arbInput, (input) => {
        const r = scoreNews2(input);
        const parts = news2Parameters.map((p) => r.subScores[p] ?? Number.NaN);
        const sum = parts.reduce((a, b) => a + b, 0);
        return r.complete && r.total === sum && sum >= 0 && sum <= 20 && r.redFlag === parts.includes(3);
      }),
    );
  });

  it('dropping inputs never raises partialTotal or minimumClinicalRisk above the complete result', () => {
    const rank = (risk: string) => news2ClinicalRisks.indexOf(risk as (typeof news2ClinicalRisks)[number]);
    fc.assert(
      fc.property(
        arbInput,
        fc.subarray([
          'respiratoryRatePerMin',
          'spo2Percent',
          'onSupplementalOxygen',
          'systolicBpMmHg',
          'heartRatePerMin',
          'consciousness',
          'temperatureC',
        ] as const),
        (input, dropped) => {
          const full = scoreNews2(input);
          const partial: Record<string, unknown> = { ...input };
          for (const key of dropped) partial[key] = null;
          const r = scoreNews2(partial as News2Input);
          return (
            r.partialTotal <= (full.total ?? -1) &&
            rank(r.minimumClinicalRisk) <= rank(full.clinicalRisk ?? 'low') &&
            (r.clinicalRisk === null || r.clinicalRisk === full.clinicalRisk)
          );
        },
      ),
    );
  });

  it('sub-scores never decrease as a value moves away from the normal band (RR, SBP, HR, temperature)', () => {
    const away = (f: (x: number) => number, normalLow: number, normalHigh: number, lo: number, hi: number) =>
      fc.property(fc.integer({ min: lo, max: hi }), fc.integer({ min: lo, max: hi }), (a, b) => {
        const [x, y] = a <= b ? [a, b] : [b, a];
        if (x >= normalHigh) return f(x) <= f(y);
        if (y <= normalLow) return f(x) >= f(y);
        return true;
      });
    fc.assert(away(news2RespiratoryRateScore, 12, 20, 0, 80));
    fc.assert(away(news2SystolicBpScore, 111, 219, 20, 300));
    fc.assert(away(news2HeartRateScore, 51, 90, 10, 300));
    fc.assert(away((t) => news2TemperatureScore(t / 10), 361, 380, 250, 450));
  });
});
