import { useCallback, useEffect, useId, useMemo, useReducer, useRef, useState } from 'react';
import { ApiError, apiJson } from '../api/api-client.ts';
import type { AlertList, News2ClinicalRisk, WardResponse } from '../api/api-types.ts';
import { useTwinEvents } from '../app/event-hub.tsx';
import { Empty, ErrorState, Loading } from '../ui/status.tsx';
import { riskStyle } from './news2-risk.ts';
import { initialWardState, wardReducer } from './ward-state.ts';
import { WardTable } from './ward-table.tsx';
import { defaultWardFilter, type WardFilter, wardRows } from './ward-view.ts';

/**
 * The ward: every monitored patient with latest vitals, NEWS2 and its risk, glucose with trend,
 * and alerts, sickest first, kept live from /events. Score events mark a patient for a refresh of
 * their row (batched: one GET /twins?patient=... every 2 s for all marked patients), alert events
 * update the counts at once, and a full refresh runs every minute as a safety net.
 */
const refreshBatchMs = 2000;
const fullRefreshMs = 60_000;

export function WardPage() {
  const [state, dispatch] = useReducer(wardReducer, initialWardState);
  const [error, setError] = useState<ApiError | null>(null);
  const [filter, setFilter] = useState<WardFilter>(defaultWardFilter);
  const [nowMs, setNowMs] = useState(() => Date.now());
  const pending = useRef(new Set<string>());
  const ids = { search: useId(), risk: useId(), alerts: useId(), all: useId() };

  const loadAll = useCallback(async () => {
    try {
      const [ward, alerts] = await Promise.all([
        apiJson<WardResponse>('/twins'),
        apiJson<AlertList>('/alerts?status=open,acknowledged&_count=500'),
      ]);
      dispatch({ type: 'loaded', patients: ward.patients, atMs: Date.parse(ward.generatedAt) });
      dispatch({ type: 'alerts-loaded', alerts: alerts.alerts });
      setError(null);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, (e as Error).message));
    }
  }, []);

  useEffect(() => {
    void loadAll();
    const full = setInterval(() => void loadAll(), fullRefreshMs);
    const clock = setInterval(() => setNowMs(Date.now()), 15_000);
    const batch = setInterval(() => {
      if (pending.current.size === 0) return;
      const patients = [...pending.current].slice(0, 100);
      for (const p of patients) pending.current.delete(p);
      apiJson<WardResponse>(`/twins?patient=${patients.map(encodeURIComponent).join(',')}`).then(
        (ward) => dispatch({ type: 'patients-updated', patients: ward.patients }),
        () => undefined,
      );
    }, refreshBatchMs);
    return () => {
      clearInterval(full);
      clearInterval(clock);
      clearInterval(batch);
    };
  }, [loadAll]);

  useTwinEvents((event) => {
    dispatch({ type: 'event', event });
    if ((event.type === 'score' || event.type === 'reading') && event.patientId !== undefined) pending.current.add(event.patientId);
  });

  const rows = useMemo(() => wardRows(state.rows, state.alerts, filter), [state.rows, state.alerts, filter]);
  const counts = useMemo(() => {
    const byRisk = new Map<string, number>();
    for (const r of rows) byRisk.set(r.risk ?? 'none', (byRisk.get(r.risk ?? 'none') ?? 0) + 1);
    return byRisk;
  }, [rows]);

  return (
    <section className="page ward-page">
      <div className="page-head">
        <h1>Ward</h1>
        <p className="muted" aria-live="polite">
          {state.loadedAtMs === null
            ? ''
            : `${rows.length} of ${state.rows.size} patients shown · ${(['high', 'medium', 'low-medium'] as const)
                .map((r) => `${counts.get(r) ?? 0} ${riskStyle(r).label.toLowerCase()}`)
                .join(' · ')}`}
        </p>
      </div>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter patients">
        <div className="field">
          <label htmlFor={ids.search}>Search</label>
          <input
            id={ids.search}
            type="search"
            placeholder="Name or id"
            value={filter.search}
            onChange={(e) => setFilter({ ...filter, search: e.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor={ids.risk}>NEWS2 risk at least</label>
          <select
            id={ids.risk}
            value={filter.minRisk}
            onChange={(e) => setFilter({ ...filter, minRisk: e.target.value as News2ClinicalRisk | 'all' })}
          >
            <option value="all">Any</option>
            <option value="low-medium">Low–medium</option>
            <option value="medium">Medium</option>
            <option value="high">High</option>
          </select>
        </div>
        <div className="field check">
          <input
            id={ids.alerts}
            type="checkbox"
            checked={filter.openAlertsOnly}
            onChange={(e) => setFilter({ ...filter, openAlertsOnly: e.target.checked })}
          />
          <label htmlFor={ids.alerts}>Open alerts only</label>
        </div>
        <div className="field check">
          <input
            id={ids.all}
            type="checkbox"
            checked={filter.includeUnmonitored}
            onChange={(e) => setFilter({ ...filter, includeUnmonitored: e.target.checked })}
          />
          <label htmlFor={ids.all}>Include patients without readings</label>
        </div>
      </form>
      {state.lastAnnouncement && <p className="latest-alert">{state.lastAnnouncement.text}</p>}
      {error && <ErrorState error={error} retry={() => void loadAll()} />}
      {state.loadedAtMs === null && !error ? (
        <Loading what="the ward" />
      ) : rows.length === 0 && !error ? (
        <Empty>
          {state.rows.size === 0
            ? 'No patients yet. Import FHIR records (POST /fhir) and bind devices, or start the server with --demo.'
            : 'No patient matches these filters.'}
        </Empty>
      ) : (
        <WardTable rows={rows} nowMs={nowMs} />
      )}
    </section>
  );
}
