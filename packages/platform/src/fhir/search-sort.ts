import type { SearchIndexKeys } from './search-index-keys.ts';
import type { ResourceSearchModel } from './search-parameter-registry.ts';
import type { SortKey } from './search-request.ts';
import type { SqlParams } from './sql-params.ts';

/**
 * Sort keys for `_sort` (R4 search 3.1.1.5.2): each becomes a per-resource expression over the
 * index rows (`c.rid` is the candidate's key). A parameter with several values sorts by its lowest
 * value ascending and its highest descending; dates sort by range start ascending and range end
 * descending. Resources without a value sort last either way.
 */
export interface SortColumn {
  /** Expression for stored resources (c.rid, and r.* when `needsResource`); adds its parameters when called. */
  readonly stored: () => string;
  /** Expression for device readings (columns of device_reading). */
  readonly device: string;
  readonly descending: boolean;
  readonly needsResource: boolean;
}

const valueColumn = {
  token: ['fhir_token', 'code', 'text'],
  string: ['fhir_string', 'value', 'text'],
  date: ['fhir_date', 'lo', 'timestamptz'],
  quantity: ['fhir_quantity', 'value', 'float8'],
  reference: ['fhir_reference', 'target_id', 'text'],
  number: ['fhir_number', 'value', 'float8'],
  uri: ['fhir_uri', 'value', 'text'],
} as const;

export function sortColumns(
  keys: SearchIndexKeys,
  model: ResourceSearchModel,
  sort: readonly SortKey[],
  params: SqlParams,
): { columns: SortColumn[]; warnings: string[] } {
  const columns: SortColumn[] = [];
  const warnings: string[] = [];
  for (const s of sort) {
    if (s.code === '_id') {
      columns.push({ stored: () => 'r.id', device: 'NULL::text', descending: s.descending, needsResource: true });
      continue;
    }
    if (s.code === '_lastUpdated') {
      columns.push({ stored: () => 'r.last_updated', device: 'received_at', descending: s.descending, needsResource: true });
      continue;
    }
    const param = model.params.get(s.code);
    if (!param || param.type === 'composite') {
      warnings.push(`cannot sort by ${s.code}; the sort was ignored`);
      continue;
    }
    const [table, column, type] = valueColumn[param.type];
    const keyList = param.branches.map((b) => keys.key(b.path));
    const agg = s.descending ? `max(${param.type === 'date' ? 'hi' : column})` : `min(${column})`;
    columns.push({
      stored: () => `(SELECT ${agg} FROM ${table} x WHERE x.rid = c.rid AND x.key = ANY(${params.add(keyList, 'int[]')}))`,
      device: param.code === 'date' ? (s.descending ? "(t + interval '1 millisecond')" : 't') : `NULL::${type}`,
      descending: s.descending,
      needsResource: false,
    });
  }
  return { columns, warnings };
}
