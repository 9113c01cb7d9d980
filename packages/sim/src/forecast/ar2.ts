import type { Forecaster, ForecastOutput, GlucoseSeries } from './forecaster.ts';

/**
 * Nightscout's AR2 glucose forecast (cgm-remote-monitor `lib/plugins/ar2.js`, with the 5-minute
 * interpolation of `lib/plugins/delta.js`), reproduced exactly so it can serve as the standard
 * ready-made baseline and as the forecast behind "predicted low" alarms.
 *
 * In log space y = ln(BG / 140) a second-order autoregression steps every 5 minutes:
 *   y_next = −0.723 · y_prev + 1.716 · y_curr,
 * seeded with the current reading and the value 5 minutes before it. If the two latest readings
 * are more than 9 minutes apart the 5-minutes-ago value is linearly interpolated in mg/dL
 * (current − Δ/elapsed · 5); otherwise the previous reading is used as is. Each predicted value is
 * round(140 · e^y) clipped to [36, 400] mg/dL. Both seed readings must be ≥ 36 mg/dL.
 *
 * The alarm judges the first 6 points (30 min):
 *   avgLoss = Σ_{j=0..size} (1/size) · (log10(p_j / 120))², size = min(n − 1, 6)
 * (size + 1 terms over size, as Nightscout writes it); WARN above 0.05, URGENT above 0.10; the
 * event is "high"/"low" when the 20-minute point is above the target top / below the target bottom.
 * Nightscout also shifts display points by 2–4 s so they get unique times; that is left out here.
 */

export interface GlucosePoint {
  readonly timeMs: number;
  readonly glucoseMgDl: number;
}

export const ar2Constants = {
  referenceMgDl: 140,
  minMgDl: 36,
  maxMgDl: 400,
  /** [coefficient of y_prev, coefficient of y_curr]. */
  coefficients: [-0.723, 1.716],
  stepMin: 5,
  /** Points used by the alarm (30 minutes). */
  alarmSteps: 6,
  lossReferenceMgDl: 120,
  warnThreshold: 0.05,
  urgentThreshold: 0.1,
  /** Above this spacing (min) of the two seed readings, the 5-minutes-ago value is interpolated. */
  interpolateAfterMin: 9,
} as const;

/** Log-space half-widths of the display cone per 5-minute step (65 minutes), scaled by coneFactor (default 2). */
export const ar2ConeOffsets = [0.02, 0.041, 0.061, 0.081, 0.099, 0.116, 0.132, 0.146, 0.159, 0.171, 0.182, 0.192, 0.201] as const;

const STEP_MS = ar2Constants.stepMin * 60_000;

export interface Ar2Forecast {
  /** One point per 5-minute step after the latest reading; empty when AR2 cannot forecast. */
  readonly predicted: GlucosePoint[];
  /** Nightscout's alarm loss over the predicted points; 0 when there are none. */
  readonly avgLoss: number;
}

interface Ar2Seed {
  readonly timeMs: number;
  readonly yPrev: number;
  readonly yCurr: number;
}

/** Seeds the recursion from the two latest readings (time-ascending input); null when either is below 36 mg/dL. */
function seed(readings: readonly GlucosePoint[]): Ar2Seed | null {
  const n = readings.length;
  if (n < 2) return null;
  const current = readings[n - 1]!;
  const prev = readings[n - 2]!;
  if (!(current.glucoseMgDl >= ar2Constants.minMgDl && prev.glucoseMgDl >= ar2Constants.minMgDl)) return null;
  const elapsedMin = (current.timeMs - prev.timeMs) / 60_000;
  const mgDl5MinAgo =
    elapsedMin > ar2Constants.interpolateAfterMin
      ? current.glucoseMgDl - ((current.glucoseMgDl - prev.glucoseMgDl) / elapsedMin) * 5
      : prev.glucoseMgDl;
  if (!(mgDl5MinAgo > 0)) return null;
  return {
    timeMs: current.timeMs,
    yPrev: Math.log(mgDl5MinAgo / ar2Constants.referenceMgDl),
    yCurr: Math.log(current.glucoseMgDl / ar2Constants.referenceMgDl),
  };
}

/** round(140 · e^y) clipped to [36, 400]; Math.round rounds halves up as JavaScript's does in Nightscout. */
function toMgDl(y: number): number {
  const mgDl = Math.round(ar2Constants.referenceMgDl * Math.exp(y));
  return Math.max(ar2Constants.minMgDl, Math.min(ar2Constants.maxMgDl, mgDl));
}

/** Iterates the recursion `steps` times, calling `visit(step index from 1, y)`. */
function iterate(s: Ar2Seed, steps: number, visit: (k: number, y: number) => void): void {
  const [a0, a1] = ar2Constants.coefficients;
  let yPrev = s.yPrev;
  let yCurr = s.yCurr;
  for (let k = 1; k <= steps; k++) {
    const next = a0 * yPrev + a1 * yCurr;
    yPrev = yCurr;
    yCurr = next;
    visit(k, yCurr);
  }
}

/** AR2 forecast from time-ascending readings (only the latest two are used). Default 6 steps = 30 min. */
export function ar2Forecast(readings: readonly GlucosePoint[], steps: number = ar2Constants.alarmSteps): Ar2Forecast {
  const s = seed(readings);
  if (s === null) return { predicted: [], avgLoss: 0 };
  const predicted: GlucosePoint[] = [];
  iterate(s, steps, (k, y) => predicted.push({ timeMs: s.timeMs + k * STEP_MS, glucoseMgDl: toMgDl(y) }));
  const size = Math.min(predicted.length - 1, 6);
  let avgLoss = 0;
  for (let j = 0; j <= size; j++) avgLoss += (1 / size) * Math.log10(predicted[j]!.glucoseMgDl / ar2Constants.lossReferenceMgDl) ** 2;
  return { predicted, avgLoss };
}

/** The 6 predicted points (30 min) as a plain function of the readings, e.g. for core's predicted-low alarm. */
export function ar2Predict(readings: readonly GlucosePoint[]): GlucosePoint[] {
  return ar2Forecast(readings).predicted;
}

export interface Ar2ConePoint {
  readonly timeMs: number;
  readonly lowMgDl: number;
  readonly highMgDl: number;
}

/** Nightscout's display cone: 13 steps (65 min), bounds round(140 · e^(y ∓ coneFactor · offset_k)), clipped. */
export function ar2Cone(readings: readonly GlucosePoint[], coneFactor = 2): Ar2ConePoint[] {
  const s = seed(readings);
  if (s === null) return [];
  const cone: Ar2ConePoint[] = [];
  iterate(s, ar2ConeOffsets.length, (k, y) => {
    const w = coneFactor * ar2ConeOffsets[k - 1]!;
    cone.push({ timeMs: s.timeMs + k * STEP_MS, lowMgDl: toMgDl(y - w), highMgDl: toMgDl(y + w) });
  });
  return cone;
}

export type Ar2AlarmLevel = 'none' | 'warn' | 'urgent';

export interface Ar2Alarm {
  readonly level: Ar2AlarmLevel;
  /** From the 20-minute point against the targets; null when in range or not raised. */
  readonly event: 'high' | 'low' | null;
}

/** Nightscout's `checkForecast` + `selectEventType` for a (non-raw) forecast. */
export function ar2Alarm(forecast: Ar2Forecast, targets: { readonly bottomMgDl: number; readonly topMgDl: number }): Ar2Alarm {
  let level: Ar2AlarmLevel = 'none';
  if (forecast.avgLoss > ar2Constants.urgentThreshold) level = 'urgent';
  else if (forecast.avgLoss > ar2Constants.warnThreshold) level = 'warn';
  if (level === 'none') return { level, event: null };
  const in20Min = forecast.predicted.length >= 4 ? forecast.predicted[3]!.glucoseMgDl : undefined;
  let event: Ar2Alarm['event'] = null;
  if (in20Min !== undefined && in20Min > targets.topMgDl) event = 'high';
  else if (in20Min !== undefined && in20Min < targets.bottomMgDl) event = 'low';
  return { level, event };
}

/**
 * AR2 under the common `Forecaster` contract (point-only: bounds are NaN). Horizons that are not
 * multiples of 5 minutes interpolate linearly between the neighbouring 5-minute points; a horizon
 * of 0 is the latest reading. NaN when AR2 cannot forecast (fewer than 2 readings, or below 36).
 */
export function createAr2Forecaster(): Forecaster {
  return {
    id: 'ar2',
    forecast(history: GlucoseSeries, horizonsMin: readonly number[], out: ForecastOutput): void {
      const n = history.timeMin.length;
      const last: GlucosePoint[] =
        n >= 2
          ? [
              { timeMs: history.timeMin[n - 2]! * 60_000, glucoseMgDl: history.glucoseMgDl[n - 2]! },
              { timeMs: history.timeMin[n - 1]! * 60_000, glucoseMgDl: history.glucoseMgDl[n - 1]! },
            ]
          : [];
      let maxH = 0;
      for (const h of horizonsMin) maxH = Math.max(maxH, h);
      const points = ar2Forecast(last, Math.ceil(maxH / ar2Constants.stepMin)).predicted;
      for (let k = 0; k < horizonsMin.length; k++) {
        out.lowerMgDl[k] = Number.NaN;
        out.upperMgDl[k] = Number.NaN;
        out.pointMgDl[k] = points.length === 0 ? Number.NaN : valueAt(last[1]!.glucoseMgDl, points, horizonsMin[k]!);
      }
    },
  };
}

function valueAt(originMgDl: number, points: readonly GlucosePoint[], horizonMin: number): number {
  const pos = horizonMin / ar2Constants.stepMin;
  const i = Math.floor(pos);
  const below = i === 0 ? originMgDl : points[i - 1]!.glucoseMgDl;
  if (pos === i) return below;
  const above = points[i]!.glucoseMgDl;
  return below + (above - below) * (pos - i);
}
