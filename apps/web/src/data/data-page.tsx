import { type ChangeEvent, useCallback, useEffect, useId, useState } from 'react';
import { ApiError, apiJson, apiResponse } from '../api/api-client.ts';
import type { DeadLetter, FhirBundle } from '../api/api-types.ts';
import { clockTime } from '../ui/format-time.ts';
import { Empty, ErrorState, Loading } from '../ui/status.tsx';
import { useApi } from '../ui/use-api.ts';
import { type MetricSample, parsePrometheus } from './prometheus-text.ts';

/**
 * Data: what is stored (record counts), device ingest counters (GET /metrics), FHIR bundle import
 * (POST /fhir, transaction or batch), and the dead letters — every device message or sample that
 * was not stored, with the reason and the payload as received (GET /ingest/dead-letters).
 */
const counted = ['Patient', 'Device', 'Condition', 'MedicationRequest', 'Observation'];

export function DataPage() {
  return (
    <section className="page data-page">
      <div className="page-head">
        <h1>Data</h1>
      </div>
      <div className="data-layout">
        <RecordCounts />
        <IngestCounters />
        <BundleImport />
      </div>
      <DeadLetters />
    </section>
  );
}

function RecordCounts() {
  const [counts, setCounts] = useState<Record<string, number | null> | null>(null);
  useEffect(() => {
    Promise.all(
      counted.map((type) =>
        apiJson<FhirBundle>(`/fhir/${type}?_summary=count`).then(
          (b) => [type, b.total ?? null] as const,
          () => [type, null] as const,
        ),
      ),
    ).then((pairs) => setCounts(Object.fromEntries(pairs)));
  }, []);
  return (
    <section className="card" aria-labelledby="counts-h">
      <h2 id="counts-h">Stored records</h2>
      {counts === null ? (
        <Loading what="counts" />
      ) : (
        <table className="metrics-table">
          <tbody>
            {counted.map((t) => (
              <tr key={t}>
                <th scope="row">{t}</th>
                <td>{counts[t] ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="muted small">Observation counts stored resources; device readings are kept in the time-series table.</p>
    </section>
  );
}

function IngestCounters() {
  const [samples, setSamples] = useState<MetricSample[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    apiResponse('/metrics', { accept: 'text/plain' })
      .then((r) => r.text())
      .then(
        (t) =>
          setSamples(
            parsePrometheus(t).filter(
              // Counters that are zero for a reason say nothing: only the dead-letter reasons that occurred are listed.
              (s) =>
                s.name.startsWith('vitaltwin_ingest_') &&
                !s.name.includes('duration') &&
                !(s.name === 'vitaltwin_ingest_dead_letters_total' && s.value === 0),
            ),
          ),
        (e: unknown) => setError(e instanceof ApiError ? e : new ApiError(0, String(e))),
      );
  }, []);
  return (
    <section className="card" aria-labelledby="ingest-h">
      <h2 id="ingest-h">Device ingest since start</h2>
      {error ? (
        <ErrorState error={error} />
      ) : samples === null ? (
        <Loading what="ingest counters" />
      ) : samples.length === 0 ? (
        <Empty>No ingest yet.</Empty>
      ) : (
        <table className="metrics-table">
          <tbody>
            {samples.map((s) => {
              const labels = Object.entries(s.labels)
                .map(([k, v]) => `${k}=${v}`)
                .join(', ');
              return (
                <tr key={`${s.name}{${labels}}`}>
                  <th scope="row">
                    {s.name.replace('vitaltwin_ingest_', '').replace(/_/g, ' ')}
                    {labels ? <span className="muted small"> {labels}</span> : null}
                  </th>
                  <td>{s.value}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

function BundleImport() {
  const fileId = useId();
  const [result, setResult] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | Error | null>(null);
  const [busy, setBusy] = useState(false);
  const upload = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    if (!file) return;
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const text = await file.text();
      const response = await apiJson<FhirBundle>('/fhir', { method: 'POST', body: text, contentType: 'application/fhir+json' });
      const statuses = new Map<string, number>();
      for (const entry of (response as { entry?: { response?: { status?: string } }[] }).entry ?? []) {
        const s = entry.response?.status ?? 'unknown';
        statuses.set(s, (statuses.get(s) ?? 0) + 1);
      }
      setResult(`${file.name}: ${[...statuses].map(([s, n]) => `${n} × ${s}`).join(', ') || 'no entries'}`);
    } catch (err) {
      setError(err instanceof Error ? err : new Error(String(err)));
    } finally {
      setBusy(false);
      e.target.value = '';
    }
  };
  return (
    <section className="card" aria-labelledby="import-h">
      <h2 id="import-h">Import a FHIR bundle</h2>
      <label htmlFor={fileId}>Transaction or batch Bundle (.json)</label>
      <input
        id={fileId}
        type="file"
        accept=".json,application/json,application/fhir+json"
        disabled={busy}
        onChange={(e) => void upload(e)}
      />
      <div aria-live="polite">
        {busy && <Loading what="the bundle" />}
        {result && <p className="notice">{result}</p>}
        {error && <ErrorState error={error} />}
      </div>
    </section>
  );
}

function DeadLetters() {
  const [reason, setReason] = useState('');
  const [letters, setLetters] = useState<DeadLetter[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const summary = useApi<{ byReason: Record<string, number> }>('/ingest/dead-letters/summary');
  const reasonId = useId();

  const load = useCallback(async (path: string, append: boolean) => {
    try {
      const page = await apiJson<{ deadLetters: DeadLetter[]; next?: string }>(path);
      setLetters((prev) => (append && prev ? [...prev, ...page.deadLetters] : page.deadLetters));
      setNext(page.next ?? null);
      setError(null);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, String(e)));
    }
  }, []);

  useEffect(() => {
    setLetters(null);
    void load(`/ingest/dead-letters?limit=50${reason ? `&reason=${encodeURIComponent(reason)}` : ''}`, false);
  }, [reason, load]);

  const byReason = summary.data?.byReason ?? {};
  return (
    <section className="card dead-letters" aria-labelledby="dl-h">
      <h2 id="dl-h">Dead letters</h2>
      <p className="muted small">Device messages and samples that were not stored, newest first, with why.</p>
      <div className="form-row">
        <div className="field">
          <label htmlFor={reasonId}>Reason</label>
          <select id={reasonId} value={reason} onChange={(e) => setReason(e.target.value)}>
            <option value="">All reasons</option>
            {Object.entries(byReason)
              .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
              .map(([r, n]) => (
                <option key={r} value={r}>
                  {r} ({n})
                </option>
              ))}
          </select>
        </div>
      </div>
      {error && <ErrorState error={error} retry={() => setReason(reason)} />}
      {letters === null && !error ? (
        <Loading what="dead letters" />
      ) : letters && letters.length === 0 ? (
        <Empty>No dead letters: every device message was stored.</Empty>
      ) : (
        <div className="table-scroll">
          <table className="data-table">
            <caption className="visually-hidden">Dead letters</caption>
            <thead>
              <tr>
                <th scope="col">Received</th>
                <th scope="col">Reason</th>
                <th scope="col">Device</th>
                <th scope="col">Via</th>
                <th scope="col">Detail</th>
                <th scope="col">Payload</th>
              </tr>
            </thead>
            <tbody>
              {(letters ?? []).map((l) => (
                <tr key={l.id}>
                  <td className="nowrap">{clockTime(l.receivedAt)}</td>
                  <td>
                    <span className="tag">{l.reason}</span>
                  </td>
                  <td>{l.deviceId ?? '—'}</td>
                  <td className="small">
                    {l.transport}
                    {l.topic ? <div className="muted">{l.topic}</div> : null}
                  </td>
                  <td className="small">
                    {l.detail ?? ''}
                    {l.sample !== null ? <span className="muted"> (sample {l.sample})</span> : null}
                  </td>
                  <td>
                    <details>
                      <summary>{l.payload.length > 40 ? `${l.payload.slice(0, 40)}…` : l.payload}</summary>
                      <pre className="payload">{l.payload}</pre>
                    </details>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {next && (
        <button type="button" onClick={() => void load(next, true)}>
          Load older
        </button>
      )}
    </section>
  );
}
