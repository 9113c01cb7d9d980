import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { qsofaGcsScore, qsofaRespiratoryRateScore, qsofaSystolicBpScore, scoreQsofa } from './qsofa.ts';

// Oracle: Seymour CW et al., JAMA 2016;315:762 (Sepsis-3): RR ≥22, SBP ≤100, GCS <15; positive ≥2.

describe('qSOFA criteria edges', () => {
  it.each([
    [21, 0],
    [22, 1],
    [21.4, 0],
    [21.5, 1],
  ])('respiratory rate %f scores %i', (rr, score) => {
    expect(qsofaRespiratoryRateScore(rr)).toBe(score);
  });

  it.each([
    [100, 1],
    [101, 0],
    [100.4, 1],
    [100.5, 0],
  ])('systolic BP %f scores %i', (sbp, score) => {
    expect(qsofaSystolicBpScore(sbp)).toBe(score);
  });

  it.each([
    [15, 0],
    [14, 1],
    [3, 1],
  ])('GCS %i scores %i', (gcs, score) => {
    expect(qsofaGcsScore(gcs)).toBe(score);
  });

  it('rejects GCS outside 3–15 or fractional', () => {
    expect(() => qsofaGcsScore(2)).toThrow(/gcsTotal/);
    expect(() => qsofaGcsScore(16)).toThrow(/gcsTotal/);
    expect(() => qsofaGcsScore(14.5)).toThrow(/gcsTotal/);
  });
});

describe('qSOFA total and positivity', () => {
  it('two criteria are positive, one is not', () => {
    expect(scoreQsofa({ respiratoryRatePerMin: 22, systolicBpMmHg: 100, gcsTotal: 15 })).toMatchObject({ total: 2, positive: true });
    expect(scoreQsofa({ respiratoryRatePerMin: 22, systolicBpMmHg: 101, gcsTotal: 15 })).toMatchObject({ total: 1, positive: false });
    expect(scoreQsofa({ respiratoryRatePerMin: 30, systolicBpMmHg: 80, gcsTotal: 10 })).toMatchObject({ total: 3, positive: true });
  });

  it('GCS takes precedence over a clinical altered-mentation flag', () => {
    expect(scoreQsofa({ gcsTotal: 15, alteredMentation: true }).subScores.mentation).toBe(0);
    expect(scoreQsofa({ alteredMentation: true }).subScores.mentation).toBe(1);
  });

  it('missing inputs: positivity settled only when the lower bound reaches 2 or everything is known', () => {
    expect(scoreQsofa({ respiratoryRatePerMin: 25 })).toMatchObject({ total: null, complete: false, partialTotal: 1, positive: null });
    expect(scoreQsofa({ respiratoryRatePerMin: 25, systolicBpMmHg: 90 })).toMatchObject({ total: null, partialTotal: 2, positive: true });
    expect(scoreQsofa({ respiratoryRatePerMin: 12, systolicBpMmHg: 130 }).positive).toBeNull();
  });

  it('property: total = sum of sub-scores, positive ⇔ total ≥ 2', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 40, max: 250 }), fc.integer({ min: 3, max: 15 }), (rr, sbp, gcs) => {
        const r = scoreQsofa({ respiratoryRatePerMin: rr, systolicBpMmHg: sbp, gcsTotal: gcs });
        const sum = (rr >= 22 ? 1 : 0) + (sbp <= 100 ? 1 : 0) + (gcs < 15 ? 1 : 0);
        return r.total === sum && r.positive === sum >= 2;
      }),
    );
  });
});
