import type { FixedStepIntegrator, OdeSystem } from './ode-system.ts';

// Dormand–Prince 5(4) coefficients (Dormand & Prince, J. Comput. Appl. Math. 6(1), 1980;
// Hairer, Nørsett & Wanner, Solving ODEs I, Table II.5.2). Only the 5th-order solution is used, so the
// seventh (FSAL / error-estimate) stage is not needed.
const C2 = 1 / 5;
const C3 = 3 / 10;
const C4 = 4 / 5;
const C5 = 8 / 9;
const A21 = 1 / 5;
const A31 = 3 / 40;
const A32 = 9 / 40;
const A41 = 44 / 45;
const A42 = -56 / 15;
const A43 = 32 / 9;
const A51 = 19372 / 6561;
const A52 = -25360 / 2187;
const A53 = 64448 / 6561;
const A54 = -212 / 729;
const A61 = 9017 / 3168;
const A62 = -355 / 33;
const A63 = 46732 / 5247;
const A64 = 49 / 176;
const A65 = -5103 / 18656;
const B1 = 35 / 384;
const B3 = 500 / 1113;
const B4 = 125 / 192;
const B5 = -2187 / 6784;
const B6 = 11 / 84;

/**
 * The Dormand–Prince 5th-order Runge–Kutta formula at a fixed step: the tableau SciPy's `dopri5`
 * integrator uses, without its adaptive step-size control. Six derivative evaluations per step.
 */
export class DormandPrince5Integrator implements FixedStepIntegrator {
  readonly method = 'dopri5' as const;
  private readonly k1: Float64Array;
  private readonly k2: Float64Array;
  private readonly k3: Float64Array;
  private readonly k4: Float64Array;
  private readonly k5: Float64Array;
  private readonly k6: Float64Array;
  private readonly tmp: Float64Array;

  constructor(maxDimension: number) {
    this.k1 = new Float64Array(maxDimension);
    this.k2 = new Float64Array(maxDimension);
    this.k3 = new Float64Array(maxDimension);
    this.k4 = new Float64Array(maxDimension);
    this.k5 = new Float64Array(maxDimension);
    this.k6 = new Float64Array(maxDimension);
    this.tmp = new Float64Array(maxDimension);
  }

  advance(system: OdeSystem, x: Float64Array, t0: number, duration: number, steps: number): void {
    const n = system.dimension;
    const { k1, k2, k3, k4, k5, k6, tmp } = this;
    const h = duration / steps;
    for (let s = 0; s < steps; s++) {
      const t = t0 + s * h;
      system.derivative(t, x, k1);
      for (let i = 0; i < n; i++) tmp[i] = x[i]! + h * A21 * k1[i]!;
      system.derivative(t + C2 * h, tmp, k2);
      for (let i = 0; i < n; i++) tmp[i] = x[i]! + h * (A31 * k1[i]! + A32 * k2[i]!);
      system.derivative(t + C3 * h, tmp, k3);
      for (let i = 0; i < n; i++) tmp[i] = x[i]! + h * (A41 * k1[i]! + A42 * k2[i]! + A43 * k3[i]!);
      system.derivative(t + C4 * h, tmp, k4);
      for (let i = 0; i < n; i++) tmp[i] = x[i]! + h * (A51 * k1[i]! + A52 * k2[i]! + A53 * k3[i]! + A54 * k4[i]!);
      system.derivative(t + C5 * h, tmp, k5);
      for (let i = 0; i < n; i++) tmp[i] = x[i]! + h * (A61 * k1[i]! + A62 * k2[i]! + A63 * k3[i]! + A64 * k4[i]! + A65 * k5[i]!);
      system.derivative(t + h, tmp, k6);
      for (let i = 0; i < n; i++) x[i] = x[i]! + h * (B1 * k1[i]! + B3 * k3[i]! + B4 * k4[i]! + B5 * k5[i]! + B6 * k6[i]!);
    }
  }
}
