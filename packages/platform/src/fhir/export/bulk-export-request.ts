import { type ProblemDetail, VitaltwinError } from '@vitaltwin/core';
import { isFhirResourceType } from '../search-parameter-registry.ts';

/**
 * The kick-off parameters of `$export` (FHIR Bulk Data Access IG 2.0, "Query Parameters"):
 * `_outputFormat` (NDJSON only: application/fhir+ndjson, application/ndjson or ndjson), `_type`
 * (comma-separated resource types, may repeat), `_since` (a FHIR instant). Parameters this server
 * does not implement (`_elements`, `_typeFilter`, `patient`, `includeAssociatedData`,
 * `organizeOutputBy`, `allowPartialManifests`) are refused with 400 unless the client sent
 * `Prefer: handling=lenient`, as the IG asks.
 */
export interface BulkExportParams {
  readonly types: string[];
  readonly sinceMs?: number;
}

const ndjsonFormats = ['application/fhir+ndjson', 'application/ndjson', 'ndjson'];
const unsupported = ['_elements', '_typeFilter', 'patient', 'includeAssociatedData', 'organizeOutputBy', 'allowPartialManifests'];
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
  if (!lenient) {
    for (const name of unsupported) {
      if (query.has(name))
        problems.push({ message: `${name} is not supported (send Prefer: handling=lenient to ignore it)`, expression: name });
    }
  }
  if (problems.length > 0) throw new VitaltwinError('VT_ERR_INVALID_INPUT', 'invalid $export request', problems);
  return { types, ...(sinceMs !== undefined ? { sinceMs } : {}) };
}
