import type { Resource } from '@medplum/fhirtypes';
import { VitaltwinError } from '@vitaltwin/core';
import type { SqlQueryable } from '../store/sql-client.ts';
import { timestampLiteral } from './date-range.ts';
import { readDeviceObservation } from './device-observations.ts';
import { presentable, StoredJson } from './stored-json.ts';

/**
 * Reads by identity and history (FHIR R4 http.html read, vread, history). A deleted resource
 * reads as 410 Gone; history lists every version newest first, deletions included.
 */
export interface CurrentRow {
  rid: number;
  version_id: number;
  last_updated: Date | string;
  deleted: boolean;
  content: Resource | null;
}

export async function readCurrent(q: SqlQueryable, type: string, id: string): Promise<CurrentRow | undefined> {
  const rows = await q.query<CurrentRow>(
    'SELECT rid, version_id, last_updated, deleted, content FROM fhir_resource WHERE resource_type = $1 AND id = $2',
    [type, id],
    { name: 'vt_fhir_read_current' },
  );
  return rows[0];
}

/** The live resource, or undefined when it does not exist or is deleted (device Observations included). */
export async function tryRead(q: SqlQueryable, type: string, id: string): Promise<Resource | undefined> {
  if (type === 'Observation' && id.startsWith('dr-')) return readDeviceObservation(q, id);
  const rows = await q.query<{ content: Resource | null }>(
    'SELECT content FROM fhir_resource WHERE resource_type = $1 AND id = $2 AND NOT deleted',
    [type, id],
    { name: 'vt_fhir_try_read' },
  );
  const content = rows[0]?.content;
  return content ? presentable(content) : undefined;
}

export async function readResource(q: SqlQueryable, type: string, id: string): Promise<Resource> {
  return (await readResourceJson(q, type, id)).json.resource;
}

/** The current version as stored JSON text, with the version it is (for ETag and Last-Modified). */
export interface CurrentJson {
  readonly json: StoredJson;
  readonly meta: { readonly versionId?: string; readonly lastUpdated?: string };
}

/** The live resource (404 when unknown, 410 when deleted) as its stored text: what a read by id sends. */
export async function readResourceJson(q: SqlQueryable, type: string, id: string): Promise<CurrentJson> {
  if (type === 'Observation' && id.startsWith('dr-')) {
    const obs = await readDeviceObservation(q, id);
    if (!obs) throw new VitaltwinError('VT_ERR_NOT_FOUND', `${type}/${id} not found`);
    return { json: StoredJson.fromResource(obs), meta: obs.meta ?? {} };
  }
  const rows = await q.query<CurrentJsonRow>(
    'SELECT version_id, last_updated, deleted, content::text AS content FROM fhir_resource WHERE resource_type = $1 AND id = $2',
    [type, id],
    { name: 'vt_fhir_read_json' },
  );
  return currentJsonOf(type, id, rows[0]);
}

/** The row of fhir_resource a read by id selects (content as text). */
export interface CurrentJsonRow {
  version_id: number;
  last_updated: Date | string;
  deleted: boolean;
  content: string | null;
}

/** What a read by id answers for `row` (undefined: there is none): the document, or 404 / 410. */
export function currentJsonOf(type: string, id: string, row: CurrentJsonRow | undefined): CurrentJson {
  if (!row) throw new VitaltwinError('VT_ERR_NOT_FOUND', `${type}/${id} not found`);
  if (row.deleted || !row.content) throw new VitaltwinError('VT_ERR_GONE', `${type}/${id} was deleted`);
  return {
    json: StoredJson.fromColumn(type, id, row.content),
    meta: { versionId: String(row.version_id), lastUpdated: new Date(row.last_updated).toISOString() },
  };
}

// A history row holds its content once superseded; the current version's content is in
// fhir_resource (migration 006).
const currentOfVersion =
  'LEFT JOIN fhir_resource cur ON cur.resource_type = v.resource_type AND cur.id = v.id AND cur.version_id = v.version_id';
const versionContent = 'COALESCE(v.content, cur.content)';

export async function readVersion(q: SqlQueryable, type: string, id: string, versionId: string): Promise<Resource> {
  const v = Number(versionId);
  if (!Number.isInteger(v) || v < 1 || v > 2_147_483_647)
    throw new VitaltwinError('VT_ERR_NOT_FOUND', `${type}/${id} has no version ${versionId}`);
  const rows = await q.query<{ deleted: boolean; content: Resource | null }>(
    `SELECT v.deleted, ${versionContent} AS content FROM fhir_resource_version v ${currentOfVersion}
      WHERE v.resource_type = $1 AND v.id = $2 AND v.version_id = $3`,
    [type, id, v],
  );
  const row = rows[0];
  if (!row) throw new VitaltwinError('VT_ERR_NOT_FOUND', `${type}/${id} has no version ${versionId}`);
  if (row.deleted || !row.content) throw new VitaltwinError('VT_ERR_GONE', `version ${versionId} of ${type}/${id} is a deletion`);
  return presentable(row.content);
}

export interface HistoryEntry {
  readonly resourceType: string;
  readonly id: string;
  readonly versionId: number;
  readonly lastUpdated: string;
  readonly method: string;
  /** Absent for deletions. */
  readonly resource?: Resource;
}

export interface HistoryQuery {
  readonly type?: string;
  readonly id?: string;
  readonly sinceMs?: number;
  readonly count: number;
  readonly offset: number;
}

export async function readHistory(q: SqlQueryable, query: HistoryQuery): Promise<{ total: number; entries: HistoryEntry[] }> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (query.type !== undefined) where.push(`resource_type = $${params.push(query.type)}`);
  if (query.id !== undefined) where.push(`id = $${params.push(query.id)}`);
  if (query.sinceMs !== undefined) where.push(`last_updated >= $${params.push(timestampLiteral(query.sinceMs))}::timestamptz`);
  const filter = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
  const count = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM fhir_resource_version ${filter}`, params);
  const rows = await q.query<{
    resource_type: string;
    id: string;
    version_id: number;
    last_updated: Date | string;
    method: string;
    deleted: boolean;
    content: Resource | null;
  }>(
    `SELECT v.resource_type, v.id, v.version_id, v.last_updated, v.method, v.deleted, ${versionContent} AS content
       FROM (SELECT * FROM fhir_resource_version ${filter}
              ORDER BY last_updated DESC, resource_type, id, version_id DESC LIMIT $${params.length + 1} OFFSET $${params.length + 2}) v
       ${currentOfVersion}
      ORDER BY v.last_updated DESC, v.resource_type, v.id, v.version_id DESC`,
    [...params, query.count, query.offset],
  );
  return {
    total: Number(count[0]?.n ?? 0),
    entries: rows.map((r) => ({
      resourceType: r.resource_type,
      id: r.id,
      versionId: r.version_id,
      lastUpdated: new Date(r.last_updated).toISOString(),
      method: r.method,
      ...(r.content && !r.deleted ? { resource: presentable(r.content) } : {}),
    })),
  };
}

/**
 * Current resources of one type changed at or after `sinceMs`, oldest change first, read in pages
 * by keyset (last_updated, rid) so a long export neither holds a transaction nor skips rows.
 */
export async function* streamCurrent(q: SqlQueryable, type: string, sinceMs?: number, pageSize = 1000): AsyncGenerator<Resource> {
  let after: { t: string; rid: number } | undefined;
  for (;;) {
    const params: unknown[] = [type];
    const where = ['resource_type = $1', 'NOT deleted'];
    if (sinceMs !== undefined) where.push(`last_updated >= $${params.push(timestampLiteral(sinceMs))}::timestamptz`);
    if (after) where.push(`(last_updated, rid) > ($${params.push(after.t)}::timestamptz, $${params.push(after.rid)}::bigint)`);
    const rows = await q.query<{ rid: number | string; last_updated: Date | string; content: Resource }>(
      `SELECT rid, last_updated, content FROM fhir_resource WHERE ${where.join(' AND ')} ORDER BY last_updated, rid LIMIT ${pageSize}`,
      params,
    );
    for (const r of rows) yield presentable(r.content);
    const last = rows[rows.length - 1];
    if (!last || rows.length < pageSize) return;
    after = { t: new Date(last.last_updated).toISOString(), rid: Number(last.rid) };
  }
}
