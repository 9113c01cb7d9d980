import { type BinaryArrayElement, binaryArray } from '../store/binary-array-param.ts';
import type { ExtractedIndex } from './index-rows.ts';
import type { PlannedWrite } from './resource-writer.ts';
import type { SearchIndexKeys } from './search-index-keys.ts';

/**
 * One SQL statement that writes a whole batch: new and changed rows of fhir_resource, one history
 * row per write (whose content stays in fhir_resource while it is current, migration 006), removal
 * of the old index rows of changed resources, and the new index rows of every table.
 * Data-modifying CTEs all see the snapshot from before the statement (PostgreSQL docs,
 * "Data-Modifying Statements in WITH"), so the DELETE of old index rows never sees the rows
 * inserted beside it.
 *
 * Every column travels as one parameter holding a binary array (binary-array-param.ts), the
 * documents as a text array of JSON texts that unnest() zips with the other columns: no array text
 * parser, no JSON array to split, no join to put the rows together. The statement text does not
 * grow with the batch; it leaves out what the batch does not need (the changes to existing rows
 * when all are new, the index tables it writes no row to).
 *
 * Rows of changed resources are found by `rid = ANY(ARRAY(SELECT ...))`: the planner sees the array
 * only when it runs (an InitPlan), so it plans rid index scans without estimating each of the
 * batch's keys in turn, which with the keys as a constant array cost PGlite about 30 µs per
 * updated resource.
 * The statement is planned on every call (it is not a named statement): a plan kept from when the
 * tables were small would scan them whole once they are not.
 */
type Column = { readonly name: string; readonly element: BinaryArrayElement };
type Push = (values: readonly unknown[]) => void;

const sqlType: Record<BinaryArrayElement, string> = {
  int8: 'bigint[]',
  int4: 'int[]',
  float8: 'float8[]',
  bool: 'boolean[]',
  text: 'text[]',
  timestamptz: 'timestamptz[]',
};

const col = (name: string, element: BinaryArrayElement): Column => ({ name, element });

const tables = {
  token: { table: 'fhir_token', columns: [col('system', 'text'), col('code', 'text')] },
  string: { table: 'fhir_string', columns: [col('value', 'text'), col('exact', 'text')] },
  date: { table: 'fhir_date', columns: [col('lo', 'timestamptz'), col('hi', 'timestamptz')] },
  quantity: {
    table: 'fhir_quantity',
    columns: [col('value', 'float8'), col('system', 'text'), col('code', 'text'), col('canon_value', 'float8'), col('canon_code', 'text')],
  },
  reference: { table: 'fhir_reference', columns: [col('target_type', 'text'), col('target_id', 'text')] },
  number: { table: 'fhir_number', columns: [col('value', 'float8')] },
  uri: { table: 'fhir_uri', columns: [col('value', 'text')] },
  composite: {
    table: 'fhir_composite',
    columns: [
      col('system1', 'text'),
      col('code1', 'text'),
      col('system2', 'text'),
      col('code2', 'text'),
      col('value2', 'float8'),
      col('canon_value2', 'float8'),
      col('canon_code2', 'text'),
    ],
  },
  // No `pk`: series rows name their patient exactly (series-index.ts).
  series: {
    table: 'fhir_series',
    columns: [col('patient', 'text'), col('system', 'text'), col('code', 'text'), col('lo', 'timestamptz'), col('hi', 'timestamptz')],
    withoutPk: true,
  },
} as const satisfies Record<string, { table: string; columns: readonly Column[]; withoutPk?: true }>;

type TableName = keyof typeof tables;
const tableNames = Object.keys(tables) as TableName[];

/** Every index table, for maintenance (delete, analyze). */
export const indexTables: readonly string[] = tableNames.map((t) => tables[t].table);

/** The columns of `w`, one row per planned write; `doc` is the resource's JSON text (NULL for a deletion). */
const writeColumns: readonly Column[] = [
  col('rid', 'int8'),
  col('resource_type', 'text'),
  col('id', 'text'),
  col('version_id', 'int4'),
  col('deleted', 'bool'),
  col('patient_id', 'text'),
  col('method', 'text'),
  col('is_new', 'bool'),
  col('doc', 'text'),
];
/** Leading columns of every index table. */
const indexKeyColumns: readonly Column[] = [col('rid', 'int8'), col('key', 'int4'), col('pk', 'int4')];

function rowValues(name: TableName, index: ExtractedIndex, key: (path: { id: string }) => number, push: Push): void {
  switch (name) {
    case 'token':
      for (const r of index.token) push([key(r.path), r.system, r.code]);
      return;
    case 'string':
      for (const r of index.string) push([key(r.path), r.value, r.exact]);
      return;
    case 'date':
      for (const r of index.date) push([key(r.path), r.loMs, r.hiMs]);
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
    case 'series':
      for (const r of index.series) push([key(r.path), r.patient, r.system, r.code, r.loMs, r.hiMs]);
      return;
  }
}

export function indexInsertStatement(
  planned: readonly PlannedWrite[],
  keys: SearchIndexKeys,
  lastUpdated: string,
): { sql: string; params: unknown[]; indexRows: number } {
  const params: unknown[] = [];
  const array = (c: Column, values: unknown[]) => {
    params.push(binaryArray(c.element, values as (string | number | boolean | null)[]));
    return `$${params.length}::${sqlType[c.element]}`;
  };
  const writeValues: unknown[][] = [
    planned.map((p) => p.rid),
    planned.map((p) => p.type),
    planned.map((p) => p.id),
    planned.map((p) => p.versionId),
    planned.map((p) => p.deleted),
    planned.map((p) => p.index?.patientId ?? null),
    planned.map((p) => p.method),
    planned.map((p) => p.isNew),
    planned.map((p) => (p.resource ? JSON.stringify(p.resource) : null)),
  ];
  const ctes = [
    `w AS (SELECT * FROM unnest(${writeColumns.map((c, i) => array(c, writeValues[i]!)).join(', ')}) AS w(${writeColumns.map((c) => c.name).join(', ')}))`,
  ];
  params.push(lastUpdated);
  const now = `$${params.length}::timestamptz`;
  ctes.push(
    `ins AS (INSERT INTO fhir_resource (rid, resource_type, id, version_id, last_updated, deleted, patient_id, content)
             SELECT rid, resource_type, id, version_id, ${now}, deleted, patient_id, doc::json FROM w WHERE is_new)`,
    // The new version's content lives in fhir_resource only (migration 006).
    `ver AS (INSERT INTO fhir_resource_version (resource_type, id, version_id, last_updated, deleted, method, content)
             SELECT resource_type, id, version_id, ${now}, deleted, method, NULL FROM w)`,
  );
  if (planned.some((p) => !p.isNew)) {
    ctes.push(
      `upd AS (UPDATE fhir_resource r SET version_id = w.version_id, last_updated = ${now}, deleted = w.deleted,
                      patient_id = w.patient_id, content = w.doc::json
                 FROM w WHERE NOT w.is_new AND r.rid = w.rid)`,
      // The superseded version (the current one, whose history row holds no content while it is
      // current) gets its content into that row, from the snapshot before this statement, so `upd`
      // beside it does not interfere.
      `sup AS (UPDATE fhir_resource_version v SET content = r.content
                 FROM fhir_resource r
                WHERE r.rid = ANY(ARRAY(SELECT rid FROM w WHERE NOT is_new))
                  AND v.resource_type = r.resource_type AND v.id = r.id AND v.version_id = r.version_id)`,
      ...tableNames.map(
        (name) => `del_${name} AS (DELETE FROM ${tables[name].table} WHERE rid = ANY(ARRAY(SELECT rid FROM w WHERE NOT is_new)))`,
      ),
    );
  }
  const key = (path: { id: string }) => keys.key(path);
  let indexRows = 0;
  for (const name of tableNames) {
    const spec = tables[name];
    const withPk = !('withoutPk' in spec);
    const lead = withPk ? indexKeyColumns : indexKeyColumns.slice(0, 2);
    const values: unknown[][] = [...lead, ...spec.columns].map(() => []);
    for (const p of planned) {
      if (!p.index) continue;
      const pk = p.index.patientKey;
      rowValues(name, p.index, key, (row) => {
        values[0]!.push(p.rid);
        values[1]!.push(row[0]);
        if (withPk) values[2]!.push(pk);
        for (let i = 1; i < row.length; i++) values[i + lead.length - 1]!.push(row[i]);
      });
    }
    const n = values[0]!.length;
    if (n === 0) continue;
    indexRows += n;
    const columns = [...lead, ...spec.columns];
    ctes.push(
      `i_${name} AS (INSERT INTO ${spec.table} (${columns.map((c) => c.name).join(', ')}) SELECT * FROM unnest(${columns.map((c, i) => array(c, values[i]!)).join(', ')}))`,
    );
  }
  return { sql: `WITH ${ctes.join(',\n')}\nSELECT 1`, params, indexRows };
}
