import { useMemo, useRef } from 'react';
import type uPlot from 'uplot';
import type { AlertList, AlertView } from '../api/api-types.ts';
import { useTwinEvents } from '../app/event-hub.tsx';
import { type EventMarker, eventMarkersPlugin, timeAxisValues, valueBandsPlugin } from '../charts/chart-plugins.ts';
import { bandHalfStep, news2Bands } from '../charts/news2-bands.ts';
import { UPlotChart } from '../charts/uplot-chart.tsx';
import { clockTime } from '../ui/format-time.ts';
import { Empty, ErrorState, Loading } from '../ui/status.tsx';
import { useApi } from '../ui/use-api.ts';
import { subScoreColour } from '../ward/news2-risk.ts';
import { alignSeries, breakGaps, seriesStats } from './series-shape.ts';
import { useLiveSeries } from './use-live-series.ts';
import { type VitalChartSpec, vitalCharts } from './vital-signs.ts';

/**
 * One chart per bedside vital sign over the chosen range, the NEWS2 Chart 1 bands shaded behind
 * the trace (yellow 1, orange 2, red 3) and a dashed line where an alert opened. Cursors move
 * together across the charts.
 */
const allCodes = vitalCharts.flatMap((s) => s.codes);
const severityColour: Readonly<Record<string, string>> = {
  critical: '#a0001c',
  high: '#c8102e',
  medium: '#d35400',
  low: '#8a6d00',
  info: '#4a5a6a',
};
const seriesColours = ['#0b5cad', '#6a3d9a'];
type SeriesStats = ReturnType<typeof seriesStats>;

export function VitalsPanel({ patientId, rangeMs }: { patientId: string; rangeMs: number }) {
  const { data, error, reload } = useLiveSeries(patientId, allCodes, rangeMs, 4000);
  const since = useMemo(() => new Date(Date.now() - rangeMs).toISOString(), [rangeMs]);
  const alerts = useApi<AlertList>(`/alerts?patient=${encodeURIComponent(patientId)}&since=${encodeURIComponent(since)}&_count=500`);
  useTwinEvents((e) => {
    if (e.type === 'alert' && e.patientId === patientId) alerts.reload();
  });
  // Every chart shows the whole chosen window up to now, however sparse the data.
  const xWindow = useRef<[number, number]>([0, 1]);
  xWindow.current = data ? [Date.parse(data.from) / 1000, Date.now() / 1000] : [Date.now() / 1000 - rangeMs / 1000, Date.now() / 1000];
  const markers = useRef<EventMarker[]>([]);
  markers.current = (alerts.data?.alerts ?? []).map((a: AlertView) => ({
    x: Date.parse(a.openedAt) / 1000,
    colour: severityColour[a.severity] ?? '#c8102e',
    label: '▲',
    dashed: true,
  }));

  const charts = useMemo(() => {
    const byCode = new Map((data?.series ?? []).map((s) => [s.code, s]));
    return vitalCharts.map((spec) => {
      const series = spec.codes.map((c) => {
        const one = byCode.get(c);
        return one ? breakGaps(one) : undefined;
      });
      return {
        spec,
        aligned: alignSeries(series),
        stats: seriesStats(series[0]),
        second: seriesStats(series[1]),
        any: series.some(Boolean),
      };
    });
  }, [data]);

  if (error && !data) return <ErrorState error={error} retry={reload} />;
  if (!data) return <Loading what="vital signs" />;
  if (charts.every((c) => !c.any))
    return <Empty>No bedside readings in this period. Bind a monitor to this patient (FHIR Device.patient) to stream vitals.</Empty>;
  const alertCount = alerts.data?.alerts.length ?? 0;
  return (
    <div className="vitals-grid">
      {alertCount > 0 && (
        <p className="muted small chart-note">
          <span style={{ color: '#c8102e' }}>▲ dashed lines</span>: {alertCount} alert{alertCount === 1 ? '' : 's'} opened in this period.
        </p>
      )}
      {charts.map((c) => (
        <VitalChart
          key={c.spec.key}
          spec={c.spec}
          data={c.aligned}
          stats={c.stats}
          second={c.second}
          patientId={patientId}
          markers={markers}
          xWindow={xWindow}
        />
      ))}
    </div>
  );
}

function VitalChart({
  spec,
  data,
  stats,
  second,
  patientId,
  markers,
  xWindow,
}: {
  spec: VitalChartSpec;
  data: uPlot.AlignedData;
  stats: SeriesStats;
  second: SeriesStats;
  patientId: string;
  markers: { current: EventMarker[] };
  xWindow: { current: [number, number] };
}) {
  const options = useMemo<Omit<uPlot.Options, 'width' | 'height'>>(() => {
    const half = spec.band ? bandHalfStep(spec.band) : 0;
    const bands = spec.band
      ? news2Bands(spec.band).flatMap((b) => {
          const colour = subScoreColour(b.score);
          return colour ? [{ from: b.from - half, to: b.to + half, colour: `${colour}b3` }] : [];
        })
      : [];
    return {
      cursor: { sync: { key: `vitals-${patientId}` } },
      scales: {
        x: { time: true, range: () => xWindow.current },
        y: { range: (_u, min, max) => [Math.min(spec.range[0], min ?? spec.range[0]), Math.max(spec.range[1], max ?? spec.range[1])] },
      },
      axes: [
        { stroke: '#33404d', grid: { stroke: '#e3e8ee' }, values: timeAxisValues },
        { stroke: '#33404d', grid: { stroke: '#e3e8ee' }, size: 44 },
      ],
      series: [
        {},
        ...spec.seriesLabels.map((label, i) => ({
          label,
          stroke: seriesColours[i] ?? '#0b5cad',
          width: 1.75,
          points: { show: false },
          value: (_u: uPlot, v: number | null) => (v === null ? '—' : `${v.toFixed(spec.decimals)} ${spec.unit}`),
        })),
      ],
      legend: { live: true },
      plugins: [valueBandsPlugin(bands), eventMarkersPlugin(() => markers.current)],
    };
  }, [spec, patientId, markers, xWindow]);
  const label = `${spec.label} (${spec.unit})`;
  if (!stats) {
    return (
      <div className="chart-card">
        <h3>{label}</h3>
        <p className="muted small">No readings in this period.</p>
      </div>
    );
  }
  const diastolic = second;
  return (
    <div className="chart-card">
      <h3>
        {label}{' '}
        <span className="latest">
          {stats.latest.toFixed(spec.decimals)}
          {diastolic ? `/${diastolic.latest.toFixed(spec.decimals)}` : ''}
        </span>
      </h3>
      <UPlotChart
        options={options}
        data={data}
        height={190}
        label={`${label} chart`}
        summary={
          <span className="visually-hidden">
            {spec.label}: latest {stats.latest.toFixed(spec.decimals)} {spec.unit} at {clockTime(stats.latestMs)}, lowest{' '}
            {stats.min.toFixed(spec.decimals)}, highest {stats.max.toFixed(spec.decimals)} in this period.
          </span>
        }
      />
    </div>
  );
}
