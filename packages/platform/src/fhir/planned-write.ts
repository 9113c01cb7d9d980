import type { Resource } from '@medplum/fhirtypes';
import { binaryArray } from '../store/binary-array-param.ts';
import type { SqlClient, SqlQueryable } from '../store/sql-client.ts';
import {
  type AssumedRow,
  assumedWriteStatement,
  requireWrittenOnce,
  type WriteOp,
  type WriteResult,
  writeBatch,
} from './resource-writer.ts';
import type { SearchIndexKeys } from './search-index-keys.ts';

/**
 * Create-or-update writes planned outside the transaction (resource-writer.ts,
 * assumedWriteStatement): the rows are looked up first, without locks, and the writes then reach
 * the database as one transaction script. On embedded PGlite's single connection nothing else has
 * to wait while this thread plans the writes between round trips of an interactive transaction
 * (a device batch queued behind a score write waited for that), and a bulk import keeps the
 * database thread busy. If the store changed in between, the script fails on a primary key and
 * the batch is written the ordinary way, under lock. Database errors reach the caller as they are
 * (callers translate them with storage-errors.ts).
 */
export type UpdateOp = Extract<WriteOp, { kind: 'update' }>;

/** Rows per statement unless told otherwise. */
const defaultStatementRows = 1000;

export interface PlannedRows {
  /** Per key: the live row, or a reserved row key with version 0 when there is none. */
  readonly rows: AssumedRow[];
  /** Per key: the live content (only when asked for), undefined when there is none. */
  readonly contents: (Resource | undefined)[];
}

/**
 * The live row of each key, and a new row key (from fhir_resource_rid_seq) for each key with none.
 * New keys ascend in the order of the keys, as search results without a sort are ordered by key.
 */
export async function lookupPlannedRows(
  q: SqlQueryable,
  keys: readonly { readonly type: string; readonly id: string }[],
  withContent: boolean,
  statementRows = defaultStatementRows,
): Promise<PlannedRows> {
  const rows: AssumedRow[] = [];
  const contents: (Resource | undefined)[] = [];
  for (let start = 0; start < keys.length; start += statementRows) {
    const part = keys.slice(start, start + statementRows);
    const found = await q.query<{
      n: number | string;
      rid: number | string;
      version_id: number | null;
      content?: Resource | string | null;
    }>(
      `SELECT k.n, COALESCE(r.rid, nextval('fhir_resource_rid_seq')) AS rid, r.version_id${withContent ? ', r.content' : ''}
         FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS k(t, i, n)
         LEFT JOIN fhir_resource r ON r.resource_type = k.t AND r.id = k.i AND NOT r.deleted`,
      [
        binaryArray(
          'text',
          part.map((k) => k.type),
        ),
        binaryArray(
          'text',
          part.map((k) => k.id),
        ),
      ],
    );
    const partRows: AssumedRow[] = new Array(part.length);
    const fresh: { at: number; rid: number }[] = [];
    for (const r of found) {
      const at = Number(r.n) - 1;
      if (r.version_id === null) {
        fresh.push({ at, rid: Number(r.rid) });
        contents[start + at] = undefined;
        continue;
      }
      partRows[at] = { rid: Number(r.rid), versionId: r.version_id };
      const content = r.content ?? undefined;
      contents[start + at] = typeof content === 'string' ? (JSON.parse(content) as Resource) : content;
    }
    fresh.sort((a, b) => a.at - b.at);
    const reserved = fresh.map((f) => f.rid).sort((a, b) => a - b);
    for (const [i, f] of fresh.entries()) partRows[f.at] = { rid: reserved[i]!, versionId: 0 };
    rows.push(...partRows);
  }
  return { rows, contents };
}

/**
 * Writes `ops` as planned from `assumed` in one transaction script; undefined (nothing written)
 * when the store changed since the rows were read.
 */
export async function writePlannedScript(
  db: SqlClient,
  keys: SearchIndexKeys,
  ops: readonly UpdateOp[],
  assumed: readonly AssumedRow[],
  lastUpdated: string,
  statementRows = defaultStatementRows,
): Promise<{ results: WriteResult[]; indexRows: number } | undefined> {
  requireWrittenOnce(ops);
  const steps: { sql: string; params: unknown[] }[] = [];
  const results: WriteResult[] = [];
  let indexRows = 0;
  for (let start = 0; start < ops.length; start += statementRows) {
    const statement = assumedWriteStatement(
      keys,
      ops.slice(start, start + statementRows),
      assumed.slice(start, start + statementRows),
      lastUpdated,
    );
    steps.push({ sql: statement.sql, params: statement.params });
    results.push(...statement.results);
    indexRows += statement.indexRows;
  }
  try {
    await db.transactionScript(steps);
    return { results, indexRows };
  } catch (error) {
    if ((error as { code?: unknown }).code === '23505') return undefined;
    throw error;
  }
}

/** Plans, writes, and falls back to the ordinary write under lock when the store changed meanwhile. */
export async function writeUpdatesPlanned(
  db: SqlClient,
  keys: SearchIndexKeys,
  ops: readonly UpdateOp[],
  lastUpdated: string,
): Promise<{ results: WriteResult[]; indexRows: number }> {
  const { rows } = await lookupPlannedRows(
    db,
    ops.map((op) => ({ type: op.resource.resourceType, id: op.resource.id })),
    false,
  );
  return (await writePlannedScript(db, keys, ops, rows, lastUpdated)) ?? (await writeUnderLock(db, keys, ops, lastUpdated));
}

/** The ordinary batch write: one transaction, rows read under lock (resource-writer.ts). */
export async function writeUnderLock(
  db: SqlClient,
  keys: SearchIndexKeys,
  ops: readonly WriteOp[],
  lastUpdated: string,
  statementRows = defaultStatementRows,
): Promise<{ results: WriteResult[]; indexRows: number }> {
  return db.transaction(async (tx) => {
    const results: WriteResult[] = [];
    let indexRows = 0;
    for (let start = 0; start < ops.length; start += statementRows) {
      const batch = await writeBatch(tx, keys, ops.slice(start, start + statementRows), lastUpdated);
      results.push(...batch.results);
      indexRows += batch.stats.indexRows;
    }
    return { results, indexRows };
  });
}
