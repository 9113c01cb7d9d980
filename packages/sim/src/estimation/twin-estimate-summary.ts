import { normalQuantile } from '../stats/normal-distribution.ts';
import { type EffectiveResponse, twinEffectiveResponse } from './effective-response.ts';
import { type GlucoseTwinEstimator, TWIN_STATE_SIZE, twinState } from './glucose-twin-estimator.ts';

/** A personal scale with its 90 % credible interval (log-normal posterior of the filter). */
export interface ScaleEstimate {
  readonly median: number;
  readonly lower90: number;
  readonly upper90: number;
}

/** What the twin currently believes, in units a clinician or a client can read. */
export interface GlucoseTwinSummary {
  readonly nominalPatient: string;
  /** Minute of the estimate in the series' time base. */
  readonly timeMin: number;
  readonly readingsAssimilated: number;
  readonly plasmaGlucoseMgDl: number;
  readonly plasmaGlucoseSdMgDl: number;
  /** Subcutaneous glucose Gs/Vg (what a perfect CGM would read) [mg/dL]. */
  readonly interstitialGlucoseMgDl: number;
  /** Current estimate of the CGM's own error [mg/dL]. */
  readonly sensorErrorMgDl: number;
  readonly insulinSensitivityScale: ScaleEstimate;
  readonly carbEffectScale: ScaleEstimate;
  readonly mealAbsorptionSpeed: ScaleEstimate;
  readonly basalProductionShiftMgPerKgMin: number;
  readonly unexplainedGlucoseFluxMgPerKgMin: number;
  /** Person's insulin → nominal patient's insulin (basal normalisation). */
  readonly insulinScale: number;
  /** Model-based analogues of ISF and carb sensitivity at the current estimate (effective-response.ts). */
  readonly effective: EffectiveResponse;
}

const z90 = normalQuantile(0.95);

export function summarizeTwinEstimate(est: GlucoseTwinEstimator): GlucoseTwinSummary {
  if (!est.started) throw new RangeError('the twin has no estimate yet');
  const m = est.mean;
  const c = est.cov;
  const n = TWIN_STATE_SIZE;
  const vg = est.settings.nominal.vgDlPerKg;
  const scale = (slot: number): ScaleEstimate => {
    const sd = Math.sqrt(Math.max(c[slot * n + slot]!, 0));
    return { median: Math.exp(m[slot]!), lower90: Math.exp(m[slot]! - z90 * sd), upper90: Math.exp(m[slot]! + z90 * sd) };
  };
  const s = scale(twinState.logSensitivity);
  const carb = scale(twinState.logCarbEffect);
  const speed = scale(twinState.logMealSpeed);
  return {
    nominalPatient: est.settings.nominal.name,
    timeMin: est.minute,
    readingsAssimilated: est.readings,
    plasmaGlucoseMgDl: m[twinState.gpMgPerKg]! / vg,
    plasmaGlucoseSdMgDl: Math.sqrt(Math.max(c[twinState.gpMgPerKg * n + twinState.gpMgPerKg]!, 0)) / vg,
    interstitialGlucoseMgDl: m[twinState.gsMgPerKg]! / vg,
    sensorErrorMgDl: m[twinState.sensorErrorMgDl]!,
    insulinSensitivityScale: s,
    carbEffectScale: carb,
    mealAbsorptionSpeed: speed,
    basalProductionShiftMgPerKgMin: m[twinState.basalShiftMgPerKgMin]!,
    unexplainedGlucoseFluxMgPerKgMin: m[twinState.disturbanceMgPerKgMin]!,
    insulinScale: est.insulinScale,
    effective: twinEffectiveResponse(est.settings.nominal, est.insulinScale, s.median, carb.median, speed.median),
  };
}
