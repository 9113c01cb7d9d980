import { type CgmReading, computeCgmMetrics } from '@vitaltwin/core';
import { describe, expect, it } from 'vitest';
import { computeTrialEndpoints } from './trial-endpoints.ts';

describe('computeTrialEndpoints', () => {
  it('computes the consensus metrics of a hand-built series (exact band counts, GMI formula)', () => {
    // 10 readings: 40, 40, 40 (< 54 for 15 min), 60, 100 ×3, 200, 260 ×2.
    const g = Float64Array.from([40, 40, 40, 60, 100, 100, 100, 200, 260, 260]);
    const e = computeTrialEndpoints(g, g.length, 5, 1, 30);
    expect(e.tbr54).toBeCloseTo(30, 12);
    expect(e.tbr70).toBeCloseTo(40, 12);
    expect(e.tir).toBeCloseTo(30, 12);
    expect(e.tar180).toBeCloseTo(30, 12);
    expect(e.tar250).toBeCloseTo(20, 12);
    const mean = (3 * 40 + 60 + 300 + 200 + 520) / 10;
    expect(e.meanGlucose).toBeCloseTo(mean, 12);
    expect(e.gmi).toBeCloseTo(3.31 + 0.02392 * mean, 12);
    // One level-2 event in one day → 7 per week.
    expect(e.hypoEvents).toBe(7);
    expect(e.insulinPerDay).toBe(30);
    expect(e.lbgi).toBeGreaterThan(0);
    expect(e.hbgi).toBeGreaterThan(0);
  });

  it('uses only the first n readings of the buffer', () => {
    const g = Float64Array.from([120, 120, 120, 20, 20, 20]);
    const e = computeTrialEndpoints(g, 3, 5, 1, 0);
    expect(e.tir).toBe(100);
    expect(e.cv).toBe(0);
  });

  it('agrees with the core CGM metrics of the same readings (14 days of 5-minute samples)', () => {
    const n = 14 * 288;
    const g = new Float64Array(n);
    for (let k = 0; k < n; k++) g[k] = 130 + 90 * Math.sin(k / 37) + 25 * Math.cos(k / 5.3);
    const readings: CgmReading[] = Array.from(g, (v, k) => ({ subjectId: 'p', timeMs: k * 300_000, glucoseMgDl: v }));
    const m = computeCgmMetrics(readings, { intervalMin: 5, weighting: 'count' });
    const e = computeTrialEndpoints(g, n, 5, 14, 0);
    expect(e.meanGlucose).toBeCloseTo(m.meanMgDl, 10);
    expect(e.cv).toBeCloseTo(m.cvPercent, 10);
    expect(e.tir).toBeCloseTo(m.tirPercent, 10);
    expect(e.tbr70).toBeCloseTo(m.tbrBelow70Percent, 10);
    expect(e.tbr54).toBeCloseTo(m.tbrBelow54Percent, 10);
    expect(e.tar180).toBeCloseTo(m.tarAbove180Percent, 10);
    expect(e.tar250).toBeCloseTo(m.tarAbove250Percent, 10);
    expect(e.lbgi).toBeCloseTo(m.lbgi, 10);
    expect(e.hbgi).toBeCloseTo(m.hbgi, 10);
    expect(e.gmi).toBeCloseTo(m.gmiPercent, 10);
  });
});
