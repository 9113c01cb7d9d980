import { useCallback, useEffect, useId, useMemo, useState } from 'react';
import { ApiError, apiJson } from '../api/api-client.ts';
import type { AlertList, AlertView, FhirBundle } from '../api/api-types.ts';
import { useTwinEvents } from '../app/event-hub.tsx';
import { Link } from '../app/router.tsx';
import { humanName } from '../patient/patient-record.ts';
import { clockTime } from '../ui/format-time.ts';
import { Empty, ErrorState, Loading } from '../ui/status.tsx';
import { applyAlertChange, type StatusFilter, statusesOf } from './alert-list-state.ts';

/**
 * The alert inbox: alerts by status, newest first, live from /events; acknowledge and resolve with
 * an optional note (POST /alerts/{id}/acknowledge | resolve; the server records who, from the
 * token, and when); escalations and the peak severity are shown on each alert.
 */
const filters: { key: StatusFilter; label: string }[] = [
  { key: 'open', label: 'Open' },
  { key: 'acknowledged', label: 'Acknowledged' },
  { key: 'active', label: 'All active' },
  { key: 'resolved', label: 'Resolved' },
];

export function AlertsPage({ canAct, showPatientLinks }: { canAct: boolean; showPatientLinks: boolean }) {
  const [filter, setFilter] = useState<StatusFilter>('open');
  const [alerts, setAlerts] = useState<AlertView[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [names, setNames] = useState<ReadonlyMap<string, string>>(new Map());
  const [message, setMessage] = useState('');

  const load = useCallback(async () => {
    try {
      const list = await apiJson<AlertList>(`/alerts?status=${statusesOf(filter).join(',')}&_count=200`);
      setAlerts(list.alerts);
      setError(null);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, (e as Error).message));
    }
  }, [filter]);

  useEffect(() => {
    setAlerts(null);
    void load();
  }, [load]);

  useTwinEvents((event) => {
    const changed = event.type === 'alert' ? (event.data['alert'] as AlertView | undefined) : undefined;
    if (changed) setAlerts((list) => (list === null ? list : applyAlertChange(list, changed, filter)));
  });

  // Patient names for the alerts in view (one search for the ids not yet known).
  const missing = useMemo(() => [...new Set((alerts ?? []).map((a) => a.patientId))].filter((id) => !names.has(id)), [alerts, names]);
  useEffect(() => {
    if (missing.length === 0) return;
    apiJson<FhirBundle>(`/fhir/Patient?_id=${missing.slice(0, 100).map(encodeURIComponent).join(',')}&_count=100&_elements=name`).then(
      (b) => {
        setNames((prev) => {
          const next = new Map(prev);
          for (const id of missing) next.set(id, id);
          for (const e of b.entry ?? []) if (e.resource?.id) next.set(e.resource.id, humanName(e.resource as Record<string, unknown>));
          return next;
        });
      },
      () => setNames((prev) => new Map([...prev, ...missing.map((id) => [id, id] as const)])),
    );
  }, [missing]);

  const act = async (alert: AlertView, action: 'acknowledge' | 'resolve', note: string) => {
    try {
      const updated = await apiJson<AlertView>(`/alerts/${encodeURIComponent(alert.id)}/${action}`, {
        method: 'POST',
        body: note.trim() ? { note: note.trim() } : {},
      });
      setAlerts((list) => (list === null ? list : applyAlertChange(list, updated, filter)));
      setMessage(`${action === 'acknowledge' ? 'Acknowledged' : 'Resolved'}: ${alert.summary}`);
    } catch (e) {
      setMessage(`Could not ${action}: ${(e as Error).message}`);
      if (e instanceof ApiError && e.status === 409) void load();
    }
  };

  return (
    <section className="page alerts-page">
      <div className="page-head">
        <h1>Alerts</h1>
        <fieldset className="tabs">
          <legend className="visually-hidden">Alert status</legend>
          {filters.map((f) => (
            <button key={f.key} type="button" aria-pressed={filter === f.key} onClick={() => setFilter(f.key)}>
              {f.label}
            </button>
          ))}
        </fieldset>
      </div>
      <p className="visually-hidden" role="status" aria-live="polite">
        {message}
      </p>
      {message && (
        <p className="notice" aria-hidden="true">
          {message}
        </p>
      )}
      {error && <ErrorState error={error} retry={() => void load()} />}
      {alerts === null && !error ? (
        <Loading what="alerts" />
      ) : alerts && alerts.length === 0 ? (
        <Empty>No {filters.find((f) => f.key === filter)?.label.toLowerCase()} alerts.</Empty>
      ) : (
        <ul className="alert-list">
          {(alerts ?? []).map((a) => (
            <AlertItem
              key={a.id}
              alert={a}
              patientName={names.get(a.patientId) ?? a.patientId}
              canAct={canAct}
              showPatientLink={showPatientLinks}
              onAct={act}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

function AlertItem({
  alert: a,
  patientName,
  canAct,
  showPatientLink,
  onAct,
}: {
  alert: AlertView;
  patientName: string;
  canAct: boolean;
  showPatientLink: boolean;
  onAct: (a: AlertView, action: 'acknowledge' | 'resolve', note: string) => Promise<void>;
}) {
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const noteId = useId();
  const run = async (action: 'acknowledge' | 'resolve') => {
    setBusy(true);
    await onAct(a, action, note);
    setBusy(false);
  };
  return (
    <li className={`alert-item sev-border-${a.severity}`} aria-labelledby={`${noteId}-title`}>
      <div className="alert-main">
        <span className={`sev-badge sev-${a.severity}`}>{a.severity}</span>
        <div>
          <p className="alert-title" id={`${noteId}-title`}>
            {a.summary}
          </p>
          <p className="muted small">
            {showPatientLink ? <Link to={`/patients/${encodeURIComponent(a.patientId)}`}>{patientName}</Link> : patientName} · {a.kind} ·
            opened {clockTime(a.openedAt)} · last fired {clockTime(a.lastFiredAt)}
            {a.occurrences > 1 ? ` · ${a.occurrences} times` : ''}
          </p>
          {a.escalations > 0 && (
            <p className="escalated">
              Escalated {a.escalations}× — peak severity {a.peakSeverity}
            </p>
          )}
          <p className="small">
            <span className={`status status-${a.status}`}>{a.status}</span>
            {a.acknowledgedAt && (
              <span>
                {' '}
                · acknowledged by <strong>{a.acknowledgedBy}</strong> at {clockTime(a.acknowledgedAt)}
                {a.acknowledgeNote ? ` (“${a.acknowledgeNote}”)` : ''}
              </span>
            )}
            {a.resolvedAt && (
              <span>
                {' '}
                · resolved by <strong>{a.resolvedBy}</strong> at {clockTime(a.resolvedAt)}
                {a.resolution ? ` (${a.resolution})` : ''}
                {a.resolveNote ? ` (“${a.resolveNote}”)` : ''}
              </span>
            )}
          </p>
        </div>
      </div>
      {canAct && a.status !== 'resolved' && (
        <div className="alert-actions">
          <label htmlFor={noteId} className="visually-hidden">
            Note for {a.summary}
          </label>
          <input id={noteId} placeholder="Note (optional)" value={note} maxLength={2000} onChange={(e) => setNote(e.target.value)} />
          {a.status === 'open' && (
            <button type="button" disabled={busy} onClick={() => void run('acknowledge')}>
              Acknowledge
            </button>
          )}
          <button type="button" className="primary" disabled={busy} onClick={() => void run('resolve')}>
            Resolve
          </button>
        </div>
      )}
    </li>
  );
}
