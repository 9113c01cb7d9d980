import type { Resource } from '@medplum/fhirtypes';
import { VitaltwinError } from '@vitaltwin/core';
import type { SqlQueryable } from '../store/sql-client.ts';
import { executeSearch } from './search-executor.ts';
import type { SearchIndexKeys } from './search-index-keys.ts';
import { searchModel } from './search-parameter-registry.ts';
import { parseSearchRequest } from './search-request.ts';

/**
 * Finds the resources a conditional interaction names (`If-None-Exist`, conditional update and
 * delete, conditional references in transactions; FHIR R4 http.html 3.1.0.8 and 3.1.0.11). The
 * criteria must be fully understood: an unsupported parameter fails the request rather than
 * matching more than the client meant. At most `limit` matches are returned.
 */
export async function findMatches(
  q: SqlQueryable,
  keys: SearchIndexKeys,
  type: string,
  query: string,
  nowMs: number,
  limit = 2,
): Promise<Resource[]> {
  const model = searchModel(type);
  if (!model) throw new VitaltwinError('VT_ERR_INVALID_INPUT', `unknown resource type ${type}`);
  const params = new URLSearchParams(query.startsWith('?') ? query.slice(1) : query);
  const request = parseSearchRequest(type, params);
  if (request.clauses.length === 0) {
    throw new VitaltwinError('VT_ERR_INVALID_INPUT', `conditional criteria for ${type} name no search parameter`);
  }
  const result = await executeSearch(
    q,
    model,
    { ...request, count: limit, offset: 0, total: 'none', include: [], revinclude: [] },
    {
      keys,
      nowMs,
      strict: true,
    },
  );
  return result.matches;
}

/**
 * Serialises conditional creates on the same criteria within the database (transaction-scoped
 * advisory lock keyed by a hash of type and criteria), so two concurrent `If-None-Exist` requests
 * cannot both create.
 */
export async function lockCriteria(q: SqlQueryable, type: string, query: string): Promise<void> {
  await q.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`${type}?${query}`]);
}
