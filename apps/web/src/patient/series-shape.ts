import type uPlot from 'uplot';
import type { ForecastPoint, ReadingSeries } from '../api/api-types.ts';

/**
 * Server series (GET /twins/{id}/series: per code, times in ms and values) as uPlot's aligned data:
 * one shared x array in seconds and one y array per series with null where a series has no reading
 * at that time. Merging sorts the union of the times once (k-way merge of already-sorted inputs),
 * O(n) per series, so 14 days of 5-minute data (~4,000 points) per series shapes in well under a
 * frame.
 */
export function alignSeries(series: readonly (ReadingSeries | undefined)[]): uPlot.AlignedData {
  const present = series.filter((s): s is ReadingSeries => s !== undefined && s.timesMs.length > 0);
  const times: number[] = [];
  const cursors = present.map(() => 0);
  for (;;) {
    let next = Number.POSITIVE_INFINITY;
    present.forEach((s, i) => {
      const t = s.timesMs[cursors[i] as number];
      if (t !== undefined && t < next) next = t;
    });
    if (next === Number.POSITIVE_INFINITY) break;
    times.push(next);
    present.forEach((s, i) => {
      if (s.timesMs[cursors[i] as number] === next) cursors[i] = (cursors[i] as number) + 1;
    });
  }
  const index = new Map(times.map((t, i) => [t, i]));
  const columns = series.map((s) => {
    const col: (number | null)[] = new Array(times.length).fill(null);
    if (s)
      s.timesMs.forEach((t, i) => {
        const v = s.values[i] as number;
        col[index.get(t) as number] = Number.isNaN(v) ? null : v;
      });
    return col;
  });
  return [times.map((t) => t / 1000), ...columns] as uPlot.AlignedData;
}

/**
 * A series with a NaN point inserted in every gap longer than `max(minGapMs, 3 × median spacing)`,
 * so charts break the line where data are missing (a CGM sensor change, a monitor unplugged)
 * instead of drawing a straight line across the gap.
 */
export function breakGaps(s: ReadingSeries, minGapMs = 15 * 60_000): ReadingSeries {
  const t = s.timesMs;
  if (t.length < 3) return s;
  const steps: number[] = [];
  for (let i = 1; i < t.length; i++) steps.push((t[i] as number) - (t[i - 1] as number));
  steps.sort((a, b) => a - b);
  const limit = Math.max(minGapMs, 3 * (steps[Math.floor(steps.length / 2)] as number));
  const timesMs: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < t.length; i++) {
    if (i > 0 && (t[i] as number) - (t[i - 1] as number) > limit) {
      timesMs.push(Math.round(((t[i] as number) + (t[i - 1] as number)) / 2));
      values.push(Number.NaN);
    }
    timesMs.push(t[i] as number);
    values.push(s.values[i] as number);
  }
  return timesMs.length === t.length ? s : { ...s, timesMs, values };
}

/** Min, max and latest of a series, for the chart's text summary. */
export function seriesStats(s: ReadingSeries | undefined): { min: number; max: number; latest: number; latestMs: number } | null {
  if (s === undefined || s.values.length === 0) return null;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let latest = Number.NaN;
  let latestMs = Number.NaN;
  s.values.forEach((v, i) => {
    if (Number.isNaN(v)) return;
    latest = v;
    latestMs = s.timesMs[i] as number;
    if (v < min) min = v;
    if (v > max) max = v;
  });
  if (Number.isNaN(latest)) return null;
  // The server's unaveraged newest reading wins over the last (possibly averaged) point.
  return s.latest
    ? { min: Math.min(min, s.latest.value), max: Math.max(max, s.latest.value), latest: s.latest.value, latestMs: s.latest.timeMs }
    : { min, max, latest, latestMs };
}

/**
 * CGM with the twin's forecast fan: series 1 CGM, 2 forecast median, 3–4 the 95 % interval,
 * 5–6 the 80 % interval. The fan starts at the forecast origin (the last reading, interval zero
 * width), so it grows visibly out of the CGM trace.
 */
export function glucoseWithForecast(
  cgm: ReadingSeries | undefined,
  forecast: { readonly originMs: number; readonly originMgDl: number; readonly points: readonly ForecastPoint[] } | null,
): uPlot.AlignedData {
  const cgmTimes = cgm?.timesMs ?? [];
  const fanTimes = forecast ? [forecast.originMs, ...forecast.points.map((p) => Date.parse(p.time))] : [];
  const fanStart = cgmTimes.length;
  const n = cgmTimes.length + fanTimes.length;
  const x = new Array<number>(n);
  const cgmCol: (number | null)[] = new Array(n).fill(null);
  const cols: (number | null)[][] = [0, 1, 2, 3, 4].map(() => new Array(n).fill(null));
  cgmTimes.forEach((t, i) => {
    x[i] = t / 1000;
    const v = cgm?.values[i] as number;
    cgmCol[i] = Number.isNaN(v) ? null : v;
  });
  if (forecast) {
    const rows: [number, number, number, number, number][] = [
      [forecast.originMgDl, forecast.originMgDl, forecast.originMgDl, forecast.originMgDl, forecast.originMgDl],
      ...forecast.points.map(
        (p) =>
          [p.medianMgDl, p.interval95MgDl[0], p.interval95MgDl[1], p.interval80MgDl[0], p.interval80MgDl[1]] as [
            number,
            number,
            number,
            number,
            number,
          ],
      ),
    ];
    fanTimes.forEach((t, j) => {
      x[fanStart + j] = t / 1000;
      rows[j]?.forEach((v, k) => {
        (cols[k] as (number | null)[])[fanStart + j] = v;
      });
    });
  }
  // The origin may repeat the last CGM time: x must be strictly increasing for uPlot, so merge that pair.
  if (forecast && fanStart > 0 && x[fanStart - 1] === x[fanStart]) {
    x.splice(fanStart, 1);
    cgmCol.splice(fanStart, 1);
    for (const c of cols) {
      const v = c[fanStart] as number | null;
      c.splice(fanStart, 1);
      c[fanStart - 1] = v;
    }
  }
  return [x, cgmCol, ...cols] as uPlot.AlignedData;
}
