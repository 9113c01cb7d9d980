import type { CgmReading } from './cgm-reading.ts';

/**
 * Ambulatory Glucose Profile curves: all days overlaid on one 24-hour clock, and in each
 * time-of-day bin the 5th, 25th, 50th, 75th and 95th percentiles (median, inter-quartile band,
 * 5–95 % band), as in the consensus AGP report (Battelino 2019, Fig. 1; Nightscout "AGP" report;
 * iglu `agp()`).
 *
 * Project rules (the clinical-references doc prescribes no smoothing or bin width): bins of
 * `binMin` minutes (default 15, 96 bins) keyed by local time of day at `timeZoneOffsetMin`;
 * percentiles by linear interpolation between order statistics (Hyndman & Fan 1996 type 7, the R
 * and NumPy default); no smoothing unless `smoothingBins` = k > 0, which replaces each curve by its
 * circular moving average over ±k bins (empty bins skipped). A bin with no readings gives NaN.
 */
export interface AgpOptions {
  readonly binMin?: number;
  readonly timeZoneOffsetMin?: number;
  readonly smoothingBins?: number;
}

export const agpPercentiles = [5, 25, 50, 75, 95] as const;

export interface AgpProfile {
  readonly binMin: number;
  /** Start of each bin in minutes after local midnight. */
  readonly binStartMin: Float64Array;
  readonly count: Int32Array;
  readonly p5: Float64Array;
  readonly p25: Float64Array;
  readonly p50: Float64Array;
  readonly p75: Float64Array;
  readonly p95: Float64Array;
}

const dayMin = 1440;

export function computeAgp(readings: readonly CgmReading[], options: AgpOptions = {}): AgpProfile {
  const binMin = options.binMin ?? 15;
  if (!(binMin > 0) || dayMin % binMin !== 0) throw new RangeError(`AGP bin width must divide 1440 minutes, got ${binMin}`);
  const offsetMin = options.timeZoneOffsetMin ?? 0;
  const bins = dayMin / binMin;
  const values: number[][] = Array.from({ length: bins }, () => []);
  for (const r of readings) {
    const localMin = (((r.timeMs / 60_000 + offsetMin) % dayMin) + dayMin) % dayMin;
    values[Math.min(bins - 1, Math.floor(localMin / binMin))]!.push(r.glucoseMgDl);
  }
  const binStartMin = new Float64Array(bins);
  const count = new Int32Array(bins);
  const curves = agpPercentiles.map(() => new Float64Array(bins));
  for (let b = 0; b < bins; b++) {
    binStartMin[b] = b * binMin;
    const v = values[b]!.sort((x, y) => x - y);
    count[b] = v.length;
    agpPercentiles.forEach((p, k) => {
      curves[k]![b] = quantileSorted(v, p / 100);
    });
  }
  const k = options.smoothingBins ?? 0;
  const [p5, p25, p50, p75, p95] = k > 0 ? curves.map((c) => circularMovingAverage(c, k)) : curves;
  return { binMin, binStartMin, count, p5: p5!, p25: p25!, p50: p50!, p75: p75!, p95: p95! };
}

/** Type-7 quantile of ascending values: h = (n − 1)·q, interpolate between floor(h) and ceil(h). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

function circularMovingAverage(curve: Float64Array, k: number): Float64Array {
  const n = curve.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    let m = 0;
    for (let d = -k; d <= k; d++) {
      const v = curve[(((i + d) % n) + n) % n]!;
      if (!Number.isNaN(v)) {
        sum += v;
        m += 1;
      }
    }
    out[i] = m > 0 && !Number.isNaN(curve[i]!) ? sum / m : Number.NaN;
  }
  return out;
}
