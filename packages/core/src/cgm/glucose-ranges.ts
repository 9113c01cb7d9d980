/**
 * The five glucose bands of the international consensus on time in ranges (Battelino T et al.,
 * Diabetes Care 2019;42:1593–1603), in mg/dL, with the edges fixed by the clinical-references doc:
 *
 * | band | rule |
 * |---|---|
 * | very low (TBR level 2) | g < 54 |
 * | low (TBR level 1) | 54 ≤ g < 70 |
 * | in range (TIR) | 70 ≤ g ≤ 180 |
 * | high (TAR level 1) | 180 < g ≤ 250 |
 * | very high (TAR level 2) | g > 250 |
 *
 * The cumulative consensus values are TBR < 70 = very low + low and TAR > 180 = high + very high.
 */
export const glucoseThresholdsMgDl = { veryLow: 54, low: 70, high: 180, veryHigh: 250 } as const;

export type GlucoseBand = 'veryLow' | 'low' | 'inRange' | 'high' | 'veryHigh';

export function glucoseBand(glucoseMgDl: number): GlucoseBand {
  if (glucoseMgDl < glucoseThresholdsMgDl.veryLow) return 'veryLow';
  if (glucoseMgDl < glucoseThresholdsMgDl.low) return 'low';
  if (glucoseMgDl <= glucoseThresholdsMgDl.high) return 'inRange';
  if (glucoseMgDl <= glucoseThresholdsMgDl.veryHigh) return 'high';
  return 'veryHigh';
}

export interface TimeInRanges {
  /** % < 54 (TBR level 2). */
  readonly veryLowPercent: number;
  /** % 54–69 (TBR level 1, banded). */
  readonly lowPercent: number;
  /** % 70–180 (TIR). */
  readonly inRangePercent: number;
  /** % 181–250 (TAR level 1, banded). */
  readonly highPercent: number;
  /** % > 250 (TAR level 2). */
  readonly veryHighPercent: number;
  /** % < 70 (TBR level 1 + 2, cumulative). */
  readonly below70Percent: number;
  /** % > 180 (TAR level 1 + 2, cumulative). */
  readonly above180Percent: number;
}

/**
 * Percentages of readings in each band. With `weights` (e.g. minutes each reading stands for) the
 * shares are time-weighted; without, each reading counts once. NaN for an empty series.
 */
export function timeInRanges(glucoseMgDl: ArrayLike<number>, weights?: ArrayLike<number>): TimeInRanges {
  let veryLow = 0;
  let low = 0;
  let inRange = 0;
  let high = 0;
  let veryHigh = 0;
  for (let i = 0; i < glucoseMgDl.length; i++) {
    const w = weights ? weights[i]! : 1;
    const band = glucoseBand(glucoseMgDl[i]!);
    switch (band) {
      case 'veryLow':
        veryLow += w;
        break;
      case 'low':
        low += w;
        break;
      case 'inRange':
        inRange += w;
        break;
      case 'high':
        high += w;
        break;
      case 'veryHigh':
        veryHigh += w;
        break;
      default: {
        const unreachable: never = band;
        throw new Error(`unknown band ${String(unreachable)}`);
      }
    }
  }
  const total = veryLow + low + inRange + high + veryHigh;
  const pct = (v: number): number => (total > 0 ? (100 * v) / total : Number.NaN);
  return {
    veryLowPercent: pct(veryLow),
    lowPercent: pct(low),
    inRangePercent: pct(inRange),
    highPercent: pct(high),
    veryHighPercent: pct(veryHigh),
    below70Percent: pct(veryLow + low),
    above180Percent: pct(high + veryHigh),
  };
}
