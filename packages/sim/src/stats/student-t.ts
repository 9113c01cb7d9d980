import { normalCdf, normalQuantile } from './normal-distribution.ts';
import { logGamma, regularizedIncompleteBeta } from './special-functions.ts';

/**
 * Student's t distribution with `df` degrees of freedom (df > 0, not necessarily integer, as Welch's
 * test needs). CDF through the incomplete beta function, P(T ≤ −|t|) = ½·I_{df/(df+t²)}(df/2, ½)
 * (Abramowitz & Stegun 26.7.1 with 26.5.27); quantile by safeguarded Newton iteration on the CDF.
 */

export function studentTCdf(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return Number.NaN;
  if (!Number.isFinite(df)) return normalCdf(t);
  if (t === Number.POSITIVE_INFINITY) return 1;
  if (t === Number.NEGATIVE_INFINITY) return 0;
  const tail = 0.5 * regularizedIncompleteBeta(df / 2, 0.5, df / (df + t * t));
  return t > 0 ? 1 - tail : tail;
}

export function studentTPdf(t: number, df: number): number {
  const lnC = logGamma((df + 1) / 2) - logGamma(df / 2) - 0.5 * Math.log(df * Math.PI);
  return Math.exp(lnC - ((df + 1) / 2) * Math.log1p((t * t) / df));
}

/** Two-sided p-value of an observed t statistic: 2·P(T ≥ |t|). */
export function studentTTwoSidedP(t: number, df: number): number {
  if (Number.isNaN(t)) return Number.NaN;
  return Math.min(1, 2 * studentTCdf(-Math.abs(t), df));
}

/** The p-quantile of t(df). */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1) || !(df > 0)) {
    if (p === 0) return Number.NEGATIVE_INFINITY;
    if (p === 1) return Number.POSITIVE_INFINITY;
    return Number.NaN;
  }
  if (!Number.isFinite(df)) return normalQuantile(p);
  if (p === 0.5) return 0;
  // Symmetry: solve in the upper half for accuracy.
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  // Start from the Cornish–Fisher expansion (A&S 26.7.5), then Newton steps kept inside a bracket.
  const z = normalQuantile(p);
  const g1 = (z ** 3 + z) / 4;
  const g2 = (5 * z ** 5 + 16 * z ** 3 + 3 * z) / 96;
  let x = z + g1 / df + g2 / (df * df);
  if (!Number.isFinite(x) || x <= 0) x = z;
  let lo = 0;
  let hi = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 200; i++) {
    const f = studentTCdf(x, df) - p;
    if (f > 0) hi = Math.min(hi, x);
    else lo = Math.max(lo, x);
    if (Math.abs(f) < 1e-15) break;
    let next = x - f / studentTPdf(x, df);
    if (!(next > lo && next < hi)) next = Number.isFinite(hi) ? (lo + hi) / 2 : 2 * x + 1;
    if (Math.abs(next - x) <= 1e-14 * Math.abs(x)) {
      x = next;
      break;
    }
    x = next;
  }
  return x;
}
