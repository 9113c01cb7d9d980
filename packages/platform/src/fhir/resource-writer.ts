import type { Resource } from '@medplum/fhirtypes';
import { VitaltwinError } from '@vitaltwin/core';
import type { SqlQueryable } from '../store/sql-client.ts';
import { extractIndex } from './index-extractor.ts';
import { indexInsertStatement } from './index-insert.ts';
import type { ExtractedIndex } from './index-rows.ts';
import { presentable } from './resource-reads.ts';
import type { SearchIndexKeys } from './search-index-keys.ts';
import { searchModel } from './search-parameter-registry.ts';

/**
 * The batch write path: any number of creates, updates and deletes written with three statements
 * whatever their number (look up current versions, reserve row keys, then one statement whose
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
  const ident = (op: WriteOp) =>
    op.kind === 'delete' ? { type: op.resourceType, id: op.id } : { type: op.resource.resourceType, id: op.resource.id };
  const seen = new Set<string>();
  for (const op of ops) {
    const { type, id } = ident(op);
    const k = `${type}/${id}`;
    if (seen.has(k)) throw new VitaltwinError('VT_ERR_INVALID_INPUT', `${k} is written more than once in one batch`);
    seen.add(k);
  }
  const existing = await lookupExisting(tx, ops.filter((op) => op.kind !== 'create').map(ident));
  const planned: Planned[] = [];
  const results: WriteResult[] = [];
  for (const op of ops) {
    const { type, id } = ident(op);
    const current = existing.get(`${type}/${id}`);
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
    const versionId = (current?.version_id ?? 0) + 1;
    const p: Planned = {
      op,
      type,
      id,
      rid: current?.rid ?? 0,
      isNew: current === undefined,
      versionId,
      deleted: op.kind === 'delete',
      method: op.kind === 'create' ? 'POST' : op.kind === 'delete' ? 'DELETE' : (op.method ?? 'PUT'),
    };
    if (op.kind !== 'delete') {
      const resource = presentable({
        ...op.resource,
        meta: { ...op.resource.meta, versionId: String(versionId), lastUpdated },
      } as Resource);
      p.resource = resource;
      const model = searchModel(type);
      if (!model) throw new VitaltwinError('VT_ERR_INVALID_INPUT', `unknown resource type ${type}`);
      p.index = extractIndex(resource, model);
    }
    planned.push(p);
    results.push({
      resourceType: type,
      id,
      versionId,
      lastUpdated,
      outcome: op.kind === 'delete' ? 'deleted' : live ? 'updated' : 'created',
      ...(p.resource ? { resource: p.resource } : {}),
    });
  }
  if (planned.length === 0) return { results, stats: { indexRows: 0 } };
  const fresh = planned.filter((p) => p.isNew);
  if (fresh.length > 0) {
    const rows = await tx.query<{ rid: number | string }>("SELECT nextval('fhir_resource_rid_seq') AS rid FROM generate_series(1, $1)", [
      fresh.length,
    ]);
    fresh.forEach((p, i) => {
      p.rid = Number(rows[i]!.rid);
    });
  }
  const statement = indexInsertStatement(planned, keys, lastUpdated);
  await tx.query(statement.sql, statement.params);
  return { results, stats: { indexRows: statement.indexRows } };
}

async function lookupExisting(tx: SqlQueryable, idents: { type: string; id: string }[]): Promise<Map<string, Existing>> {
  const map = new Map<string, Existing>();
  if (idents.length === 0) return map;
  const rows = await tx.query<Existing & { resource_type: string; id: string }>(
    `SELECT r.resource_type, r.id, r.rid, r.version_id, r.deleted
       FROM fhir_resource r JOIN unnest($1::text[], $2::text[]) AS k(t, i) ON r.resource_type = k.t AND r.id = k.i
        FOR UPDATE OF r`,
    [idents.map((x) => x.type), idents.map((x) => x.id)],
  );
  for (const r of rows) map.set(`${r.resource_type}/${r.id}`, { rid: Number(r.rid), version_id: r.version_id, deleted: r.deleted });
  return map;
}

export type { Planned as PlannedWrite };
