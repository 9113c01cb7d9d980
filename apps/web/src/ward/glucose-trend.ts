import { glucoseRateOfChange } from '@vitaltwin/core';

/**
 * The CGM trend arrow as CGM receivers show it (Dexcom G6 user guide, "Trend arrows"): the rate of
 * change in mg/dL per minute, from core's least-squares slope over the last 15 minutes, in seven
 * classes: ≥ 3 rising quickly, 2–3 rising, 1–2 rising slowly, within ±1 steady, and the mirror
 * classes falling. Each arrow has words for screen readers and tooltips.
 */
export type TrendClass = 'rising-quickly' | 'rising' | 'rising-slowly' | 'steady' | 'falling-slowly' | 'falling' | 'falling-quickly';

export interface GlucoseTrend {
  readonly trend: TrendClass;
  readonly arrow: string;
  readonly label: string;
  readonly rateMgDlPerMin: number;
}

const arrows: Readonly<Record<TrendClass, { arrow: string; label: string }>> = {
  'rising-quickly': { arrow: '⇈', label: 'rising quickly' },
  rising: { arrow: '↑', label: 'rising' },
  'rising-slowly': { arrow: '↗', label: 'rising slowly' },
  steady: { arrow: '→', label: 'steady' },
  'falling-slowly': { arrow: '↘', label: 'falling slowly' },
  falling: { arrow: '↓', label: 'falling' },
  'falling-quickly': { arrow: '⇊', label: 'falling quickly' },
};

export function trendClass(rateMgDlPerMin: number): TrendClass {
  if (rateMgDlPerMin >= 3) return 'rising-quickly';
  if (rateMgDlPerMin >= 2) return 'rising';
  if (rateMgDlPerMin > 1) return 'rising-slowly';
  if (rateMgDlPerMin >= -1) return 'steady';
  if (rateMgDlPerMin > -2) return 'falling-slowly';
  if (rateMgDlPerMin > -3) return 'falling';
  return 'falling-quickly';
}

/** Null when the readings are too few or too short for a slope (core: ≥ 3 readings over ≥ 10 min). */
export function glucoseTrend(readings: readonly { readonly time: string; readonly mgDl: number }[]): GlucoseTrend | null {
  const samples = readings.map((r) => ({ timeMs: Date.parse(r.time), glucoseMgDl: r.mgDl }));
  const rate = glucoseRateOfChange(samples, { windowMin: 15 });
  if (rate === null) return null;
  const trend = trendClass(rate.rateMgDlPerMin);
  return { trend, ...arrows[trend], rateMgDlPerMin: rate.rateMgDlPerMin };
}
