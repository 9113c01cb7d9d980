import type { AveragedForecasterEvaluation, ForecasterEvaluation } from '@vitaltwin/sim';

type Evaluation = ForecasterEvaluation | AveragedForecasterEvaluation;
type Horizon = Evaluation['horizons'][number];

const fixed = (v: number, d = 1): string => (Number.isFinite(v) ? v.toFixed(d) : '-');

/** Every column the forecast tables can show, by header. */
const columns: Readonly<Record<string, (fc: Evaluation, h: Horizon) => string>> = {
  forecaster: (fc) => fc.id,
  horizon: (_, h) => `${h.horizonMin} min`,
  n: (_, h) => String(h.n),
  RMSE: (_, h) => fixed(h.rmseMgDl),
  MAE: (_, h) => fixed(h.maeMgDl),
  MARD: (_, h) => fixed(h.mardPercent),
  bias: (_, h) => fixed(h.biasMgDl),
  'A%': (_, h) => fixed(h.clarkePercent.A),
  'A+B%': (_, h) => fixed(h.clarkePercent.A + h.clarkePercent.B),
  cover: (fc, h) =>
    Number.isFinite(h.coverage) ? `${fixed(100 * h.coverage)}% [${fixed(100 * (fc.intervalLevel ?? Number.NaN), 0)}]` : '-',
  width: (_, h) => fixed(h.meanIntervalWidthMgDl),
};

export type ForecastTableColumn = keyof typeof columns;

/** Full column set (`forecast evaluate --in`) and the compact one (`--simulated`, many patients). */
export const fullForecastColumns: readonly ForecastTableColumn[] = [
  'forecaster',
  'horizon',
  'n',
  'RMSE',
  'MAE',
  'MARD',
  'bias',
  'A%',
  'A+B%',
  'cover',
  'width',
];
export const compactForecastColumns: readonly ForecastTableColumn[] = [
  'forecaster',
  'horizon',
  'n',
  'RMSE',
  'MAE',
  'MARD',
  'A%',
  'A+B%',
  'cover',
];

/** A plain-text table of forecast metrics, one row per forecaster and horizon, numbers right-aligned. */
export function renderForecastTable(forecasters: readonly Evaluation[], header: readonly ForecastTableColumn[]): string {
  const rows = forecasters.flatMap((fc) =>
    fc.horizons.map((h) => header.map((name) => (columns[name] as (fc: Evaluation, h: Horizon) => string)(fc, h))),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}
