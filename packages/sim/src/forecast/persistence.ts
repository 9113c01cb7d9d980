import { normalQuantile } from '../stats/normal-distribution.ts';
import type { Forecaster, ForecastOutput, GlucoseSeries } from './forecaster.ts';

/**
 * Persistence ("last value", naive) forecast: the glucose at origin + h is predicted to equal the
 * glucose at the origin. It is the baseline every glucose-forecasting paper must beat
 * (clinical-references, "How glucose forecasts are judged").
 *
 * Interval (project rule): persistence is the optimal point forecast of a driftless random walk,
 * whose h-step error is the h-step change of the series. The interval is the point ± z·σ_h, with
 * σ_h the root-mean-square of the h-minute changes observed in the last `windowMin` of history
 * (pairs of readings h ± `toleranceMin` apart) and z = Φ⁻¹((1 + level)/2). With fewer than
 * `minPairs` such pairs the interval is NaN (the point forecast is always given).
 */
export interface PersistenceOptions {
  /** Nominal central coverage of the interval. Default 0.9. */
  readonly intervalLevel?: number;
  /** History used to estimate the spread of h-step changes. Default 1440 min (24 h). */
  readonly windowMin?: number;
  readonly minPairs?: number;
  /** How far a pair's spacing may differ from h. Default 2.5 min (half a 5-min CGM step). */
  readonly toleranceMin?: number;
}

export function createPersistenceForecaster(options: PersistenceOptions = {}): Forecaster {
  const intervalLevel = options.intervalLevel ?? 0.9;
  if (!(intervalLevel > 0 && intervalLevel < 1)) throw new RangeError(`intervalLevel must be in (0, 1), got ${intervalLevel}`);
  const z = normalQuantile((1 + intervalLevel) / 2);
  const windowMin = options.windowMin ?? 1440;
  const minPairs = options.minPairs ?? 24;
  const tol = options.toleranceMin ?? 2.5;
  return {
    id: 'persistence',
    intervalLevel,
    forecast(history: GlucoseSeries, horizonsMin: readonly number[], out: ForecastOutput): void {
      const n = history.timeMin.length;
      const last = n > 0 ? history.glucoseMgDl[n - 1]! : Number.NaN;
      for (let k = 0; k < horizonsMin.length; k++) {
        out.pointMgDl[k] = last;
        const sigma = n > 0 ? rmsChange(history, horizonsMin[k]!, windowMin, tol, minPairs) : Number.NaN;
        out.lowerMgDl[k] = last - z * sigma;
        out.upperMgDl[k] = last + z * sigma;
      }
    },
  };
}

/**
 * RMS of g(t + h) − g(t) over pairs inside the last `windowMin` of the series, found with two
 * pointers: O(window) per call. NaN with fewer than `minPairs` pairs.
 */
export function rmsChange(series: GlucoseSeries, horizonMin: number, windowMin: number, toleranceMin: number, minPairs: number): number {
  const t = series.timeMin;
  const g = series.glucoseMgDl;
  const n = t.length;
  const originMin = t[n - 1]!;
  let i = n - 1;
  while (i > 0 && t[i - 1]! >= originMin - windowMin) i -= 1;
  let j = i;
  let sum = 0;
  let pairs = 0;
  for (; i < n; i++) {
    const target = t[i]! + horizonMin;
    if (target > originMin + toleranceMin) break;
    if (j < i) j = i;
    while (j + 1 < n && t[j]! < target - toleranceMin) j += 1;
    // Choose whichever of j, j+1 is nearer the target.
    let best = j;
    if (j + 1 < n && Math.abs(t[j + 1]! - target) < Math.abs(t[j]! - target)) best = j + 1;
    if (best !== i && Math.abs(t[best]! - target) <= toleranceMin) {
      const d = g[best]! - g[i]!;
      sum += d * d;
      pairs += 1;
    }
  }
  return pairs >= minPairs ? Math.sqrt(sum / pairs) : Number.NaN;
}
