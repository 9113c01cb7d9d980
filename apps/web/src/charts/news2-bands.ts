import {
  news2HeartRateScore,
  news2RespiratoryRateScore,
  news2Spo2Scale1Score,
  news2SystolicBpScore,
  news2TemperatureScore,
} from '@vitaltwin/core';

/**
 * The NEWS2 sub-score bands of a vital sign as value ranges, for shading a chart: derived by
 * evaluating core's own Chart 1 scoring functions over the charted precision (whole numbers;
 * temperature in 0.1 °C), so the bands can never disagree with the score. Each band spans
 * [from, to] inclusive in recorded values; drawing uses ±half a step so bands tile without gaps.
 */
export interface ScoreBand {
  readonly from: number;
  readonly to: number;
  readonly score: number;
}

export type BandedVital = 'respiratoryRate' | 'spo2' | 'systolicBp' | 'heartRate' | 'temperature';

const specs: Readonly<Record<BandedVital, { min: number; max: number; step: number; score: (v: number) => number }>> = {
  respiratoryRate: { min: 0, max: 60, step: 1, score: news2RespiratoryRateScore },
  spo2: { min: 70, max: 100, step: 1, score: news2Spo2Scale1Score },
  systolicBp: { min: 50, max: 250, step: 1, score: news2SystolicBpScore },
  heartRate: { min: 20, max: 200, step: 1, score: news2HeartRateScore },
  temperature: { min: 33, max: 42, step: 0.1, score: news2TemperatureScore },
};

const cache = new Map<BandedVital, ScoreBand[]>();

export function news2Bands(vital: BandedVital): readonly ScoreBand[] {
  const hit = cache.get(vital);
  if (hit) return hit;
  const { min, max, step, score } = specs[vital];
  const bands: ScoreBand[] = [];
  const steps = Math.round((max - min) / step);
  for (let i = 0; i <= steps; i++) {
    // Integer steps times a decimal step avoid accumulating 0.1 rounding error.
    const v = Math.round((min + i * step) * 10) / 10;
    const s = score(v);
    const last = bands.at(-1);
    if (last && last.score === s) bands[bands.length - 1] = { ...last, to: v };
    else bands.push({ from: v, to: v, score: s });
  }
  cache.set(vital, bands);
  return bands;
}

/** Half of a vital's charted precision: a band [from, to] is drawn over [from − h, to + h]. */
export function bandHalfStep(vital: BandedVital): number {
  return specs[vital].step / 2;
}
