/**
 * The common contract of glucose forecasters (persistence, AR2, oref0-style curves, the twin), so
 * that one harness can judge them side by side (evaluate-forecasts.ts).
 */

/** A CGM series: sample times in minutes (any fixed epoch), strictly increasing, values in mg/dL. */
export interface GlucoseSeries {
  readonly timeMin: Float64Array;
  readonly glucoseMgDl: Float64Array;
}

/** Caller-owned buffers, one slot per requested horizon. */
export interface ForecastOutput {
  readonly pointMgDl: Float64Array;
  readonly lowerMgDl: Float64Array;
  readonly upperMgDl: Float64Array;
}

export interface Forecaster {
  /** Stable id used on the command line and in reports, e.g. `persistence`. */
  readonly id: string;
  /** Nominal central coverage of [lower, upper] (e.g. 0.9); absent for point-only forecasters. */
  readonly intervalLevel?: number;
  /**
   * Forecasts glucose at `horizonsMin` minutes after the origin, which is the LAST sample of
   * `history`; `history` holds nothing after the origin, so no forecaster can look ahead. Writes
   * NaN into `out.pointMgDl[k]` when it has no forecast (e.g. too little history) and NaN bounds when
   * it has no interval.
   */
  forecast(history: GlucoseSeries, horizonsMin: readonly number[], out: ForecastOutput): void;
}

export function createForecastOutput(horizonCount: number): ForecastOutput {
  return {
    pointMgDl: new Float64Array(horizonCount),
    lowerMgDl: new Float64Array(horizonCount),
    upperMgDl: new Float64Array(horizonCount),
  };
}

/** Builds a series from plain arrays (times in minutes), checking that times strictly increase. */
export function glucoseSeries(timeMin: ArrayLike<number>, glucoseMgDl: ArrayLike<number>): GlucoseSeries {
  if (timeMin.length !== glucoseMgDl.length) throw new RangeError('timeMin and glucoseMgDl differ in length');
  for (let i = 1; i < timeMin.length; i++) {
    if (!(timeMin[i]! > timeMin[i - 1]!)) throw new RangeError(`series times must strictly increase (index ${i})`);
  }
  return { timeMin: Float64Array.from(timeMin), glucoseMgDl: Float64Array.from(glucoseMgDl) };
}
