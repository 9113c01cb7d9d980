import type { Resource } from '@medplum/fhirtypes';
import { VitaltwinError } from '@vitaltwin/core';
import type { SqlQueryable } from '../store/sql-client.ts';
import { StatementNames } from '../store/statement-names.ts';
import { deviceColumns, deviceFilter } from './device-observations.ts';
import { resolveIncludes } from './search-includes.ts';
import type { SearchIndexKeys } from './search-index-keys.ts';
import { pageEntries, pageTextSql } from './search-page-text.ts';
import type { ResourceSearchModel } from './search-parameter-registry.ts';
import { type KeySet, planSearch } from './search-plan.ts';
import type { SearchRequest } from './search-request.ts';
import { sortColumns } from './search-sort.ts';
import type { StoredJson } from './stored-json.ts';

/**
 * Runs a search: one statement finds the matching resources (and device readings), counts them,
 * sorts them and returns one page with its documents; includes follow. Matches are the
 * intersection of the index conditions: the sets bounded by one patient are intersected in one
 * hashed pass, and the result (or the first set) drives the probes of the others (storedBranch).
 */
export interface SearchOptions {
  readonly keys: SearchIndexKeys;
  readonly nowMs: number;
  readonly baseUrl?: string;
  /** Prefer: handling=strict: unsupported parameters fail the search instead of being reported. */
  readonly strict?: boolean;
  /** false: leave the series index aside (search-plan.ts PlanOptions). */
  readonly seriesIndex?: boolean;
}

export interface SearchResult {
  readonly request: SearchRequest;
  /** Undefined when `_total=none`. */
  readonly total?: number;
  readonly matches: Resource[];
  /** The matches as stored JSON text, in the same order, when the search read them so (stored-json.ts). */
  readonly matchTexts?: readonly StoredJson[];
  readonly included: Resource[];
  readonly warnings: string[];
  readonly hasNext: boolean;
}

interface PageRow {
  total: number | null;
  /** Rows of the page (one more than asked when the total is not counted). */
  n: number;
  /** The page's entries as one text (search-page-text.ts); NULL when it has none. */
  page: string | null;
}

/** Search statements take a name per shape (statement-names.ts). */
const searchStatements = new StatementNames('vt_search_');

export async function executeSearch(
  db: SqlQueryable,
  model: ResourceSearchModel,
  request: SearchRequest,
  options: SearchOptions,
): Promise<SearchResult> {
  const plan = planSearch(model, request, options);
  const { params } = plan;
  const sort = sortColumns(options.keys, model, request.sort, params);
  const warnings = [...plan.warnings, ...sort.warnings];
  if (plan.errors.length > 0) {
    throw new VitaltwinError(
      'VT_ERR_INVALID_INPUT',
      'invalid search',
      plan.errors.map((message) => ({ message })),
    );
  }
  const device = deviceFilter(plan, params, options.nowMs);
  if ('excluded' in device && device.excluded && model.resourceType === 'Observation') warnings.push(device.excluded);
  if (options.strict && warnings.length > 0) {
    throw new VitaltwinError(
      'VT_ERR_NOT_SUPPORTED',
      'search uses what this server does not support (Prefer: handling=strict)',
      warnings.map((message) => ({ message })),
    );
  }
  const needsResource = plan.resourceFilters.length > 0 || sort.columns.some((c) => c.needsResource);
  // Sorting by a date the search also filters on: one scan of the date index both selects and
  // yields the sort value (instead of probing the date rows again per match).
  const first = request.sort[0];
  const fusedIndex =
    first && sort.columns[0] && model.params.get(first.code)?.type === 'date'
      ? plan.positive.findIndex((k) => k.sortable?.code === first.code)
      : -1;
  const fused = fusedIndex >= 0 ? plan.positive[fusedIndex]?.sortable : undefined;
  const driver = fused ? `SELECT rid, ${first!.descending ? 'max(hi)' : 'min(lo)'} AS s0 ${fused.source} GROUP BY rid` : undefined;
  const positive = plan.positive.filter((_, i) => i !== fusedIndex);
  const stored = storedBranch(positive, plan.negative, plan.resourceFilters, () => params.add(model.resourceType, 'text'), driver);
  const sortNames = sort.columns.map((_, i) => `s${i}`);
  const sortExpr = (c: (typeof sort.columns)[number], i: number) => (i === 0 && driver ? 'c.s0' : c.stored());
  const storedSelect = `SELECT 0 AS src, c.rid, NULL::text AS patient_id, NULL::text AS code, NULL::timestamptz AS t, NULL::float8 AS value,
      NULL::text AS unit, NULL::text AS device_id, NULL::timestamptz AS received_at${sort.columns.map((c, i) => `, ${sortExpr(c, i)} AS ${sortNames[i]}`).join('')}
    FROM (${stored}) c${needsResource ? ' JOIN fhir_resource r ON r.rid = c.rid' : ''}`;
  const branches = [storedSelect];
  if ('where' in device) {
    branches.push(
      `SELECT 1, NULL::bigint, ${deviceColumns}${sort.columns.map((c, i) => `, ${c.device} AS ${sortNames[i]}`).join('')} FROM device_reading WHERE ${device.where}`,
    );
  }
  const order = [
    ...sort.columns.map((c, i) => `${sortNames[i]} ${c.descending ? 'DESC' : 'ASC'} NULLS LAST`),
    'src',
    'rid',
    't',
    'code',
    'device_id',
  ];
  const orderBy = (alias: string) => order.map((o) => `${alias}.${o}`).join(', ');
  const m = `WITH m AS (${branches.join('\nUNION ALL\n')})`;
  if (request.summary === 'count') {
    const rows = await db.query<{ total: number }>(`${m} SELECT count(*)::int AS total FROM m`, params.values, { bounded: true });
    return { request, total: Number(rows[0]?.total ?? 0), matches: [], included: [], warnings, hasNext: false };
  }
  const counted = request.total !== 'none';
  const limit = params.add(counted ? request.count : request.count + 1, 'int');
  const offset = params.add(request.offset, 'int');
  // The page comes back as one text value (search-page-text.ts), without its sort keys.
  const page = `SELECT * FROM m ORDER BY ${orderBy('m')} LIMIT ${limit} OFFSET ${offset}`;
  const aggregate = `SELECT count(*)::int AS n, ${pageTextSql(orderBy('p'))} AS page
      FROM (${page}) p LEFT JOIN fhir_resource r ON r.rid = p.rid`;
  const sql = counted
    ? `${m} SELECT t.total, g.n, g.page FROM (SELECT count(*)::int AS total FROM m) t LEFT JOIN LATERAL (${aggregate}) g ON true`
    : `${m} SELECT NULL::int AS total, g.n, g.page FROM (${aggregate}) g`;
  const name = searchStatements.nameOf(sql);
  const rows = await db.query<PageRow>(sql, params.values, name === undefined ? { bounded: true } : { name, bounded: true });
  const row = rows[0];
  const total = counted ? Number(row?.total ?? 0) : undefined;
  // _count=0 asks for the total only: no pages to follow.
  const hasNext = request.count > 0 && (counted ? request.offset + request.count < (total ?? 0) : Number(row?.n ?? 0) > request.count);
  const matchTexts = pageEntries(row?.page ?? null, request.count);
  // Documents are parsed only for a consumer that reads them as objects (includes, subsetting ...).
  let matches: Resource[] | undefined;
  const parsed = () => {
    matches ??= matchTexts.map((m) => m.resource);
    return matches;
  };
  const included =
    request.include.length + request.revinclude.length > 0 ? await resolveIncludes(db, options.keys, parsed(), request, warnings) : [];
  return {
    request,
    ...(total !== undefined ? { total } : {}),
    get matches() {
      return parsed();
    },
    matchTexts,
    included,
    warnings,
    hasNext,
  };
}

/**
 * SQL for the keys (`rid`) of the stored resources matching every condition of a plan. A `driver`
 * (a grouped set yielding `rid, s0`) leads instead of the first positive set and carries its s0.
 *
 * Sets bounded by one patient (see KeySet) are intersected with INTERSECT, which PostgreSQL runs
 * as one hashed pass over all of them: the cost is that patient's index rows, whatever the planner
 * estimates. Joined as `IN (...)` instead, the planner takes them for independent samples of the
 * whole table (it cannot know they all describe the same patient), estimates their intersection
 * at a row or two, and then probes the next set once per candidate through the rid index, which
 * costs several times more than reading the set (PostgreSQL docs, "Planner Statistics").
 */
export function storedBranch(
  positive: readonly KeySet[],
  negative: readonly string[],
  filters: readonly string[],
  type: () => string,
  driver?: string,
): string {
  const exclusions = (alias: string) => negative.map((n) => `NOT EXISTS (${n} AND rid = ${alias}.rid)`);
  const bounded = positive.filter((k) => k.patientBounded);
  const sets =
    bounded.length > 1
      ? [bounded.map((k) => `(${k.sql})`).join(' INTERSECT '), ...positive.filter((k) => !k.patientBounded).map((k) => k.sql)]
      : positive.map((k) => k.sql);
  if (driver) {
    const where = [...sets.map((p) => `c0.rid IN (${p})`), ...exclusions('c0')];
    if (filters.length > 0) where.push(`EXISTS (SELECT 1 FROM fhir_resource r WHERE r.rid = c0.rid AND ${filters.join(' AND ')})`);
    return `SELECT c0.rid, c0.s0 FROM (${driver}) c0${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''}`;
  }
  if (sets.length === 0) {
    const where = [`r.resource_type = ${type()}`, 'NOT r.deleted', ...filters, ...exclusions('r')];
    return `SELECT r.rid FROM fhir_resource r WHERE ${where.join(' AND ')}`;
  }
  const [first, ...rest] = sets as [string, ...string[]];
  const where = [...rest.map((p) => `c0.rid IN (${p})`), ...exclusions('c0')];
  if (filters.length > 0) where.push(`EXISTS (SELECT 1 FROM fhir_resource r WHERE r.rid = c0.rid AND ${filters.join(' AND ')})`);
  return `SELECT DISTINCT c0.rid FROM (${first}) c0${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''}`;
}
