import { FutureInputs, type WhatIfOption } from './future-inputs.ts';
import type { GlucoseTwinEstimator } from './glucose-twin-estimator.ts';
import { TwinEnsemble } from './twin-ensemble.ts';
import { quantileSorted } from './twin-forecaster.ts';
import { MAX_WHAT_IF_HORIZON_MIN } from './what-if-options.ts';

export interface WhatIfRequest {
  readonly options: readonly WhatIfOption[];
  /** Default 240 min (4 h), at most 24 h. */
  readonly horizonMin?: number;
  /** Ensemble members per option (default 100). */
  readonly members?: number;
  readonly seed?: number;
  /** Prepend a "no change" option (logged treatments only) unless one has no events already. Default true. */
  readonly includeBaseline?: boolean;
}

/** Plasma-glucose percentile bands, one value per `timesMin` entry (minutes from now, every 5 min). */
export interface WhatIfBands {
  readonly timesMin: number[];
  readonly p5: number[];
  readonly p25: number[];
  readonly p50: number[];
  readonly p75: number[];
  readonly p95: number[];
}

/**
 * Risks over the horizon, in the international consensus ranges (Battelino et al., Diabetes Care
 * 2019): probability (share of members) that plasma glucose goes below 70 / 54 or above 180 / 250 mg/dL
 * at any 5-min point, and the expected minutes spent there (5-min points × 5 min, averaged over members).
 */
export interface WhatIfRisk {
  readonly pBelow70: number;
  readonly pBelow54: number;
  readonly pAbove180: number;
  readonly pAbove250: number;
  readonly minutesBelow70: number;
  readonly minutesBelow54: number;
  readonly minutesAbove180: number;
  readonly minutesAbove250: number;
  /** Medians over members of each member's lowest and highest glucose. */
  readonly medianNadirMgDl: number;
  readonly medianPeakMgDl: number;
}

export interface WhatIfOutcome {
  readonly label: string;
  readonly option: WhatIfOption;
  readonly bands: WhatIfBands;
  readonly risk: WhatIfRisk;
}

export const baselineOptionLabel = 'no change';
const stepMin = 5;

/**
 * What-if simulation from the twin's current estimate: each option runs the same seeded ensemble
 * (common random numbers, twin-ensemble.ts) with the logged treatments plus the option's events,
 * and is summarised as plasma-glucose percentile bands (5/25/50/75/95 every 5 min) and hypo/hyper
 * risks. Pure and reproducible from (estimate, options, horizon, members, seed).
 */
export function simulateWhatIf(estimator: GlucoseTwinEstimator, request: WhatIfRequest): WhatIfOutcome[] {
  const horizonMin = request.horizonMin ?? 240;
  const members = request.members ?? 100;
  const seed = request.seed ?? 1;
  if (!Number.isInteger(horizonMin) || horizonMin < stepMin || horizonMin > MAX_WHAT_IF_HORIZON_MIN) {
    throw new RangeError(`horizonMin must be an integer in [${stepMin}, ${MAX_WHAT_IF_HORIZON_MIN}]`);
  }
  if (!Number.isInteger(members) || members < 10 || members > 2000) throw new RangeError('members must be an integer in [10, 2000]');
  const hasBaseline = request.options.some((o) => !o.boluses?.length && !o.meals?.length && !o.basal?.length);
  const options =
    (request.includeBaseline ?? true) && !hasBaseline
      ? [{ label: baselineOptionLabel } as WhatIfOption, ...request.options]
      : [...request.options];
  const horizon = Math.floor(horizonMin / stepMin) * stepMin;
  const ensemble = new TwinEnsemble(estimator, horizon);
  const inputs = new FutureInputs(horizon);
  const records = horizon / stepMin + 1;
  const out = new Float64Array(members * records);
  const column = new Float64Array(members);
  const timesMin = Array.from({ length: records }, (_, k) => k * stepMin);
  return options.map((option) => {
    inputs.fill(estimator, horizon, option);
    ensemble.run(inputs.carbsG, inputs.insulinUPerMin, horizon, members, seed, stepMin, 'plasma', out);
    const bands: WhatIfBands = { timesMin, p5: [], p25: [], p50: [], p75: [], p95: [] };
    for (let k = 0; k < records; k++) {
      for (let j = 0; j < members; j++) column[j] = out[j * records + k]!;
      column.sort((a, b) => a - b);
      bands.p5.push(quantileSorted(column, 0.05));
      bands.p25.push(quantileSorted(column, 0.25));
      bands.p50.push(quantileSorted(column, 0.5));
      bands.p75.push(quantileSorted(column, 0.75));
      bands.p95.push(quantileSorted(column, 0.95));
    }
    return { label: option.label, option, bands, risk: riskOf(out, members, records, column) };
  });
}

function riskOf(out: Float64Array, members: number, records: number, scratch: Float64Array): WhatIfRisk {
  const thresholds = [70, 54, 180, 250] as const;
  const anyHit = [0, 0, 0, 0];
  const minutes = [0, 0, 0, 0];
  const peaks = new Float64Array(members);
  for (let j = 0; j < members; j++) {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    let hit = 0;
    for (let k = 0; k < records; k++) {
      const g = out[j * records + k]!;
      if (g < lo) lo = g;
      if (g > hi) hi = g;
      for (let t = 0; t < 4; t++) {
        const inside = t < 2 ? g < thresholds[t]! : g > thresholds[t]!;
        if (!inside) continue;
        hit |= 1 << t;
        // Record k > 0 stands for the 5 minutes ending at it, so the minutes add up to the horizon.
        if (k > 0) minutes[t]! += stepMin;
      }
    }
    for (let t = 0; t < 4; t++) if (hit & (1 << t)) anyHit[t]! += 1;
    scratch[j] = lo;
    peaks[j] = hi;
  }
  const nadirs = scratch.subarray(0, members).sort((a, b) => a - b);
  const medianNadir = quantileSorted(nadirs, 0.5);
  peaks.sort((a, b) => a - b);
  return {
    pBelow70: anyHit[0]! / members,
    pBelow54: anyHit[1]! / members,
    pAbove180: anyHit[2]! / members,
    pAbove250: anyHit[3]! / members,
    minutesBelow70: minutes[0]! / members,
    minutesBelow54: minutes[1]! / members,
    minutesAbove180: minutes[2]! / members,
    minutesAbove250: minutes[3]! / members,
    medianNadirMgDl: medianNadir,
    medianPeakMgDl: quantileSorted(peaks, 0.5),
  };
}
