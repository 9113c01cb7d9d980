import { mixSeed } from '../cohort/seed-mix.ts';
import type { Forecaster, ForecastOutput, GlucoseSeries } from '../forecast/forecaster.ts';
import type { ForecasterContext, ForecasterFactory } from '../forecast/forecaster-registry.ts';
import { FutureInputs } from './future-inputs.ts';
import { GlucoseTwinEstimator } from './glucose-twin-estimator.ts';
import { emptyTreatmentLog, normaliseTreatmentLog, type TreatmentLog } from './treatment-log.ts';
import { TwinEnsemble } from './twin-ensemble.ts';
import type { GlucoseTwinSettings } from './twin-settings.ts';

/**
 * Probabilistic CGM forecast from the twin's current estimate: an ensemble (twin-ensemble.ts) run to
 * the largest horizon with the treatments known so far; per horizon the ensemble mean is the point
 * forecast and empirical quantiles (linear interpolation between order statistics, Hyndman & Fan
 * 1996 type 7) give prediction intervals. Members report what the CGM would read (sensor error and
 * white noise included), so intervals are for the next readings, not for plasma glucose.
 */
export class TwinForecastEngine {
  readonly estimator: GlucoseTwinEstimator;
  private readonly ensemble: TwinEnsemble;
  private readonly inputs = new FutureInputs();
  private out = new Float64Array(0);
  private column = new Float64Array(0);
  private records = 0;
  private members = 0;
  private blockMin = 5;

  constructor(estimator: GlucoseTwinEstimator) {
    this.estimator = estimator;
    this.ensemble = new TwinEnsemble(estimator);
  }

  /** Runs the ensemble to max(horizonsMin) from the estimator's current minute. */
  run(horizonsMin: readonly number[], members: number, seed: number): void {
    const maxH = Math.ceil(Math.max(...horizonsMin));
    this.blockMin = horizonsMin.every((h) => h % 5 === 0) ? 5 : 1;
    const horizon = Math.ceil(maxH / this.blockMin) * this.blockMin;
    const records = horizon / this.blockMin + 1;
    if (this.out.length < members * records) this.out = new Float64Array(members * records);
    if (this.column.length < members) this.column = new Float64Array(members);
    this.inputs.fill(this.estimator, horizon);
    this.ensemble.run(this.inputs.carbsG, this.inputs.insulinUPerMin, horizon, members, seed, this.blockMin, 'cgm', this.out);
    this.records = records;
    this.members = members;
  }

  /** Ensemble mean at `horizonMin` (linear between records). */
  mean(horizonMin: number): number {
    return this.interpolate(horizonMin, (k) => {
      let sum = 0;
      for (let j = 0; j < this.members; j++) sum += this.out[j * this.records + k]!;
      return sum / this.members;
    });
  }

  /** Empirical quantile p ∈ [0, 1] at `horizonMin`. */
  quantile(horizonMin: number, p: number): number {
    return this.interpolate(horizonMin, (k) => {
      const col = this.column.subarray(0, this.members);
      for (let j = 0; j < this.members; j++) col[j] = this.out[j * this.records + k]!;
      col.sort((a, b) => a - b);
      return quantileSorted(col, p);
    });
  }

  private interpolate(horizonMin: number, at: (k: number) => number): number {
    const pos = horizonMin / this.blockMin;
    const lo = Math.floor(pos);
    if (lo < 0 || lo >= this.records) return Number.NaN;
    const w = pos - lo;
    if (w === 0 || lo + 1 >= this.records) return at(lo);
    return (1 - w) * at(lo) + w * at(lo + 1);
  }
}

/** Type-7 quantile of an ascending sample. */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * Math.min(Math.max(p, 0), 1);
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

export interface TwinForecasterOptions {
  readonly settings: GlucoseTwinSettings;
  readonly log?: TreatmentLog;
  /** Ensemble members per forecast (default 100). */
  readonly members?: number;
  readonly seed?: number;
  /** Central coverage of the reported interval (default 0.9, as the persistence baseline). */
  readonly intervalLevel?: number;
  readonly id?: string;
}

/**
 * The twin as a `Forecaster` for the rolling-origin harness (forecast/evaluate-forecasts.ts). It keeps
 * its filter between calls: when `history` extends the series it saw last (same first sample, same
 * sample at its last position), only the new readings are assimilated; any other history restarts
 * the filter. Treatments logged after the origin are ignored (no look-ahead). Each origin's ensemble
 * is seeded from (seed, origin minute), so results do not depend on the order of calls.
 */
export function createTwinForecaster(options: TwinForecasterOptions): Forecaster {
  const members = options.members ?? 100;
  const seed = options.seed ?? 1;
  const level = options.intervalLevel ?? 0.9;
  if (!(level > 0 && level < 1)) throw new RangeError(`intervalLevel must be in (0, 1), got ${level}`);
  const log = normaliseTreatmentLog(options.log ?? emptyTreatmentLog);
  let estimator = new GlucoseTwinEstimator(options.settings, log);
  let engine = new TwinForecastEngine(estimator);
  let seen = 0;
  let firstTime = Number.NaN;
  let lastTime = Number.NaN;
  return {
    id: options.id ?? 'twin',
    intervalLevel: level,
    forecast(history: GlucoseSeries, horizonsMin: readonly number[], out: ForecastOutput): void {
      const n = history.timeMin.length;
      if (n === 0) {
        out.pointMgDl.fill(Number.NaN);
        out.lowerMgDl.fill(Number.NaN);
        out.upperMgDl.fill(Number.NaN);
        return;
      }
      const continues = seen > 0 && seen <= n && history.timeMin[0] === firstTime && history.timeMin[seen - 1] === lastTime;
      if (!continues) {
        estimator = new GlucoseTwinEstimator(options.settings, log);
        engine = new TwinForecastEngine(estimator);
        seen = 0;
        firstTime = history.timeMin[0]!;
      }
      for (let i = seen; i < n; i++) estimator.assimilate(history.timeMin[i]!, history.glucoseMgDl[i]!);
      seen = n;
      lastTime = history.timeMin[n - 1]!;
      if (!estimator.started) {
        out.pointMgDl.fill(Number.NaN);
        return;
      }
      engine.run(horizonsMin, members, mixSeed(seed, estimator.minute));
      for (let h = 0; h < horizonsMin.length; h++) {
        const hz = horizonsMin[h]!;
        out.pointMgDl[h] = engine.mean(hz);
        out.lowerMgDl[h] = engine.quantile(hz, (1 - level) / 2);
        out.upperMgDl[h] = engine.quantile(hz, (1 + level) / 2);
      }
    },
  };
}

/**
 * Factory for the forecaster registry (`{ ...baselineForecasterFactories, twin: twinForecasterFactory(settings) }`):
 * boluses and carbs come from the context's treatment logs, a constant basal from the oref0
 * profile's `basalUPerH` when given.
 */
export function twinForecasterFactory(
  settings: GlucoseTwinSettings,
  options: Omit<TwinForecasterOptions, 'settings' | 'log'> = {},
): ForecasterFactory {
  return (ctx: ForecasterContext) => {
    const basalUPerH = ctx.oref0Profile?.basalUPerH;
    return createTwinForecaster({
      ...options,
      settings: basalUPerH !== undefined && basalUPerH > 0 ? { ...settings, referenceBasalUPerMin: basalUPerH / 60 } : settings,
      log: { basal: [], boluses: ctx.insulin ?? [], meals: ctx.carbs ?? [] },
    });
  };
}
