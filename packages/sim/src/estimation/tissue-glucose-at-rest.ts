import type { UvaPadovaParams } from '../models/uva-padova/params.ts';

/**
 * Tissue glucose Gt [mg/kg] at which dGt/dt = 0 (Dalla Man et al., IEEE TBME 54(10) 2007, eq. 2 with
 * Michaelis–Menten utilisation) for plasma glucose `gpMgPerKg` and insulin action X = 0: the positive
 * root of k2·Gt² + (k2·Km0 + Vm0 − k1·Gp)·Gt − k1·Gp·Km0 = 0. At Gp = Gpb it is the parameter file's
 * Gtb (x0_5). The estimator starts its tissue glucose here, consistent with the first reading.
 */
export function tissueGlucoseAtRest(p: UvaPadovaParams, gpMgPerKg: number): number {
  const a = p.k2PerMin;
  const b = p.k2PerMin * p.km0MgPerKg + p.vm0MgPerKgMin - p.k1PerMin * gpMgPerKg;
  const c = -p.k1PerMin * gpMgPerKg * p.km0MgPerKg;
  if (a === 0) return -c / b;
  // Stable form of the positive root (c ≤ 0, so the roots have opposite signs).
  const disc = Math.sqrt(b * b - 4 * a * c);
  return b >= 0 ? (2 * -c) / (b + disc) : (-b + disc) / (2 * a);
}
