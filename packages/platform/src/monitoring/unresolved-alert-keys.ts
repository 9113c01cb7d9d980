import type { SqlClient } from '../store/sql-client.ts';
import type { AlertChange } from './alert-record.ts';

/**
 * The dedup keys of the unresolved alerts, held in memory for a database that this process alone
 * writes (PGlite: one process owns its data directory). Every monitoring round offers the alert
 * store an outcome for each patient it scored, almost all of them "condition cleared" for keys with
 * no alert; knowing which keys have an unresolved alert lets the store read only those rows, and
 * skip the read entirely in the common round, instead of one query per round that waits behind the
 * device batch the database thread is writing.
 *
 * Only membership is kept, never alert state: a key in the set is read from the database as before,
 * so a stale member costs one read and nothing else. The set is loaded with one query on first use
 * and then follows every change the store writes; after a failed write it is dropped and loaded
 * again. Shared by every AlertStore on the same client (a WeakMap entry per client).
 */
export class UnresolvedAlertKeys {
  private static readonly byClient = new WeakMap<SqlClient, UnresolvedAlertKeys>();
  private keys: Set<string> | undefined;
  private loading: Promise<Set<string>> | undefined;
  /** Changes noted while the set was loading, applied on top of what the load read. */
  private noted: AlertChange[] = [];
  /** Bumped by `invalidate`, so a load that was under way then does not install what it read. */
  private generation = 0;

  private constructor(private readonly db: SqlClient) {}

  static for(db: SqlClient): UnresolvedAlertKeys {
    let keys = UnresolvedAlertKeys.byClient.get(db);
    if (keys === undefined) {
      keys = new UnresolvedAlertKeys(db);
      UnresolvedAlertKeys.byClient.set(db, keys);
    }
    return keys;
  }

  /** The current set, loaded first when needed. */
  async ready(): Promise<ReadonlySet<string>> {
    if (this.keys !== undefined) return this.keys;
    this.loading ??= this.load().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  /** Follows written changes: a resolved alert frees its key, any other change holds it. */
  note(changes: readonly AlertChange[]): void {
    if (this.keys === undefined) {
      if (this.loading !== undefined) this.noted.push(...changes);
      return;
    }
    apply(this.keys, changes);
  }

  /** Forgets the set (after a write whose outcome is unknown); the next use loads it again. */
  invalidate(): void {
    this.keys = undefined;
    this.noted = [];
    this.generation += 1;
  }

  private async load(): Promise<Set<string>> {
    const generation = this.generation;
    const rows = await this.db.query<{ dedup_key: string }>("SELECT dedup_key FROM alert WHERE status <> 'resolved'");
    const keys = new Set(rows.map((r) => r.dedup_key));
    // A change noted during the load may or may not be in what it read; applying it again is harmless.
    if (generation !== this.generation) return keys;
    apply(keys, this.noted);
    this.noted = [];
    this.keys = keys;
    return keys;
  }
}

function apply(keys: Set<string>, changes: readonly AlertChange[]): void {
  for (const { alert } of changes) {
    if (alert.status === 'resolved') keys.delete(alert.dedupKey);
    else keys.add(alert.dedupKey);
  }
}
