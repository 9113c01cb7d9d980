import { describe, expect, it } from 'vitest';
import { forecastMetrics } from './forecast-metrics.ts';

describe('forecastMetrics', () => {
  it('computes RMSE, MAE, MARD and bias by hand: refs 100/200, preds 110/180', () => {
    // errors +10, −20: RMSE = √((100 + 400)/2) = 15.8114; MAE 15; MARD (10/100 + 20/200)/2 = 10 %; bias −5.
    const m = forecastMetrics([100, 200], [110, 180]);
    expect(m.n).toBe(2);
    expect(m.rmseMgDl).toBeCloseTo(Math.sqrt(250), 12);
    expect(m.maeMgDl).toBe(15);
    expect(m.mardPercent).toBeCloseTo(10, 12);
    expect(m.biasMgDl).toBe(-5);
    expect(m.clarkePercent).toEqual({ A: 100, B: 0, C: 0, D: 0, E: 0 });
    expect(m.nInterval).toBe(0);
    expect(Number.isNaN(m.coverage)).toBe(true);
  });

  it('shares pairs among Clarke zones', () => {
    // A (100,100), B (100,130), C (150,28), D (300,150), E (60,200)
    const m = forecastMetrics([100, 100, 150, 300, 60], [100, 130, 28, 150, 200]);
    expect(m.clarkePercent).toEqual({ A: 20, B: 20, C: 20, D: 20, E: 20 });
  });

  it('measures interval coverage (inclusive bounds) and mean width over pairs that have an interval', () => {
    const m = forecastMetrics([100, 120, 140, 160], [100, 100, 100, 100], [90, 90, 90, Number.NaN], [110, 120, 130, Number.NaN]);
    expect(m.nInterval).toBe(3);
    expect(m.coverage).toBeCloseTo(2 / 3, 12); // 100 ∈ [90,110], 120 ∈ [90,120], 140 ∉ [90,130]
    expect(m.meanIntervalWidthMgDl).toBeCloseTo((20 + 30 + 40) / 3, 12);
  });

  it('returns NaN metrics for no pairs and rejects mismatched lengths', () => {
    const m = forecastMetrics([], []);
    expect(m.n).toBe(0);
    expect(Number.isNaN(m.rmseMgDl)).toBe(true);
    expect(() => forecastMetrics([1], [])).toThrow(RangeError);
  });
});
