import type { AgpProfile } from '@vitaltwin/core';
import { useMemo } from 'react';
import type uPlot from 'uplot';
import { valueBandsPlugin } from '../charts/chart-plugins.ts';
import { UPlotChart } from '../charts/uplot-chart.tsx';

/**
 * The AGP: all days on one 24-hour clock, median with the 25–75 % and 5–95 % bands (Battelino 2019,
 * Fig. 1), 15-minute bins from core's computeAgp, the target range 70–180 mg/dL shaded.
 */
export function AgpChart({ profile }: { profile: AgpProfile }) {
  const data = useMemo<uPlot.AlignedData>(() => {
    const nan = (a: Float64Array) => Array.from(a, (v) => (Number.isNaN(v) ? null : v));
    return [
      Array.from(profile.binStartMin, (m) => m / 60),
      nan(profile.p5),
      nan(profile.p25),
      nan(profile.p50),
      nan(profile.p75),
      nan(profile.p95),
    ];
  }, [profile]);
  const options = useMemo<Omit<uPlot.Options, 'width' | 'height'>>(
    () => ({
      scales: { x: { time: false, range: [0, 24] }, y: { range: (_u, _min, max) => [40, Math.max(300, max ?? 300)] } },
      axes: [
        {
          stroke: '#33404d',
          grid: { stroke: '#e3e8ee' },
          values: (_u, splits) => splits.map((h) => `${String(h).padStart(2, '0')}:00`),
          incrs: [3, 6],
        },
        { stroke: '#33404d', grid: { stroke: '#e3e8ee' }, size: 44 },
      ],
      series: [
        {
          label: 'Time',
          value: (_u, v) =>
            v === null ? '—' : `${String(Math.floor(v)).padStart(2, '0')}:${String(Math.round((v % 1) * 60)).padStart(2, '0')}`,
        },
        { label: '5 %', stroke: 'rgba(11, 92, 173, 0.5)', width: 1, dash: [3, 3] },
        { label: '25 %', stroke: 'rgba(11, 92, 173, 0.6)', width: 1 },
        { label: 'Median', stroke: '#0b5cad', width: 2.5 },
        { label: '75 %', stroke: 'rgba(11, 92, 173, 0.6)', width: 1 },
        { label: '95 %', stroke: 'rgba(11, 92, 173, 0.5)', width: 1, dash: [3, 3] },
      ],
      bands: [
        { series: [5, 1], fill: 'rgba(11, 92, 173, 0.10)' },
        { series: [4, 2], fill: 'rgba(11, 92, 173, 0.22)' },
      ],
      legend: { live: true },
      plugins: [valueBandsPlugin([{ from: 70, to: 180, colour: 'rgba(46, 160, 67, 0.10)' }])],
    }),
    [],
  );
  const median = Array.from(profile.p50).filter((v) => !Number.isNaN(v));
  return (
    <UPlotChart
      options={options}
      data={data}
      height={220}
      label="Ambulatory glucose profile"
      summary={
        <span className="visually-hidden">
          Median glucose over the day ranges from {Math.round(Math.min(...median))} to {Math.round(Math.max(...median))} mg/dL.
        </span>
      }
    />
  );
}
