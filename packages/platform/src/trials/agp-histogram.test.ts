import { type CgmReading, computeAgp } from '@vitaltwin/core';
import { describe, expect, it } from 'vitest';
import { AgpHistogram } from './agp-histogram.ts';

describe('AgpHistogram', () => {
  it('round-trips through its text encoding and merges by addition', () => {
    const a = new AgpHistogram();
    const b = new AgpHistogram();
    a.add(0, 100);
    a.add(720, 39);
    b.add(0, 100);
    b.add(1439, 700);
    const decoded = AgpHistogram.decode(a.encode());
    expect(Array.from(decoded.counts)).toEqual(Array.from(a.counts));
    a.merge(b);
    expect(a.counts.reduce((s, c) => s + c, 0)).toBe(4);
  });

  it('matches the exact core AGP percentiles (type 7) within one 2 mg/dL bin', () => {
    // 14 days of a deterministic glucose pattern at 5-minute sampling.
    const readings: CgmReading[] = [];
    const h = new AgpHistogram();
    for (let day = 0; day < 14; day++) {
      for (let k = 0; k < 288; k++) {
        const minute = k * 5;
        const g = 140 + 60 * Math.sin((2 * Math.PI * minute) / 1440) + 25 * Math.sin(day * 1.3 + k * 0.07);
        readings.push({ subjectId: 's', timeMs: (day * 1440 + minute) * 60_000, glucoseMgDl: g });
        h.add(minute, g);
      }
    }
    const exact = computeAgp(readings);
    const approx = h.toProfile();
    let worst = 0;
    for (let b = 0; b < 96; b++) {
      expect(approx.count[b]).toBe(exact.count[b]);
      for (const key of ['p5', 'p25', 'p50', 'p75', 'p95'] as const) {
        worst = Math.max(worst, Math.abs(approx[key][b]! - exact[key][b]!));
      }
    }
    expect(worst).toBeLessThan(2);
  });
});
