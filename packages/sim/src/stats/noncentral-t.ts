import { normalCdf } from './normal-distribution.ts';
import { logGamma, regularizedIncompleteBeta } from './special-functions.ts';

/**
 * CDF of the noncentral t distribution, P(T ≤ t) with `df` degrees of freedom and noncentrality
 * `delta`, by Lenth's algorithm AS 243 (R. V. Lenth, "Cumulative distribution function of the
 * non-central t distribution", Applied Statistics 38(1), 1989, 185–189): the Poisson-weighted series
 * of incomplete beta functions, summed until the error bound is below 1e-12. This is what power
 * calculations for t tests need (Cohen 1988, ch. 2; R `power.t.test`).
 */
export function noncentralTCdf(t: number, df: number, delta: number): number {
  if (Number.isNaN(t) || !(df > 0) || Number.isNaN(delta)) return Number.NaN;
  if (t === Number.POSITIVE_INFINITY) return 1;
  if (t === Number.NEGATIVE_INFINITY) return 0;
  // Reflection: P(T ≤ t | δ) = 1 − P(T ≤ −t | −δ) for t < 0.
  const negative = t < 0;
  const tt = negative ? -t : t;
  const del = negative ? -delta : delta;
  let tnc = 0;
  if (tt > 0) {
    const x = (tt * tt) / (tt * tt + df);
    const lambda = del * del;
    let p = 0.5 * Math.exp(-0.5 * lambda);
    let q = Math.sqrt(2 / Math.PI) * p * del;
    let s = 0.5 - p;
    let a = 0.5;
    const b = 0.5 * df;
    const rxb = (1 - x) ** b;
    const lnBeta = logGamma(a) + logGamma(b) - logGamma(a + b);
    let xodd = regularizedIncompleteBeta(a, b, x);
    let godd = 2 * rxb * Math.exp(a * Math.log(x) - lnBeta);
    let xeven = 1 - rxb;
    let geven = b * x * rxb;
    tnc = p * xodd + q * xeven;
    for (let j = 1; j <= 2000; j++) {
      a += 1;
      xodd -= godd;
      xeven -= geven;
      godd *= (x * (a + b - 1)) / a;
      geven *= (x * (a + b - 0.5)) / (a + 0.5);
      p *= lambda / (2 * j);
      q *= lambda / (2 * j + 1);
      s -= p;
      tnc += p * xodd + q * xeven;
      if (Math.abs(2 * s * (xodd - godd)) < 1e-12 && j > 1) break;
    }
  }
  tnc += normalCdf(-del);
  const cdf = negative ? 1 - tnc : tnc;
  return Math.min(1, Math.max(0, cdf));
}
