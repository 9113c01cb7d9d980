import { timestampLiteral } from './date-range.ts';
import type { ExtractedIndex } from './index-rows.ts';
import type { PlannedWrite } from './resource-writer.ts';
import type { SearchIndexKeys } from './search-index-keys.ts';

/**
 * One SQL statement that writes a whole batch: new and changed rows of fhir_resource, one history
 * row per write (whose content stays in fhir_resource while it is current, migration 006), removal
 * of the old index rows of changed resources, and the new index rows of every table. Data-modifying CTEs all see the snapshot from before the statement (PostgreSQL
 * docs, "Data-Modifying Statements in WITH"), so the DELETE of old index rows never sees the rows
 * inserted beside it. Column values travel as arrays (unnest), the documents as one JSON array, so
 * the statement text and parameter count do not grow with the batch.
 */
type Push = (values: readonly unknown[]) => void;

const tables = {
  token: { table: 'fhir_token', columns: ['system', 'code'], types: ['text', 'text'] },
  string: { table: 'fhir_string', columns: ['value', 'exact'], types: ['text', 'text'] },
  date: { table: 'fhir_date', columns: ['lo', 'hi'], types: ['timestamptz', 'timestamptz'] },
  quantity: {
    table: 'fhir_quantity',
    columns: ['value', 'system', 'code', 'canon_value', 'canon_code'],
    types: ['float8', 'text', 'text', 'float8', 'text'],
  },
  reference: { table: 'fhir_reference', columns: ['target_type', 'target_id'], types: ['text', 'text'] },
  number: { table: 'fhir_number', columns: ['value'], types: ['float8'] },
  uri: { table: 'fhir_uri', columns: ['value'], types: ['text'] },
  composite: {
    table: 'fhir_composite',
    columns: ['system1', 'code1', 'system2', 'code2', 'value2', 'canon_value2', 'canon_code2'],
    types: ['text', 'text', 'text', 'text', 'float8', 'float8', 'text'],
  },
} as const;

type TableName = keyof typeof tables;
const tableNames = Object.keys(tables) as TableName[];

/** Every index table, for maintenance (delete, analyze). */
export const indexTables: readonly string[] = tableNames.map((t) => tables[t].table);

function rowValues(name: TableName, index: ExtractedIndex, key: (path: { id: string }) => number, push: Push): void {
  switch (name) {
    case 'token':
      for (const r of index.token) push([key(r.path), r.system, r.code]);
      return;
    case 'string':
      for (const r of index.string) push([key(r.path), r.value, r.exact]);
      return;
    case 'date':
      for (const r of index.date) push([key(r.path), timestampLiteral(r.loMs), timestampLiteral(r.hiMs)]);
      return;
    case 'quantity':
      for (const r of index.quantity) push([key(r.path), r.value, r.system, r.code, r.canonValue, r.canonCode]);
      return;
    case 'reference':
      for (const r of index.reference) push([key(r.path), r.targetType, r.targetId]);
      return;
    case 'number':
      for (const r of index.number) push([key(r.path), r.value]);
      return;
    case 'uri':
      for (const r of index.uri) push([key(r.path), r.value]);
      return;
    case 'composite':
      for (const r of index.composite) push([key(r.path), r.system1, r.code1, r.system2, r.code2, r.value2, r.canonValue2, r.canonCode2]);
      return;
  }
}

export function indexInsertStatement(
  planned: readonly PlannedWrite[],
  keys: SearchIndexKeys,
  lastUpdated: string,
): { sql: string; params: unknown[]; indexRows: number } {
  const params: unknown[] = [];
  const param = (value: unknown, type: string) => {
    params.push(value);
    return `$${params.length}::${type}`;
  };
  const docs = planned.map((p) => (p.resource ? p.resource : null));
  const ctes: string[] = [
    `src AS (SELECT * FROM unnest(${[
      param(
        planned.map((p) => p.rid),
        'bigint[]',
      ),
      param(
        planned.map((p) => p.type),
        'text[]',
      ),
      param(
        planned.map((p) => p.id),
        'text[]',
      ),
      param(
        planned.map((p) => p.versionId),
        'int[]',
      ),
      param(
        planned.map((p) => p.deleted),
        'boolean[]',
      ),
      param(
        planned.map((p) => p.index?.patientId ?? null),
        'text[]',
      ),
      param(
        planned.map((p) => p.method),
        'text[]',
      ),
      param(
        planned.map((p) => p.isNew),
        'boolean[]',
      ),
    ].join(', ')}) WITH ORDINALITY AS s(rid, resource_type, id, version_id, deleted, patient_id, method, is_new, ord))`,
    // Split as json (a syntax check only) and convert each document to jsonb once, rather than
    // building one jsonb of the whole batch and copying each element out of it.
    `docs AS (SELECT ord, value::jsonb AS content FROM json_array_elements((${param(JSON.stringify(docs), 'text')})::json) WITH ORDINALITY AS d(value, ord))`,
    `w AS (SELECT s.rid, s.resource_type, s.id, s.version_id, s.deleted, s.patient_id, s.method, s.is_new,
                  CASE WHEN s.deleted THEN NULL ELSE d.content END AS content
             FROM src s JOIN docs d ON d.ord = s.ord)`,
  ];
  const now = param(lastUpdated, 'timestamptz');
  ctes.push(
    `ins AS (INSERT INTO fhir_resource (rid, resource_type, id, version_id, last_updated, deleted, patient_id, content)
             SELECT rid, resource_type, id, version_id, ${now}, deleted, patient_id, content FROM w WHERE is_new)`,
    `upd AS (UPDATE fhir_resource r SET version_id = w.version_id, last_updated = ${now}, deleted = w.deleted,
                    patient_id = w.patient_id, content = w.content
               FROM w WHERE NOT w.is_new AND r.rid = w.rid)`,
    // The new version's content lives in fhir_resource only (migration 006).
    `ver AS (INSERT INTO fhir_resource_version (resource_type, id, version_id, last_updated, deleted, method, content)
             SELECT resource_type, id, version_id, ${now}, deleted, method, NULL FROM w)`,
  );
  const replaced = planned.filter((p) => !p.isNew).map((p) => p.rid);
  if (replaced.length > 0) {
    const rids = param(replaced, 'bigint[]');
    // The version being superseded gets its content into its history row (from the snapshot
    // before this statement, so `upd` beside it does not interfere).
    ctes.push(
      `sup AS (UPDATE fhir_resource_version v SET content = r.content
                 FROM fhir_resource r
                WHERE r.rid = ANY(${rids}) AND v.resource_type = r.resource_type AND v.id = r.id
                  AND v.version_id = r.version_id AND v.content IS NULL)`,
    );
    for (const name of tableNames) ctes.push(`del_${name} AS (DELETE FROM ${tables[name].table} WHERE rid = ANY(${rids}))`);
  }
  const key = (path: { id: string }) => keys.key(path as Parameters<SearchIndexKeys['key']>[0]);
  let indexRows = 0;
  for (const name of tableNames) {
    const spec = tables[name];
    const columns: unknown[][] = [[], [], [], ...spec.columns.map(() => [])];
    for (const p of planned) {
      if (!p.index) continue;
      const pk = p.index.patientKey;
      rowValues(name, p.index, key, (values) => {
        columns[0]!.push(p.rid);
        columns[1]!.push(values[0]);
        columns[2]!.push(pk);
        for (let i = 1; i < values.length; i++) columns[i + 2]!.push(values[i]);
      });
    }
    const n = columns[0]!.length;
    if (n === 0) continue;
    indexRows += n;
    const types = ['bigint', 'int', 'int', ...spec.types];
    const arrays = columns.map((c, i) => param(c, `${types[i]}[]`)).join(', ');
    ctes.push(`i_${name} AS (INSERT INTO ${spec.table} (rid, key, pk, ${spec.columns.join(', ')}) SELECT * FROM unnest(${arrays}))`);
  }
  return { sql: `WITH ${ctes.join(',\n')}\nSELECT 1`, params, indexRows };
}
