import { clarkeZoneIndex } from './clarke-error-grid.ts';

/**
 * Accuracy of glucose forecasts against CGM reference values at one horizon
 * (clinical-references, "How glucose forecasts are judged"):
 * RMSE (primary), MAE, MARD = mean(|pred − ref|/ref)·100 %, bias = mean(pred − ref), the share of
 * pairs in each Clarke zone (clarke-error-grid.ts), and for forecasters with intervals the empirical
 * coverage of [lower, upper] (inclusive) and its mean width. Streaming: `add` allocates nothing.
 */
export interface PointForecastMetrics {
  readonly n: number;
  readonly rmseMgDl: number;
  readonly maeMgDl: number;
  readonly mardPercent: number;
  readonly biasMgDl: number;
  /** Percent of pairs in Clarke zones A..E. */
  readonly clarkePercent: { readonly A: number; readonly B: number; readonly C: number; readonly D: number; readonly E: number };
  /** Number of pairs that had a finite interval. */
  readonly nInterval: number;
  /** Share (0–1) of those pairs whose reference fell inside the interval. NaN without intervals. */
  readonly coverage: number;
  readonly meanIntervalWidthMgDl: number;
}

export class ForecastErrorAccumulator {
  private n = 0;
  private sumSq = 0;
  private sumAbs = 0;
  private sumRel = 0;
  private sumErr = 0;
  private readonly zones = new Float64Array(5);
  private nInterval = 0;
  private covered = 0;
  private sumWidth = 0;

  /** Adds one (reference, prediction) pair; pass NaN bounds when there is no interval. */
  add(referenceMgDl: number, predictedMgDl: number, lowerMgDl = Number.NaN, upperMgDl = Number.NaN): void {
    const err = predictedMgDl - referenceMgDl;
    this.n += 1;
    this.sumSq += err * err;
    this.sumAbs += Math.abs(err);
    this.sumRel += Math.abs(err) / referenceMgDl;
    this.sumErr += err;
    this.zones[clarkeZoneIndex(referenceMgDl, predictedMgDl)]! += 1;
    if (Number.isFinite(lowerMgDl) && Number.isFinite(upperMgDl)) {
      this.nInterval += 1;
      this.sumWidth += upperMgDl - lowerMgDl;
      if (referenceMgDl >= lowerMgDl && referenceMgDl <= upperMgDl) this.covered += 1;
    }
  }

  result(): PointForecastMetrics {
    const n = this.n;
    const pct = (i: number): number => (n > 0 ? (100 * this.zones[i]!) / n : Number.NaN);
    const mean = (s: number): number => (n > 0 ? s / n : Number.NaN);
    return {
      n,
      rmseMgDl: Math.sqrt(mean(this.sumSq)),
      maeMgDl: mean(this.sumAbs),
      mardPercent: 100 * mean(this.sumRel),
      biasMgDl: mean(this.sumErr),
      clarkePercent: { A: pct(0), B: pct(1), C: pct(2), D: pct(3), E: pct(4) },
      nInterval: this.nInterval,
      coverage: this.nInterval > 0 ? this.covered / this.nInterval : Number.NaN,
      meanIntervalWidthMgDl: this.nInterval > 0 ? this.sumWidth / this.nInterval : Number.NaN,
    };
  }
}

/** Convenience for whole arrays: metrics of predictions against references (same length). */
export function forecastMetrics(
  referenceMgDl: ArrayLike<number>,
  predictedMgDl: ArrayLike<number>,
  lowerMgDl?: ArrayLike<number>,
  upperMgDl?: ArrayLike<number>,
): PointForecastMetrics {
  if (referenceMgDl.length !== predictedMgDl.length) throw new RangeError('references and predictions differ in length');
  const acc = new ForecastErrorAccumulator();
  for (let i = 0; i < referenceMgDl.length; i++) {
    acc.add(referenceMgDl[i]!, predictedMgDl[i]!, lowerMgDl ? lowerMgDl[i]! : Number.NaN, upperMgDl ? upperMgDl[i]! : Number.NaN);
  }
  return acc.result();
}
