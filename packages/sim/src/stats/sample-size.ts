import { noncentralTCdf } from './noncentral-t.ts';
import { studentTQuantile } from './student-t.ts';

/**
 * Power and sample size of a two-sided t test for a real trial planned from a simulated effect
 * (Cohen 1988, "Statistical Power Analysis for the Behavioral Sciences", ch. 2; the same definitions
 * as R `power.t.test` with `strict = TRUE`, i.e. both rejection tails counted):
 *
 * - `paired`: n pairs, df = n − 1, noncentrality √n·δ/σ_d (σ_d = SD of the within-patient differences);
 * - `two-sample`: n per group, df = 2(n − 1), noncentrality √(n/2)·δ/σ (σ = common SD).
 *
 * power = P(T' > t_{1−α/2}) + P(T' < −t_{1−α/2}) with T' noncentral t.
 */
export type TTestDesign = 'paired' | 'two-sample';

export interface PowerInput {
  readonly design: TTestDesign;
  /** True difference in means δ (any sign). */
  readonly delta: number;
  /** σ_d for paired, common SD for two-sample. */
  readonly sd: number;
  readonly alpha?: number;
}

function degreesOfFreedom(design: TTestDesign, n: number): number {
  switch (design) {
    case 'paired':
      return n - 1;
    case 'two-sample':
      return 2 * (n - 1);
    default: {
      const unreachable: never = design;
      throw new Error(`unknown design ${String(unreachable)}`);
    }
  }
}

function noncentrality(design: TTestDesign, n: number, effect: number): number {
  return design === 'paired' ? Math.sqrt(n) * effect : Math.sqrt(n / 2) * effect;
}

/** Power of the two-sided test with n pairs (paired) or n per group (two-sample); n may be fractional. */
export function tTestPower(input: PowerInput, n: number): number {
  const alpha = input.alpha ?? 0.05;
  const df = degreesOfFreedom(input.design, n);
  if (!(df > 0)) return Number.NaN;
  const effect = Math.abs(input.delta) / input.sd;
  const ncp = noncentrality(input.design, n, effect);
  const crit = studentTQuantile(1 - alpha / 2, df);
  return 1 - noncentralTCdf(crit, df, ncp) + noncentralTCdf(-crit, df, ncp);
}

export interface SampleSize {
  /** Smallest whole n reaching the power (pairs, or per group); null when the effect is zero. */
  readonly n: number | null;
  /** Fractional n solving power(n) = target exactly (as R `power.t.test` prints it); null if none. */
  readonly nExact: number | null;
  readonly power: number;
}

/**
 * Smallest n (≥ 2) whose power reaches `power`. A zero effect needs an infinite trial (n = null); a
 * zero SD with a non-zero effect is detected by the smallest trial (n = 2).
 */
export function tTestSampleSize(input: PowerInput, power: number): SampleSize {
  const effect = Math.abs(input.delta) / input.sd;
  if (!(effect > 0) || Number.isNaN(effect)) return { n: null, nExact: null, power };
  if (!Number.isFinite(effect)) return { n: 2, nExact: 2, power };
  const f = (n: number): number => tTestPower(input, n) - power;
  if (f(2) >= 0) return { n: 2, nExact: 2, power };
  let hi = 4;
  while (f(hi) < 0) {
    hi *= 2;
    if (hi > 1e9) return { n: null, nExact: null, power };
  }
  let lo = Math.max(hi / 2, 2);
  // Bisection for the fractional root, then the first whole n at or above it.
  for (let i = 0; i < 200 && hi - lo > 1e-9 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (f(mid) < 0) lo = mid;
    else hi = mid;
  }
  const nExact = hi;
  let n = Math.max(2, Math.ceil(nExact - 1e-9));
  while (f(n) < 0) n += 1;
  return { n, nExact, power };
}
