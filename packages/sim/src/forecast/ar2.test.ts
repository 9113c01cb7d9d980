import { describe, expect, it } from 'vitest';
import { ar2Alarm, ar2Cone, ar2Forecast, ar2Predict, createAr2Forecaster } from './ar2.ts';
import { createForecastOutput, glucoseSeries } from './forecaster.ts';

// Oracle: the AR2 formula of docs/clinical-references.md evaluated by hand (first step below) and
// with an independent script (Python, double precision) for the full 30-minute paths. Predicted
// values are integers after Nightscout's rounding: exact equality. avgLoss: tolerance 1e-12.

const min = 60_000;
const at = (tMin: number, glucoseMgDl: number) => ({ timeMs: tMin * min, glucoseMgDl });

describe('AR2 forecast (Nightscout lib/plugins/ar2.js)', () => {
  it('hand-computed first step: 100 → 110 mg/dL five minutes apart', () => {
    // y_prev = ln(100/140) = −0.336472, y_curr = ln(110/140) = −0.241162
    // y_next = −0.723·(−0.336472) + 1.716·(−0.241162) = 0.243269 − 0.413834 = −0.170565
    // BG = 140·e^(−0.170565) = 118.046 → 118
    const f = ar2Forecast([at(0, 100), at(5, 110)]);
    expect(f.predicted[0]).toEqual(at(10, 118));
  });

  it.each([
    [100, 110, [118, 124, 129, 133, 136, 138], 0.0019753976156116045],
    [120, 100, [88, 80, 75, 73, 71, 70], 0.04883108837877238],
    [90, 70, [59, 52, 48, 45, 44, 44], 0.18929789792594368],
    [200, 220, [235, 245, 252, 256, 258, 259], 0.12310876501276077],
  ])('%i → %i mg/dL: 30-minute path %j, avgLoss %f', (prev, curr, path, loss) => {
    const f = ar2Forecast([at(0, 150), at(5, prev), at(10, curr)]);
    expect(f.predicted.map((p) => p.glucoseMgDl)).toEqual(path);
    expect(f.predicted.map((p) => p.timeMs / min)).toEqual([15, 20, 25, 30, 35, 40]);
    expect(f.avgLoss).toBeCloseTo(loss, 12);
    expect(ar2Predict([at(5, prev), at(10, curr)])).toEqual(f.predicted);
  });

  it('interpolates the 5-minutes-ago value when readings are more than 9 minutes apart', () => {
    // 100 at t=0, 120 at t=10: 5-minutes-ago value = 120 − 20/10·5 = 110, so the path equals a 110 → 120 seed.
    const gap = ar2Forecast([at(0, 100), at(10, 120)]).predicted.map((p) => p.glucoseMgDl);
    const seeded = ar2Forecast([at(5, 110), at(10, 120)]).predicted.map((p) => p.glucoseMgDl);
    expect(gap).toEqual(seeded);
    // At 9 minutes or less the previous reading is used as is.
    const close = ar2Forecast([at(1, 100), at(10, 120)]).predicted.map((p) => p.glucoseMgDl);
    expect(close).toEqual(ar2Forecast([at(5, 100), at(10, 120)]).predicted.map((p) => p.glucoseMgDl));
  });

  it('clips to [36, 400] and refuses seeds below 36 or fewer than two readings', () => {
    expect(Math.max(...ar2Forecast([at(0, 300), at(5, 380)], 13).predicted.map((p) => p.glucoseMgDl))).toBe(400);
    expect(Math.min(...ar2Forecast([at(0, 80), at(5, 50)], 13).predicted.map((p) => p.glucoseMgDl))).toBe(36);
    expect(ar2Forecast([at(0, 35), at(5, 50)])).toEqual({ predicted: [], avgLoss: 0 });
    expect(ar2Forecast([at(5, 50)]).predicted).toEqual([]);
  });

  it('cone: 13 steps, bounds at ∓ coneFactor·offset in log space around the central path', () => {
    const readings = [at(0, 100), at(5, 110)];
    const cone = ar2Cone(readings);
    const central = ar2Forecast(readings, 13).predicted;
    expect(cone).toHaveLength(13);
    // First step: y = −0.170565, ±2·0.020 → 140·e^(−0.210565) = 113.42 → 113; 140·e^(−0.130565) = 122.86 → 123.
    expect(cone[0]).toEqual({ timeMs: 10 * min, lowMgDl: 113, highMgDl: 123 });
    cone.forEach((c, k) => {
      expect(c.lowMgDl).toBeLessThanOrEqual(central[k]!.glucoseMgDl);
      expect(c.highMgDl).toBeGreaterThanOrEqual(central[k]!.glucoseMgDl);
    });
    expect(ar2Cone(readings, 0).every((c, k) => c.lowMgDl === central[k]!.glucoseMgDl && c.highMgDl === c.lowMgDl)).toBe(true);
  });
});

describe('AR2 alarm (checkForecast / selectEventType)', () => {
  const targets = { bottomMgDl: 80, topMgDl: 180 };

  it.each([
    [100, 110, 'none', null],
    [120, 100, 'none', null],
    [90, 70, 'urgent', 'low'],
    [200, 220, 'urgent', 'high'],
  ] as const)('%i → %i: %s %s', (prev, curr, level, event) => {
    expect(ar2Alarm(ar2Forecast([at(0, prev), at(5, curr)]), targets)).toEqual({ level, event });
  });

  it('warn between 0.05 and 0.10; no event when the 20-minute point is in range', () => {
    // 110 → 90: path 78, 71, 66, 63, 62, 61; loss 0.0803 (script) → warn; 20-min point 63 < 80 → low.
    const f = ar2Forecast([at(0, 110), at(5, 90)]);
    expect(f.predicted.map((p) => p.glucoseMgDl)).toEqual([78, 71, 66, 63, 62, 61]);
    expect(f.avgLoss).toBeCloseTo(0.08025390184806455, 12);
    expect(ar2Alarm(f, targets)).toEqual({ level: 'warn', event: 'low' });
    expect(ar2Alarm(f, { bottomMgDl: 60, topMgDl: 180 })).toEqual({ level: 'warn', event: null });
  });
});

describe('AR2 as a Forecaster', () => {
  it('gives the AR2 points at multiples of 5 min and interpolates between them', () => {
    const ar2 = createAr2Forecaster();
    const out = createForecastOutput(4);
    ar2.forecast(glucoseSeries([0, 5], [100, 110]), [0, 5, 7.5, 30], out);
    expect(Array.from(out.pointMgDl)).toEqual([110, 118, 121, 138]);
    expect(Number.isNaN(out.lowerMgDl[0]!)).toBe(true);
    const none = createForecastOutput(1);
    ar2.forecast(glucoseSeries([0], [100]), [30], none);
    expect(Number.isNaN(none.pointMgDl[0]!)).toBe(true);
  });
});
