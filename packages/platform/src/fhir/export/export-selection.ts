import type { Resource } from '@medplum/fhirtypes';
import { VitaltwinError } from '@vitaltwin/core';
import type { SqlQueryable } from '../../store/sql-client.ts';
import { presentable } from '../stored-json.ts';

/**
 * Which stored resources an export takes (FHIR Bulk Data Access IG 2.0, "Bulk Data Kick-off
 * Request"): resource types (`_type`), changed after `_since`, not after the export's
 * `transactionTime`, and for patient- and group-level exports only the Patient compartment of all
 * patients or of the group's members (`fhir_resource.patient_id`, the compartment patient recorded
 * on write). Resources are read in pages by keyset (last_updated, rid), so a long export holds no
 * transaction and skips nothing.
 */
export interface ExportSelection {
  /** Types to export; empty: every type the store holds (within the patient filter). */
  readonly types: readonly string[];
  /** Only resources changed after this instant (epoch ms). */
  readonly sinceMs?: number;
  /** Only resources changed at or before this instant (the export's transactionTime). */
  readonly untilMs: number;
  /** `all`: every resource in some patient's compartment; a list: these patients' compartments. */
  readonly patients?: 'all' | readonly string[];
  /** `_typeFilter`: per type, the keys of the resources to take (search-set.ts; other types are not narrowed). */
  readonly typeFilters?: ReadonlyMap<string, { readonly sql: string; readonly params: readonly unknown[] }>;
}

interface Filter {
  readonly sql: string[];
  readonly params: unknown[];
}

/** The conditions of a selection, their parameters appended to `params` (numbered after those already there). */
function filter(selection: ExportSelection, params: unknown[] = []): Filter {
  const sql = ['NOT deleted', `last_updated <= $${params.push(new Date(selection.untilMs).toISOString())}::timestamptz`];
  if (selection.sinceMs !== undefined) sql.push(`last_updated > $${params.push(new Date(selection.sinceMs).toISOString())}::timestamptz`);
  if (selection.patients === 'all') sql.push('patient_id IS NOT NULL');
  else if (selection.patients !== undefined) sql.push(`patient_id = ANY($${params.push([...selection.patients])}::text[])`);
  return { sql, params };
}

/** The types to export: those asked for, else every type with at least one selected resource, sorted. */
export async function exportTypes(db: SqlQueryable, selection: ExportSelection): Promise<string[]> {
  if (selection.types.length > 0) return [...selection.types];
  const f = filter(selection);
  const rows = await db.query<{ resource_type: string }>(
    `SELECT DISTINCT resource_type FROM fhir_resource WHERE ${f.sql.join(' AND ')} ORDER BY resource_type`,
    f.params,
  );
  return rows.map((r) => r.resource_type);
}

export async function* exportResources(
  db: SqlQueryable,
  type: string,
  selection: ExportSelection,
  pageSize = 1000,
): AsyncGenerator<Resource> {
  let after: { t: string; rid: number } | undefined;
  for (;;) {
    const typeFilter = selection.typeFilters?.get(type);
    const f = filter(selection, [...(typeFilter?.params ?? [])]);
    const params = f.params;
    const where = [`resource_type = $${params.push(type)}`, ...f.sql];
    if (typeFilter) where.push(`rid IN (${typeFilter.sql})`);
    if (after) where.push(`(last_updated, rid) > ($${params.push(after.t)}::timestamptz, $${params.push(after.rid)}::bigint)`);
    // last_updated as text keeps its microseconds (a Date would round them and repeat or skip rows).
    const rows = await db.query<{ rid: number | string; t: string; content: Resource | string }>(
      `SELECT rid, last_updated::text AS t, content FROM fhir_resource WHERE ${where.join(' AND ')} ORDER BY last_updated, rid LIMIT ${pageSize}`,
      params,
    );
    for (const r of rows) yield presentable(typeof r.content === 'string' ? (JSON.parse(r.content) as Resource) : r.content);
    const last = rows[rows.length - 1];
    if (!last || rows.length < pageSize) return;
    after = { t: last.t, rid: Number(last.rid) };
  }
}

/** The patients of a Group (Group.member.entity references to Patient), for `Group/[id]/$export`. */
export async function groupPatients(db: SqlQueryable, groupId: string): Promise<string[]> {
  const rows = await db.query<{ content: { member?: { entity?: { reference?: string } }[] } | string }>(
    "SELECT content FROM fhir_resource WHERE resource_type = 'Group' AND id = $1 AND NOT deleted",
    [groupId],
  );
  const row = rows[0];
  if (!row) throw new VitaltwinError('VT_ERR_NOT_FOUND', `Group/${groupId} not found`);
  const group = typeof row.content === 'string' ? JSON.parse(row.content) : row.content;
  const ids: string[] = [];
  for (const m of (group as { member?: { entity?: { reference?: string } }[] }).member ?? []) {
    const match = /(?:^|\/)Patient\/([A-Za-z0-9\-.]{1,64})$/.exec(m.entity?.reference ?? '');
    if (match && !ids.includes(match[1]!)) ids.push(match[1]!);
  }
  return ids;
}
