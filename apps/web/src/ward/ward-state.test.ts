import { describe, expect, it } from 'vitest';
import type { AlertView, TwinEvent, WardPatient } from '../api/api-types.ts';
import { initialWardState, type WardState, wardReducer } from './ward-state.ts';
import { defaultWardFilter, wardRows } from './ward-view.ts';

const t0 = Date.UTC(2026, 0, 1, 12, 0);
const iso = (ms: number) => new Date(ms).toISOString();

function patient(id: string, name: string, extra: Partial<WardPatient> = {}): WardPatient {
  return {
    id,
    name,
    gender: null,
    birthDate: null,
    vitals: { '8867-4': { value: 80, time: iso(t0), deviceId: 'd' } },
    news2: { total: 1, partialTotal: 1, complete: true, redFlag: false, clinicalRisk: 'low', time: iso(t0) },
    glucose: [],
    alerts: { open: 0, acknowledged: 0, highestSeverity: null },
    ...extra,
  };
}

function alert(id: string, patientId: string, status: AlertView['status'], severity: AlertView['severity'] = 'high'): AlertView {
  return {
    id,
    patientId,
    kind: 'news2',
    status,
    severity,
    peakSeverity: severity,
    summary: 'NEWS2 7',
    details: {},
    deviceId: null,
    openedAt: iso(t0),
    lastFiredAt: iso(t0),
    updatedAt: iso(t0),
    occurrences: 1,
    escalations: 0,
    acknowledgedAt: null,
    acknowledgedBy: null,
    acknowledgeNote: null,
    resolvedAt: null,
    resolvedBy: null,
    resolveNote: null,
    resolution: null,
  };
}

const event = (id: number, type: TwinEvent['type'], patientId: string, timeMs: number, data: Record<string, unknown>): TwinEvent => ({
  id,
  type,
  patientId,
  timeMs,
  data,
});

function loaded(): WardState {
  let s = wardReducer(initialWardState, { type: 'loaded', patients: [patient('p1', 'Ann Ash'), patient('p2', 'Bob Birch')], atMs: t0 });
  s = wardReducer(s, { type: 'alerts-loaded', alerts: [] });
  return s;
}

describe('ward reducer (summary + /events stream)', () => {
  it('a score event replaces that patient’s NEWS2 and leaves other rows identical', () => {
    const s0 = loaded();
    const s1 = wardReducer(s0, {
      type: 'event',
      event: event(1, 'score', 'p2', t0 + 60_000, {
        news2: { total: 8, partialTotal: 8, complete: true, redFlag: true, clinicalRisk: 'high', spo2Scale: 1 },
      }),
    });
    expect(s1.rows.get('p2')?.news2).toMatchObject({ total: 8, clinicalRisk: 'high', time: iso(t0 + 60_000) });
    expect(s1.rows.get('p1')).toBe(s0.rows.get('p1'));
    expect(wardRows(s1.rows, s1.alerts, defaultWardFilter).map((r) => r.patient.id)).toEqual(['p2', 'p1']);
  });

  it('ignores a score older than the one held, and scores for unknown patients', () => {
    const s0 = loaded();
    const old = wardReducer(s0, {
      type: 'event',
      event: event(1, 'score', 'p1', t0 - 60_000, { news2: { total: 9, partialTotal: 9, complete: true, clinicalRisk: 'high' } }),
    });
    expect(old).toBe(s0);
    expect(wardReducer(s0, { type: 'event', event: event(2, 'score', 'zz', t0, { news2: { partialTotal: 1 } }) })).toBe(s0);
  });

  it('alert events open, acknowledge and resolve; counts follow; opened and escalated are announced', () => {
    let s = loaded();
    s = wardReducer(s, { type: 'event', event: event(3, 'alert', 'p1', t0, { transition: 'opened', alert: alert('a1', 'p1', 'open') }) });
    expect(s.lastAnnouncement).toEqual({ id: 3, text: 'New high alert for Ann Ash: NEWS2 7' });
    expect(wardRows(s.rows, s.alerts, defaultWardFilter).find((r) => r.patient.id === 'p1')).toMatchObject({
      openAlerts: 1,
      highestSeverity: 'high',
    });
    s = wardReducer(s, {
      type: 'event',
      event: event(4, 'alert', 'p1', t0, { transition: 'acknowledged', alert: alert('a1', 'p1', 'acknowledged') }),
    });
    expect(s.lastAnnouncement?.id).toBe(3);
    expect(wardRows(s.rows, s.alerts, defaultWardFilter).find((r) => r.patient.id === 'p1')).toMatchObject({
      openAlerts: 0,
      acknowledgedAlerts: 1,
    });
    s = wardReducer(s, {
      type: 'event',
      event: event(5, 'alert', 'p1', t0, { transition: 'resolved', alert: alert('a1', 'p1', 'resolved') }),
    });
    expect(s.alerts?.size).toBe(0);
  });

  it('reading events update the latest vital and keep one hour of CGM, in time order, without duplicates', () => {
    let s = loaded();
    s = wardReducer(s, { type: 'event', event: event(6, 'reading', 'p1', t0 + 1000, { code: '8867-4', value: 131, unit: '/min' }) });
    expect(s.rows.get('p1')?.vitals['8867-4']?.value).toBe(131);
    const cgm = (id: number, minutes: number, mgDl: number) =>
      wardReducer(s, {
        type: 'event',
        event: event(id, 'reading', 'p1', t0 + minutes * 60_000, {
          readings: [{ code: '99504-3', value: mgDl, timeMs: t0 + minutes * 60_000 }],
        }),
      });
    s = cgm(7, 10, 120);
    s = cgm(8, 0, 110);
    s = cgm(9, 10, 120);
    s = cgm(10, 65, 130);
    expect(s.rows.get('p1')?.glucose.map((g) => g.mgDl)).toEqual([120, 130]);
  });
});

describe('ward view: filter and sort', () => {
  it('sorts by risk, then score, then open alerts, then name; filters by search, risk and alerts', () => {
    const rows = new Map<string, WardPatient>(
      [
        patient('p1', 'Cara Cole'),
        patient('p2', 'Abe Ames', {
          news2: { total: 5, partialTotal: 5, complete: true, redFlag: false, clinicalRisk: 'medium', time: iso(t0) },
        }),
        patient('p3', 'Dan Dale', {
          news2: { total: 6, partialTotal: 6, complete: true, redFlag: false, clinicalRisk: 'medium', time: iso(t0) },
        }),
        patient('p4', 'Eve Eng', { news2: null, vitals: {} }),
        patient('p5', 'Bea Best'),
      ].map((p) => [p.id, p]),
    );
    const alerts = new Map([['a', alert('a', 'p5', 'open', 'medium')]]);
    const ids = (f = defaultWardFilter) => wardRows(rows, alerts, f).map((r) => r.patient.id);
    expect(ids()).toEqual(['p3', 'p2', 'p5', 'p1']);
    expect(ids({ ...defaultWardFilter, includeUnmonitored: true })).toEqual(['p3', 'p2', 'p5', 'p1', 'p4']);
    expect(ids({ ...defaultWardFilter, minRisk: 'medium' })).toEqual(['p3', 'p2']);
    expect(ids({ ...defaultWardFilter, openAlertsOnly: true })).toEqual(['p5']);
    expect(ids({ ...defaultWardFilter, search: 'COLE' })).toEqual(['p1']);
    expect(ids({ ...defaultWardFilter, search: 'p2' })).toEqual(['p2']);
  });

  it('filters and sorts 200 patients (the ward size the page is built for)', () => {
    const rows = new Map<string, WardPatient>();
    for (let i = 0; i < 200; i++) {
      const total = i % 10;
      const risk = total >= 7 ? 'high' : total >= 5 ? 'medium' : 'low';
      rows.set(
        `p${i}`,
        patient(`p${i}`, `Patient ${i}`, {
          news2: { total, partialTotal: total, complete: true, redFlag: false, clinicalRisk: risk, time: iso(t0) },
        }),
      );
    }
    const view = wardRows(rows, new Map(), defaultWardFilter);
    expect(view).toHaveLength(200);
    expect(view[0]?.score).toBe(9);
    expect(view.at(-1)?.score).toBe(0);
    expect(view.every((r, i) => i === 0 || (view[i - 1] as typeof r).rank >= r.rank)).toBe(true);
  });
});
