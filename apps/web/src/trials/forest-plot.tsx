import type { ComparisonRow } from './trial-view.ts';

/**
 * A forest plot of arm comparisons: each difference as a point with its 95 % CI as a line, zero
 * marked. Endpoints have different units, so each row gets its own scale symmetric about zero
 * (the row's label carries the numbers; the plot shows direction and whether the CI crosses 0).
 */
export function ForestPlot({ rows }: { rows: readonly ComparisonRow[] }) {
  const width = 640;
  const rowH = 26;
  const labelW = 260;
  const plotW = width - labelW - 20;
  const height = rows.length * rowH + 24;
  return (
    <svg
      className="forest-plot"
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label="Forest plot of the comparisons (see the table below)"
    >
      <line x1={labelW + plotW / 2} x2={labelW + plotW / 2} y1={0} y2={height - 18} stroke="#8893a0" strokeDasharray="3 3" />
      <text x={labelW + plotW / 2} y={height - 4} textAnchor="middle" fontSize="11" fill="#33404d">
        0 (no difference)
      </text>
      {rows.map((r, i) => {
        const span = Math.max(Math.abs(r.ciLow), Math.abs(r.ciHigh), Math.abs(r.meanDiff), 1e-9) * 1.1;
        const x = (v: number) => labelW + plotW / 2 + (v / span) * (plotW / 2);
        const y = i * rowH + 14;
        const colour = r.significant ? '#0b5cad' : '#6b7785';
        return (
          <g key={`${r.endpoint}:${r.arms}`}>
            <text x={0} y={y + 4} fontSize="12" fill="#1c2833">
              {r.label.length > 38 ? `${r.label.slice(0, 37)}…` : r.label}
            </text>
            <line x1={x(r.ciLow)} x2={x(r.ciHigh)} y1={y} y2={y} stroke={colour} strokeWidth={2} />
            <rect x={x(r.meanDiff) - 4} y={y - 4} width={8} height={8} fill={colour} />
          </g>
        );
      })}
    </svg>
  );
}
