import { useEffect, useMemo, useState } from 'react';
import { ApiError, apiJson, apiResponse } from '../api/api-client.ts';
import type { TrialStatus, TrialSummary } from '../api/api-types.ts';
import { openEventStream } from '../api/event-stream.ts';
import { Link } from '../app/router.tsx';
import { clockTime } from '../ui/format-time.ts';
import { ErrorState, Loading } from '../ui/status.tsx';
import { ForestPlot } from './forest-plot.tsx';
import { comparisonRows, endpointRows } from './trial-view.ts';

/**
 * One trial: its state and live progress (GET /trials/{id}/events: status, then progress and state
 * events until it ends), a cancel button while it is queued or running (DELETE /trials/{id}), then
 * the results: comparisons with 95 % CIs (table and forest plot), each
 * arm's endpoints, and the full HTML report (GET /trials/{id}/report) in a sandboxed frame with
 * scripts disabled.
 */
export function TrialPage({ trialId }: { trialId: string }) {
  const id = encodeURIComponent(trialId);
  const [status, setStatus] = useState<TrialStatus | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [summary, setSummary] = useState<TrialSummary | null>(null);
  const [report, setReport] = useState<string | null>(null);

  useEffect(() => {
    setStatus(null);
    setSummary(null);
    setReport(null);
    apiJson<TrialStatus>(`/trials/${id}`).then(setStatus, (e: unknown) => setError(e instanceof ApiError ? e : new ApiError(0, String(e))));
    return openEventStream(`/trials/${id}/events`, {
      onMessage: (m) => {
        try {
          setStatus(JSON.parse(m.data) as TrialStatus);
        } catch {
          // A malformed frame changes nothing.
        }
      },
    });
  }, [id]);

  const succeeded = status?.state === 'succeeded';
  useEffect(() => {
    if (!succeeded) return;
    apiJson<TrialSummary>(`/trials/${id}/summary`).then(setSummary, (e: unknown) =>
      setError(e instanceof ApiError ? e : new ApiError(0, String(e))),
    );
    apiResponse(`/trials/${id}/report`, { accept: 'text/html' })
      .then((r) => r.text())
      .then(setReport, () => setReport(null));
  }, [id, succeeded]);

  const endpoints = useMemo(() => (summary ? endpointRows(summary) : []), [summary]);
  const comparisons = useMemo(() => (summary ? comparisonRows(summary) : []), [summary]);

  const p = status?.progress ?? null;
  const done = p ? p.patientDaysDone : 0;
  const total = p ? p.patientDaysTotal : 0;
  const percent = total > 0 ? Math.round((100 * done) / total) : status?.state === 'succeeded' ? 100 : 0;
  // The heading stays one element while the trial loads (focus after navigation lands on it).
  return (
    <section className="page trial-page">
      <div className="page-head">
        <div>
          <h1>Trial {status?.name ?? ''}</h1>
          <p className="muted">
            <Link to="/trials">All trials</Link> · id {trialId}
            {status ? ` · created ${clockTime(status.createdAt)}` : ''}
          </p>
        </div>
        {status && (
          <div className="page-actions">
            <span className={`state-badge state-${status.state}`}>{status.state}</span>
            {(status.state === 'queued' || status.state === 'running') && (
              <button
                type="button"
                onClick={() => {
                  // The event stream delivers the new state; a failure shows as the page error.
                  apiJson<TrialStatus>(`/trials/${id}`, { method: 'DELETE' }).then(setStatus, (e: unknown) =>
                    setError(e instanceof ApiError ? e : new ApiError(0, String(e))),
                  );
                }}
              >
                Cancel trial
              </button>
            )}
          </div>
        )}
      </div>
      {!status ? (
        error ? (
          <ErrorState error={error} />
        ) : (
          <Loading what="the trial" />
        )
      ) : (
        <div className="card">
          <div className="progress-row">
            <progress id="trial-progress" max={100} value={percent} aria-label="Trial progress" />
            <span aria-live="polite">
              {percent} %
              {p ? ` · ${p.patientsDone}/${p.patientsTotal} patients · ${p.patientDaysDone}/${p.patientDaysTotal} patient-days` : ''}
              {p?.etaMs && status.state === 'running' ? ` · about ${Math.ceil(p.etaMs / 1000)} s left` : ''}
              {p?.phase === 'aggregating' ? ' · aggregating' : ''}
            </span>
          </div>
          {status.error && (
            <div className="form-error" role="alert">
              <p>{status.error.message}</p>
              <ul>
                {status.error.problems.map((x) => (
                  <li key={`${x.expression ?? ''}${x.message}`}>
                    {x.expression ? <code>{x.expression}</code> : null} {x.message}
                  </li>
                ))}
              </ul>
            </div>
          )}
        </div>
      )}
      {succeeded && !summary && <Loading what="results" />}
      {summary && (
        <>
          <section className="card" aria-labelledby="cmp-h">
            <h2 id="cmp-h">Comparisons</h2>
            <p className="muted small">
              {summary.patients} patients, {summary.patientDays} patient-days, {summary.protocol.design} design. Differences with 95 %
              confidence intervals.
            </p>
            <ForestPlot rows={comparisons} />
            <div className="table-scroll">
              <table className="data-table">
                <caption className="visually-hidden">Comparisons between arms</caption>
                <thead>
                  <tr>
                    <th scope="col">Endpoint</th>
                    <th scope="col">Arms</th>
                    <th scope="col">Difference</th>
                    <th scope="col">95 % CI</th>
                    <th scope="col">p</th>
                    <th scope="col">Test</th>
                  </tr>
                </thead>
                <tbody>
                  {comparisons.map((c) => (
                    <tr key={`${c.endpoint}:${c.arms}`} className={c.significant ? 'significant' : undefined}>
                      <th scope="row">{c.label}</th>
                      <td>{c.arms}</td>
                      <td>{c.diff}</td>
                      <td>{c.ci}</td>
                      <td>
                        {c.p}
                        {c.significant ? <span className="small"> (significant)</span> : null}
                      </td>
                      <td className="small muted">{c.test}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
          <section className="card" aria-labelledby="ep-h">
            <h2 id="ep-h">Endpoints by arm</h2>
            <div className="table-scroll">
              <table className="data-table">
                <caption className="visually-hidden">Endpoint means with 95 % confidence intervals, per arm</caption>
                <thead>
                  <tr>
                    <th scope="col">Endpoint</th>
                    {summary.arms.map((a) => (
                      <th scope="col" key={a.name}>
                        {a.name} (n = {a.n})
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {endpoints.map((e) => (
                    <tr key={e.endpoint}>
                      <th scope="row">
                        {e.label} <span className="muted small">{e.unit}</span>
                      </th>
                      {e.arms.map((a) => (
                        <td key={a.arm}>
                          {a.mean} <span className="muted small">({a.ci})</span>
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
          {report && (
            <section className="card" aria-labelledby="rep-h">
              <h2 id="rep-h">Full report</h2>
              <iframe title="Trial report" className="report-frame" sandbox="" srcDoc={report} />
            </section>
          )}
        </>
      )}
    </section>
  );
}
