import type { AlertView, TwinEvent, WardNews2, WardPatient } from '../api/api-types.ts';

/**
 * The ward page's state and its reducer: the ward summary (GET /twins) kept current by `/events`.
 * Pure (no I/O, no clock): the page feeds it server responses and stream events.
 *
 * - `score` events replace the patient's NEWS2 (the monitor's result, data.news2);
 * - `alert` events upsert the alert (data.alert) while it is open or acknowledged and drop it once
 *   resolved; alert counts per patient are derived from the alerts held;
 * - `reading` events (data `{code, value, unit}` or `{readings: [...]}`) replace the latest vital
 *   and append CGM readings (LOINC 99504-3), keeping the last hour.
 * Rows change identity only when their patient changes, so memoised table rows skip the rest.
 */
export const cgmCode = '99504-3';
const glucoseKeepMs = 3_600_000;

export interface WardState {
  readonly rows: ReadonlyMap<string, WardPatient>;
  /** Open and acknowledged alerts by id; null until the alert list has loaded. */
  readonly alerts: ReadonlyMap<string, AlertView> | null;
  readonly loadedAtMs: number | null;
  /** The newest alert opened or escalated since load, for the live announcement. */
  readonly lastAnnouncement: { readonly id: number; readonly text: string } | null;
}

export type WardAction =
  | { readonly type: 'loaded'; readonly patients: readonly WardPatient[]; readonly atMs: number }
  | { readonly type: 'patients-updated'; readonly patients: readonly WardPatient[] }
  | { readonly type: 'alerts-loaded'; readonly alerts: readonly AlertView[] }
  | { readonly type: 'alert-changed'; readonly alert: AlertView }
  | { readonly type: 'event'; readonly event: TwinEvent };

export const initialWardState: WardState = { rows: new Map(), alerts: null, loadedAtMs: null, lastAnnouncement: null };

export function wardReducer(state: WardState, action: WardAction): WardState {
  switch (action.type) {
    case 'loaded':
      return { ...state, rows: new Map(action.patients.map((p) => [p.id, p])), loadedAtMs: action.atMs };
    case 'patients-updated': {
      const rows = new Map(state.rows);
      for (const p of action.patients) rows.set(p.id, p);
      return { ...state, rows };
    }
    case 'alerts-loaded': {
      const alerts = new Map<string, AlertView>();
      for (const a of action.alerts) if (a.status !== 'resolved') alerts.set(a.id, a);
      return { ...state, alerts };
    }
    case 'alert-changed':
      return upsertAlert(state, action.alert);
    case 'event':
      return applyEvent(state, action.event);
    default:
      return assertNever(action);
  }
}

function applyEvent(state: WardState, event: TwinEvent): WardState {
  switch (event.type) {
    case 'score':
      return applyScore(state, event);
    case 'alert': {
      const alert = event.data['alert'] as AlertView | undefined;
      if (alert === undefined || typeof alert.id !== 'string') return state;
      const next = upsertAlert(state, alert);
      const transition = event.data['transition'];
      if (transition !== 'opened' && transition !== 'escalated') return next;
      const name = state.rows.get(alert.patientId)?.name ?? alert.patientId;
      const verb = transition === 'opened' ? 'New' : 'Escalated';
      return { ...next, lastAnnouncement: { id: event.id, text: `${verb} ${alert.severity} alert for ${name}: ${alert.summary}` } };
    }
    case 'reading':
      return applyReadings(state, event);
    case 'trial-progress':
    case 'ingest':
      return state;
    default:
      return assertNever(event.type);
  }
}

function applyScore(state: WardState, event: TwinEvent): WardState {
  const row = event.patientId === undefined ? undefined : state.rows.get(event.patientId);
  const news2 = event.data['news2'] as Partial<WardNews2> | undefined;
  if (row === undefined || news2 === undefined || typeof news2.partialTotal !== 'number') return state;
  // Stream events can arrive after a fresher summary: keep the newer of the two.
  if (row.news2 !== null && Date.parse(row.news2.time) > event.timeMs) return state;
  const next: WardNews2 = {
    total: news2.total ?? null,
    partialTotal: news2.partialTotal,
    complete: news2.complete ?? false,
    redFlag: news2.redFlag ?? false,
    clinicalRisk: news2.clinicalRisk ?? null,
    ...(news2.spo2Scale !== undefined ? { spo2Scale: news2.spo2Scale } : {}),
    ...(typeof event.data['assumedAir'] === 'boolean' ? { assumedAir: event.data['assumedAir'] } : {}),
    ...(typeof event.data['assumedAlert'] === 'boolean' ? { assumedAlert: event.data['assumedAlert'] } : {}),
    time: new Date(event.timeMs).toISOString(),
  };
  const rows = new Map(state.rows);
  rows.set(row.id, { ...row, news2: next });
  return { ...state, rows };
}

interface ReadingLike {
  readonly code?: unknown;
  readonly value?: unknown;
  readonly timeMs?: unknown;
  readonly time?: unknown;
  readonly deviceId?: unknown;
}

function applyReadings(state: WardState, event: TwinEvent): WardState {
  const row = event.patientId === undefined ? undefined : state.rows.get(event.patientId);
  if (row === undefined) return state;
  const list = Array.isArray(event.data['readings']) ? (event.data['readings'] as ReadingLike[]) : [event.data as ReadingLike];
  let vitals = row.vitals;
  let glucose = row.glucose;
  for (const r of list) {
    if (typeof r.code !== 'string' || typeof r.value !== 'number') continue;
    const timeMs = typeof r.timeMs === 'number' ? r.timeMs : typeof r.time === 'string' ? Date.parse(r.time) : event.timeMs;
    const time = new Date(timeMs).toISOString();
    const previous = vitals[r.code];
    if (previous === undefined || Date.parse(previous.time) <= timeMs) {
      vitals = { ...vitals, [r.code]: { value: r.value, time, deviceId: typeof r.deviceId === 'string' ? r.deviceId : '' } };
    }
    if (r.code === cgmCode && !glucose.some((g) => g.time === time)) {
      glucose = [...glucose, { time, mgDl: r.value }]
        .filter((g) => Date.parse(g.time) >= timeMs - glucoseKeepMs)
        .sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
    }
  }
  if (vitals === row.vitals && glucose === row.glucose) return state;
  const rows = new Map(state.rows);
  rows.set(row.id, { ...row, vitals, glucose });
  return { ...state, rows };
}

function upsertAlert(state: WardState, alert: AlertView): WardState {
  const alerts = new Map(state.alerts ?? []);
  if (alert.status === 'resolved') alerts.delete(alert.id);
  else alerts.set(alert.id, alert);
  return { ...state, alerts };
}

function assertNever(value: never): never {
  throw new Error(`unexpected ward action ${JSON.stringify(value)}`);
}
