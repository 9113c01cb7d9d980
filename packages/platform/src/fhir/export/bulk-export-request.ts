import { type ProblemDetail, VitaltwinError } from '@vitaltwin/core';
import { isFhirResourceType } from '../search-parameter-registry.ts';

/**
 * The kick-off parameters of `$export` (FHIR Bulk Data Access IG 2.0, "Query Parameters"):
 * `_outputFormat` (NDJSON only: application/fhir+ndjson, application/ndjson or ndjson), `_type`
 * (comma-separated resource types, may repeat), `_since` (a FHIR instant), `_typeFilter` (FHIR
 * searches `Type?param=value&...`, repeated or comma-separated; a type's resources are exported
 * when they match any of its filters, types without a filter are not narrowed). Parameters this
 * server does not implement (`_elements`, `patient`, `includeAssociatedData`, `organizeOutputBy`,
 * `allowPartialManifests`) are refused with 400 unless the client sent `Prefer: handling=lenient`,
 * as the IG asks.
 */
export interface BulkExportParams {
  readonly types: string[];
  readonly sinceMs?: number;
  /** `_typeFilter` searches by resource type, in the order given. */
  readonly typeFilters?: ReadonlyMap<string, readonly URLSearchParams[]>;
}

/** Result parameters have no meaning in a filter (the IG allows search parameters only). */
const resultParams = /^_(count|offset|sort|summary|elements|total|include|revinclude|contained|containedType|format|pretty)(:|$)/;

const ndjsonFormats = ['application/fhir+ndjson', 'application/ndjson', 'ndjson'];
const unsupported = ['_elements', 'patient', 'includeAssociatedData', 'organizeOutputBy', 'allowPartialManifests'];
// FHIR R4 instant (datatypes.html#instant): a date, time to the second and a time zone.
const instantPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

export function parseBulkExportParams(query: URLSearchParams, lenient: boolean): BulkExportParams {
  const problems: ProblemDetail[] = [];
  const format = query.get('_outputFormat');
  if (format !== null && !ndjsonFormats.includes(format)) {
    problems.push({ message: `_outputFormat ${format} is not supported; use application/fhir+ndjson`, expression: '_outputFormat' });
  }
  const types: string[] = [];
  for (const value of query.getAll('_type')) {
    for (const type of value.split(',').map((t) => t.trim())) {
      if (type === '') continue;
      if (!isFhirResourceType(type)) problems.push({ message: `_type ${type} is not a FHIR R4 resource type`, expression: '_type' });
      else if (!types.includes(type)) types.push(type);
    }
  }
  let sinceMs: number | undefined;
  const since = query.get('_since');
  if (since !== null) {
    sinceMs = instantPattern.test(since) ? Date.parse(since) : Number.NaN;
    if (Number.isNaN(sinceMs)) problems.push({ message: `_since must be a FHIR instant like 2024-01-31T00:00:00Z`, expression: '_since' });
  }
  const typeFilters = parseTypeFilters(query.getAll('_typeFilter'), problems);
  if (!lenient) {
    for (const name of unsupported) {
      if (query.has(name))
        problems.push({ message: `${name} is not supported (send Prefer: handling=lenient to ignore it)`, expression: name });
    }
  }
  if (problems.length > 0) throw new VitaltwinError('VT_ERR_INVALID_INPUT', 'invalid $export request', problems);
  return { types, ...(sinceMs !== undefined ? { sinceMs } : {}), ...(typeFilters.size > 0 ? { typeFilters } : {}) };
}

/**
 * `_typeFilter` values: each `Type?query`, several in one value separated by commas that start a
 * new `Type?` (a comma inside a query is an OR list of that parameter).
 */
function parseTypeFilters(values: readonly string[], problems: ProblemDetail[]): Map<string, URLSearchParams[]> {
  const byType = new Map<string, URLSearchParams[]>();
  for (const value of values) {
    for (const filter of value.split(/,(?=[A-Z][A-Za-z]+\?)/)) {
      const q = filter.indexOf('?');
      const type = q < 0 ? filter : filter.slice(0, q);
      if (!isFhirResourceType(type)) {
        problems.push({ message: `_typeFilter ${filter}: expected Type?search, with a FHIR R4 resource type`, expression: '_typeFilter' });
        continue;
      }
      const search = new URLSearchParams(q < 0 ? '' : filter.slice(q + 1));
      const result = [...search.keys()].find((k) => resultParams.test(k));
      if (result !== undefined) {
        problems.push({ message: `_typeFilter ${filter}: ${result} is not a search parameter`, expression: '_typeFilter' });
        continue;
      }
      if ([...search.keys()].length === 0) {
        problems.push({ message: `_typeFilter ${filter}: no search parameters`, expression: '_typeFilter' });
        continue;
      }
      byType.set(type, [...(byType.get(type) ?? []), search]);
    }
  }
  return byType;
}
