import { memo } from 'react';
import { Link } from '../app/router.tsx';
import { wardVitalCodes as codes } from '../patient/vital-signs.ts';
import { ageText } from '../ui/format-time.ts';
import { glucoseTrend } from './glucose-trend.ts';
import { riskStyle, subScoreColour } from './news2-risk.ts';
import { vitalCell } from './vital-cell.ts';
import { ageYears, type WardRowView } from './ward-view.ts';

/**
 * The ward table: one row per patient, sickest first. Rows are memoised on their view object, which
 * the reducer replaces only when that patient changes, so a live update re-renders one row, not 200.
 */
export function WardTable({ rows, nowMs }: { rows: readonly WardRowView[]; nowMs: number }) {
  return (
    <div className="table-scroll">
      <table className="ward-table">
        <caption className="visually-hidden">Monitored patients, highest NEWS2 risk first</caption>
        <thead>
          <tr>
            <th scope="col">Patient</th>
            <th scope="col">NEWS2</th>
            <th scope="col">
              <abbr title="Respiratory rate, per minute">RR</abbr>
            </th>
            <th scope="col">
              <abbr title="Oxygen saturation, %">SpO₂</abbr>
            </th>
            <th scope="col">
              <abbr title="Blood pressure, systolic/diastolic mmHg">BP</abbr>
            </th>
            <th scope="col">
              <abbr title="Heart rate, per minute">HR</abbr>
            </th>
            <th scope="col">
              <abbr title="Temperature, °C">Temp</abbr>
            </th>
            <th scope="col">Glucose</th>
            <th scope="col">Alerts</th>
            <th scope="col">Updated</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <WardRow key={row.patient.id} row={row} nowMinute={Math.floor(nowMs / 60_000)} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

const WardRow = memo(function WardRow({ row, nowMinute }: { row: WardRowView; nowMinute: number }) {
  const nowMs = nowMinute * 60_000 + 59_999;
  const p = row.patient;
  const style = riskStyle(row.risk);
  const age = ageYears(p.birthDate, nowMs);
  const scale = p.news2?.spo2Scale ?? 1;
  const cells = [
    vitalCell('rr', p.vitals[codes.respiratoryRate], nowMs),
    vitalCell('spo2', p.vitals[codes.spo2], nowMs, undefined, scale),
    vitalCell('bp', p.vitals[codes.systolicBp], nowMs, p.vitals[codes.diastolicBp]),
    vitalCell('hr', p.vitals[codes.heartRate], nowMs),
    vitalCell('temp', p.vitals[codes.temperature], nowMs),
  ];
  const latestGlucose = p.glucose.at(-1);
  const trend = glucoseTrend(p.glucose);
  const times = [...Object.values(p.vitals).map((v) => v.time), ...(latestGlucose ? [latestGlucose.time] : [])];
  const updatedMs = times.length > 0 ? Math.max(...times.map((t) => Date.parse(t))) : null;
  return (
    <tr className={row.rank >= 4 ? 'row-high' : undefined} data-patient={p.id}>
      <th scope="row">
        <Link to={`/patients/${encodeURIComponent(p.id)}`} className="patient-link">
          {p.name}
        </Link>
        <span className="muted small">
          {[p.gender ? p.gender[0]?.toUpperCase() : null, age !== null ? `${age} y` : null].filter(Boolean).join(' · ') || p.id}
        </span>
      </th>
      <td>
        <span className="risk-badge" style={{ background: style.background, color: style.foreground }}>
          <strong>{row.score ?? '–'}</strong> {style.label}
          {row.partial && row.score !== null ? <span className="small"> (partial)</span> : null}
        </span>
        {p.news2?.redFlag ? <span className="flag">red score</span> : null}
      </td>
      {cells.map((c, i) => {
        const colour = c.subScore !== null && !c.stale ? subScoreColour(c.subScore) : null;
        return (
          <td
            // biome-ignore lint/suspicious/noArrayIndexKey: a fixed list of five vitals.
            key={i}
            className={`vital${c.stale ? ' stale' : ''}`}
            style={colour ? { background: colour } : undefined}
            title={
              c.time
                ? `${c.stale ? 'Out of date: ' : ''}measured ${ageText(c.time, nowMs)}${c.subScore ? `, NEWS2 sub-score ${c.subScore}` : ''}`
                : 'No reading'
            }
          >
            {c.text}
            {c.subScore ? <span className="visually-hidden">, sub-score {c.subScore}</span> : null}
            {c.stale ? <span className="visually-hidden">, out of date</span> : null}
          </td>
        );
      })}
      <td className="glucose">
        {latestGlucose ? (
          <>
            {Math.round(latestGlucose.mgDl)}
            <span className="unit"> mg/dL</span>
            {trend ? (
              <span className={`trend trend-${trend.trend}`} title={`${trend.label} (${trend.rateMgDlPerMin.toFixed(1)} mg/dL/min)`}>
                <span aria-hidden="true"> {trend.arrow}</span>
                <span className="visually-hidden">, {trend.label}</span>
              </span>
            ) : null}
          </>
        ) : (
          '—'
        )}
      </td>
      <td>
        {row.openAlerts > 0 ? <span className={`alert-count sev-${row.highestSeverity ?? 'info'}`}>{row.openAlerts} open</span> : null}
        {row.acknowledgedAlerts > 0 ? <span className="muted small"> {row.acknowledgedAlerts} ack’d</span> : null}
        {row.openAlerts === 0 && row.acknowledgedAlerts === 0 ? <span className="muted">none</span> : null}
      </td>
      <td className="muted small">{updatedMs !== null ? ageText(updatedMs, nowMs) : '—'}</td>
    </tr>
  );
});
