import { VitaltwinError } from '../errors/error-codes.ts';
import { type CgmReading, groupReadingsBySubject, mgDlPerMmolL } from './cgm-reading.ts';
import { cgmCoverage, isIrregularSampling, nominalIntervalMin, readingWeightsMin } from './cgm-sampling.ts';
import { glucoseValueMetrics } from './glucose-value-metrics.ts';
import { glycemiaRiskIndex } from './glycemia-risk-index.ts';

/**
 * The standardised CGM metrics of the international consensus (Battelino T et al., Diabetes Care
 * 2019;42:1593–1603) plus the indices the clinical-references doc lists, for one subject.
 *
 * Conventions (clinical-references doc): sample SD (n − 1); CV = 100·SD/mean; GMI (%) =
 * 3.31 + 0.02392·mean (Bergenstal RM et al., Diabetes Care 2018;41:2275) and in mmol/mol
 * 12.71 + 4.70587·mean_mmol/L; eA1c = (mean + 46.7)/28.7 (ADAG, Nathan DM et al., Diabetes Care
 * 2008;31:1473). Range percentages count readings, time-weighted only for irregular sampling
 * (cgm-sampling.ts); bands and edges in glucose-ranges.ts. `Low`/`High` readings enter every metric
 * at their sentinel values 39/401 mg/dL, so they fall in < 54 and > 250. Readings at an identical
 * instant are counted once (first kept). Data are sufficient with ≥ 14 days and ≥ 70 % of possible
 * readings.
 */
export interface CgmMetricsOptions {
  /** Nominal sampling interval; default: detected (median gap). */
  readonly intervalMin?: number;
  /** Reporting period; readings outside [start, end) are ignored. Default: the data's own span. */
  readonly periodStartMs?: number;
  readonly periodEndMs?: number;
  /** `auto` (default): count-based unless sampling is irregular. */
  readonly weighting?: 'auto' | 'count' | 'time';
}

export interface CgmMetrics {
  readonly subjectId: string;
  readonly n: number;
  readonly lowCount: number;
  readonly highCount: number;
  readonly duplicatesDropped: number;
  readonly firstReadingMs: number;
  readonly lastReadingMs: number;
  readonly intervalMin: number;
  readonly periodStartMs: number;
  readonly periodEndMs: number;
  readonly daysOfData: number;
  readonly possibleReadings: number;
  readonly sensorActivePercent: number;
  /** ≥ 14 days and ≥ 70 % of possible readings. */
  readonly sufficient: boolean;
  readonly weighting: 'count' | 'time';
  readonly meanMgDl: number;
  readonly sdMgDl: number;
  readonly cvPercent: number;
  readonly gmiPercent: number;
  readonly gmiMmolMol: number;
  readonly ea1cPercent: number;
  readonly tbrBelow54Percent: number;
  readonly tbrLevel1Percent: number;
  readonly tbrBelow70Percent: number;
  readonly tirPercent: number;
  readonly tarLevel1Percent: number;
  readonly tarAbove180Percent: number;
  readonly tarAbove250Percent: number;
  readonly lbgi: number;
  readonly hbgi: number;
  readonly gri: number;
  readonly griHypoComponent: number;
  readonly griHyperComponent: number;
}

export const dataSufficiency = { minDays: 14, minActivePercent: 70 } as const;

const defaultIntervalMin = 5;

export function computeCgmMetrics(readings: readonly CgmReading[], options: CgmMetricsOptions = {}): CgmMetrics {
  const first = readings[0];
  if (!first) throw new VitaltwinError('VT_ERR_INVALID_INPUT', 'CGM metrics need at least one reading');
  const subjectId = first.subjectId;
  if (readings.some((r) => r.subjectId !== subjectId)) {
    throw new VitaltwinError('VT_ERR_INVALID_INPUT', 'computeCgmMetrics takes one subject; use cgmMetricsBySubject');
  }
  const start = options.periodStartMs ?? Number.NEGATIVE_INFINITY;
  const end = options.periodEndMs ?? Number.POSITIVE_INFINITY;
  const sorted = readings.filter((r) => r.timeMs >= start && r.timeMs < end).sort((a, b) => a.timeMs - b.timeMs);
  const kept: CgmReading[] = [];
  for (const r of sorted) if (kept.length === 0 || kept[kept.length - 1]!.timeMs !== r.timeMs) kept.push(r);
  const n = kept.length;
  const times = new Float64Array(n);
  const glucose = new Float64Array(n);
  let lowCount = 0;
  let highCount = 0;
  for (let i = 0; i < n; i++) {
    const r = kept[i]!;
    times[i] = r.timeMs;
    glucose[i] = r.glucoseMgDl;
    if (r.flag === 'low') lowCount += 1;
    else if (r.flag === 'high') highCount += 1;
  }
  const intervalMin = options.intervalMin ?? nominalIntervalMin(times) ?? defaultIntervalMin;
  const firstReadingMs = n > 0 ? times[0]! : Number.NaN;
  const lastReadingMs = n > 0 ? times[n - 1]! : Number.NaN;
  const coverage = cgmCoverage(
    n,
    options.periodStartMs ?? firstReadingMs,
    options.periodEndMs ?? lastReadingMs + intervalMin * 60_000,
    intervalMin,
  );
  const mode = options.weighting ?? 'auto';
  const weighting: 'count' | 'time' = mode === 'auto' ? (isIrregularSampling(times, intervalMin) ? 'time' : 'count') : mode;
  const values = glucoseValueMetrics(glucose, weighting === 'time' ? readingWeightsMin(times, intervalMin) : undefined);
  const { ranges, meanMgDl: mean, sdMgDl: sd } = values;
  const gri = glycemiaRiskIndex(ranges);
  return {
    subjectId,
    n,
    lowCount,
    highCount,
    duplicatesDropped: sorted.length - n,
    firstReadingMs,
    lastReadingMs,
    intervalMin,
    periodStartMs: coverage.periodStartMs,
    periodEndMs: coverage.periodEndMs,
    daysOfData: coverage.periodDays,
    possibleReadings: coverage.possibleReadings,
    sensorActivePercent: coverage.sensorActivePercent,
    sufficient: coverage.periodDays >= dataSufficiency.minDays && coverage.sensorActivePercent >= dataSufficiency.minActivePercent,
    weighting,
    meanMgDl: mean,
    sdMgDl: sd,
    cvPercent: values.cvPercent,
    gmiPercent: values.gmiPercent,
    gmiMmolMol: 12.71 + 4.70587 * (mean / mgDlPerMmolL),
    ea1cPercent: (mean + 46.7) / 28.7,
    tbrBelow54Percent: ranges.veryLowPercent,
    tbrLevel1Percent: ranges.lowPercent,
    tbrBelow70Percent: ranges.below70Percent,
    tirPercent: ranges.inRangePercent,
    tarLevel1Percent: ranges.highPercent,
    tarAbove180Percent: ranges.above180Percent,
    tarAbove250Percent: ranges.veryHighPercent,
    lbgi: values.lbgi,
    hbgi: values.hbgi,
    gri: gri.gri,
    griHypoComponent: gri.hypoComponent,
    griHyperComponent: gri.hyperComponent,
  };
}

/** Metrics for every subject in the readings, in order of first appearance. */
export function cgmMetricsBySubject(readings: readonly CgmReading[], options: CgmMetricsOptions = {}): CgmMetrics[] {
  return [...groupReadingsBySubject(readings).values()].map((list) => computeCgmMetrics(list, options));
}
