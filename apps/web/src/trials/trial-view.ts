import type { TrialSummary } from '../api/api-types.ts';

/**
 * The trial summary (summary.json) as the tables the trial page shows: per endpoint, each arm's mean
 * with its 95 % confidence interval, and each comparison's mean difference with its CI and p-value.
 * Numbers are rounded for reading (3 significant digits, p-values as "< 0.001" below that).
 */
export interface EndpointRow {
  readonly endpoint: string;
  readonly label: string;
  readonly unit: string;
  readonly arms: readonly { readonly arm: string; readonly mean: string; readonly ci: string; readonly sd: string }[];
}

export interface ComparisonRow {
  readonly endpoint: string;
  readonly label: string;
  readonly arms: string;
  readonly diff: string;
  readonly ci: string;
  readonly ciLow: number;
  readonly ciHigh: number;
  readonly meanDiff: number;
  readonly p: string;
  readonly significant: boolean;
  readonly test: string;
}

export function num(v: number): string {
  if (!Number.isFinite(v)) return '—';
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : a >= 1 ? v.toFixed(2) : v.toPrecision(3);
}

export function pValue(p: number): string {
  if (!Number.isFinite(p)) return '—';
  return p < 0.001 ? '< 0.001' : p.toFixed(3);
}

export function endpointRows(summary: TrialSummary): EndpointRow[] {
  return Object.entries(summary.endpoints).map(([endpoint, info]) => ({
    endpoint,
    label: info.label,
    unit: info.unit,
    arms: summary.arms.map((arm) => {
      const e = arm.endpoints[endpoint];
      return e
        ? { arm: arm.name, mean: num(e.mean), ci: `${num(e.ci95[0])} to ${num(e.ci95[1])}`, sd: num(e.sd) }
        : { arm: arm.name, mean: '—', ci: '—', sd: '—' };
    }),
  }));
}

export function comparisonRows(summary: TrialSummary): ComparisonRow[] {
  return summary.comparisons.map((c) => ({
    endpoint: c.endpoint,
    label: summary.endpoints[c.endpoint]?.label ?? c.endpoint,
    arms: `${c.arms[0]} − ${c.arms[1]}`,
    diff: num(c.meanDiff),
    ci: `${num(c.ci95[0])} to ${num(c.ci95[1])}`,
    ciLow: c.ci95[0],
    ciHigh: c.ci95[1],
    meanDiff: c.meanDiff,
    p: pValue(c.pValue),
    significant: c.significant,
    test: c.test,
  }));
}
