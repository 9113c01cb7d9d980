import type { AuditRecord, Logger } from '@vitaltwin/core';
import { binaryArray } from '../store/binary-array-param.ts';
import type { SqlClient, SqlQueryable } from '../store/sql-client.ts';
import { type AuditRowColumns, genesisHash, rowHash, rowOfRecord } from './audit-row.ts';

/**
 * The audit trail's writer: append-only rows of `audit_event`, one per audited access, chained by
 * hash (audit-row.ts). Records are queued and written in batches, one statement per batch;
 * `record()` resolves once the record is durable, so a caller that must not answer before the audit
 * is written awaits it (and asks for `durable`, which flushes at once instead of waiting for the
 * timer).
 *
 * Chain order across writers: on PostgreSQL several server processes may append, so each batch
 * runs in a transaction holding an advisory lock and reads the current head. Embedded PGlite has
 * one process per data directory (data-dir-lock.ts), so the head is kept in memory per database
 * client and a batch is one INSERT, which keeps audit writes off the single database thread's
 * critical path.
 */

// Arbitrary constant key: flushes from several server processes on one PostgreSQL serialise on it.
const chainLockKey = 7_462_011;

/**
 * Text as PostgreSQL can store it: NUL is not allowed in text, nor are lone UTF-16 surrogates
 * (they have no UTF-8 form); other control characters are replaced too, so audit text stays
 * printable. Text with none of them (nearly all) is only cut to length.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is what the pattern is for
const needsCleaning = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff]/;

function clean(text: string, max = 512): string {
  if (!needsCleaning.test(text)) return text.length > max ? text.slice(0, max) : text;
  let out = '';
  const n = Math.min(text.length, max);
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) out += '\ufffd';
    else if (c >= 0xd800 && c <= 0xdbff) {
      const d = i + 1 < n ? text.charCodeAt(i + 1) : 0;
      if (d >= 0xdc00 && d <= 0xdfff) {
        out += String.fromCharCode(c, d);
        i++;
      } else out += '\ufffd';
    } else if (c >= 0xdc00 && c <= 0xdfff) out += '\ufffd';
    else out += String.fromCharCode(c);
  }
  return out;
}

function cleanRecord(r: AuditRecord): AuditRecord {
  return {
    ...r,
    actor: clean(r.actor, 200),
    ...(r.role !== undefined ? { role: clean(r.role, 40) } : {}),
    ...(r.entity !== undefined ? { entity: clean(r.entity) } : {}),
    ...(r.patientId !== undefined ? { patientId: clean(r.patientId, 64) } : {}),
    ...(r.source !== undefined ? { source: clean(r.source, 64) } : {}),
    ...(r.detail !== undefined ? { detail: clean(r.detail, 200) } : {}),
  };
}

/** Per database client: the chain head (PGlite) and the flush queue, shared by every AuditLog on it. */
interface ChainState {
  head: string | undefined;
  flushing: Promise<void>;
}
const chains = new WeakMap<SqlClient, ChainState>();

function chainOf(db: SqlClient): ChainState {
  let state = chains.get(db);
  if (state === undefined) {
    state = { head: undefined, flushing: Promise.resolve() };
    chains.set(db, state);
  }
  return state;
}

interface Pending {
  /** Turned into a row (and hashed) when its batch is written, off the request path. */
  readonly record: AuditRecord;
  resolve(): void;
  reject(error: unknown): void;
}

export interface AuditLogOptions {
  /** How long a record may wait for its batch (default 10 ms); durable records do not wait. */
  readonly flushIntervalMs?: number;
  /** Largest batch per transaction (default 500). */
  readonly maxBatch?: number;
  readonly logger?: Logger;
}

export class AuditLog {
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private immediate = false;
  private closed = false;
  private readonly intervalMs: number;
  private readonly maxBatch: number;

  constructor(
    private readonly db: SqlClient,
    private readonly options: AuditLogOptions = {},
  ) {
    this.intervalMs = options.flushIntervalMs ?? 10;
    this.maxBatch = options.maxBatch ?? 500;
  }

  /**
   * Queues a record; resolves when it is committed, rejects if it could not be written.
   * `durable`: the caller is waiting for it, so flush in this turn of the event loop.
   */
  record(record: AuditRecord, options: { durable?: boolean } = {}): Promise<void> {
    if (this.closed) return Promise.reject(new Error('audit log is closed'));
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ record, resolve, reject });
      if (this.queue.length >= this.maxBatch) void this.flush();
      else if (options.durable) {
        if (!this.immediate) {
          // Records queued in the same turn (concurrent writes) still share one batch.
          this.immediate = true;
          setImmediate(() => {
            this.immediate = false;
            void this.flush();
          });
        }
      } else this.timer ??= setTimeout(() => void this.flush(), this.intervalMs);
    });
  }

  /** Writes everything queued so far; resolves when it is committed. */
  flush(): Promise<void> {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    // One flush at a time per database keeps the chain in queue order.
    const state = chainOf(this.db);
    state.flushing = state.flushing.then(() => this.writeQueued());
    return state.flushing;
  }

  /** Flushes and refuses further records (call before the database closes). */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  private async writeQueued(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        await this.writeBatch(batch.map((p) => rowOfRecord(cleanRecord(p.record))));
        for (const p of batch) p.resolve();
      } catch (error) {
        this.options.logger?.error({ err: error, records: batch.length }, 'audit write failed');
        for (const p of batch) p.reject(error);
      }
    }
  }

  private async writeBatch(rows: readonly AuditRowColumns[]): Promise<void> {
    const state = chainOf(this.db);
    if (this.db.engine === 'pglite') {
      try {
        state.head ??= await this.head(this.db);
        state.head = await this.insert(this.db, state.head, rows);
      } catch (error) {
        // Unknown whether anything was written: read the head again next time.
        state.head = undefined;
        throw error;
      }
      return;
    }
    await this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [chainLockKey]);
      await this.insert(tx, await this.head(tx), rows);
    });
  }

  private async head(db: SqlQueryable): Promise<string> {
    const last = await db.query<{ hash: string }>('SELECT hash FROM audit_event ORDER BY seq DESC LIMIT 1');
    return last[0]?.hash ?? genesisHash;
  }

  /** Inserts the rows chained after `prev`; returns the new head. */
  private async insert(db: SqlQueryable, prev: string, rows: readonly AuditRowColumns[]): Promise<string> {
    const hashes: string[] = [];
    const prevs: string[] = [];
    for (const row of rows) {
      const hash = rowHash(prev, row);
      prevs.push(prev);
      hashes.push(hash);
      prev = hash;
    }
    const column = (values: readonly (string | null)[]) => binaryArray('text', values);
    // One statement of fixed text whatever the batch (columns as arrays); identity values are
    // drawn in the order rows are inserted, the arrays' order, so seq order is chain order.
    await db.query(
      `INSERT INTO audit_event (recorded, actor, role, action, entity, patient_id, outcome, http_status, source, detail, prev_hash, hash)
       SELECT recorded::timestamptz, actor, role, action, entity, patient_id, outcome, http_status::integer, source, detail, prev_hash, hash
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                     $10::text[], $11::text[], $12::text[])
              WITH ORDINALITY AS r(recorded, actor, role, action, entity, patient_id, outcome, http_status, source, detail, prev_hash, hash, n)
        ORDER BY n`,
      [
        column(rows.map((r) => r.recorded)),
        column(rows.map((r) => r.actor)),
        column(rows.map((r) => r.role)),
        column(rows.map((r) => r.action)),
        column(rows.map((r) => r.entity)),
        column(rows.map((r) => r.patient_id)),
        column(rows.map((r) => r.outcome)),
        column(rows.map((r) => (r.http_status === null ? null : String(r.http_status)))),
        column(rows.map((r) => r.source)),
        column(rows.map((r) => r.detail)),
        column(prevs),
        column(hashes),
      ],
      { name: 'vt_audit_insert_compact' },
    );
    return prev;
  }
}
