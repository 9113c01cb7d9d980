/**
 * Summary of a plasma-glucose trace. Time in range uses the international consensus ranges
 * (Battelino et al., "Clinical targets for continuous glucose monitoring data interpretation",
 * Diabetes Care 42(8), 2019): in range 70–180 mg/dL inclusive, below < 70, above > 180.
 * Every row 0..durationMin counts as one sample.
 */
export interface GlucoseSummary {
  readonly samples: number;
  readonly minMgDl: number;
  readonly maxMgDl: number;
  readonly meanMgDl: number;
  readonly timeInRangePct: number;
  readonly timeBelowRangePct: number;
  readonly timeAboveRangePct: number;
}

export function summarizeGlucose(values: Float64Array, count = values.length): GlucoseSummary {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  let inRange = 0;
  let below = 0;
  let above = 0;
  for (let i = 0; i < count; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    if (v < 70) below++;
    else if (v > 180) above++;
    else inRange++;
  }
  const pct = (k: number): number => (count > 0 ? (100 * k) / count : Number.NaN);
  return {
    samples: count,
    minMgDl: min,
    maxMgDl: max,
    meanMgDl: count > 0 ? sum / count : Number.NaN,
    timeInRangePct: pct(inRange),
    timeBelowRangePct: pct(below),
    timeAboveRangePct: pct(above),
  };
}
