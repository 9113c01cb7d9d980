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
/** An index table's value column and the member of the extracted row (index-rows.ts) it holds. */
type ValueColumn = Column & { readonly field: string };

const sqlType: Record<BinaryArrayElement, string> = {
  int8: 'bigint[]',
  int4: 'int[]',
  float8: 'float8[]',
  bool: 'boolean[]',
  text: 'text[]',
  timestamptz: 'timestamptz[]',
};

const col = (name: string, element: BinaryArrayElement): Column => ({ name, element });
const val = (name: string, element: BinaryArrayElement, field: string): ValueColumn => ({ name, element, field });

const tables = {
  token: { table: 'fhir_token', columns: [val('system', 'text', 'system'), val('code', 'text', 'code')] },
  string: { table: 'fhir_string', columns: [val('value', 'text', 'value'), val('exact', 'text', 'exact')] },
  date: { table: 'fhir_date', columns: [val('lo', 'timestamptz', 'loMs'), val('hi', 'timestamptz', 'hiMs')] },
  quantity: {
    table: 'fhir_quantity',
    columns: [
      val('value', 'float8', 'value'),
      val('system', 'text', 'system'),
      val('code', 'text', 'code'),
      val('canon_value', 'float8', 'canonValue'),
      val('canon_code', 'text', 'canonCode'),
    ],
  },
  reference: { table: 'fhir_reference', columns: [val('target_type', 'text', 'targetType'), val('target_id', 'text', 'targetId')] },
  number: { table: 'fhir_number', columns: [val('value', 'float8', 'value')] },
  uri: { table: 'fhir_uri', columns: [val('value', 'text', 'value')] },
  composite: {
    table: 'fhir_composite',
    columns: [
      val('system1', 'text', 'system1'),
      val('code1', 'text', 'code1'),
      val('system2', 'text', 'system2'),
      val('code2', 'text', 'code2'),
      val('value2', 'float8', 'value2'),
      val('canon_value2', 'float8', 'canonValue2'),
      val('canon_code2', 'text', 'canonCode2'),
    ],
  },
  // No `pk`: series rows name their patient exactly (series-index.ts).
  series: {
    table: 'fhir_series',
    columns: [
      val('patient', 'text', 'patient'),
      val('system', 'text', 'system'),
      val('code', 'text', 'code'),
      val('lo', 'timestamptz', 'loMs'),
      val('hi', 'timestamptz', 'hiMs'),
    ],
    withoutPk: true,
  },
} as const satisfies Record<
  Exclude<keyof ExtractedIndex, 'patientKey' | 'patientId'>,
  { table: string; columns: readonly ValueColumn[]; withoutPk?: true }
>;

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
  let indexRows = 0;
  for (const name of tableNames) {
    const spec = tables[name];
    const withPk = !('withoutPk' in spec);
    const lead = withPk ? indexKeyColumns : indexKeyColumns.slice(0, 2);
    const valueColumns: readonly ValueColumn[] = spec.columns;
    // Column arrays filled row by row, straight from the extracted rows.
    const rids: number[] = [];
    const pathKeys: number[] = [];
    const pks: (number | null)[] = [];
    const values: unknown[][] = valueColumns.map(() => []);
    for (const p of planned) {
      if (!p.index) continue;
      const rows = p.index[name] as unknown as readonly ({ readonly path: { id: string } } & Record<string, unknown>)[];
      if (rows.length === 0) continue;
      const pk = p.index.patientKey;
      for (const row of rows) {
        rids.push(p.rid);
        pathKeys.push(keys.key(row.path));
        if (withPk) pks.push(pk);
        for (let c = 0; c < valueColumns.length; c++) values[c]!.push(row[valueColumns[c]!.field]);
      }
    }
    const n = rids.length;
    if (n === 0) continue;
    indexRows += n;
    const columns = [...lead, ...valueColumns];
    const arrays = [rids, pathKeys, ...(withPk ? [pks] : []), ...values];
    ctes.push(
      `i_${name} AS (INSERT INTO ${spec.table} (${columns.map((c) => c.name).join(', ')}) SELECT * FROM unnest(${columns.map((c, i) => array(c, arrays[i]!)).join(', ')}))`,
    );
  }
  return { sql: `WITH ${ctes.join(',\n')}\nSELECT 1`, params, indexRows };
}
