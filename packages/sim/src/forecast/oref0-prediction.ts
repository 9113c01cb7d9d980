import type { Oref0GlucoseStatus } from './oref0-glucose-status.ts';

/**
 * oref0's four predicted-BG curves (OpenAPS oref0 `lib/determine-basal/determine-basal.js`, the
 * predBGs block; summarised in the clinical-references doc), one value per 5-minute tick, index 0 =
 * current BG. With L the number of values already in a curve (1 at the first tick) and sens = ISF:
 *
 *   minDelta = min(delta, short_avgdelta);  BGI = −activity₀·sens·5;  ci = uci = minDelta − BGI
 *   csf = sens/CR;  ci ≤ maxCI = 30 g/h·csf·5/60
 *   predBGI = −activity_k·sens·5;  predDev = ci·(1 − min(1, L/12))
 *   IOBpred += predBGI + predDev
 *   ZTpred  += −activityZeroTemp_k·sens·5
 *   predCI  = max(0, max(0, ci)·(1 − L/max(2·cid, 1))),  cid = min(remainingCATime·6, COB·csf/ci)
 *   remainingCI = max(0, min(L, remainingCATime·12 − L)/(remainingCATime·6)·remainingCIpeak)   (the /\ term)
 *   COBpred += predBGI + min(0, predDev) + predCI + remainingCI
 *   predUCI = min(max(0, uci + L·slopeFromDeviations), max(0, uci·(1 − L/36)))
 *   UAMpred += predBGI + min(0, predDev) + predUCI
 *
 * with remainingCATime = max(3 h, COB/20 g/h) + 1.5·lastCarbAge/60 when carbs were entered (3 h
 * otherwise), remainingCarbs = min(90 g, max(0, COB − totalCA)), totalCA = max(0, ci/5·60·
 * remainingCATime/2)/csf, remainingCIpeak = remainingCarbs·csf·5/60/(remainingCATime/2), and
 * slopeFromDeviations = min(slopeFromMaxDeviation, −slopeFromMinDeviation/3). oref0 defaults used:
 * no autosens (ratio 1), remainingCarbsFraction 1. Curves are clamped to [39, 401] like oref0's
 * output; oref0's rounding of intermediate values is not reproduced. Each curve has
 * activity.length + 1 values (oref0 keeps 48: pass 47 ticks for its 235-minute reach).
 */
export interface Oref0PredictionInput {
  readonly status: Oref0GlucoseStatus;
  readonly isfMgDlPerU: number;
  readonly carbRatioGPerU: number;
  /** Net insulin activity (U/min) at origin + 5k min, k = 0..ticks−1 (oref0's iobArray). */
  readonly activity: Float64Array;
  /** The same if a zero temp basal started now (iobWithZeroTemp); defaults to `activity`. */
  readonly activityZeroTemp?: Float64Array;
  /** Carbs on board (g) and carbs entered in the meal window (g). */
  readonly mealCobG?: number;
  readonly mealCarbsG?: number;
  /** Minutes since the last carb entry (used only when mealCarbsG > 0). */
  readonly lastCarbAgeMin?: number;
  readonly slopeFromMaxDeviation?: number;
  readonly slopeFromMinDeviation?: number;
}

export interface Oref0Predictions {
  readonly iob: Float64Array;
  readonly zt: Float64Array;
  readonly cob: Float64Array;
  readonly uam: Float64Array;
  /** Carb impact used (mg/dL per 5 min) and whether oref0 would show the COB curve. */
  readonly ci: number;
  readonly cobCurveActive: boolean;
}

const maxCarbAbsorptionGPerH = 30;
const remainingCATimeMinH = 3;
const assumedCarbAbsorptionGPerH = 20;
const remainingCarbsCapG = 90;

export function oref0Predictions(input: Oref0PredictionInput): Oref0Predictions {
  const { status, isfMgDlPerU: sens, activity } = input;
  const activityZt = input.activityZeroTemp ?? activity;
  const cob = input.mealCobG ?? 0;
  const carbs = input.mealCarbsG ?? 0;
  const ticks = activity.length;
  const bg = status.glucoseMgDl;

  const minDelta = Math.min(status.delta, status.shortAvgDelta);
  const bgi = -(activity[0] ?? 0) * sens * 5;
  const csf = sens / input.carbRatioGPerU;
  const uci = minDelta - bgi;
  const ci = Math.min(minDelta - bgi, (maxCarbAbsorptionGPerH * csf * 5) / 60);

  let remainingCATime = remainingCATimeMinH;
  if (carbs > 0) {
    const minTime = Math.max(remainingCATimeMinH, cob / assumedCarbAbsorptionGPerH);
    remainingCATime = minTime + (1.5 * (input.lastCarbAgeMin ?? 0)) / 60;
  }
  const totalCI = Math.max(0, ((ci / 5) * 60 * remainingCATime) / 2);
  const totalCA = totalCI / csf;
  const remainingCarbs = Math.min(remainingCarbsCapG, Math.max(0, cob - totalCA));
  const remainingCIpeak = (remainingCarbs * csf * 5) / 60 / (remainingCATime / 2);
  const slopeFromDeviations = Math.min(input.slopeFromMaxDeviation ?? 0, -(input.slopeFromMinDeviation ?? 0) / 3);
  const cid = ci === 0 ? 0 : Math.min((remainingCATime * 60) / 5 / 2, Math.max(0, (cob * csf) / ci));

  const iob = new Float64Array(ticks + 1);
  const zt = new Float64Array(ticks + 1);
  const cobCurve = new Float64Array(ticks + 1);
  const uam = new Float64Array(ticks + 1);
  iob[0] = bg;
  zt[0] = bg;
  cobCurve[0] = bg;
  uam[0] = bg;
  for (let k = 0; k < ticks; k++) {
    const len = k + 1;
    const predBGI = -activity[k]! * sens * 5;
    const predZTBGI = -activityZt[k]! * sens * 5;
    const predDev = ci * (1 - Math.min(1, len / 12));
    iob[len] = iob[k]! + predBGI + predDev;
    zt[len] = zt[k]! + predZTBGI;
    const predCI = Math.max(0, Math.max(0, ci) * (1 - len / Math.max(cid * 2, 1)));
    const intervals = Math.min(len, remainingCATime * 12 - len);
    const remainingCI = Math.max(0, (intervals / ((remainingCATime / 2) * 12)) * remainingCIpeak);
    cobCurve[len] = cobCurve[k]! + predBGI + Math.min(0, predDev) + predCI + remainingCI;
    const predUCIslope = Math.max(0, uci + len * slopeFromDeviations);
    const predUCImax = Math.max(0, uci * (1 - len / 36));
    uam[len] = uam[k]! + predBGI + Math.min(0, predDev) + Math.min(predUCIslope, predUCImax);
  }
  for (const curve of [iob, zt, cobCurve, uam]) for (let i = 0; i < curve.length; i++) curve[i] = Math.min(401, Math.max(39, curve[i]!));
  return { iob, zt, cob: cobCurve, uam, ci, cobCurveActive: cob > 0 && (ci > 0 || remainingCIpeak > 0) };
}
