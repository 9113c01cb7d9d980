import { describe, expect, it } from 'vitest';
import { glucoseTrend, trendClass } from './glucose-trend.ts';

const at = (min: number, mgDl: number) => ({ time: new Date(Date.UTC(2026, 0, 1, 12, min)).toISOString(), mgDl });

describe('CGM trend arrow (Dexcom G6 trend-arrow classes)', () => {
  it('classifies rates at and around the 1, 2 and 3 mg/dL/min class edges', () => {
    expect([3.5, 3, 2.5, 2, 1.5, 1, 0, -1, -1.5, -2, -2.5, -3, -4].map(trendClass)).toEqual([
      'rising-quickly',
      'rising-quickly',
      'rising',
      'rising',
      'rising-slowly',
      'steady',
      'steady',
      'steady',
      'falling-slowly',
      'falling',
      'falling',
      'falling-quickly',
      'falling-quickly',
    ]);
  });

  it('reads the slope of 5-minute CGM readings: −2.5 mg/dL/min is "falling" (exact line, tolerance 1e-9)', () => {
    const readings = [0, 5, 10, 15].map((m) => at(m, 150 - 2.5 * m));
    const t = glucoseTrend(readings);
    expect(t?.trend).toBe('falling');
    expect(t?.arrow).toBe('↓');
    expect(t?.label).toBe('falling');
    expect(t?.rateMgDlPerMin).toBeCloseTo(-2.5, 9);
  });

  it('uses only the last 15 minutes: an old rise does not mask a steady present', () => {
    const readings = [at(0, 60), at(5, 100), at(10, 140), at(15, 140), at(20, 141), at(25, 140), at(30, 140)];
    expect(glucoseTrend(readings)?.trend).toBe('steady');
  });

  it('gives no arrow with fewer than 3 readings or under 10 minutes of data', () => {
    expect(glucoseTrend([at(0, 100), at(5, 110)])).toBeNull();
    expect(glucoseTrend([])).toBeNull();
  });
});
