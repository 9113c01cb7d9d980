/**
 * Sampling facts of one subject's CGM series: the nominal interval, the reporting period, how much
 * of it the sensor covered, and per-reading time weights for irregular series.
 *
 * Project rules (the consensus, Battelino 2019, asks for "≥ 70 % of possible readings over ≥ 14
 * days" but does not say how to count them):
 * - nominal interval = median of the positive gaps between consecutive readings, rounded to whole
 *   minutes (5 for Dexcom G6/G7, 15 for Libre 1/2 scans, 1 for Libre 3);
 * - period = [first reading, last reading + one interval) unless the caller gives one;
 * - possible readings = period / interval (rounded); sensor active % = readings / possible, ≤ 100;
 * - the series is irregular when more than 5 % of gaps are shorter than 0.8 × the interval (e.g.
 *   1-min data spliced into 5-min data); only then are range percentages time-weighted.
 */

const minuteMs = 60_000;
const dayMs = 86_400_000;

/** Median positive gap in whole minutes (≥ 1), or undefined with fewer than two distinct times. */
export function nominalIntervalMin(sortedTimesMs: ArrayLike<number>): number | undefined {
  const gaps: number[] = [];
  for (let i = 1; i < sortedTimesMs.length; i++) {
    const d = sortedTimesMs[i]! - sortedTimesMs[i - 1]!;
    if (d > 0) gaps.push(d);
  }
  if (gaps.length === 0) return undefined;
  gaps.sort((a, b) => a - b);
  const mid = gaps.length >> 1;
  const median = gaps.length % 2 === 1 ? gaps[mid]! : (gaps[mid - 1]! + gaps[mid]!) / 2;
  return Math.max(1, Math.round(median / minuteMs));
}

export function isIrregularSampling(sortedTimesMs: ArrayLike<number>, intervalMin: number): boolean {
  const n = sortedTimesMs.length;
  if (n < 2) return false;
  const short = 0.8 * intervalMin * minuteMs;
  let shortGaps = 0;
  for (let i = 1; i < n; i++) if (sortedTimesMs[i]! - sortedTimesMs[i - 1]! < short) shortGaps += 1;
  return shortGaps / (n - 1) > 0.05;
}

/**
 * Minutes each reading stands for: the gap to the next reading, capped at the nominal interval (a
 * longer gap is missing data, not a longer reading); the last reading gets one interval.
 */
export function readingWeightsMin(sortedTimesMs: ArrayLike<number>, intervalMin: number): Float64Array {
  const n = sortedTimesMs.length;
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    w[i] = i + 1 < n ? Math.min(intervalMin, (sortedTimesMs[i + 1]! - sortedTimesMs[i]!) / minuteMs) : intervalMin;
  }
  return w;
}

export interface CgmCoverage {
  readonly periodStartMs: number;
  readonly periodEndMs: number;
  readonly periodDays: number;
  readonly possibleReadings: number;
  readonly sensorActivePercent: number;
}

export function cgmCoverage(readingCount: number, periodStartMs: number, periodEndMs: number, intervalMin: number): CgmCoverage {
  const spanMs = Math.max(0, periodEndMs - periodStartMs);
  const possibleReadings = Math.round(spanMs / (intervalMin * minuteMs));
  return {
    periodStartMs,
    periodEndMs,
    periodDays: spanMs / dayMs,
    possibleReadings,
    sensorActivePercent: possibleReadings > 0 ? Math.min(100, (100 * readingCount) / possibleReadings) : Number.NaN,
  };
}
