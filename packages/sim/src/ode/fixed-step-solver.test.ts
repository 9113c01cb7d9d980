import { describe, expect, it } from 'vitest';
import { createFixedStepIntegrator, validateSolverSettings } from './fixed-step-solver.ts';
import type { FixedStepMethod, OdeSystem } from './ode-system.ts';

/** x' = −λx (analytic x0·e^{−λt}) and the harmonic oscillator y'' = −ω²y (analytic cos ωt). */
class TestSystems implements OdeSystem {
  readonly dimension = 3;
  derivative(_t: number, x: Float64Array, dx: Float64Array): void {
    dx[0] = -0.7 * x[0]!;
    dx[1] = x[2]!;
    dx[2] = -4 * x[1]!;
  }
}

/** Non-autonomous x' = cos t (analytic sin t), to check the stage times. */
const timeDependent: OdeSystem = {
  dimension: 1,
  derivative(t: number, _x: Float64Array, dx: Float64Array): void {
    dx[0] = Math.cos(t);
  },
};

function errorAt(method: FixedStepMethod, steps: number): number {
  const x = Float64Array.of(1, 1, 0);
  createFixedStepIntegrator(method, 3).advance(new TestSystems(), x, 0, 5, steps);
  return Math.max(Math.abs(x[0]! - Math.exp(-3.5)), Math.abs(x[1]! - Math.cos(10)));
}

describe('fixed-step Runge–Kutta integrators', () => {
  it.each([
    ['rk4', 4, 1e-6],
    ['dopri5', 5, 1e-8],
  ] as const)('%s matches analytic solutions and converges with order %i', (method, order, tol) => {
    // Tolerance: absolute error at t = 5 with h = 5/400 (analytic oracle).
    expect(errorAt(method, 400)).toBeLessThan(tol);
    // Halving h divides the global error by ~2^order (HNW I, Thm II.3.4); accept ±25 % in the ratio.
    const ratio = errorAt(method, 100) / errorAt(method, 200);
    expect(Math.log2(ratio)).toBeGreaterThan(order - 0.35);
    expect(Math.log2(ratio)).toBeLessThan(order + 0.35);
  });

  it.each(['rk4', 'dopri5'] as const)("%s passes the right stage times (x' = cos t)", (method) => {
    const x = Float64Array.of(0);
    createFixedStepIntegrator(method, 1).advance(timeDependent, x, 1, 2, 200);
    expect(Math.abs(x[0]! - (Math.sin(3) - Math.sin(1)))).toBeLessThan(1e-9);
  });

  it('touches only the first `dimension` entries of the state buffer', () => {
    const x = Float64Array.of(1, 1, 0, 42, 43);
    createFixedStepIntegrator('rk4', 3).advance(new TestSystems(), x, 0, 1, 2);
    expect([x[3], x[4]]).toEqual([42, 43]);
  });

  it('validates solver settings', () => {
    expect(validateSolverSettings({ method: 'rk4', stepsPerMinute: 2 })).toEqual([]);
    expect(validateSolverSettings({ method: 'euler' as FixedStepMethod, stepsPerMinute: 0.5 }).map((p) => p.path)).toEqual([
      'method',
      'stepsPerMinute',
    ]);
  });
});
