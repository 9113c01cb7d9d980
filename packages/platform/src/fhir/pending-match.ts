import type { Resource } from '@medplum/fhirtypes';
import { extractIndex } from './index-extractor.ts';
import { searchModel } from './search-parameter-registry.ts';
import { parseSearchRequest } from './search-request.ts';
import { parseTokenValue } from './search-values.ts';

/**
 * Whether a resource that a transaction is about to create matches conditional-reference criteria
 * (FHIR R4 http.html 3.1.0.11.1: a conditional reference may name a resource created in the same
 * transaction). Matching in memory covers token parameters (identifier, code ...) and `_id`, which
 * is what conditional references use in practice; criteria with other parameters return
 * `undefined` (cannot tell), and the caller then relies on stored resources only.
 */
export function matchesPending(resource: Resource, criteria: string): boolean | undefined {
  const model = searchModel(resource.resourceType);
  if (!model) return false;
  const request = parseSearchRequest(resource.resourceType, new URLSearchParams(criteria));
  if (request.clauses.length === 0) return undefined;
  let index: ReturnType<typeof extractIndex> | undefined;
  for (const clause of request.clauses) {
    if (clause.modifier !== undefined) return undefined;
    if (clause.code === '_id') {
      if (!clause.values.includes(resource.id ?? '')) return false;
      continue;
    }
    const param = model.params.get(clause.code);
    if (param?.type !== 'token') return undefined;
    index ??= extractIndex(resource, model);
    const paths = new Set(param.branches.map((b) => b.path));
    const rows = index.token.filter((r) => paths.has(r.path));
    const hit = clause.values.some((v) => {
      const t = parseTokenValue(v);
      return (
        t !== undefined &&
        rows.some((r) => (t.code === undefined || r.code === t.code) && (t.system === undefined || r.system === t.system))
      );
    });
    if (!hit) return false;
  }
  return true;
}
