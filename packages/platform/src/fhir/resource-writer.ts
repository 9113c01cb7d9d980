import type { Resource } from '@medplum/fhirtypes';
import { VitaltwinError } from '@vitaltwin/core';
import { binaryArray } from '../store/binary-array-param.ts';
import type { SqlQueryable } from '../store/sql-client.ts';
import { extractIndex } from './index-extractor.ts';
import { indexInsertStatement } from './index-insert.ts';
import type { ExtractedIndex } from './index-rows.ts';
import type { SearchIndexKeys } from './search-index-keys.ts';
import { searchModel } from './search-parameter-registry.ts';

/**
 * The batch write path: any number of creates, updates and deletes written with two statements
 * whatever their number (look up current versions and reserve row keys, then one statement whose
 * data-modifying CTEs write resources, history and all index rows). Callers run it inside a
 * transaction; it validates nothing (the repository validates at the edge first).
 */
export type WriteOp =
  | { readonly kind: 'create'; readonly resource: Resource & { id: string } }
  | { readonly kind: 'update'; readonly resource: Resource & { id: string }; readonly ifMatch?: number; readonly method?: 'PUT' | 'PATCH' }
  | { readonly kind: 'delete'; readonly resourceType: string; readonly id: string; readonly ifMatch?: number };

export interface WriteResult {
  readonly resourceType: string;
  readonly id: string;
  /** 0 when a delete found nothing to delete. */
  readonly versionId: number;
  readonly lastUpdated: string;
  /** existing: a conditional create matched, nothing was written. */
  readonly outcome: 'created' | 'updated' | 'deleted' | 'not-found' | 'existing';
  readonly resource?: Resource;
}

export interface BatchWriteStats {
  readonly indexRows: number;
}

interface Existing {
  rid: number;
  version_id: number;
  deleted: boolean;
}

interface Planned {
  op: WriteOp;
  type: string;
  id: string;
  rid: number;
  isNew: boolean;
  versionId: number;
  deleted: boolean;
  method: string;
  resource?: Resource;
  index?: ExtractedIndex;
}

export async function writeBatch(
  tx: SqlQueryable,
  keys: SearchIndexKeys,
  ops: readonly WriteOp[],
  lastUpdated: string,
): Promise<{ results: WriteResult[]; stats: BatchWriteStats }> {
  if (ops.length === 0) return { results: [], stats: { indexRows: 0 } };
  requireWrittenOnce(ops);
  // Current versions of what exists (locked), and a row key for each write that may create.
  const { existing, reserved } = await lookupAndReserve(tx, ops, ops.map(ident));
  const planned: Planned[] = [];
  const results: WriteResult[] = [];
  for (const [n, op] of ops.entries()) {
    const { type, id } = ident(op);
    const current = existing.get(n);
    const live = current !== undefined && !current.deleted;
    if (op.kind !== 'create' && op.ifMatch !== undefined && (!live || current.version_id !== op.ifMatch)) {
      throw new VitaltwinError(
        'VT_ERR_VERSION_CONFLICT',
        `${type}/${id} is at version ${live ? current.version_id : 'none'}, not ${op.ifMatch}`,
      );
    }
    if (op.kind === 'delete' && !live) {
      results.push({ resourceType: type, id, versionId: current?.version_id ?? 0, lastUpdated, outcome: 'not-found' });
      continue;
    }
    const p = planWrite(op, type, id, current?.rid ?? reserved.get(n) ?? 0, current, lastUpdated);
    planned.push(p);
    results.push(resultOf(p, live, lastUpdated));
  }
  if (planned.length === 0) return { results, stats: { indexRows: 0 } };
  const statement = indexInsertStatement(planned, keys, lastUpdated);
  await tx.query(statement.sql, statement.params);
  return { results, stats: { indexRows: statement.indexRows } };
}

/** The resource a write is about. */
const ident = (op: WriteOp) =>
  op.kind === 'delete' ? { type: op.resourceType, id: op.id } : { type: op.resource.resourceType, id: op.resource.id };

/** A batch writes each resource at most once (which of two writes should win is not for it to guess). */
export function requireWrittenOnce(ops: readonly WriteOp[]): void {
  const seen = new Set<string>();
  for (const op of ops) {
    const { type, id } = ident(op);
    const k = `${type}/${id}`;
    if (seen.has(k)) throw new VitaltwinError('VT_ERR_INVALID_INPUT', `${k} is written more than once in one batch`);
    seen.add(k);
  }
}

/** The planned write of `op` over the row `current` (undefined: there is none) under row key `rid`. */
function planWrite(op: WriteOp, type: string, id: string, rid: number, current: Existing | undefined, lastUpdated: string): Planned {
  const versionId = (current?.version_id ?? 0) + 1;
  const p: Planned = {
    op,
    type,
    id,
    rid,
    isNew: current === undefined,
    versionId,
    deleted: op.kind === 'delete',
    method: op.kind === 'create' ? 'POST' : op.kind === 'delete' ? 'DELETE' : (op.method ?? 'PUT'),
  };
  if (op.kind !== 'delete') {
    // resourceType, id and meta first (presentable, stored-json.ts), built in one copy.
    const { resourceType, id: ownId, meta, ...rest } = op.resource;
    const resource = {
      resourceType,
      ...(ownId !== undefined ? { id: ownId } : {}),
      meta: { ...meta, versionId: String(versionId), lastUpdated },
      ...rest,
    } as Resource;
    p.resource = resource;
    const model = searchModel(type);
    if (!model) throw new VitaltwinError('VT_ERR_INVALID_INPUT', `unknown resource type ${type}`);
    p.index = extractIndex(resource, model);
  }
  return p;
}

function resultOf(p: Planned, live: boolean, lastUpdated: string): WriteResult {
  return {
    resourceType: p.type,
    id: p.id,
    versionId: p.versionId,
    lastUpdated,
    outcome: p.deleted ? 'deleted' : live ? 'updated' : 'created',
    ...(p.resource ? { resource: p.resource } : {}),
  };
}

/** What a write planned ahead assumes about the stored row: its key, and its live version (0: none). */
export interface AssumedRow {
  readonly rid: number;
  readonly versionId: number;
}

/**
 * The write of a batch of updates (create-or-replace, as an import does) planned from rows read
 * before the transaction instead of inside it, so the whole batch is one statement with no round
 * trip before it: `assumed` holds each resource's row key and live version as read then, or a
 * reserved key and version 0 for one that did not exist. Should the store have changed since, the
 * statement fails with a unique violation (SQLSTATE 23505) and changes nothing: a create finds the
 * resource's primary key taken, an update finds its new version's history row already written
 * (the primary keys of fhir_resource and fhir_resource_version). The caller then writes the batch
 * with writeBatch, which reads the rows under lock.
 */
export function assumedWriteStatement(
  keys: SearchIndexKeys,
  ops: readonly Extract<WriteOp, { kind: 'update' }>[],
  assumed: readonly AssumedRow[],
  lastUpdated: string,
): { sql: string; params: unknown[]; results: WriteResult[]; indexRows: number } {
  const planned: Planned[] = [];
  const results: WriteResult[] = [];
  ops.forEach((op, n) => {
    const row = assumed[n]!;
    const current = row.versionId > 0 ? { rid: row.rid, version_id: row.versionId, deleted: false } : undefined;
    const p = planWrite(op, op.resource.resourceType, op.resource.id, row.rid, current, lastUpdated);
    planned.push(p);
    results.push(resultOf(p, current !== undefined, lastUpdated));
  });
  const statement = indexInsertStatement(planned, keys, lastUpdated);
  return { sql: statement.sql, params: statement.params, results, indexRows: statement.indexRows };
}

/**
 * One statement for what the batch needs to know before it writes: the current row of each written
 * resource that may exist (locked FOR UPDATE until the transaction ends), and a new row key from
 * fhir_resource_rid_seq for each create or update that finds no row.
 */
const lookupAndReserveSql = `WITH k AS (SELECT * FROM unnest($1::text[], $2::text[], $3::boolean[], $4::boolean[]) WITH ORDINALITY AS k(t, i, lookup, reserve, n)),
  e AS (SELECT k.n, r.rid, r.version_id, r.deleted
          FROM k JOIN fhir_resource r ON r.resource_type = k.t AND r.id = k.i
         WHERE k.lookup
           FOR UPDATE OF r)
SELECT k.n, e.n IS NOT NULL AS found, COALESCE(e.rid, CASE WHEN k.reserve THEN nextval('fhir_resource_rid_seq') END) AS rid,
       e.version_id, e.deleted
  FROM k LEFT JOIN e ON e.n = k.n`;

async function lookupAndReserve(
  tx: SqlQueryable,
  ops: readonly WriteOp[],
  idents: readonly { type: string; id: string }[],
): Promise<{ existing: Map<number, Existing>; reserved: Map<number, number> }> {
  const types = idents.map((x) => x.type);
  const ids = idents.map((x) => x.id);
  const lookup = ops.map((op) => op.kind !== 'create');
  const reserve = ops.map((op) => op.kind !== 'delete');
  const rows = await tx.query<{ n: number | string; found: boolean; rid: number | string | null; version_id: number; deleted: boolean }>(
    lookupAndReserveSql,
    [binaryArray('text', types), binaryArray('text', ids), binaryArray('bool', lookup), binaryArray('bool', reserve)],
  );
  const existing = new Map<number, Existing>();
  const freshOps: number[] = [];
  const freshRids: number[] = [];
  for (const r of rows) {
    const n = Number(r.n) - 1;
    if (r.found) existing.set(n, { rid: Number(r.rid), version_id: r.version_id, deleted: r.deleted });
    else if (r.rid !== null) {
      freshOps.push(n);
      freshRids.push(Number(r.rid));
    }
  }
  // New keys ascend in the order of the writes, as search results without a sort are ordered by key.
  freshOps.sort((a, b) => a - b);
  freshRids.sort((a, b) => a - b);
  const reserved = new Map(freshOps.map((n, i) => [n, freshRids[i]!] as const));
  return { existing, reserved };
}

export type { Planned as PlannedWrite };
