import { VitaltwinError } from '@vitaltwin/core';
import { storedBranch } from './search-executor.ts';
import type { SearchIndexKeys } from './search-index-keys.ts';
import type { ResourceSearchModel } from './search-parameter-registry.ts';
import { planSearch } from './search-plan.ts';
import { parseSearchRequest } from './search-request.ts';
import { SqlParams } from './sql-params.ts';

/**
 * The keys (`rid`) of the stored resources of one type that match any of several searches, as one
 * SQL text with its parameters (`$1` ...), planned exactly as a search is: what a Bulk Data
 * `_typeFilter` narrows an export to. Malformed searches throw (400, each problem named); clauses
 * the search engine does not support throw under `strict` (the IG's default) and are otherwise
 * left out, as in a lenient search, with their warnings returned.
 */
export interface MatchingSet {
  readonly sql: string;
  readonly params: readonly unknown[];
  readonly warnings: readonly string[];
}

export function matchingSet(
  model: ResourceSearchModel,
  queries: readonly URLSearchParams[],
  options: { readonly keys: SearchIndexKeys; readonly nowMs: number; readonly strict: boolean },
): MatchingSet {
  const params = new SqlParams();
  const branches: string[] = [];
  const warnings: string[] = [];
  const errors: string[] = [];
  for (const query of queries) {
    const plan = planSearch(model, parseSearchRequest(model.resourceType, query), { keys: options.keys, nowMs: options.nowMs, params });
    const label = (m: string) => `${model.resourceType}?${query.toString()}: ${m}`;
    errors.push(...plan.errors.map(label));
    warnings.push(...plan.warnings.map(label));
    branches.push(storedBranch(plan.positive, plan.negative, plan.resourceFilters, () => params.add(model.resourceType, 'text')));
  }
  if (errors.length > 0)
    throw new VitaltwinError(
      'VT_ERR_INVALID_INPUT',
      'invalid search',
      errors.map((message) => ({ message })),
    );
  if (options.strict && warnings.length > 0) {
    throw new VitaltwinError(
      'VT_ERR_NOT_SUPPORTED',
      'the search uses what this server does not support',
      warnings.map((message) => ({ message })),
    );
  }
  return { sql: branches.map((b) => `SELECT rid FROM (${b}) s`).join(' UNION '), params: params.values, warnings };
}
