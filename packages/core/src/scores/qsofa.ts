import { VitaltwinError } from '../errors/error-codes.ts';
import { isMissing, recordedWhole, requireInDomain, sumPresent } from './recorded-value.ts';

/**
 * quick SOFA (Sepsis-3: Singer M et al., JAMA 2016;315:801–10; Seymour CW et al., JAMA 2016;315:762–74).
 * One point each for respiratory rate ≥22 /min, altered mentation (GCS <15) and systolic BP
 * ≤100 mmHg; ≥2 is "qSOFA positive" (higher risk of death or prolonged ICU stay in suspected
 * infection). It is not a definition of sepsis (sepsis = acute SOFA change ≥2). Secondary sources
 * that write ">22" or "<100" are wrong; Seymour's thresholds are inclusive.
 *
 * Missing values follow the NEWS2 project rule: sub-score null, total null, partialTotal a lower
 * bound. `positive` is settled as soon as the available points reach 2, or all three are known.
 */

export interface QsofaInput {
  readonly respiratoryRatePerMin?: number | null;
  readonly systolicBpMmHg?: number | null;
  /** Glasgow Coma Scale total (3–15); <15 counts as altered mentation. Takes precedence over `alteredMentation`. */
  readonly gcsTotal?: number | null;
  /** Altered mentation judged clinically, when no GCS is recorded. */
  readonly alteredMentation?: boolean | null;
}

export const qsofaParameters = ['respiratoryRate', 'systolicBp', 'mentation'] as const;

export type QsofaParameter = (typeof qsofaParameters)[number];

export interface QsofaResult {
  readonly subScores: Readonly<Record<QsofaParameter, number | null>>;
  readonly total: number | null;
  readonly complete: boolean;
  readonly partialTotal: number;
  /** ≥2 points; null while it still depends on a missing input. */
  readonly positive: boolean | null;
}

/** Respiratory rate ≥22 /min → 1. */
export function qsofaRespiratoryRateScore(respiratoryRatePerMin: number): number {
  requireInDomain('qSOFA', 'respiratoryRatePerMin', respiratoryRatePerMin, { min: 0, max: 200 });
  return recordedWhole(respiratoryRatePerMin) >= 22 ? 1 : 0;
}

/** Systolic BP ≤100 mmHg → 1. */
export function qsofaSystolicBpScore(systolicBpMmHg: number): number {
  requireInDomain('qSOFA', 'systolicBpMmHg', systolicBpMmHg, { min: 0, max: 400 });
  return recordedWhole(systolicBpMmHg) <= 100 ? 1 : 0;
}

/** GCS <15 → 1. GCS is an integer sum of eye (1–4), verbal (1–5) and motor (1–6) responses. */
export function qsofaGcsScore(gcsTotal: number): number {
  if (!Number.isInteger(gcsTotal) || gcsTotal < 3 || gcsTotal > 15) {
    throw new VitaltwinError('VT_ERR_INVALID_INPUT', 'qSOFA: gcsTotal must be a whole number from 3 to 15', [
      { message: `got ${String(gcsTotal)}`, expression: 'gcsTotal' },
    ]);
  }
  return gcsTotal < 15 ? 1 : 0;
}

export function scoreQsofa(input: QsofaInput): QsofaResult {
  let mentation: number | null = null;
  if (!isMissing(input.gcsTotal)) mentation = qsofaGcsScore(input.gcsTotal);
  else if (!isMissing(input.alteredMentation)) mentation = input.alteredMentation ? 1 : 0;
  const subScores: Record<QsofaParameter, number | null> = {
    respiratoryRate: isMissing(input.respiratoryRatePerMin) ? null : qsofaRespiratoryRateScore(input.respiratoryRatePerMin),
    systolicBp: isMissing(input.systolicBpMmHg) ? null : qsofaSystolicBpScore(input.systolicBpMmHg),
    mentation,
  };
  const { sum, complete } = sumPresent(qsofaParameters.map((p) => subScores[p]));
  return {
    subScores,
    total: complete ? sum : null,
    complete,
    partialTotal: sum,
    positive: sum >= 2 ? true : complete ? false : null,
  };
}
