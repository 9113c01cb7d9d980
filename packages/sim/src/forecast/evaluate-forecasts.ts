import { ForecastErrorAccumulator, type PointForecastMetrics } from './forecast-metrics.ts';
import { createForecastOutput, type Forecaster, type ForecastOutput, type GlucoseSeries } from './forecaster.ts';

/**
 * Rolling-origin evaluation of glucose forecasters on one CGM series (one subject).
 *
 * Every reading (or every `originStride`-th) is a forecast origin. Each forecaster sees the series
 * up to and including the origin only (a subarray view: looking ahead is impossible) and forecasts
 * each horizon. The reference for horizon h is the reading nearest to origin + h within
 * ±`toleranceMin` (default 2.5 min, half a 5-min CGM step); where there is none (sensor gap, end of
 * data) the pair is skipped. With `alignment: 'common'` (default) a pair is scored only when every
 * forecaster gave a point forecast, so all are judged on the same pairs; with `'each'` every
 * forecaster is scored on all pairs it forecast. Reference look-up uses one forward pointer per
 * horizon, so the harness is O(n · forecasters · horizons) plus the forecasters' own cost.
 */
export interface EvaluateForecastsOptions {
  /** Default [30, 60, 120]. */
  readonly horizonsMin?: readonly number[];
  readonly toleranceMin?: number;
  readonly alignment?: 'common' | 'each';
  readonly originStride?: number;
}

export interface HorizonEvaluation extends PointForecastMetrics {
  readonly horizonMin: number;
  /** Pairs with a reference for which this forecaster gave no point forecast. */
  readonly missingForecasts: number;
}

export interface ForecasterEvaluation {
  readonly id: string;
  readonly intervalLevel?: number;
  readonly horizons: HorizonEvaluation[];
}

export interface ForecastEvaluation {
  readonly origins: number;
  readonly horizonsMin: readonly number[];
  /** Per horizon: origins that had a reference reading at origin + h. */
  readonly pairsWithReference: number[];
  readonly alignment: 'common' | 'each';
  readonly forecasters: ForecasterEvaluation[];
}

export const defaultHorizonsMin: readonly number[] = [30, 60, 120];

export function evaluateForecasts(
  series: GlucoseSeries,
  forecasters: readonly Forecaster[],
  options: EvaluateForecastsOptions = {},
): ForecastEvaluation {
  const horizons = options.horizonsMin ?? defaultHorizonsMin;
  const tol = options.toleranceMin ?? 2.5;
  const alignment = options.alignment ?? 'common';
  const stride = Math.max(1, Math.floor(options.originStride ?? 1));
  const t = series.timeMin;
  const g = series.glucoseMgDl;
  const n = t.length;
  const H = horizons.length;
  const F = forecasters.length;

  const outputs: ForecastOutput[] = forecasters.map(() => createForecastOutput(H));
  const acc: ForecastErrorAccumulator[][] = forecasters.map(() => horizons.map(() => new ForecastErrorAccumulator()));
  const missing: number[][] = forecasters.map(() => horizons.map(() => 0));
  const pairsWithReference = horizons.map(() => 0);
  const pointer = new Int32Array(H);
  let origins = 0;

  for (let i = 0; i < n; i += stride) {
    origins += 1;
    const history: GlucoseSeries = { timeMin: t.subarray(0, i + 1), glucoseMgDl: g.subarray(0, i + 1) };
    for (let f = 0; f < F; f++) {
      const out = outputs[f]!;
      out.pointMgDl.fill(Number.NaN);
      out.lowerMgDl.fill(Number.NaN);
      out.upperMgDl.fill(Number.NaN);
      forecasters[f]!.forecast(history, horizons, out);
    }
    for (let h = 0; h < H; h++) {
      const target = t[i]! + horizons[h]!;
      let p = pointer[h]!;
      while (p < n - 1 && t[p]! < target - tol) p += 1;
      pointer[h] = p;
      let ref = p;
      if (p + 1 < n && Math.abs(t[p + 1]! - target) < Math.abs(t[p]! - target)) ref = p + 1;
      if (ref <= i || Math.abs(t[ref]! - target) > tol) continue;
      pairsWithReference[h]! += 1;
      let all = true;
      for (let f = 0; f < F; f++) {
        if (!Number.isFinite(outputs[f]!.pointMgDl[h]!)) {
          missing[f]![h]! += 1;
          all = false;
        }
      }
      if (alignment === 'common' && !all) continue;
      for (let f = 0; f < F; f++) {
        const out = outputs[f]!;
        const point = out.pointMgDl[h]!;
        if (Number.isFinite(point)) acc[f]![h]!.add(g[ref]!, point, out.lowerMgDl[h]!, out.upperMgDl[h]!);
      }
    }
  }

  return {
    origins,
    horizonsMin: [...horizons],
    pairsWithReference,
    alignment,
    forecasters: forecasters.map((fc, f) => ({
      id: fc.id,
      ...(fc.intervalLevel !== undefined ? { intervalLevel: fc.intervalLevel } : {}),
      horizons: horizons.map((horizonMin, h) => ({ horizonMin, missingForecasts: missing[f]![h]!, ...acc[f]![h]!.result() })),
    })),
  };
}
