import { describe, expect, it } from 'vitest';
import { insulinActivityPerUnit, insulinCurveConstants, insulinCurvePresets, insulinOnBoardPerUnit } from './oref0-insulin-curve.ts';

const rapid = insulinCurveConstants(insulinCurvePresets.rapidActing);

/** Composite Simpson rule on [a, b] with m (even) panels. */
function simpson(f: (x: number) => number, a: number, b: number, m = 3000): number {
  const h = (b - a) / m;
  let s = f(a) + f(b);
  for (let i = 1; i < m; i++) s += (i % 2 === 1 ? 4 : 2) * f(a + i * h);
  return (s * h) / 3;
}

describe('oref0 exponential insulin curve', () => {
  it('has the hand-computed constants for DIA 5 h, peak 75 min: τ = 112.5, a = 0.75, S = 2.6910943', () => {
    // τ = 75·(1 − 0.25)/(1 − 0.5) = 112.5; a = 225/300; S = 1/(0.25 + 1.75·e^(−300/112.5)).
    expect(rapid.endMin).toBe(300);
    expect(rapid.tau).toBeCloseTo(112.5, 12);
    expect(rapid.a).toBeCloseTo(0.75, 12);
    expect(rapid.s).toBeCloseTo(1 / (0.25 + 1.75 * Math.exp(-300 / 112.5)), 12);
    expect(rapid.s).toBeCloseTo(2.6910943, 6);
  });

  it('integrates to one unit over the action time (Simpson, tolerance 1e-8)', () => {
    for (const preset of [insulinCurvePresets.rapidActing, insulinCurvePresets.ultraRapid, { diaH: 6, peakMin: 90 }]) {
      const k = insulinCurveConstants(preset);
      expect(simpson((t) => insulinActivityPerUnit(t, k), 0, k.endMin)).toBeCloseTo(1, 8);
    }
  });

  it('peaks at the stated peak time (grid search at 0.01 min, tolerance 0.02 min)', () => {
    for (const preset of [insulinCurvePresets.rapidActing, insulinCurvePresets.ultraRapid]) {
      const k = insulinCurveConstants(preset);
      let best = 0;
      let bestT = 0;
      for (let t = 0; t < k.endMin; t += 0.01) {
        const a = insulinActivityPerUnit(t, k);
        if (a > best) {
          best = a;
          bestT = t;
        }
      }
      expect(Math.abs(bestT - preset.peakMin)).toBeLessThan(0.02);
    }
  });

  it('IOB is 1 − ∫₀ᵗ activity: 1 at the dose, 0 at DIA (tolerance 1e-8)', () => {
    expect(insulinOnBoardPerUnit(0, rapid)).toBeCloseTo(1, 12);
    expect(insulinOnBoardPerUnit(299.999999, rapid)).toBeCloseTo(0, 8);
    for (const t of [30, 60, 75, 120, 180, 240]) {
      expect(insulinOnBoardPerUnit(t, rapid)).toBeCloseTo(1 - simpson((x) => insulinActivityPerUnit(x, rapid), 0, t), 8);
    }
  });

  it('is zero before the dose and after DIA, as oref0 ignores future and expired doses', () => {
    expect(insulinActivityPerUnit(-5, rapid)).toBe(0);
    expect(insulinOnBoardPerUnit(-5, rapid)).toBe(0);
    expect(insulinActivityPerUnit(300, rapid)).toBe(0);
    expect(insulinOnBoardPerUnit(301, rapid)).toBe(0);
  });

  it('rejects a peak at or beyond half the action time', () => {
    expect(() => insulinCurveConstants({ diaH: 2, peakMin: 60 })).toThrow(RangeError);
  });
});
