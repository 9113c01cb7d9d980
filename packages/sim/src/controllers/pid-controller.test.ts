import { describe, expect, it } from 'vitest';
import type { ControllerPatient } from './insulin-controller.ts';
import { PidController } from './pid-controller.ts';

const patient: ControllerPatient = {
  basalUPerMin: 0.02,
  carbRatioGPerU: 10,
  correctionFactorMgDlPerU: 40,
  totalDailyInsulinU: 40,
  bodyWeightKg: 70,
};

function run(c: PidController, values: readonly number[], carbsAt: number | null = null): { basal: number[]; bolus: number[] } {
  const basal: number[] = [];
  const bolus: number[] = [];
  const out = { basalUPerMin: 0, bolusU: 0 };
  values.forEach((g, i) => {
    c.act({ tMin: i * 5, cgmMgDl: g, announcedCarbsG: carbsAt === i ? 50 : 0, intervalMin: 5 }, out);
    basal.push(out.basalUPerMin);
    bolus.push(out.bolusU);
  });
  return { basal, bolus };
}

describe('PidController', () => {
  it('delivers exactly the basal rate at target with nothing on board', () => {
    const c = new PidController();
    c.reset(patient);
    const { basal } = run(c, Array(20).fill(120));
    for (const b of basal) expect(b).toBeCloseTo(0.02, 15);
  });

  it('raises insulin above target in proportion Kp = 1/(CF·horizon) and suspends below 70', () => {
    const c = new PidController({ integralTimeMin: 1e9, derivativeTimeMin: 0 });
    c.reset(patient);
    const first = run(c, [180]).basal[0]!;
    // First decision: no IOB yet, no integral: basal + (180 − 120)/(40·120).
    expect(first).toBeCloseTo(0.02 + 60 / (40 * 120), 12);
    const low = new PidController();
    low.reset(patient);
    expect(run(low, [65]).basal[0]).toBe(0);
    // Falling fast: 100 → 85 in 15 min predicts 55 in 30 min → suspend before reaching 70.
    const falling = new PidController();
    falling.reset(patient);
    expect(run(falling, [100, 95, 90, 85]).basal[3]).toBe(0);
  });

  it('boluses announced meals at carbs/(CR·crScale)', () => {
    const c = new PidController({ crScale: 0.5 });
    c.reset(patient);
    expect(run(c, [120, 120, 120], 1).bolus).toEqual([0, 10, 0]);
  });

  it('decays insulin on board as (1 + t/τ)·e^(−t/τ) after a bolus (analytic two-compartment response, 1e-12)', () => {
    const c = new PidController({ iobTauMin: 55 });
    c.reset(patient);
    // A 5 U meal bolus at t = 0 (CR 10 → 50 g); glucose held at target, no PID extra beyond the IOB effect.
    const out = { basalUPerMin: 0, bolusU: 0 };
    c.act({ tMin: 0, cgmMgDl: 120, announcedCarbsG: 50, intervalMin: 5 }, out);
    // Next decision 60 min later: IOB from the bolus plus the (negative) extra of the suspended/low interval.
    const extra0 = (out.basalUPerMin - 0.02) * 5;
    c.act({ tMin: 60, cgmMgDl: 120, announcedCarbsG: 0, intervalMin: 5 }, out);
    const t = 60 / 55;
    expect(c.insulinOnBoardU).toBeCloseTo((5 + extra0) * (1 + t) * Math.exp(-t), 12);
  });
});
