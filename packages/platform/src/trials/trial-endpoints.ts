import { glucoseValueMetrics } from '@vitaltwin/core';
import { countHypoEvents } from './hypoglycaemia-events.ts';

/**
 * The trial endpoints, computed per patient and arm over the whole evaluation period (all days after
 * the warm-up) on 5-minute-style regularly sampled glucose. Every glucose metric comes from the core
 * CGM metrics (`glucoseValueMetrics`, the value part of `computeCgmMetrics`: consensus band edges
 * 70 ≤ g ≤ 180, strict < 70, < 54, > 180, > 250, count-based percentages (the samples are regular),
 * sample SD, GMI = 3.31 + 0.02392·mean, Kovatchev LBGI/HBGI); hypoglycaemia
 * events follow the consensus level-2 definition (hypoglycaemia-events.ts); insulin is the delivered
 * total (basal + bolus after pump limits) per day.
 */
export const endpointIds = [
  'meanGlucose',
  'tir',
  'tbr70',
  'tbr54',
  'tar180',
  'tar250',
  'cv',
  'gmi',
  'lbgi',
  'hbgi',
  'hypoEvents',
  'insulinPerDay',
] as const;

export type EndpointId = (typeof endpointIds)[number];

export interface EndpointInfo {
  readonly label: string;
  readonly unit: string;
  /** Which direction is clinically better (for the report's colouring); null when neither. */
  readonly better: 'higher' | 'lower' | null;
  readonly definition: string;
}

export const endpointInfo: Readonly<Record<EndpointId, EndpointInfo>> = {
  meanGlucose: { label: 'Mean glucose', unit: 'mg/dL', better: null, definition: 'arithmetic mean of all readings' },
  tir: { label: 'TIR 70–180', unit: '%', better: 'higher', definition: '% readings with 70 ≤ g ≤ 180 mg/dL' },
  tbr70: { label: 'TBR <70', unit: '%', better: 'lower', definition: '% readings < 70 mg/dL (includes < 54)' },
  tbr54: { label: 'TBR <54', unit: '%', better: 'lower', definition: '% readings < 54 mg/dL' },
  tar180: { label: 'TAR >180', unit: '%', better: 'lower', definition: '% readings > 180 mg/dL (includes > 250)' },
  tar250: { label: 'TAR >250', unit: '%', better: 'lower', definition: '% readings > 250 mg/dL' },
  cv: { label: 'CV', unit: '%', better: 'lower', definition: '100·SD/mean, sample SD' },
  gmi: { label: 'GMI', unit: '%', better: 'lower', definition: '3.31 + 0.02392·mean (Bergenstal 2018)' },
  lbgi: { label: 'LBGI', unit: '', better: 'lower', definition: 'Kovatchev low blood glucose index' },
  hbgi: { label: 'HBGI', unit: '', better: 'lower', definition: 'Kovatchev high blood glucose index' },
  hypoEvents: {
    label: 'Hypo events <54',
    unit: 'events/week',
    better: 'lower',
    definition: 'level-2 events (≥ 15 min < 54, ended by ≥ 15 min ≥ 54) per 7 days',
  },
  insulinPerDay: { label: 'Insulin', unit: 'U/day', better: null, definition: 'delivered basal + bolus insulin per day' },
};

export type EndpointValues = Record<EndpointId, number>;

/**
 * Endpoints of one patient in one arm from its evaluation-period glucose (`glucoseMgDl[0..n)`, one
 * reading every `intervalMin` minutes, consecutive days) and delivered insulin.
 */
export function computeTrialEndpoints(
  glucoseMgDl: Float64Array,
  n: number,
  intervalMin: number,
  days: number,
  insulinU: number,
): EndpointValues {
  const glucose = glucoseMgDl.subarray(0, n);
  const m = glucoseValueMetrics(glucose);
  return {
    meanGlucose: m.meanMgDl,
    tir: m.ranges.inRangePercent,
    tbr70: m.ranges.below70Percent,
    tbr54: m.ranges.veryLowPercent,
    tar180: m.ranges.above180Percent,
    tar250: m.ranges.veryHighPercent,
    cv: m.cvPercent,
    gmi: m.gmiPercent,
    lbgi: m.lbgi,
    hbgi: m.hbgi,
    hypoEvents: (countHypoEvents(glucose, intervalMin) * 7) / days,
    insulinPerDay: insulinU / days,
  };
}
