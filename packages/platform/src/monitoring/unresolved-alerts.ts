import type { SqlClient } from '../store/sql-client.ts';
import { type AlertChange, type AlertRecord, type AlertRow, alertColumns, alertFromRow } from './alert-record.ts';

/**
 * The unresolved alerts, by dedup key, held in memory for a database that this process alone writes
 * (PGlite: one process owns its data directory). Every monitoring round offers the alert store an
 * outcome for each patient it scored; with this the store plans its writes without reading the
 * `alert` table first, which saves the round a query that waits behind whatever device batch the
 * database thread is writing (publish → alert latency).
 *
 * What goes wrong if an entry is stale, and why that is safe:
 * - an entry older than its row: the store's UPDATE compares `revision` and matches nothing, and
 *   the store re-reads that key under a row lock and applies its events again (alert-store.ts);
 * - an unresolved alert missing here would let a "condition cleared" pass without resolving it, so
 *   the map is loaded with one query on first use, follows every change the store writes (changes
 *   made while it loads are applied on top), and is dropped and loaded again after any failed write.
 * Shared by every AlertStore on the same client (a WeakMap entry per client).
 */
export class UnresolvedAlerts {
  private static readonly byClient = new WeakMap<SqlClient, UnresolvedAlerts>();
  private alerts: Map<string, AlertRecord> | undefined;
  private loading: Promise<ReadonlyMap<string, AlertRecord>> | undefined;
  /** Changes noted while the map was loading, applied on top of what the load read. */
  private noted: AlertChange[] = [];
  /** Bumped by `invalidate`, so a load that was under way then does not install what it read. */
  private generation = 0;

  private constructor(private readonly db: SqlClient) {}

  static for(db: SqlClient): UnresolvedAlerts {
    let alerts = UnresolvedAlerts.byClient.get(db);
    if (alerts === undefined) {
      alerts = new UnresolvedAlerts(db);
      UnresolvedAlerts.byClient.set(db, alerts);
    }
    return alerts;
  }

  /** The unresolved alert of each key that has one, loaded first when needed. */
  async ready(): Promise<ReadonlyMap<string, AlertRecord>> {
    if (this.alerts !== undefined) return this.alerts;
    this.loading ??= this.load().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  /** Follows written changes: a resolved alert frees its key, any other change is the key's alert now. */
  note(changes: readonly AlertChange[]): void {
    if (this.alerts === undefined) {
      if (this.loading !== undefined) this.noted.push(...changes);
      return;
    }
    apply(this.alerts, changes);
  }

  /** Forgets the map (after a write whose outcome is unknown); the next use loads it again. */
  invalidate(): void {
    this.alerts = undefined;
    this.noted = [];
    this.generation += 1;
  }

  private async load(): Promise<ReadonlyMap<string, AlertRecord>> {
    const generation = this.generation;
    const rows = await this.db.query<AlertRow>(`SELECT ${alertColumns} FROM alert WHERE status <> 'resolved'`);
    const alerts = new Map(rows.map((r) => [r.dedup_key, alertFromRow(r)]));
    if (generation !== this.generation) return alerts;
    // A change noted during the load may or may not be in what it read; applying it again is harmless.
    apply(alerts, this.noted);
    this.noted = [];
    this.alerts = alerts;
    return alerts;
  }
}

function apply(alerts: Map<string, AlertRecord>, changes: readonly AlertChange[]): void {
  for (const { alert } of changes) {
    if (alert.status === 'resolved') alerts.delete(alert.dedupKey);
    else alerts.set(alert.dedupKey, alert);
  }
}
