import { toTypedValue } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import type { SqlQueryable } from '../store/sql-client.ts';
import { parseReferenceString } from './reference-string.ts';
import type { SearchIndexKeys } from './search-index-keys.ts';
import { type IndexedParam, searchModel } from './search-parameter-registry.ts';
import type { IncludeSpec, SearchRequest } from './search-request.ts';
import { presentable } from './stored-json.ts';

/**
 * `_include` and `_revinclude` (R4 search 3.1.1.5.4): resources the page's matches reference
 * through a reference parameter, and resources that reference the matches. `:iterate` specs are
 * applied again to what was included, up to three rounds. References are read from the documents
 * themselves (so synthesised device Observations work too); reverse references use the index.
 */
const maxRounds = 3;
const maxIncluded = 5000;

export async function resolveIncludes(
  db: SqlQueryable,
  keys: SearchIndexKeys,
  matches: readonly Resource[],
  request: SearchRequest,
  warnings: string[],
): Promise<Resource[]> {
  if (request.include.length === 0 && request.revinclude.length === 0) return [];
  const seen = new Set(matches.map((r) => `${r.resourceType}/${r.id}`));
  const included: Resource[] = [];
  let frontier: readonly Resource[] = matches;
  for (let round = 0; round < maxRounds && frontier.length > 0; round++) {
    const next: Resource[] = [];
    const add = (resources: readonly Resource[]) => {
      for (const r of resources) {
        const k = `${r.resourceType}/${r.id}`;
        if (seen.has(k) || included.length >= maxIncluded) continue;
        seen.add(k);
        included.push(r);
        next.push(r);
      }
    };
    const active = (spec: IncludeSpec) => round === 0 || spec.iterate;
    const targets: { type: string; id: string }[] = [];
    for (const spec of request.include.filter(active)) {
      for (const resource of frontier) {
        if (spec.sourceType !== '*' && resource.resourceType !== spec.sourceType) continue;
        for (const param of includeParams(spec, resource.resourceType, warnings, round === 0)) {
          for (const t of referencesOf(resource, param)) {
            if (!spec.targetType || t.type === spec.targetType) targets.push(t);
          }
        }
      }
    }
    add(await readMany(db, targets));
    for (const spec of request.revinclude.filter(active)) {
      const param = searchModel(spec.sourceType)?.params.get(spec.param);
      if (param?.type !== 'reference') {
        if (round === 0) warnings.push(`_revinclude=${spec.raw}: ${spec.sourceType} has no reference parameter ${spec.param}; ignored`);
        continue;
      }
      add(await referrers(db, keys, param, frontier));
    }
    frontier = next;
  }
  return included;
}

function includeParams(spec: IncludeSpec, type: string, warnings: string[], report: boolean): IndexedParam[] {
  const model = searchModel(type);
  if (!model) return [];
  if (spec.param === '*') return [...model.params.values()].filter((p) => p.type === 'reference');
  const param = model.params.get(spec.param);
  if (param?.type !== 'reference') {
    if (report) warnings.push(`_include=${spec.raw}: ${type} has no reference parameter ${spec.param}; ignored`);
    return [];
  }
  return [param];
}

function referencesOf(resource: Resource, param: IndexedParam): { type: string; id: string }[] {
  const root = toTypedValue(resource);
  const out: { type: string; id: string }[] = [];
  for (const branch of param.branches) {
    let values: ReturnType<typeof branch.path.atom.eval>;
    try {
      values = branch.path.atom.eval({ variables: { '%resource': root } }, [root]);
    } catch {
      continue;
    }
    for (const v of values) {
      const ref = (v.value as { reference?: unknown } | null)?.reference;
      const t = typeof ref === 'string' ? parseReferenceString(ref) : undefined;
      if (t && t.targetType !== '' && (!branch.targetType || branch.targetType === t.targetType))
        out.push({ type: t.targetType, id: t.targetId });
    }
  }
  return out;
}

async function readMany(db: SqlQueryable, targets: readonly { type: string; id: string }[]): Promise<Resource[]> {
  if (targets.length === 0) return [];
  const rows = await db.query<{ content: Resource }>(
    `SELECT r.content FROM fhir_resource r JOIN (SELECT DISTINCT * FROM unnest($1::text[], $2::text[])) AS k(t, i)
       ON r.resource_type = k.t AND r.id = k.i WHERE NOT r.deleted`,
    [targets.map((t) => t.type), targets.map((t) => t.id)],
  );
  return rows.map((r) => presentable(r.content));
}

async function referrers(db: SqlQueryable, keys: SearchIndexKeys, param: IndexedParam, targets: readonly Resource[]): Promise<Resource[]> {
  if (targets.length === 0) return [];
  const rows = await db.query<{ content: Resource }>(
    `SELECT r.content FROM fhir_resource r WHERE r.rid IN (
       SELECT x.rid FROM fhir_reference x JOIN unnest($2::text[], $3::text[]) AS k(t, i)
           ON x.target_id = k.i AND x.target_type = k.t
        WHERE x.key = ANY($1::int[])) AND NOT r.deleted LIMIT ${maxIncluded}`,
    [param.branches.map((b) => keys.key(b.path)), targets.map((t) => t.resourceType), targets.map((t) => t.id ?? '')],
  );
  return rows.map((r) => presentable(r.content));
}
