import type { AlertDetailValue, AlertKind, AlertSeverity, AlertState, AlertStatus, AlertTransition } from '@vitaltwin/core';

/**
 * An alert as stored (table `alert`, migrations 001 and 005): the core lifecycle state
 * (`AlertState`) plus its row identity, the optimistic-concurrency revision and the clinicians'
 * notes. Times are epoch milliseconds.
 */
export interface AlertRecord extends AlertState {
  readonly id: string;
  /** Bumped by every write; a writer updates only the revision it read. */
  readonly revision: number;
  readonly acknowledgeNote: string | null;
  readonly resolveNote: string | null;
  /** Wall-clock time of the last write (`updatedAtMs` is the time of the data or action). */
  readonly changedAtMs: number;
}

/** A persisted lifecycle step: what the alert became and from what (null for a new alert). */
export interface AlertChange {
  readonly alert: AlertRecord;
  readonly previous: AlertRecord | null;
  readonly transition: Exclude<AlertTransition, 'ignored'>;
}

/** Transitions that page someone (FHIR Subscription delivery); the others only update views. */
export function notifies(transition: AlertChange['transition']): boolean {
  return transition === 'opened' || transition === 'escalated';
}

// A Record forces this list to name every AlertKind of core (and nothing else).
const kinds: Readonly<Record<AlertKind, true>> = {
  news2: true,
  'glucose-low': true,
  'glucose-high': true,
  'glucose-falling': true,
  'glucose-rising': true,
  'glucose-predicted-low': true,
  'stale-data': true,
  'medication-overdue': true,
  fall: true,
};

export const alertKinds: readonly AlertKind[] = Object.keys(kinds) as AlertKind[];

export function isAlertKind(value: string): value is AlertKind {
  return Object.hasOwn(kinds, value);
}

export const alertStatuses: readonly AlertStatus[] = ['open', 'acknowledged', 'resolved'];

export function isAlertStatus(value: string): value is AlertStatus {
  return (alertStatuses as readonly string[]).includes(value);
}

/** Columns in the order `alertColumns` lists them; SELECT lists and RETURNING clauses use it. */
export const alertColumns =
  'id, patient_id, kind, severity, peak_severity, status, dedup_key, title, detail, device_id, opened_at, updated_at, last_fired_at, ' +
  'occurrences, escalations, acknowledged_at, acknowledged_by, resolved_at, resolved_by, resolution, acknowledge_note, resolve_note, ' +
  'revision, changed_at';

export interface AlertRow {
  id: string;
  patient_id: string;
  kind: string;
  severity: string;
  peak_severity: string | null;
  status: string;
  dedup_key: string;
  title: string;
  detail: Record<string, AlertDetailValue> | string;
  device_id: string | null;
  opened_at: Date | string;
  updated_at: Date | string;
  last_fired_at: Date | string | null;
  occurrences: number;
  escalations: number;
  acknowledged_at: Date | string | null;
  acknowledged_by: string | null;
  resolved_at: Date | string | null;
  resolved_by: string | null;
  resolution: string | null;
  acknowledge_note: string | null;
  resolve_note: string | null;
  revision: number;
  changed_at: Date | string;
}

const ms = (t: Date | string): number => (t instanceof Date ? t.getTime() : Date.parse(t));
const msOrNull = (t: Date | string | null): number | null => (t === null ? null : ms(t));

/** The record a row holds. The table's CHECK constraints and the writers guarantee the enum values. */
export function alertFromRow(r: AlertRow): AlertRecord {
  const details = typeof r.detail === 'string' ? (JSON.parse(r.detail) as Record<string, AlertDetailValue>) : r.detail;
  return {
    id: r.id,
    dedupKey: r.dedup_key,
    patientId: r.patient_id,
    kind: r.kind as AlertKind,
    status: r.status as AlertStatus,
    severity: r.severity as AlertSeverity,
    peakSeverity: (r.peak_severity ?? r.severity) as AlertSeverity,
    summary: r.title,
    details,
    ...(r.device_id === null ? {} : { deviceId: r.device_id }),
    openedAtMs: ms(r.opened_at),
    lastFiredAtMs: ms(r.last_fired_at ?? r.updated_at),
    updatedAtMs: ms(r.updated_at),
    occurrences: r.occurrences,
    escalations: r.escalations,
    acknowledgedAtMs: msOrNull(r.acknowledged_at),
    acknowledgedBy: r.acknowledged_by,
    resolvedAtMs: msOrNull(r.resolved_at),
    resolvedBy: r.resolved_by,
    resolution: r.resolution as AlertState['resolution'],
    revision: r.revision,
    acknowledgeNote: r.acknowledge_note,
    resolveNote: r.resolve_note,
    changedAtMs: ms(r.changed_at),
  };
}

/** The alert as the HTTP API and event stream show it: ISO 8601 times, no internal revision. */
export interface AlertView {
  readonly id: string;
  readonly patientId: string;
  readonly kind: AlertKind;
  readonly status: AlertStatus;
  readonly severity: AlertSeverity;
  readonly peakSeverity: AlertSeverity;
  readonly summary: string;
  readonly details: Readonly<Record<string, AlertDetailValue>>;
  readonly deviceId: string | null;
  readonly dedupKey: string;
  readonly openedAt: string;
  readonly lastFiredAt: string;
  readonly updatedAt: string;
  readonly occurrences: number;
  readonly escalations: number;
  readonly acknowledgedAt: string | null;
  readonly acknowledgedBy: string | null;
  readonly acknowledgeNote: string | null;
  readonly resolvedAt: string | null;
  readonly resolvedBy: string | null;
  readonly resolveNote: string | null;
  readonly resolution: AlertState['resolution'];
}

const iso = (t: number) => new Date(t).toISOString();

export function alertView(a: AlertRecord): AlertView {
  return {
    id: a.id,
    patientId: a.patientId,
    kind: a.kind,
    status: a.status,
    severity: a.severity,
    peakSeverity: a.peakSeverity,
    summary: a.summary,
    details: a.details,
    deviceId: a.deviceId ?? null,
    dedupKey: a.dedupKey,
    openedAt: iso(a.openedAtMs),
    lastFiredAt: iso(a.lastFiredAtMs),
    updatedAt: iso(a.updatedAtMs),
    occurrences: a.occurrences,
    escalations: a.escalations,
    acknowledgedAt: a.acknowledgedAtMs === null ? null : iso(a.acknowledgedAtMs),
    acknowledgedBy: a.acknowledgedBy,
    acknowledgeNote: a.acknowledgeNote,
    resolvedAt: a.resolvedAtMs === null ? null : iso(a.resolvedAtMs),
    resolvedBy: a.resolvedBy,
    resolveNote: a.resolveNote,
    resolution: a.resolution,
  };
}
