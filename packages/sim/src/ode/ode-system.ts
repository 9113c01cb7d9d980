/**
 * A first-order ODE system dx/dt = f(t, x) of fixed dimension. Implementations write the derivative
 * into the caller-owned `dx` and must not allocate: the fixed-step solvers call `derivative` several
 * times per step in hot loops. Inputs that are piecewise constant (zero-order hold) are set on the
 * system by its owner before each step, so they are not part of this signature.
 */
export interface OdeSystem {
  /** Number of states this system integrates (the first `dimension` entries of `x`). */
  readonly dimension: number;
  derivative(tMin: number, x: Float64Array, dx: Float64Array): void;
}

/**
 * An allocation-free explicit fixed-step integrator. `advance` integrates `x` in place from `t0` over
 * `duration` in `steps` equal sub-steps. Only the first `system.dimension` entries of `x` are touched,
 * so a state buffer may carry extra (non-ODE) slots after the ODE states.
 */
export interface FixedStepIntegrator {
  readonly method: FixedStepMethod;
  advance(system: OdeSystem, x: Float64Array, t0: number, duration: number, steps: number): void;
}

/**
 * `rk4`: classical 4-stage Runge–Kutta, order 4 (Kutta 1901; Hairer, Nørsett & Wanner, Solving ODEs I,
 * Table II.1.2). `dopri5`: the 5th-order solution of the Dormand–Prince 5(4) pair (Dormand & Prince
 * 1980; HNW Table II.5.2) used at a fixed step, i.e. the same Butcher tableau as SciPy's `dopri5`
 * without the step-size control.
 */
export type FixedStepMethod = 'rk4' | 'dopri5';

/** Solver settings recorded with every simulation result (house rule 9). */
export interface FixedStepSolverSettings {
  readonly method: FixedStepMethod;
  /** Equal sub-steps per 1-minute input interval (h = 1/stepsPerMinute min). */
  readonly stepsPerMinute: number;
}
