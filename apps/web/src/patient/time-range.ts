/** The chart ranges the patient view offers, as URL values and durations. */
export const timeRanges = [
  { key: '6h', label: '6 h', ms: 6 * 3_600_000 },
  { key: '24h', label: '24 h', ms: 24 * 3_600_000 },
  { key: '7d', label: '7 d', ms: 7 * 86_400_000 },
  { key: '14d', label: '14 d', ms: 14 * 86_400_000 },
] as const;

export type TimeRangeKey = (typeof timeRanges)[number]['key'];

export function timeRange(key: string | null, fallback: TimeRangeKey): (typeof timeRanges)[number] {
  return timeRanges.find((r) => r.key === key) ?? (timeRanges.find((r) => r.key === fallback) as (typeof timeRanges)[number]);
}
