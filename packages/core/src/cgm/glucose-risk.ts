/**
 * Kovatchev's symmetrised blood-glucose risk (Kovatchev BP et al., "Symmetrization of the blood
 * glucose measurement scale and its applications", Diabetes Care 1997;20:1655–8), with BG in mg/dL:
 *
 *   f(g) = 1.509 · ((ln g)^1.084 − 5.381),   r(g) = 10 · f(g)²
 *
 * f is 0 near 112.5 mg/dL, negative below (hypoglycaemic side), positive above. The Low and High
 * BG indices (Kovatchev BP et al., Diabetes Care 1998;21:1870–5 and Diabetes Technol Ther
 * 2002;4:295) average the one-sided risks over ALL readings:
 *
 *   rl(g) = r(g) if f(g) < 0 else 0,   LBGI = (1/n) Σ rl(g_i)
 *   rh(g) = r(g) if f(g) > 0 else 0,   HBGI = (1/n) Σ rh(g_i)
 *
 * (as in simglucose `analysis/risk.py`, which the clinical-references doc cites). No clamping of
 * g is applied; the Low/High sentinels 39/401 mg/dL enter as they are.
 */

const alpha = 1.084;
const beta = 5.381;
const gamma = 1.509;

/** Signed symmetrised risk f(g) for g in mg/dL (g > 0). */
export function kovatchevF(glucoseMgDl: number): number {
  return gamma * (Math.log(glucoseMgDl) ** alpha - beta);
}

/** Risk r(g) = 10·f(g)². */
export function kovatchevRisk(glucoseMgDl: number): number {
  const f = kovatchevF(glucoseMgDl);
  return 10 * f * f;
}

export interface BgRiskIndices {
  readonly lbgi: number;
  readonly hbgi: number;
}

/** LBGI and HBGI over glucose values in mg/dL; NaN for an empty series. */
export function bgRiskIndices(glucoseMgDl: ArrayLike<number>): BgRiskIndices {
  const n = glucoseMgDl.length;
  if (n === 0) return { lbgi: Number.NaN, hbgi: Number.NaN };
  let low = 0;
  let high = 0;
  for (let i = 0; i < n; i++) {
    const f = kovatchevF(glucoseMgDl[i]!);
    if (f < 0) low += 10 * f * f;
    else if (f > 0) high += 10 * f * f;
  }
  return { lbgi: low / n, hbgi: high / n };
}
