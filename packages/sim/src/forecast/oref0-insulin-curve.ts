/**
 * oref0's exponential insulin action curve (OpenAPS oref0 `lib/iob/calculate.js`, the "exponential"
 * curve derived by Dragan Maksimovic for Loop/OpenAPS), per unit of insulin given at t = 0, t in
 * minutes:
 *
 *   end = DIA·60,  τ = peak·(1 − peak/end)/(1 − 2·peak/end),  a = 2τ/end,
 *   S = 1/(1 − a + (1 + a)·e^(−end/τ))
 *   activity(t) = (S/τ²)·t·(1 − t/end)·e^(−t/τ)                                  [U/min per U]
 *   IOB(t)      = 1 − S·(1 − a)·((t²/(τ·end·(1 − a)) − t/τ − 1)·e^(−t/τ) + 1)      [fraction]
 *
 * for 0 ≤ t < end, and 0 afterwards. activity integrates to 1 over [0, end], peaks at t = peak, and
 * IOB(t) = 1 − ∫₀ᵗ activity. Needs peak < end/2.
 */
export interface InsulinCurve {
  readonly diaH: number;
  readonly peakMin: number;
}

/** oref0's built-in curves: "rapid-acting" (Humalog/Novolog) and "ultra-rapid" (Fiasp), DIA ≥ 5 h. */
export const insulinCurvePresets = {
  rapidActing: { diaH: 5, peakMin: 75 },
  ultraRapid: { diaH: 5, peakMin: 55 },
} as const satisfies Record<string, InsulinCurve>;

export interface InsulinCurveConstants {
  readonly endMin: number;
  readonly tau: number;
  readonly a: number;
  readonly s: number;
}

export function insulinCurveConstants(curve: InsulinCurve): InsulinCurveConstants {
  const endMin = curve.diaH * 60;
  const peak = curve.peakMin;
  if (!(peak > 0 && 2 * peak < endMin)) {
    throw new RangeError(`exponential insulin curve needs 0 < peak < DIA/2; got peak ${peak} min, DIA ${curve.diaH} h`);
  }
  const tau = (peak * (1 - peak / endMin)) / (1 - (2 * peak) / endMin);
  const a = (2 * tau) / endMin;
  const s = 1 / (1 - a + (1 + a) * Math.exp(-endMin / tau));
  return { endMin, tau, a, s };
}

/** Insulin activity per unit dosed, U/min, `tMin` minutes after the dose (0 outside [0, end)). */
export function insulinActivityPerUnit(tMin: number, k: InsulinCurveConstants): number {
  if (!(tMin >= 0 && tMin < k.endMin)) return 0;
  return (k.s / (k.tau * k.tau)) * tMin * (1 - tMin / k.endMin) * Math.exp(-tMin / k.tau);
}

/** Fraction of a dose still on board `tMin` minutes after it (0 before the dose and after end). */
export function insulinOnBoardPerUnit(tMin: number, k: InsulinCurveConstants): number {
  if (!(tMin >= 0 && tMin < k.endMin)) return 0;
  const { tau, a, s, endMin } = k;
  return 1 - s * (1 - a) * (((tMin * tMin) / (tau * endMin * (1 - a)) - tMin / tau - 1) * Math.exp(-tMin / tau) + 1);
}
