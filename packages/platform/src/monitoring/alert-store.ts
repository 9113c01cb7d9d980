import { randomUUID } from 'node:crypto';
import {
  type AlertEvent,
  type AlertKind,
  type AlertState,
  type AlertStatus,
  eventForOutcome,
  type RuleOutcome,
  reduceAlert,
  VitaltwinError,
} from '@vitaltwin/core';
import type { SqlClient, SqlQueryable } from '../store/sql-client.ts';
import { type AlertChange, type AlertRecord, type AlertRow, alertColumns, alertFromRow } from './alert-record.ts';
import { type AlertWrite, planAlertWrites } from './alert-write-plan.ts';
import { UnresolvedAlerts } from './unresolved-alerts.ts';

/**
 * Alerts in SQL (table `alert`), driven by the pure lifecycle reducer of @vitaltwin/core:
 * - dedup: one unresolved alert per `dedup_key` (partial unique index of migration 001); a rule
 *   firing again updates it, a firing after resolution opens a new one;
 * - escalation: a severity above the alert's peak escalates it (and re-opens an acknowledged one);
 * - acknowledge / resolve by id, with who, when and an optional note.
 * Concurrency: inserts use `ON CONFLICT ... DO NOTHING` against the partial unique index and
 * updates compare-and-set the `revision` column (migration 005); a writer that loses a race
 * applies its events again inside a transaction that locks the alert row (`FOR UPDATE`), so
 * retries serialise instead of colliding again; manual actions always take that path. The SQL is the same on
 * PGlite and PostgreSQL. A batch of rule outcomes costs one read plus at most one INSERT and one
 * UPDATE statement, whatever the number of alerts; as the database's sole writer (PGlite) it plans
 * from the unresolved alerts it holds in memory (unresolved-alerts.ts) and only writes, and the
 * UPDATE and INSERT go out together when they concern different keys.
 */
export interface AlertStoreOptions {
  /** Wall clock for `changed_at` (default Date.now). */
  readonly nowMs?: () => number;
  readonly newId?: () => string;
  /**
   * A re-firing that changes nothing a clinician sees (severity, summary, details) is written at
   * most this often (default 60 s), so a continuously firing rule does not rewrite its row on
   * every device batch. `occurrences` therefore counts the firings written.
   */
  readonly updateRefreshMs?: number;
  readonly maxAttempts?: number;
  /**
   * Keep the unresolved alerts in memory (unresolved-alerts.ts) and plan writes from them instead of
   * reading the table first. Only for a database no other process writes: the default is on for
   * PGlite, off for PostgreSQL, which several server processes may share.
   */
  readonly soleWriter?: boolean;
}

export interface AlertQuery {
  readonly patientIds?: readonly string[];
  readonly statuses?: readonly AlertStatus[];
  readonly kinds?: readonly AlertKind[];
  /** Alerts written at or after this time (`changed_at`), for polling. */
  readonly changedSinceMs?: number;
  /** Keyset cursor: alerts opened before this one (list order is newest opened first). */
  readonly before?: { readonly openedAtMs: number; readonly id: string };
  /** Default 50. */
  readonly limit?: number;
}

const returning = (alias: string) =>
  alertColumns
    .split(', ')
    .map((c) => `${alias}.${c}`)
    .join(', ');

export class AlertStore {
  private readonly nowMs: () => number;
  private readonly newId: () => string;
  private readonly refreshMs: number;
  private readonly maxAttempts: number;
  private readonly unresolved: UnresolvedAlerts | undefined;

  constructor(
    private readonly db: SqlClient,
    options: AlertStoreOptions = {},
  ) {
    this.nowMs = options.nowMs ?? Date.now;
    this.newId = options.newId ?? randomUUID;
    this.refreshMs = options.updateRefreshMs ?? 60_000;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.unresolved = (options.soleWriter ?? db.engine === 'pglite') ? UnresolvedAlerts.for(db) : undefined;
  }

  /** Applies rule outcomes (indeterminate ones are skipped) and returns what was written, in order. */
  async apply(outcomes: readonly RuleOutcome[]): Promise<AlertChange[]> {
    const byKey = new Map<string, AlertEvent[]>();
    for (const outcome of outcomes) {
      const event = eventForOutcome(outcome);
      if (event === null) continue;
      const key = outcome.status === 'firing' ? outcome.intent.dedupKey : outcome.dedupKey;
      const list = byKey.get(key);
      if (list) list.push(event);
      else byKey.set(key, [event]);
    }
    if (byKey.size === 0) return [];
    return this.tracked(async () => {
      // As the sole writer the unresolved alerts are at hand; otherwise they are read.
      const active = (await this.unresolved?.ready()) ?? (await this.activeByKeys([...byKey.keys()]));
      const writes: AlertWrite[] = [];
      for (const [key, events] of byKey) writes.push(...planAlertWrites(active.get(key) ?? null, events, this.refreshMs));
      if (writes.length === 0) return [];
      const { changes, failedKeys } = await this.write(this.db, writes);
      for (const key of failedKeys) changes.push(...(await this.retryKey(key, byKey.get(key) ?? [])));
      return changes;
    });
  }

  /** Runs a write and keeps the unresolved alerts in step with what it changed (or drops them when it failed). */
  private async tracked(work: () => Promise<AlertChange[]>): Promise<AlertChange[]> {
    await this.unresolved?.ready();
    try {
      const changes = await work();
      this.unresolved?.note(changes);
      return changes;
    } catch (error) {
      this.unresolved?.invalidate();
      throw error;
    }
  }

  acknowledge(id: string, by: string, atMs: number, note?: string): Promise<AlertChange> {
    return this.manual(id, { type: 'acknowledge', atMs, by }, note ?? null);
  }

  resolve(id: string, by: string, atMs: number, note?: string): Promise<AlertChange> {
    return this.manual(id, { type: 'resolve', atMs, by }, note ?? null);
  }

  async get(id: string, q: SqlQueryable = this.db, lock = false): Promise<AlertRecord | undefined> {
    const rows = await q.query<AlertRow>(`SELECT ${alertColumns} FROM alert WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
    return rows[0] === undefined ? undefined : alertFromRow(rows[0]);
  }

  /** The unresolved alert of each key that has one. */
  async activeByKeys(keys: readonly string[], q: SqlQueryable = this.db, lock = false): Promise<Map<string, AlertRecord>> {
    if (keys.length === 0) return new Map();
    const rows = await q.query<AlertRow>(
      `SELECT ${alertColumns} FROM alert WHERE dedup_key = ANY($1::text[]) AND status <> 'resolved'${lock ? ' FOR UPDATE' : ''}`,
      [keys],
    );
    return new Map(rows.map((r) => [r.dedup_key, alertFromRow(r)]));
  }

  /** Newest opened first. */
  async list(query: AlertQuery = {}): Promise<AlertRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (query.patientIds) where.push(`patient_id = ANY(${param(query.patientIds)}::text[])`);
    if (query.statuses) where.push(`status = ANY(${param(query.statuses)}::text[])`);
    if (query.kinds) where.push(`kind = ANY(${param(query.kinds)}::text[])`);
    if (query.changedSinceMs !== undefined) where.push(`changed_at >= ${param(new Date(query.changedSinceMs).toISOString())}::timestamptz`);
    if (query.before) {
      where.push(`(opened_at, id) < (${param(new Date(query.before.openedAtMs).toISOString())}::timestamptz, ${param(query.before.id)})`);
    }
    const limit = param(query.limit ?? 50);
    const rows = await this.db.query<AlertRow>(
      `SELECT ${alertColumns} FROM alert ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY opened_at DESC, id DESC LIMIT ${limit}`,
      params,
    );
    return rows.map(alertFromRow);
  }

  private async manual(id: string, event: AlertEvent & { type: 'acknowledge' | 'resolve' }, note: string | null): Promise<AlertChange> {
    const [change] = await this.tracked(async () => [await this.manualOnce(id, event, note)]);
    return change as AlertChange;
  }

  private async manualOnce(id: string, event: AlertEvent & { type: 'acknowledge' | 'resolve' }, note: string | null): Promise<AlertChange> {
    for (let attempt = 0; attempt < this.maxAttempts; attempt++) {
      const change = await this.db.transaction(async (tx) => {
        const current = await this.get(id, tx, true);
        if (current === undefined) throw new VitaltwinError('VT_ERR_NOT_FOUND', `no alert ${id}`);
        const reduced = reduceAlert(current, event);
        if (reduced.transition === 'ignored' || reduced.state === null) {
          const verb = event.type === 'acknowledge' ? 'acknowledged' : 'resolved';
          throw new VitaltwinError('VT_ERR_CONFLICT', `alert ${id} is ${current.status} and cannot be ${verb}`, [
            { message: `status is ${current.status}`, expression: 'status' },
          ]);
        }
        const write: AlertWrite = {
          kind: 'update',
          previous: current,
          next: reduced.state,
          transition: reduced.transition,
          ...(event.type === 'acknowledge' ? { acknowledgeNote: note } : { resolveNote: note }),
        };
        return (await this.write(tx, [write])).changes[0];
      });
      if (change !== undefined) return change;
    }
    throw new VitaltwinError('VT_ERR_CONFLICT', `alert ${id} kept changing; try again`);
  }

  /** The slow path after a lost race: re-read under a row lock and apply the key's events again. */
  private async retryKey(key: string, events: readonly AlertEvent[]): Promise<AlertChange[]> {
    for (let attempt = 1; attempt < this.maxAttempts; attempt++) {
      const result = await this.db.transaction(async (tx) => {
        const current = (await this.activeByKeys([key], tx, true)).get(key) ?? null;
        const writes = planAlertWrites(current, events, this.refreshMs);
        return writes.length === 0 ? { changes: [], failedKeys: new Set<string>() } : this.write(tx, writes);
      });
      // Fails again only when another writer inserted the key meanwhile; its row is there to lock now.
      if (result.failedKeys.size === 0) return result.changes;
    }
    throw new VitaltwinError('VT_ERR_CONFLICT', `alert ${key} kept changing while being updated`);
  }

  /**
   * Updates first (a resolution frees the key), then inserts; reports the keys whose write lost a
   * race. When no key is both updated and inserted the two statements are independent, and outside a
   * transaction they are sent together, one wait for the database instead of two.
   */
  private async write(q: SqlQueryable, writes: readonly AlertWrite[]): Promise<{ changes: AlertChange[]; failedKeys: Set<string> }> {
    const changedAt = new Date(this.nowMs()).toISOString();
    const updates = writes.filter((w) => w.kind === 'update');
    const inserts = writes.filter((w) => w.kind === 'insert');
    const updatedKeys = new Set(updates.map((w) => w.next.dedupKey));
    const together = q === this.db && !inserts.some((w) => updatedKeys.has(w.next.dedupKey));
    const changes: AlertChange[] = [];
    const failedKeys = new Set<string>();
    const updating = updates.length > 0 ? this.update(q, updates, changedAt) : undefined;
    const inserting = together ? this.insertAll(q, inserts, changedAt) : undefined;
    // Awaited below; until then a failure of the update must not leave its rejection unhandled.
    inserting?.catch(() => undefined);
    if (updating) {
      const written = new Map((await updating).map((r) => [r.id, r]));
      for (const w of updates) {
        const record = w.previous && written.get(w.previous.id);
        if (record) changes.push({ alert: record, previous: w.previous, transition: w.transition });
        else failedKeys.add(w.next.dedupKey);
      }
    }
    const inserted = await (inserting ??
      this.insertAll(
        q,
        inserts.filter((w) => !failedKeys.has(w.next.dedupKey)),
        changedAt,
      ));
    for (const { w, record } of inserted) {
      if (record) changes.push({ alert: record, previous: null, transition: w.transition });
      else failedKeys.add(w.next.dedupKey);
    }
    return { changes, failedKeys };
  }

  /** Inserts new alerts; each write's record, or undefined where its key already had an unresolved alert. */
  private async insertAll(
    q: SqlQueryable,
    writes: readonly AlertWrite[],
    changedAt: string,
  ): Promise<{ w: AlertWrite; record: AlertRecord | undefined }[]> {
    if (writes.length === 0) return [];
    const withIds = writes.map((w) => ({ w, id: this.newId() }));
    const written = new Map((await this.insert(q, withIds, changedAt)).map((r) => [r.id, r]));
    return withIds.map(({ w, id }) => ({ w, record: written.get(id) }));
  }

  private async insert(q: SqlQueryable, items: readonly { w: AlertWrite; id: string }[], changedAt: string): Promise<AlertRecord[]> {
    const col = <T>(f: (s: AlertState) => T) => items.map(({ w }) => f(w.next));
    const rows = await q.query<AlertRow>(
      `INSERT INTO alert (id, patient_id, kind, severity, peak_severity, status, dedup_key, title, detail, device_id, opened_at,
                          updated_at, last_fired_at, occurrences, escalations, acknowledged_at, acknowledged_by, resolved_at,
                          resolved_by, resolution, revision, changed_at)
       SELECT v.*, 1, $20::timestamptz FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
              $8::text[], $9::jsonb[], $10::text[], $11::timestamptz[], $12::timestamptz[], $13::timestamptz[], $14::int[], $15::int[],
              $16::timestamptz[], $17::text[], $18::timestamptz[], $19::text[], $21::text[]) AS v
       ON CONFLICT (dedup_key) WHERE status <> 'resolved' DO NOTHING
       RETURNING ${alertColumns}`,
      [
        items.map((i) => i.id),
        col((s) => s.patientId),
        col((s) => s.kind),
        col((s) => s.severity),
        col((s) => s.peakSeverity),
        col((s) => s.status),
        col((s) => s.dedupKey),
        col((s) => s.summary),
        col((s) => JSON.stringify(s.details)),
        col((s) => s.deviceId ?? null),
        col((s) => isoOf(s.openedAtMs)),
        col((s) => isoOf(s.updatedAtMs)),
        col((s) => isoOf(s.lastFiredAtMs)),
        col((s) => s.occurrences),
        col((s) => s.escalations),
        col((s) => isoOrNull(s.acknowledgedAtMs)),
        col((s) => s.acknowledgedBy),
        col((s) => isoOrNull(s.resolvedAtMs)),
        col((s) => s.resolvedBy),
        changedAt,
        col((s) => s.resolution),
      ],
    );
    return rows.map(alertFromRow);
  }

  private async update(q: SqlQueryable, writes: readonly AlertWrite[], changedAt: string): Promise<AlertRecord[]> {
    const col = <T>(f: (w: AlertWrite) => T) => writes.map(f);
    const prev = (w: AlertWrite) => w.previous as AlertRecord;
    const rows = await q.query<AlertRow>(
      `UPDATE alert AS a SET severity = v.severity, peak_severity = v.peak_severity, status = v.status, title = v.title,
              detail = v.detail, device_id = v.device_id, updated_at = v.updated_at, last_fired_at = v.last_fired_at,
              occurrences = v.occurrences, escalations = v.escalations, acknowledged_at = v.acknowledged_at,
              acknowledged_by = v.acknowledged_by, resolved_at = v.resolved_at, resolved_by = v.resolved_by,
              resolution = v.resolution, acknowledge_note = v.acknowledge_note, resolve_note = v.resolve_note,
              revision = a.revision + 1, changed_at = $20::timestamptz
         FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::jsonb[], $8::text[],
                     $9::timestamptz[], $10::timestamptz[], $11::int[], $12::int[], $13::timestamptz[], $14::text[],
                     $15::timestamptz[], $16::text[], $17::text[], $18::text[], $19::text[])
           AS v(id, revision, severity, peak_severity, status, title, detail, device_id, updated_at, last_fired_at, occurrences,
                escalations, acknowledged_at, acknowledged_by, resolved_at, resolved_by, resolution, acknowledge_note, resolve_note)
        WHERE a.id = v.id AND a.revision = v.revision
       RETURNING ${returning('a')}`,
      [
        col((w) => prev(w).id),
        col((w) => prev(w).revision),
        col((w) => w.next.severity),
        col((w) => w.next.peakSeverity),
        col((w) => w.next.status),
        col((w) => w.next.summary),
        col((w) => JSON.stringify(w.next.details)),
        col((w) => w.next.deviceId ?? null),
        col((w) => isoOf(w.next.updatedAtMs)),
        col((w) => isoOf(w.next.lastFiredAtMs)),
        col((w) => w.next.occurrences),
        col((w) => w.next.escalations),
        col((w) => isoOrNull(w.next.acknowledgedAtMs)),
        col((w) => w.next.acknowledgedBy),
        col((w) => isoOrNull(w.next.resolvedAtMs)),
        col((w) => w.next.resolvedBy),
        col((w) => w.next.resolution),
        col((w) => (w.acknowledgeNote === undefined ? prev(w).acknowledgeNote : w.acknowledgeNote)),
        col((w) => (w.resolveNote === undefined ? prev(w).resolveNote : w.resolveNote)),
        changedAt,
      ],
    );
    return rows.map(alertFromRow);
  }
}

const isoOf = (t: number) => new Date(t).toISOString();
const isoOrNull = (t: number | null) => (t === null ? null : isoOf(t));
