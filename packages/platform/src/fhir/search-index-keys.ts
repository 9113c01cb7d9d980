import type { SqlQueryable } from '../store/sql-client.ts';
import { fhirResourceTypes, type IndexPath, searchModel } from './search-parameter-registry.ts';
import { type SeriesPath, seriesSpec } from './series-index.ts';

/**
 * The integer keys index rows store for each FHIRPath branch. They live in `fhir_search_path` so
 * they stay stable across processes and releases: a branch seen for the first time gets a new key,
 * a known one keeps its key.
 */
export class SearchIndexKeys {
  private constructor(private readonly byId: ReadonlyMap<string, number>) {}

  /** Registers every branch of every resource type (one statement) and loads the key map. */
  static async load(db: SqlQueryable): Promise<SearchIndexKeys> {
    const types: string[] = [];
    const expressions: string[] = [];
    const tables: string[] = [];
    for (const type of fhirResourceTypes()) {
      const model = searchModel(type);
      const series = model ? seriesSpec(model) : undefined;
      for (const path of [...(model?.paths ?? []), ...(series ? [series.path] : [])]) {
        types.push(path.resourceType);
        expressions.push(storedExpression(path));
        tables.push(path.table);
      }
    }
    await db.query(
      `INSERT INTO fhir_search_path (resource_type, expression, index_table)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
       ON CONFLICT (resource_type, expression, index_table) DO NOTHING`,
      [types, expressions, tables],
    );
    const rows = await db.query<{ key: number; resource_type: string; expression: string; index_table: string }>(
      'SELECT key, resource_type, expression, index_table FROM fhir_search_path',
    );
    const byId = new Map<string, number>();
    for (const r of rows) byId.set(`${r.resource_type}|${r.index_table}|${r.expression}`, r.key);
    return new SearchIndexKeys(byId);
  }

  key(path: Pick<IndexPath, 'id'>): number {
    const key = this.byId.get(path.id);
    if (key === undefined) throw new Error(`search path ${path.id} has no key`);
    return key;
  }
}

/** What `fhir_search_path.expression` holds: the branch, plus `$component$component` for composites. */
function storedExpression(path: Pick<IndexPath, 'id' | 'resourceType' | 'table'> | SeriesPath): string {
  return path.id.slice(path.resourceType.length + path.table.length + 2);
}
