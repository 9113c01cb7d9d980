import { type TimeInRanges, timeInRanges } from './glucose-ranges.ts';
import { bgRiskIndices } from './glucose-risk.ts';

/**
 * The CGM consensus metrics that depend on the glucose values alone (Battelino T et al., Diabetes
 * Care 2019;42:1593–1603; conventions in cgm-metrics.ts): mean, sample SD, CV, GMI, the range
 * percentages and Kovatchev's LBGI/HBGI. Used by `computeCgmMetrics` after it has sorted, de-duplicated
 * and weighted the readings, and directly on regularly sampled simulated series (trials), where no
 * reading records are needed.
 */
export interface GlucoseValueMetrics {
  readonly meanMgDl: number;
  readonly sdMgDl: number;
  readonly cvPercent: number;
  /** GMI (%) = 3.31 + 0.02392·mean (Bergenstal RM et al., Diabetes Care 2018;41:2275). */
  readonly gmiPercent: number;
  readonly ranges: TimeInRanges;
  readonly lbgi: number;
  readonly hbgi: number;
}

/** Metrics of glucose values in mg/dL; range shares weighted by `weights` when given (else per reading). */
export function glucoseValueMetrics(glucoseMgDl: ArrayLike<number>, weights?: ArrayLike<number>): GlucoseValueMetrics {
  const { mean, sd } = meanAndSampleSd(glucoseMgDl);
  const risk = bgRiskIndices(glucoseMgDl);
  return {
    meanMgDl: mean,
    sdMgDl: sd,
    cvPercent: (100 * sd) / mean,
    gmiPercent: 3.31 + 0.02392 * mean,
    ranges: timeInRanges(glucoseMgDl, weights),
    lbgi: risk.lbgi,
    hbgi: risk.hbgi,
  };
}

/** Two-pass mean and sample SD (n − 1); SD is NaN below two values. */
function meanAndSampleSd(values: ArrayLike<number>): { mean: number; sd: number } {
  const n = values.length;
  if (n === 0) return { mean: Number.NaN, sd: Number.NaN };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i]!;
  const mean = sum / n;
  if (n < 2) return { mean, sd: Number.NaN };
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i]! - mean) ** 2;
  return { mean, sd: Math.sqrt(ss / (n - 1)) };
}
