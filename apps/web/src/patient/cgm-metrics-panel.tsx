import type { CgmMetrics } from '@vitaltwin/core';

/**
 * The consensus CGM metrics (Battelino T et al., Diabetes Care 2019;42:1593) with their targets
 * for most adults with type 1 or type 2 diabetes: TIR > 70 %, TBR < 70 mg/dL < 4 %, < 54 mg/dL
 * < 1 %, TAR > 180 < 25 %, > 250 < 5 %, CV ≤ 36 %. A stacked bar shows the five ranges, each
 * labelled in words (not colour alone).
 */
const ranges = [
  { key: 'tarAbove250Percent', label: 'Very high >250', colour: '#e8a33d', target: '< 5 %' },
  { key: 'tarLevel1Percent', label: 'High 181–250', colour: '#f6d48f', target: '' },
  { key: 'tirPercent', label: 'In range 70–180', colour: '#4caf50', target: '> 70 %' },
  { key: 'tbrLevel1Percent', label: 'Low 54–69', colour: '#e57373', target: '' },
  { key: 'tbrBelow54Percent', label: 'Very low <54', colour: '#b71c1c', target: '< 1 %' },
] as const;

const pct = (v: number) => `${v.toFixed(v < 10 ? 1 : 0)} %`;

export function CgmMetricsPanel({ metrics: m }: { metrics: CgmMetrics }) {
  return (
    <div className="cgm-metrics">
      <div className="tir-bar" role="img" aria-label={ranges.map((r) => `${r.label}: ${pct(m[r.key])}`).join('; ')}>
        {ranges.map((r) => (
          <div key={r.key} style={{ flexGrow: Math.max(m[r.key], 0.0001), background: r.colour }} title={`${r.label}: ${pct(m[r.key])}`} />
        ))}
      </div>
      <table className="metrics-table">
        <tbody>
          {ranges.map((r) => (
            <tr key={r.key}>
              <th scope="row">
                <span className="swatch" style={{ background: r.colour }} aria-hidden="true" /> {r.label} mg/dL
              </th>
              <td>{pct(m[r.key])}</td>
              <td className="muted small">{r.target}</td>
            </tr>
          ))}
          <tr>
            <th scope="row">Mean glucose</th>
            <td>{Math.round(m.meanMgDl)} mg/dL</td>
            <td />
          </tr>
          <tr>
            <th scope="row">GMI</th>
            <td>{m.gmiPercent.toFixed(1)} %</td>
            <td className="muted small">{Math.round(m.gmiMmolMol)} mmol/mol</td>
          </tr>
          <tr>
            <th scope="row">CV</th>
            <td>{m.cvPercent.toFixed(1)} %</td>
            <td className="muted small">≤ 36 %</td>
          </tr>
          <tr>
            <th scope="row">Sensor active</th>
            <td>{m.sensorActivePercent.toFixed(0)} %</td>
            <td className="muted small">{m.daysOfData.toFixed(1)} days</td>
          </tr>
        </tbody>
      </table>
      {!m.sufficient && (
        <p className="muted small">
          Fewer than 14 days with ≥ 70 % of readings: the consensus asks for more data before these metrics guide treatment.
        </p>
      )}
    </div>
  );
}
