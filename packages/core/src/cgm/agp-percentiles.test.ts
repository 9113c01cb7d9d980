import { describe, expect, it } from 'vitest';
import { computeAgp, quantileSorted } from './agp-percentiles.ts';
import type { CgmReading } from './cgm-reading.ts';

const t0 = Date.UTC(2024, 0, 1);

/** 14 days of 5-min readings: 100 + 10·day, plus 50 in the local afternoon (12:00–24:00 UTC). */
function fortnight(): CgmReading[] {
  const out: CgmReading[] = [];
  for (let i = 0; i < 14 * 288; i++) {
    const day = Math.floor(i / 288);
    const minuteOfDay = (i % 288) * 5;
    out.push({ subjectId: 's', timeMs: t0 + i * 300_000, glucoseMgDl: 100 + 10 * day + (minuteOfDay >= 720 ? 50 : 0) });
  }
  return out;
}

describe('quantileSorted (Hyndman–Fan type 7)', () => {
  it('interpolates between order statistics like R quantile(type = 7) / numpy.percentile', () => {
    // R: quantile(c(1, 2, 3, 4, 10), c(.05, .25, .5, .75, .95)) = 1.2, 2, 3, 4, 8.8
    const v = [1, 2, 3, 4, 10];
    expect([0.05, 0.25, 0.5, 0.75, 0.95].map((q) => quantileSorted(v, q))).toEqual([1.2, 2, 3, 4, expect.closeTo(8.8, 12)]);
    expect(Number.isNaN(quantileSorted([], 0.5))).toBe(true);
    expect(quantileSorted([7], 0.95)).toBe(7);
  });
});

describe('computeAgp', () => {
  const agp = computeAgp(fortnight());

  it('uses 96 bins of 15 min, each holding 3 readings × 14 days', () => {
    expect(agp.binMin).toBe(15);
    expect(agp.binStartMin.length).toBe(96);
    expect(agp.binStartMin[95]).toBe(1425);
    expect(Array.from(agp.count).every((c) => c === 42)).toBe(true);
  });

  it('gives the hand-computed percentiles of {100, 110, …, 230} each thrice in morning bins', () => {
    // n = 42 sorted values; type 7: h = 41·q. 5 %: h = 2.05 → 100 + 0.05·10; 25 %: h = 10.25 → 130;
    // 50 %: h = 20.5 → (160 + 170)/2; 75 %: h = 30.75 → 200; 95 %: h = 38.95 → 220 + 0.95·10.
    for (const b of [0, 10, 47]) {
      expect(agp.p5[b]).toBeCloseTo(100.5, 10);
      expect(agp.p25[b]).toBeCloseTo(130, 10);
      expect(agp.p50[b]).toBeCloseTo(165, 10);
      expect(agp.p75[b]).toBeCloseTo(200, 10);
      expect(agp.p95[b]).toBeCloseTo(229.5, 10);
    }
    // Afternoon bins are the same shifted by 50 mg/dL.
    expect(agp.p50[48]).toBeCloseTo(215, 10);
  });

  it('bins by local time of day: at +60 min the afternoon step moves to 11:00 UTC = 12:00 local', () => {
    const local = computeAgp(fortnight(), { timeZoneOffsetMin: 60 });
    // Local bin 48 (12:00–12:15) holds UTC 11:00–11:15 readings: morning values.
    expect(local.p50[48]).toBeCloseTo(165, 10);
    // Local bin 52 (13:00) holds UTC 12:00: afternoon values.
    expect(local.p50[52]).toBeCloseTo(215, 10);
  });

  it('marks empty bins NaN and can smooth circularly without bridging them', () => {
    const morningOnly = fortnight().filter((r) => (r.timeMs - t0) % 86_400_000 < 6 * 3_600_000);
    const a = computeAgp(morningOnly, { binMin: 60 });
    expect(a.count[5]).toBe(14 * 12);
    expect(a.count[6]).toBe(0);
    expect(Number.isNaN(a.p50[6]!)).toBe(true);
    const smooth = computeAgp(fortnight(), { binMin: 60, smoothingBins: 1 });
    // Hour 11 averages hours 10, 11 (morning) and 12 (afternoon): 165 + 50/3.
    expect(smooth.p50[11]).toBeCloseTo(165 + 50 / 3, 10);
    // Hour 0 wraps around to hour 23 (afternoon).
    expect(smooth.p50[0]).toBeCloseTo(165 + 50 / 3, 10);
  });

  it('rejects a bin width that does not divide the day', () => {
    expect(() => computeAgp([], { binMin: 7 })).toThrow(RangeError);
  });
});
