import { useMemo } from 'react';
import type { FhirBundle, FhirResource, WardResponse } from '../api/api-types.ts';
import { Link, navigate, useLocation } from '../app/router.tsx';
import { ErrorState, Loading } from '../ui/status.tsx';
import { useApi } from '../ui/use-api.ts';
import { displayedRisk, riskStyle } from '../ward/news2-risk.ts';
import { ageYears } from '../ward/ward-view.ts';
import { GlucosePanel } from './glucose-panel.tsx';
import { conditions, demographics, medications } from './patient-record.ts';
import { RangePicker } from './range-picker.tsx';
import { type TimeRangeKey, timeRange } from './time-range.ts';
import { VitalsPanel } from './vitals-panel.tsx';

/**
 * The patient twin: demographics, problems and medicines from the FHIR record, the current NEWS2,
 * and charts of the device streams — bedside vitals with NEWS2 bands and alert markers, or CGM with
 * the twin's forecast, insulin, meals, consensus metrics and AGP. View and range live in the URL
 * (`?view=glucose&range=7d`), so a link reopens the same view.
 */
export function PatientPage({ patientId, canWhatIf }: { patientId: string; canWhatIf: boolean }) {
  const { query } = useLocation();
  const view = query.get('view') === 'glucose' ? 'glucose' : 'vitals';
  const range = timeRange(query.get('range'), view === 'glucose' ? '24h' : '6h');
  const id = encodeURIComponent(patientId);
  const patient = useApi<FhirResource>(`/fhir/Patient/${id}`);
  const conditionBundle = useApi<FhirBundle>(`/fhir/Condition?patient=${id}&_count=200`);
  const medicationBundle = useApi<FhirBundle>(`/fhir/MedicationRequest?patient=${id}&_count=200`);
  const summary = useApi<WardResponse>(`/twins?patient=${id}`);

  const setQuery = (next: { view?: string; range?: TimeRangeKey }) => {
    const q = new URLSearchParams({ view, range: range.key, ...next });
    navigate(`/patients/${id}?${q.toString()}`, { replace: true });
  };

  const demo = useMemo(() => (patient.data ? demographics(patient.data) : null), [patient.data]);
  const problems = useMemo(() => conditions(conditionBundle.data), [conditionBundle.data]);
  const medicines = useMemo(() => medications(medicationBundle.data), [medicationBundle.data]);
  const row = summary.data?.patients[0];
  const shown = displayedRisk(row?.news2 ?? null);
  const style = riskStyle(shown.risk);

  const age = demo ? ageYears(demo.birthDate, Date.now()) : null;
  // One page structure through loading and loaded states: the heading stays the same element, so
  // the focus the shell puts on it after navigation is not lost when the record arrives.
  return (
    <section className="page patient-page">
      <div className="page-head patient-head">
        <div>
          <h1>{demo?.name ?? 'Patient'}</h1>
          {demo && (
            <p className="muted">
              {[
                demo.gender,
                age !== null ? `${age} years` : null,
                demo.birthDate ? `born ${demo.birthDate}` : null,
                demo.deceased ? 'deceased' : null,
              ]
                .filter(Boolean)
                .join(' · ')}
              {' · '}
              <span className="small">id {demo.id}</span>
            </p>
          )}
        </div>
        {demo && (
          <div className="head-badges">
            {row?.news2 ? (
              <span className="risk-badge large" style={{ background: style.background, color: style.foreground }}>
                NEWS2 <strong>{shown.score ?? '–'}</strong> {style.label}
                {shown.partial ? ' (partial)' : ''}
              </span>
            ) : null}
            {row && row.alerts.open > 0 ? (
              <Link to="/alerts" className="alert-count sev-high">
                {row.alerts.open} open alert{row.alerts.open === 1 ? '' : 's'}
              </Link>
            ) : null}
            {canWhatIf ? (
              <Link to={`/patients/${id}/what-if`} className="button">
                What-if…
              </Link>
            ) : null}
          </div>
        )}
      </div>

      {patient.error ? (
        <ErrorState error={patient.error} retry={patient.reload} />
      ) : !demo ? (
        <Loading what="the patient record" />
      ) : (
        <div className="patient-layout">
          <aside className="record" aria-label="Record">
            <h2>Problems</h2>
            {conditionBundle.loading && !conditionBundle.data ? (
              <Loading what="conditions" />
            ) : conditionBundle.error ? (
              <ErrorState error={conditionBundle.error} />
            ) : problems.length === 0 ? (
              <p className="muted">None recorded.</p>
            ) : (
              <ul className="record-list">
                {problems.slice(0, 30).map((c) => (
                  <li key={c.id} className={c.active ? undefined : 'inactive'}>
                    {c.text}
                    <span className="muted small">
                      {' '}
                      {c.active ? 'active' : (c.status ?? '')}
                      {c.date ? ` · ${c.date.slice(0, 10)}` : ''}
                    </span>
                  </li>
                ))}
              </ul>
            )}
            <h2>Medicines</h2>
            {medicationBundle.loading && !medicationBundle.data ? (
              <Loading what="medicines" />
            ) : medicationBundle.error ? (
              <ErrorState error={medicationBundle.error} />
            ) : medicines.length === 0 ? (
              <p className="muted">None recorded.</p>
            ) : (
              <ul className="record-list">
                {medicines.slice(0, 30).map((m) => (
                  <li key={m.id} className={m.active ? undefined : 'inactive'}>
                    {m.text}
                    <span className="muted small">
                      {' '}
                      {m.status ?? ''}
                      {m.date ? ` · ${m.date.slice(0, 10)}` : ''}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </aside>

          <div className="streams">
            <div className="toolbar">
              <fieldset className="tabs">
                <legend className="visually-hidden">Data shown</legend>
                <button type="button" aria-pressed={view === 'vitals'} onClick={() => setQuery({ view: 'vitals' })}>
                  Vital signs
                </button>
                <button type="button" aria-pressed={view === 'glucose'} onClick={() => setQuery({ view: 'glucose' })}>
                  Glucose
                </button>
              </fieldset>
              <RangePicker value={range.key} onChange={(key) => setQuery({ range: key })} />
            </div>
            <div>
              {view === 'vitals' ? (
                <VitalsPanel patientId={patientId} rangeMs={range.ms} />
              ) : (
                <GlucosePanel patientId={patientId} rangeMs={range.ms} />
              )}
            </div>
          </div>
        </div>
      )}
    </section>
  );
}
