import {
  bootstrapMeanDifferenceCi,
  mannWhitneyU,
  meanWithCi,
  pairedMeanDifference,
  type RankTestResult,
  tTestSampleSize,
  uvaPadovaModelInfo,
  welchMeanDifference,
  wilcoxonSignedRank,
} from '@vitaltwin/sim';
import type { PatientResult } from './shard-runner.ts';
import { type EndpointId, endpointIds, endpointInfo } from './trial-endpoints.ts';
import type { TrialProtocol } from './trial-protocol-schema.ts';
import { bootstrapSeed } from './trial-seeds.ts';

/**
 * The analysis of a finished trial (summary.json). Per arm and endpoint: mean with a 95 % Student-t
 * interval over patients. Per comparison (treatment − reference) and endpoint: the mean difference with
 * a 95 % interval (paired t in a crossover, Welch t in a parallel design, or percentile bootstrap),
 * the p-value of the protocol's test (`t` as for the interval, or `rank`: Wilcoxon signed-rank /
 * Mann–Whitney U), both tests' details, and the sample size a real trial would need to detect the
 * simulated difference at two-sided α with each requested power (from the SD of the within-patient
 * differences, or the pooled SD). Non-finite numbers are written as null.
 */
export const summaryFormat = 'vitaltwin.trial-summary/1';

export interface EndpointSummary {
  readonly mean: number;
  readonly sd: number;
  readonly median: number;
  readonly ci95: readonly [number, number];
}

export interface ArmSummary {
  readonly name: string;
  readonly n: number;
  readonly controller: TrialProtocol['arms'][number]['controller'];
  readonly endpoints: Record<string, EndpointSummary>;
}

export interface SampleSizeRow {
  readonly power: number;
  /** Patients (paired: each in both arms) or patients per arm (parallel); null: no finite trial detects a zero effect. */
  readonly n: number | null;
  readonly nExact: number | null;
}

export interface ComparisonSummary {
  readonly arms: readonly [string, string];
  readonly endpoint: string;
  readonly paired: boolean;
  readonly n: readonly [number, number];
  readonly meanDiff: number;
  readonly ci95: readonly [number, number];
  readonly ciMethod: 't' | 'bootstrap';
  readonly pValue: number;
  readonly test: string;
  readonly significant: boolean;
  readonly tests: {
    readonly t: { readonly name: string; readonly statistic: number; readonly df: number; readonly pValue: number };
    readonly rank: { readonly name: string; readonly statistic: number; readonly pValue: number; readonly method: string };
  };
  readonly planning: {
    /** Design the sample sizes are for: the simulated one (paired for a crossover). */
    readonly design: 'paired' | 'two-sample';
    readonly sd: number;
    readonly effectSize: number;
    readonly alpha: number;
    readonly sampleSize: readonly SampleSizeRow[];
    /** For a crossover: patients per arm a parallel-group trial would need (pooled SD of the arms). */
    readonly parallelSampleSize: readonly SampleSizeRow[] | null;
    readonly parallelSd: number | null;
  };
}

export interface TrialSummary {
  readonly format: typeof summaryFormat;
  readonly protocol: {
    readonly name: string;
    readonly hash: string;
    readonly design: string;
    readonly days: number;
    readonly warmupDays: number;
    readonly seed: number;
  };
  readonly endpointSignal: TrialProtocol['endpointSignal'];
  readonly endpointSignalNote: string;
  readonly endpoints: Record<string, { label: string; unit: string; definition: string }>;
  readonly patients: number;
  readonly patientDays: number;
  readonly arms: readonly ArmSummary[];
  readonly comparisons: readonly ComparisonSummary[];
  readonly provenance: Record<string, unknown>;
}

export function selectedEndpoints(protocol: TrialProtocol): EndpointId[] {
  return protocol.endpoints ? endpointIds.filter((e) => protocol.endpoints!.includes(e)) : [...endpointIds];
}

export function defaultComparisons(protocol: TrialProtocol): (readonly [string, string])[] {
  if (protocol.comparisons) return protocol.comparisons.map((c) => c.arms);
  const ref = protocol.arms[0]!.name;
  return protocol.arms.slice(1).map((a) => [a.name, ref] as const);
}

function median(values: Float64Array): number {
  if (values.length === 0) return Number.NaN;
  const s = Float64Array.from(values).sort((a, b) => a - b);
  const h = (s.length - 1) * 0.5;
  const lo = Math.floor(h);
  return s[lo]! + (h - lo) * (s[Math.min(s.length - 1, lo + 1)]! - s[lo]!);
}

/** Endpoint values of one arm over patients in index order, with the patient indices. */
function armValues(patients: readonly PatientResult[], arm: string, endpoint: EndpointId): { index: number[]; values: Float64Array } {
  const index: number[] = [];
  const vals: number[] = [];
  for (const p of patients) {
    const r = p.arms.find((a) => a.arm === arm);
    if (r) {
      index.push(p.index);
      vals.push(r.endpoints[endpoint]);
    }
  }
  return { index, values: Float64Array.from(vals) };
}

export function buildTrialSummary(
  protocol: TrialProtocol,
  hash: string,
  patients: readonly PatientResult[],
  patientDays: number,
  provenance: Record<string, unknown>,
): TrialSummary {
  const endpoints = selectedEndpoints(protocol);
  const arms: ArmSummary[] = protocol.arms.map((arm) => {
    const out: Record<string, EndpointSummary> = {};
    let n = 0;
    for (const e of endpoints) {
      const { values } = armValues(patients, arm.name, e);
      n = values.length;
      const s = meanWithCi(values, 0.95);
      out[e] = { mean: s.mean, sd: s.sd, median: median(values), ci95: s.ci };
    }
    return { name: arm.name, n, controller: arm.controller, endpoints: out };
  });

  const paired = protocol.design === 'crossover';
  const alpha = protocol.analysis.alpha;
  const comparisons: ComparisonSummary[] = [];
  defaultComparisons(protocol).forEach(([treatment, reference], ci) => {
    endpoints.forEach((e, ei) => {
      const a = armValues(patients, treatment, e);
      const b = armValues(patients, reference, e);
      const t = paired ? pairedMeanDifference(a.values, b.values, 0.95) : welchMeanDifference(a.values, b.values, 0.95);
      const rank: RankTestResult = paired ? wilcoxonSignedRank(a.values, b.values) : mannWhitneyU(a.values, b.values);
      const ciMethod = protocol.analysis.ci;
      const ci95 =
        ciMethod === 'bootstrap'
          ? bootstrapMeanDifferenceCi(a.values, b.values, {
              paired,
              resamples: protocol.analysis.bootstrapResamples,
              seed: bootstrapSeed(protocol, ci, ei),
              level: 0.95,
            })
          : t.ci;
      const useRank = protocol.analysis.test === 'rank';
      const pValue = useRank ? rank.pValue : t.pValue;
      const design = paired ? 'paired' : 'two-sample';
      const sizes = (d: 'paired' | 'two-sample', sd: number): SampleSizeRow[] =>
        protocol.analysis.power.map((power) => {
          const s = tTestSampleSize({ design: d, delta: t.meanDiff, sd, alpha }, power);
          return { power, n: s.n, nExact: s.nExact };
        });
      const sampleSize = sizes(design, t.sdForPlanning);
      const parallelSd = paired ? welchMeanDifference(a.values, b.values, 0.95).sdForPlanning : null;
      comparisons.push({
        arms: [treatment, reference],
        endpoint: e,
        paired,
        n: [a.values.length, b.values.length],
        meanDiff: t.meanDiff,
        ci95,
        ciMethod,
        pValue,
        test: useRank ? rank.test : t.test,
        significant: pValue < alpha,
        tests: {
          t: { name: t.test, statistic: t.t, df: t.df, pValue: t.pValue },
          rank: { name: rank.test, statistic: rank.statistic, pValue: rank.pValue, method: rank.method },
        },
        planning: {
          design,
          sd: t.sdForPlanning,
          effectSize: t.meanDiff / t.sdForPlanning,
          alpha,
          sampleSize,
          parallelSampleSize: parallelSd === null ? null : sizes('two-sample', parallelSd),
          parallelSd,
        },
      });
    });
  });

  return {
    format: summaryFormat,
    protocol: {
      name: protocol.name,
      hash,
      design: protocol.design,
      days: protocol.days,
      warmupDays: protocol.warmupDays,
      seed: protocol.seed,
    },
    endpointSignal: protocol.endpointSignal,
    endpointSignalNote:
      protocol.endpointSignal === 'cgm'
        ? `endpoints computed on the simulated CGM readings (${protocol.sensor}: subcutaneous glucose + sensor noise, clipped to the sensor range), as a real trial measures them`
        : `endpoints computed on plasma glucose (Gp/Vg) sampled at the ${protocol.sensor} sample times, without sensor noise`,
    endpoints: Object.fromEntries(
      endpoints.map((e) => [e, { label: endpointInfo[e].label, unit: endpointInfo[e].unit, definition: endpointInfo[e].definition }]),
    ),
    patients: patients.length,
    patientDays,
    arms,
    comparisons,
    provenance: {
      model: { id: uvaPadovaModelInfo.id, version: uvaPadovaModelInfo.version, reference: uvaPadovaModelInfo.reference },
      ...provenance,
    },
  };
}

/** JSON text with NaN/±Infinity written as null and a trailing newline; deterministic for equal input. */
export function summaryJson(summary: TrialSummary): string {
  return `${JSON.stringify(summary, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`;
}
