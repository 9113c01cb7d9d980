import { type CgmMetrics, type CgmReading, computeAgp, computeCgmMetrics } from '@vitaltwin/core';
import { useEffect, useMemo, useRef } from 'react';
import type uPlot from 'uplot';
import type { ApiError } from '../api/api-client.ts';
import type { FhirBundle, GlucoseForecast, ReadingSeries } from '../api/api-types.ts';
import { type EventMarker, eventMarkersPlugin, timeAxisValues, valueBandsPlugin } from '../charts/chart-plugins.ts';
import { UPlotChart } from '../charts/uplot-chart.tsx';
import { clockTime } from '../ui/format-time.ts';
import { Empty, ErrorState, Loading } from '../ui/status.tsx';
import { useApi } from '../ui/use-api.ts';
import { AgpChart } from './agp-chart.tsx';
import { CgmMetricsPanel } from './cgm-metrics-panel.tsx';
import { breakGaps, glucoseWithForecast, seriesStats } from './series-shape.ts';
import { type TreatmentEvent, treatmentEvents } from './treatment-events.ts';
import { useLiveSeries } from './use-live-series.ts';

/**
 * CGM over the range with the twin's forecast fan (median, 80 % and 95 % intervals, from
 * GET /twins/{id}/glucose/forecast), insulin boluses (top) and meals (bottom) from the record, the
 * consensus target range 70–180 mg/dL shaded (Battelino 2019), then the consensus metrics and the
 * AGP of the same readings, computed in the browser by core's cgm-metrics and agp-percentiles.
 */
const cgmCodes = ['99504-3'];

export function GlucosePanel({ patientId, rangeMs }: { patientId: string; rangeMs: number }) {
  const id = encodeURIComponent(patientId);
  const { data, error, reload } = useLiveSeries(patientId, cgmCodes, rangeMs, 5000, 30_000);
  const cgm = data?.series.find((s) => s.code === '99504-3');
  const lastMs = cgm?.timesMs.at(-1);
  const forecast = useApi<GlucoseForecast>(cgm ? `/twins/${id}/glucose/forecast?horizons=30,60,90,120&members=100&seed=1` : null);
  const reloadForecast = forecast.reload;
  // A new reading moves the forecast origin.
  useEffect(() => {
    if (lastMs !== undefined) reloadForecast();
  }, [lastMs, reloadForecast]);
  const fromIso = useMemo(() => new Date(Date.now() - rangeMs).toISOString(), [rangeMs]);
  const insulin = useApi<FhirBundle>(
    `/fhir/MedicationAdministration?patient=${id}&effective-time=ge${encodeURIComponent(fromIso)}&_count=1000`,
  );
  const meals = useApi<FhirBundle>(
    `/fhir/Observation?patient=${id}&code=${encodeURIComponent('http://loinc.org|9059-7')}&date=ge${encodeURIComponent(fromIso)}&_count=1000`,
  );
  const treatments = useMemo(() => treatmentEvents([insulin.data, meals.data]), [insulin.data, meals.data]);

  const readings = useMemo<CgmReading[]>(
    () => (cgm ? cgm.timesMs.map((t, i) => ({ subjectId: patientId, timeMs: t, glucoseMgDl: cgm.values[i] as number })) : []),
    [cgm, patientId],
  );
  const metrics = useMemo<CgmMetrics | null>(() => {
    if (readings.length < 2) return null;
    try {
      const end = Date.now();
      return computeCgmMetrics(readings, { intervalMin: 5, periodStartMs: end - rangeMs, periodEndMs: end });
    } catch {
      return null;
    }
  }, [readings, rangeMs]);
  const agp = useMemo(
    () =>
      readings.length >= 2 && (readings.at(-1)?.timeMs ?? 0) - (readings[0]?.timeMs ?? 0) >= 3 * 86_400_000
        ? computeAgp(readings, { binMin: 15, timeZoneOffsetMin: -new Date().getTimezoneOffset() })
        : null,
    [readings],
  );

  if (error && !data) return <ErrorState error={error} retry={reload} />;
  if (!data) return <Loading what="glucose" />;
  if (!cgm || cgm.values.length === 0) return <Empty>No CGM readings in this period.</Empty>;
  return (
    <div className="glucose-view">
      <GlucoseChart patientId={patientId} cgm={cgm} forecast={forecast.data} forecastError={forecast.error} treatments={treatments} />
      <div className="glucose-analytics">
        <section aria-labelledby="cgm-metrics-h" className="card">
          <h2 id="cgm-metrics-h">CGM metrics</h2>
          {metrics ? <CgmMetricsPanel metrics={metrics} /> : <p className="muted">Too few readings.</p>}
        </section>
        <section aria-labelledby="agp-h" className="card">
          <h2 id="agp-h">Ambulatory glucose profile</h2>
          {agp ? <AgpChart profile={agp} /> : <p className="muted">The AGP overlays several days on one clock: choose 7 d or 14 d.</p>}
        </section>
      </div>
    </div>
  );
}

const colours = { cgm: '#0b5cad', fan: '#6a3d9a', bolus: '#1f5fbf', meal: '#1e7b34', basal: '#6b7785' };

function GlucoseChart({
  patientId,
  cgm,
  forecast,
  forecastError,
  treatments,
}: {
  patientId: string;
  cgm: ReadingSeries;
  forecast: GlucoseForecast | undefined;
  forecastError: ApiError | undefined;
  treatments: readonly TreatmentEvent[];
}) {
  const markers = useRef<EventMarker[]>([]);
  markers.current = treatments.map((t) => ({
    x: t.timeMs / 1000,
    colour: t.kind === 'bolus' ? colours.bolus : t.kind === 'meal' ? colours.meal : colours.basal,
    label: t.kind === 'bolus' ? `${t.amount}U` : t.kind === 'meal' ? `${Math.round(t.amount)}g` : `${t.amount}U/h`,
    edge: t.kind === 'bolus' ? ('top' as const) : ('bottom' as const),
    style: 'tick' as const,
  }));
  const options = useMemo<Omit<uPlot.Options, 'width' | 'height'>>(
    () => ({
      cursor: { sync: { key: `glucose-${patientId}` } },
      scales: { x: { time: true }, y: { range: (_u, min, max) => [Math.min(40, min ?? 40), Math.max(300, max ?? 300)] } },
      axes: [
        { stroke: '#33404d', grid: { stroke: '#e3e8ee' }, values: timeAxisValues },
        { stroke: '#33404d', grid: { stroke: '#e3e8ee' }, size: 44 },
      ],
      series: [
        {},
        {
          label: 'CGM',
          stroke: colours.cgm,
          width: 1.75,
          points: { show: false },
          value: (_u, v) => (v === null ? '—' : `${Math.round(v)} mg/dL`),
        },
        {
          label: 'Forecast median',
          stroke: colours.fan,
          width: 2,
          dash: [6, 4],
          points: { show: true, size: 5 },
          value: (_u, v) => (v === null ? '—' : `${Math.round(v)}`),
        },
        { label: '95 % low', stroke: 'transparent', show: true, points: { show: false } },
        { label: '95 % high', stroke: 'transparent', points: { show: false } },
        { label: '80 % low', stroke: 'transparent', points: { show: false } },
        { label: '80 % high', stroke: 'transparent', points: { show: false } },
      ],
      bands: [
        { series: [4, 3], fill: 'rgba(106, 61, 154, 0.14)' },
        { series: [6, 5], fill: 'rgba(106, 61, 154, 0.28)' },
      ],
      legend: { live: true },
      plugins: [
        valueBandsPlugin([
          { from: 70, to: 180, colour: 'rgba(46, 160, 67, 0.10)' },
          { from: 0, to: 54, colour: 'rgba(200, 16, 46, 0.10)' },
        ]),
        eventMarkersPlugin(() => markers.current),
      ],
    }),
    [patientId],
  );
  const data = useMemo(
    () =>
      glucoseWithForecast(
        breakGaps(cgm),
        forecast
          ? { originMs: Date.parse(forecast.origin.time), originMgDl: forecast.origin.lastReadingMgDl, points: forecast.forecast }
          : null,
      ),
    [cgm, forecast],
  );
  const stats = seriesStats(cgm);
  const last = forecast?.forecast.at(-1);
  return (
    <div className="chart-card glucose-chart">
      <h3>Glucose (CGM, mg/dL) {stats ? <span className="latest">{Math.round(stats.latest)}</span> : null}</h3>
      <UPlotChart
        options={options}
        data={data}
        height={300}
        label="Glucose chart with forecast"
        summary={
          <span className="small muted">
            {stats
              ? `Latest ${Math.round(stats.latest)} mg/dL at ${clockTime(stats.latestMs)}; range ${Math.round(stats.min)}–${Math.round(stats.max)}. `
              : ''}
            {last && forecast
              ? `Twin forecast in ${last.horizonMin} min: median ${Math.round(last.medianMgDl)} mg/dL (80 % ${Math.round(last.interval80MgDl[0])}–${Math.round(last.interval80MgDl[1])}, 95 % ${Math.round(last.interval95MgDl[0])}–${Math.round(last.interval95MgDl[1])}). `
              : forecastError
                ? `No forecast: ${forecastError.message}. `
                : ''}
            Ticks: <span style={{ color: colours.bolus }}>insulin boluses (top, U)</span>,{' '}
            <span style={{ color: colours.meal }}>meals (bottom, g)</span>, basal rate changes (grey, U/h). Shaded: target 70–180 mg/dL;
            purple fan: 80 % and 95 % forecast intervals.
          </span>
        }
      />
    </div>
  );
}
