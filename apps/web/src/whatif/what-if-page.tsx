import { useId, useMemo, useState } from 'react';
import type uPlot from 'uplot';
import { ApiError, apiJson } from '../api/api-client.ts';
import type { FhirResource, SimulateResult, WhatIfOutcome } from '../api/api-types.ts';
import { Link } from '../app/router.tsx';
import { timeAxisValues, valueBandsPlugin } from '../charts/chart-plugins.ts';
import { UPlotChart } from '../charts/uplot-chart.tsx';
import { humanName } from '../patient/patient-record.ts';
import { clockTime } from '../ui/format-time.ts';
import { ErrorState } from '../ui/status.tsx';
import { useApi } from '../ui/use-api.ts';
import {
  describeIntervention,
  type Intervention,
  type InterventionKind,
  interventionLimits,
  type OptionDraft,
  optionLabel,
  presetDrafts,
  toSimulateOptions,
} from './what-if-options.ts';

/**
 * What-if: compose treatment options (bolus, meal, basal change), run them on the patient's glucose
 * twin (POST /twins/{id}/simulate: the same seeded ensemble for every option, so differences come
 * from the options, not chance), and compare the options side by side — plasma-glucose bands on
 * one y-scale and the hypo/hyper risks in a table.
 */
const horizons = [120, 240, 360, 480];
const maxOptions = 4;

export function WhatIfPage({ patientId }: { patientId: string }) {
  const id = encodeURIComponent(patientId);
  const patient = useApi<FhirResource>(`/fhir/Patient/${id}`);
  const [drafts, setDrafts] = useState<OptionDraft[]>([presetDrafts[0] as OptionDraft, presetDrafts[1] as OptionDraft]);
  const [horizonMin, setHorizonMin] = useState(240);
  const [result, setResult] = useState<SimulateResult | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const horizonId = useId();
  const { options, problems } = useMemo(() => toSimulateOptions(drafts, horizonMin), [drafts, horizonMin]);

  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      setResult(
        await apiJson<SimulateResult>(`/twins/${id}/simulate`, {
          method: 'POST',
          body: { options, horizonMin, members: 100, seed: 1, includeBaseline: true },
        }),
      );
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, (e as Error).message));
    } finally {
      setBusy(false);
    }
  };

  const update = (index: number, draft: OptionDraft) => setDrafts(drafts.map((d, i) => (i === index ? draft : d)));
  return (
    <section className="page whatif-page">
      <div className="page-head">
        <div>
          <h1>What-if{patient.data ? `: ${humanName(patient.data)}` : ''}</h1>
          <p className="muted">
            Simulate treatment options on this patient’s glucose twin.{' '}
            <Link to={`/patients/${id}?view=glucose`}>Back to the glucose view</Link>
          </p>
        </div>
      </div>
      <form
        className="whatif-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (problems.length === 0) void run();
        }}
      >
        <div className="options-grid">
          {drafts.map((draft, i) => (
            <OptionEditor
              // biome-ignore lint/suspicious/noArrayIndexKey: options are edited in place, by position.
              key={i}
              index={i}
              draft={draft}
              horizonMin={horizonMin}
              onChange={(d) => update(i, d)}
              onRemove={drafts.length > 1 ? () => setDrafts(drafts.filter((_, k) => k !== i)) : undefined}
            />
          ))}
        </div>
        <div className="form-row">
          {drafts.length < maxOptions && (
            <button type="button" onClick={() => setDrafts([...drafts, presetDrafts[drafts.length % presetDrafts.length] as OptionDraft])}>
              Add option
            </button>
          )}
          <div className="field inline">
            <label htmlFor={horizonId}>Horizon</label>
            <select id={horizonId} value={horizonMin} onChange={(e) => setHorizonMin(Number(e.target.value))}>
              {horizons.map((h) => (
                <option key={h} value={h}>
                  {h / 60} h
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="primary" disabled={busy || problems.length > 0}>
            {busy ? 'Simulating…' : 'Run simulation'}
          </button>
          <span className="muted small">A “no change” option is added for comparison. 100 ensemble members, seed 1.</span>
        </div>
        {problems.length > 0 && (
          <ul className="form-error" role="alert">
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        )}
      </form>
      <div aria-live="polite" aria-busy={busy}>
        {error && <ErrorState error={error} retry={() => void run()} />}
        {result && <WhatIfResults result={result} />}
      </div>
    </section>
  );
}

function OptionEditor({
  index,
  draft,
  horizonMin,
  onChange,
  onRemove,
}: {
  index: number;
  draft: OptionDraft;
  horizonMin: number;
  onChange: (d: OptionDraft) => void;
  onRemove: (() => void) | undefined;
}) {
  const base = useId();
  const setIntervention = (k: number, next: Intervention) =>
    onChange({ ...draft, interventions: draft.interventions.map((x, j) => (j === k ? next : x)) });
  const add = (kind: InterventionKind) =>
    onChange({
      ...draft,
      interventions: [
        ...draft.interventions,
        { kind, amount: kind === 'bolus' ? 2 : kind === 'meal' ? 45 : 0.5, inMin: 0, durationMin: 60 },
      ],
    });
  return (
    <fieldset className="card option-card">
      <legend>Option {index + 1}</legend>
      <div className="field">
        <label htmlFor={`${base}-label`}>Label</label>
        <input
          id={`${base}-label`}
          value={draft.label}
          placeholder={optionLabel({ ...draft, label: '' })}
          maxLength={80}
          onChange={(e) => onChange({ ...draft, label: e.target.value })}
        />
      </div>
      {draft.interventions.length === 0 && <p className="muted small">No events: the logged treatments only.</p>}
      {draft.interventions.map((iv, k) => {
        const limits = interventionLimits[iv.kind];
        const fid = `${base}-${k}`;
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: events are edited in place, by position.
          <fieldset className="intervention" key={k}>
            <legend className="visually-hidden">{describeIntervention(iv)}</legend>
            <span className={`tag tag-${iv.kind}`}>{iv.kind}</span>
            <label htmlFor={`${fid}-amount`} className="visually-hidden">
              Amount ({limits.unit})
            </label>
            <input
              id={`${fid}-amount`}
              type="number"
              min={limits.min}
              max={limits.max}
              step={limits.step}
              value={iv.amount}
              onChange={(e) => setIntervention(k, { ...iv, amount: Number(e.target.value) })}
            />
            <span aria-hidden="true">{limits.unit}</span>
            <label htmlFor={`${fid}-at`}>at +</label>
            <input
              id={`${fid}-at`}
              type="number"
              min={0}
              max={horizonMin - 1}
              step={1}
              value={iv.inMin}
              onChange={(e) => setIntervention(k, { ...iv, inMin: Number(e.target.value) })}
            />
            <span>min</span>
            {iv.kind === 'basal' && (
              <>
                <label htmlFor={`${fid}-for`}>for</label>
                <input
                  id={`${fid}-for`}
                  type="number"
                  min={5}
                  max={horizonMin}
                  step={1}
                  value={iv.durationMin}
                  onChange={(e) => setIntervention(k, { ...iv, durationMin: Number(e.target.value) })}
                />
                <span>min</span>
              </>
            )}
            <button
              type="button"
              className="icon-button"
              aria-label={`Remove ${describeIntervention(iv)}`}
              onClick={() => onChange({ ...draft, interventions: draft.interventions.filter((_, j) => j !== k) })}
            >
              ×
            </button>
          </fieldset>
        );
      })}
      <div className="add-row">
        <span className="muted small">Add:</span>
        <button type="button" onClick={() => add('bolus')}>
          Bolus
        </button>
        <button type="button" onClick={() => add('meal')}>
          Meal
        </button>
        <button type="button" onClick={() => add('basal')}>
          Basal change
        </button>
        {onRemove && (
          <button type="button" className="link-button danger" onClick={onRemove}>
            Remove option
          </button>
        )}
      </div>
    </fieldset>
  );
}

const pct = (p: number) => `${Math.round(p * 100)} %`;

function WhatIfResults({ result }: { result: SimulateResult }) {
  const yRange = useMemo<[number, number]>(
    () => [Math.min(40, ...result.outcomes.flatMap((o) => o.bands.p5)), Math.max(300, ...result.outcomes.flatMap((o) => o.bands.p95))],
    [result],
  );
  return (
    <div className="whatif-results">
      <h2>Results from {clockTime(result.origin.time)}</h2>
      <p className="muted small">
        Starting at {Math.round(result.origin.lastReadingMgDl)} mg/dL (last CGM reading), {result.horizonMin / 60} h ahead. Shaded: 25–75 %
        (dark) and 5–95 % (light) of plasma-glucose trajectories; green band 70–180 mg/dL.
      </p>
      <div className="whatif-charts">
        {result.outcomes.map((o) => (
          <OutcomeChart key={o.label} outcome={o} originMs={Date.parse(result.origin.time)} yRange={yRange} />
        ))}
      </div>
      <div className="table-scroll">
        <table className="risk-table">
          <caption>Hypo- and hyperglycaemia risk over the horizon (share of ensemble members; expected minutes)</caption>
          <thead>
            <tr>
              <th scope="col">Option</th>
              <th scope="col">P(&lt;70)</th>
              <th scope="col">P(&lt;54)</th>
              <th scope="col">P(&gt;180)</th>
              <th scope="col">P(&gt;250)</th>
              <th scope="col">min &lt;70</th>
              <th scope="col">min &gt;180</th>
              <th scope="col">Nadir</th>
              <th scope="col">Peak</th>
            </tr>
          </thead>
          <tbody>
            {result.outcomes.map((o) => (
              <tr key={o.label}>
                <th scope="row">{o.label}</th>
                <td className={o.risk.pBelow70 >= 0.2 ? 'risk-bad' : undefined}>{pct(o.risk.pBelow70)}</td>
                <td className={o.risk.pBelow54 >= 0.05 ? 'risk-bad' : undefined}>{pct(o.risk.pBelow54)}</td>
                <td className={o.risk.pAbove180 >= 0.5 ? 'risk-warn' : undefined}>{pct(o.risk.pAbove180)}</td>
                <td className={o.risk.pAbove250 >= 0.2 ? 'risk-warn' : undefined}>{pct(o.risk.pAbove250)}</td>
                <td>{Math.round(o.risk.minutesBelow70)}</td>
                <td>{Math.round(o.risk.minutesAbove180)}</td>
                <td>{Math.round(o.risk.medianNadirMgDl)} mg/dL</td>
                <td>{Math.round(o.risk.medianPeakMgDl)} mg/dL</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function OutcomeChart({ outcome, originMs, yRange }: { outcome: WhatIfOutcome; originMs: number; yRange: [number, number] }) {
  const data = useMemo<uPlot.AlignedData>(() => {
    const b = outcome.bands;
    return [b.timesMin.map((m) => originMs / 1000 + m * 60), b.p5, b.p25, b.p50, b.p75, b.p95];
  }, [outcome, originMs]);
  const options = useMemo<Omit<uPlot.Options, 'width' | 'height'>>(
    () => ({
      cursor: { sync: { key: 'whatif' } },
      scales: { x: { time: true }, y: { range: () => yRange } },
      axes: [
        { stroke: '#33404d', grid: { stroke: '#e3e8ee' }, values: timeAxisValues },
        { stroke: '#33404d', grid: { stroke: '#e3e8ee' }, size: 40 },
      ],
      series: [
        {},
        { label: '5 %', stroke: 'transparent' },
        { label: '25 %', stroke: 'transparent' },
        { label: 'Median', stroke: '#6a3d9a', width: 2.5, value: (_u, v) => (v === null ? '—' : `${Math.round(v)} mg/dL`) },
        { label: '75 %', stroke: 'transparent' },
        { label: '95 %', stroke: 'transparent' },
      ],
      bands: [
        { series: [5, 1], fill: 'rgba(106, 61, 154, 0.14)' },
        { series: [4, 2], fill: 'rgba(106, 61, 154, 0.30)' },
      ],
      legend: { show: false },
      plugins: [
        valueBandsPlugin([
          { from: 70, to: 180, colour: 'rgba(46, 160, 67, 0.10)' },
          { from: 0, to: 54, colour: 'rgba(200, 16, 46, 0.10)' },
        ]),
      ],
    }),
    [yRange],
  );
  const end = outcome.bands.p50.at(-1) ?? Number.NaN;
  return (
    <div className="chart-card">
      <h3>{outcome.label}</h3>
      <UPlotChart
        options={options}
        data={data}
        height={180}
        label={`Simulated glucose for ${outcome.label}`}
        summary={
          <span className="small muted">
            Median ends at {Math.round(end)} mg/dL; nadir {Math.round(outcome.risk.medianNadirMgDl)}, peak{' '}
            {Math.round(outcome.risk.medianPeakMgDl)}; P(&lt;70) {pct(outcome.risk.pBelow70)}.
          </span>
        }
      />
    </div>
  );
}
