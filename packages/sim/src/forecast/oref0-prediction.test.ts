import { describe, expect, it } from 'vitest';
import { createForecastOutput, glucoseSeries } from './forecaster.ts';
import { createOref0Forecaster } from './oref0-forecaster.ts';
import { oref0GlucoseStatus } from './oref0-glucose-status.ts';
import { insulinCurveConstants, insulinCurvePresets, insulinOnBoardPerUnit } from './oref0-insulin-curve.ts';
import { oref0Predictions } from './oref0-prediction.ts';

const flatStatus = (bg: number, delta: number) => ({ glucoseMgDl: bg, delta, shortAvgDelta: delta, longAvgDelta: delta });

describe('oref0GlucoseStatus (glucose-get-last.js)', () => {
  it('reads a steady rise of 2 mg/dL per 5 min as delta = short = long = 2', () => {
    const t = Array.from({ length: 12 }, (_, i) => i * 5);
    const s = oref0GlucoseStatus(
      glucoseSeries(
        t,
        t.map((x) => 100 + (2 * x) / 5),
      ),
    );
    expect(s).toEqual({ glucoseMgDl: 122, delta: 2, shortAvgDelta: 2, longAvgDelta: 2 });
  });

  it('averages a reading within 2.5 min into "now" and gives 0 deltas without recent data', () => {
    const s = oref0GlucoseStatus(glucoseSeries([0, 60, 61], [50, 100, 110]));
    expect(s.glucoseMgDl).toBe(105);
    expect([s.delta, s.shortAvgDelta, s.longAvgDelta]).toEqual([0, 0, 0]);
  });
});

describe('oref0Predictions (determine-basal.js predBGs), hand-computed', () => {
  it('without insulin or carbs the IOB curve adds ci·(1 − L/12): +5.5 after 5 min, +25.5 at 30 min, +33 from 60 min', () => {
    // ci = min(delta, short) − BGI = 6; csf = 50/10 = 5, maxCI = 30·5·5/60 = 12.5 does not bind.
    const p = oref0Predictions({ status: flatStatus(100, 6), isfMgDlPerU: 50, carbRatioGPerU: 10, activity: new Float64Array(48) });
    expect(p.ci).toBe(6);
    expect(p.iob[1]).toBeCloseTo(100 + (6 * 11) / 12, 12);
    expect(p.iob[6]).toBeCloseTo(100 + (6 * 51) / 12, 12); // 11+10+…+6 = 51
    expect(p.iob[12]).toBeCloseTo(133, 12); // 11+…+0 = 66 → 6·66/12
    expect(p.iob[48]).toBeCloseTo(133, 12);
    // UAM: uci·(1 − L/36) with no deviation slope; COB: flat (no carbs) and not active.
    expect(p.uam[1]).toBeCloseTo(100 + (6 * 35) / 36, 12);
    expect(p.cob[12]).toBe(100);
    expect(p.cobCurveActive).toBe(false);
    expect(p.zt[48]).toBe(100);
  });

  it('caps carb impact at 30 g/h: delta 20 with CSF 5 gives ci = 12.5', () => {
    const p = oref0Predictions({ status: flatStatus(100, 20), isfMgDlPerU: 50, carbRatioGPerU: 10, activity: new Float64Array(48) });
    expect(p.ci).toBe(12.5);
  });

  it('with constant insulin activity 0.01 U/min and ISF 50, BGI = −2.5 per tick and the deviation offsets it for 1 h', () => {
    // delta 0 → ci = 0 − (−2.5) = 2.5; IOB step L: −2.5 + 2.5·(1 − min(1, L/12)) = −2.5·min(1, L/12).
    const activity = new Float64Array(48).fill(0.01);
    const p = oref0Predictions({ status: flatStatus(100, 0), isfMgDlPerU: 50, carbRatioGPerU: 10, activity });
    expect(p.iob[12]).toBeCloseTo(100 - (2.5 * 78) / 12, 10); // Σ_{L=1..12} L/12 = 6.5
    expect(p.iob[13]).toBeCloseTo(100 - 16.25 - 2.5, 10);
    // ZT uses the zero-temp activity (here the same) without deviations: −2.5 per tick.
    expect(p.zt[10]).toBeCloseTo(75, 10);
  });

  it('absorbs all COB along the /\\ curve: 30 g at CSF 5 raise BG by 150 mg/dL over 3 h', () => {
    // ci = 0 → cid = 0, predCI = 0; remainingCATime = max(3, 30/20) = 3 h; remainingCIpeak = 30·5·5/60/1.5.
    // Σ_{L=1..36} min(L, 36 − L)/18 · peak = 324/18 · 8.333 = 150.
    const p = oref0Predictions({
      status: flatStatus(100, 0),
      isfMgDlPerU: 50,
      carbRatioGPerU: 10,
      activity: new Float64Array(48),
      mealCobG: 30,
      mealCarbsG: 30,
      lastCarbAgeMin: 0,
    });
    expect(p.cobCurveActive).toBe(true);
    expect(p.cob[18]).toBeCloseTo(100 + (171 / 18) * ((30 * 5 * 5) / 60 / 1.5), 10);
    expect(p.cob[36]).toBeCloseTo(250, 10);
    expect(p.cob[48]).toBeCloseTo(250, 10);
    expect(p.iob[48]).toBe(100);
  });

  it('clamps curves to [39, 401] like oref0 output', () => {
    const p = oref0Predictions({ status: flatStatus(60, -20), isfMgDlPerU: 50, carbRatioGPerU: 10, activity: new Float64Array(48) });
    expect(Math.min(...p.iob)).toBe(39);
  });
});

describe('createOref0Forecaster', () => {
  const horizons = [30, 60, 120, 180, 240];

  it('without treatments extrapolates the decaying deviation: +8.5 at 30 min, +11 from 60 min for 2 mg/dL/5 min', () => {
    const t = Array.from({ length: 12 }, (_, i) => i * 5);
    const f = createOref0Forecaster({ profile: { isfMgDlPerU: 50, carbRatioGPerU: 10 } });
    const out = createForecastOutput(horizons.length);
    f.forecast(
      glucoseSeries(
        t,
        t.map((x) => 100 + (2 * x) / 5),
      ),
      horizons,
      out,
    );
    expect(out.pointMgDl[0]).toBeCloseTo(122 + (2 * 51) / 12, 10);
    expect(out.pointMgDl[1]).toBeCloseTo(122 + 11, 10);
    expect(out.pointMgDl[3]).toBeCloseTo(133, 10);
    expect(Number.isNaN(out.pointMgDl[4]!)).toBe(true); // beyond 48 ticks (235 min)
    expect(Number.isNaN(out.lowerMgDl[0]!)).toBe(true);
  });

  it('a 1 U bolus at the origin lowers flat BG by ≈ ISF·(1 − IOB(235 min)) over the curve (Riemann sum vs IOB formula, 0.5 mg/dL)', () => {
    const t = Array.from({ length: 12 }, (_, i) => i * 5);
    const f = createOref0Forecaster({ profile: { isfMgDlPerU: 50, carbRatioGPerU: 10 }, insulin: [{ timeMin: 55, units: 1 }] });
    const out = createForecastOutput(1);
    f.forecast(
      glucoseSeries(
        t,
        t.map(() => 150),
      ),
      [235],
      out,
    );
    const k = insulinCurveConstants(insulinCurvePresets.rapidActing);
    expect(out.pointMgDl[0]).toBeCloseTo(150 - 50 * (1 - insulinOnBoardPerUnit(235, k)), 0);
    expect(Math.abs(out.pointMgDl[0]! - (150 - 50 * (1 - insulinOnBoardPerUnit(235, k))))).toBeLessThan(0.5);
  });

  it('ignores treatments after the origin and follows COB when carbs are on board', () => {
    const t = Array.from({ length: 12 }, (_, i) => i * 5);
    const flat = glucoseSeries(
      t,
      t.map(() => 100),
    );
    const future = createOref0Forecaster({
      profile: { isfMgDlPerU: 50, carbRatioGPerU: 10 },
      insulin: [{ timeMin: 100, units: 5 }],
      carbs: [{ timeMin: 100, grams: 50 }],
    });
    const out = createForecastOutput(1);
    future.forecast(flat, [120], out);
    expect(out.pointMgDl[0]).toBe(100);
    const meal = createOref0Forecaster({ profile: { isfMgDlPerU: 50, carbRatioGPerU: 10 }, carbs: [{ timeMin: 55, grams: 30 }] });
    meal.forecast(flat, [180], out);
    expect(out.pointMgDl[0]).toBeCloseTo(250, 6);
  });
});
