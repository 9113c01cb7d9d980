import type { FixedStepIntegrator, OdeSystem } from './ode-system.ts';

/**
 * Classical fourth-order Runge–Kutta with a fixed step (Hairer, Nørsett & Wanner, Solving Ordinary
 * Differential Equations I, 2nd ed., Table II.1.2):
 * x_{n+1} = x_n + h/6·(k1 + 2k2 + 2k3 + k4). The weighted stage sum is accumulated stage by stage, so
 * three scratch vectors suffice; they are allocated once for the largest dimension and `advance`
 * allocates nothing.
 */
export class Rk4Integrator implements FixedStepIntegrator {
  readonly method = 'rk4' as const;
  private readonly k: Float64Array;
  private readonly acc: Float64Array;
  private readonly tmp: Float64Array;

  constructor(maxDimension: number) {
    this.k = new Float64Array(maxDimension);
    this.acc = new Float64Array(maxDimension);
    this.tmp = new Float64Array(maxDimension);
  }

  advance(system: OdeSystem, x: Float64Array, t0: number, duration: number, steps: number): void {
    const n = system.dimension;
    const { k, acc, tmp } = this;
    const h = duration / steps;
    const h2 = 0.5 * h;
    const h6 = h / 6;
    for (let s = 0; s < steps; s++) {
      const t = t0 + s * h;
      system.derivative(t, x, k);
      for (let i = 0; i < n; i++) {
        const ki = k[i]!;
        acc[i] = ki;
        tmp[i] = x[i]! + h2 * ki;
      }
      system.derivative(t + h2, tmp, k);
      for (let i = 0; i < n; i++) {
        const ki = k[i]!;
        acc[i] = acc[i]! + 2 * ki;
        tmp[i] = x[i]! + h2 * ki;
      }
      system.derivative(t + h2, tmp, k);
      for (let i = 0; i < n; i++) {
        const ki = k[i]!;
        acc[i] = acc[i]! + 2 * ki;
        tmp[i] = x[i]! + h * ki;
      }
      system.derivative(t + h, tmp, k);
      for (let i = 0; i < n; i++) x[i] = x[i]! + h6 * (acc[i]! + k[i]!);
    }
  }
}
