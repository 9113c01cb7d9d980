import type { Forecaster, ForecastOutput, GlucoseSeries } from './forecaster.ts';
import { oref0GlucoseStatus } from './oref0-glucose-status.ts';
import { type InsulinCurve, insulinActivityPerUnit, insulinCurveConstants, insulinCurvePresets } from './oref0-insulin-curve.ts';
import { oref0Predictions } from './oref0-prediction.ts';

/**
 * A forecaster built on oref0's predicted-BG curves (oref0-prediction.ts), fed from a CGM history
 * and optional treatment logs (times in the series' minutes).
 *
 * Simplifications, stated so results are read correctly:
 * - insulin doses are boluses counted against zero (net IOB relative to a scheduled basal is not
 *   known from a CGM export); `basalUPerH` only shapes the zero-temp (ZT) curve;
 * - carbs on board decay at oref0's floor absorption, min_5m_carbimpact (default 8 mg/dL per 5 min,
 *   i.e. 8/CSF g per 5 min), within a 6-hour meal window, instead of oref0's deviation-based COB
 *   (`lib/determine-basal/cob.js`); slopeFrom{Max,Min}Deviation are taken as 0;
 * - the point forecast follows the curve oref0 would emphasise: COB when its COB curve is active,
 *   else IOB (or the curve named in `curve`). Horizons between ticks are interpolated linearly.
 * Without treatments this is oref0's momentum term alone: the current deviation decaying to zero
 * over 60 min. No interval is produced.
 */
export interface Oref0Profile {
  readonly isfMgDlPerU: number;
  readonly carbRatioGPerU: number;
  readonly insulinCurve?: InsulinCurve;
  readonly basalUPerH?: number;
  readonly min5mCarbImpactMgDl?: number;
}

export interface InsulinDose {
  readonly timeMin: number;
  readonly units: number;
}

export interface CarbEntry {
  readonly timeMin: number;
  readonly grams: number;
}

export interface Oref0ForecasterOptions {
  readonly profile: Oref0Profile;
  readonly insulin?: readonly InsulinDose[];
  readonly carbs?: readonly CarbEntry[];
  readonly curve?: 'auto' | 'iob' | 'cob' | 'uam' | 'zt';
  /** Number of 5-min steps predicted. Default 47: oref0 keeps 48 values (now + 47 steps = 235 min). */
  readonly ticks?: number;
}

const mealWindowMin = 360;

export function createOref0Forecaster(options: Oref0ForecasterOptions): Forecaster {
  const profile = options.profile;
  const constants = insulinCurveConstants(profile.insulinCurve ?? insulinCurvePresets.rapidActing);
  const insulin = [...(options.insulin ?? [])].sort((x, y) => x.timeMin - y.timeMin);
  const carbs = [...(options.carbs ?? [])].sort((x, y) => x.timeMin - y.timeMin);
  const ticks = options.ticks ?? 47;
  const curveChoice = options.curve ?? 'auto';
  const csf = profile.isfMgDlPerU / profile.carbRatioGPerU;
  const absorbedGPerMin = (profile.min5mCarbImpactMgDl ?? 8) / csf / 5;
  const basalUPer5Min = (profile.basalUPerH ?? 0) / 12;
  const activity = new Float64Array(ticks);
  const activityZt = new Float64Array(ticks);

  return {
    id: 'oref0',
    forecast(history: GlucoseSeries, horizonsMin: readonly number[], out: ForecastOutput): void {
      const n = history.timeMin.length;
      out.lowerMgDl.fill(Number.NaN);
      out.upperMgDl.fill(Number.NaN);
      if (n === 0) {
        out.pointMgDl.fill(Number.NaN);
        return;
      }
      const now = history.timeMin[n - 1]!;
      // Insulin activity at now + 5k from doses given up to now and within DIA.
      activity.fill(0);
      for (let d = upperBound(insulin, now) - 1; d >= 0 && now - insulin[d]!.timeMin < constants.endMin; d--) {
        const dose = insulin[d]!;
        for (let k = 0; k < ticks; k++) activity[k]! += dose.units * insulinActivityPerUnit(now + 5 * k - dose.timeMin, constants);
      }
      activityZt.set(activity);
      if (basalUPer5Min > 0) {
        // A zero temp withholds the scheduled basal from now on: negative 5-min micro-doses.
        for (let k = 0; k < ticks; k++) {
          for (let j = 0; j <= k; j++) activityZt[k]! -= basalUPer5Min * insulinActivityPerUnit(5 * (k - j), constants);
        }
      }
      let cob = 0;
      let mealCarbs = 0;
      let lastCarbTime = Number.NaN;
      for (let c = upperBound(carbs, now) - 1; c >= 0 && now - carbs[c]!.timeMin < mealWindowMin; c--) {
        const entry = carbs[c]!;
        mealCarbs += entry.grams;
        cob += Math.max(0, entry.grams - (now - entry.timeMin) * absorbedGPerMin);
        if (Number.isNaN(lastCarbTime)) lastCarbTime = entry.timeMin;
      }
      const pred = oref0Predictions({
        status: oref0GlucoseStatus(history),
        isfMgDlPerU: profile.isfMgDlPerU,
        carbRatioGPerU: profile.carbRatioGPerU,
        activity,
        activityZeroTemp: activityZt,
        mealCobG: cob,
        mealCarbsG: mealCarbs,
        lastCarbAgeMin: Number.isNaN(lastCarbTime) ? 0 : now - lastCarbTime,
      });
      const curve =
        curveChoice === 'auto' ? (pred.cobCurveActive ? pred.cob : pred.iob) : curveChoice === 'iob' ? pred.iob : pred[curveChoice];
      for (let h = 0; h < horizonsMin.length; h++) out.pointMgDl[h] = atMinute(curve, horizonsMin[h]!);
    },
  };
}

/** Value of a 5-min-tick curve at `minute` after its start, linear between ticks; NaN beyond it. */
function atMinute(curve: Float64Array, minute: number): number {
  const pos = minute / 5;
  const lo = Math.floor(pos);
  if (lo < 0 || lo >= curve.length) return Number.NaN;
  if (lo === curve.length - 1) return pos === lo ? curve[lo]! : Number.NaN;
  return curve[lo]! + (pos - lo) * (curve[lo + 1]! - curve[lo]!);
}

/** Index of the first entry with timeMin > t (entries sorted by time). */
function upperBound(entries: readonly { readonly timeMin: number }[], t: number): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (entries[mid]!.timeMin <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
