import { beforeAll, describe, expect, it } from 'vitest';
import { loadFhirDefinitions } from '../fhir-definitions.ts';
import { parseBulkExportParams } from './bulk-export-request.ts';

const parse = (q: string, lenient = false) => parseBulkExportParams(new URLSearchParams(q), lenient);

describe('parseBulkExportParams (Bulk Data IG kick-off parameters)', () => {
  beforeAll(() => {
    loadFhirDefinitions();
  }, 30_000);

  it('reads _type lists (repeated, deduplicated) and a _since instant', () => {
    expect(parse('_type=Patient,Observation&_type=Patient&_since=2024-01-31T08:00:00%2B02:00&_outputFormat=ndjson')).toEqual({
      types: ['Patient', 'Observation'],
      sinceMs: Date.parse('2024-01-31T06:00:00Z'),
    });
    expect(parse('')).toEqual({ types: [] });
  });

  it('refuses unknown types, non-instants, other formats, and unsupported parameters unless lenient', () => {
    expect(() => parse('_type=Patient,Bogus')).toThrow(/invalid \$export/);
    expect(() => parse('_since=2024-01-31')).toThrow();
    expect(() => parse('_outputFormat=text/csv')).toThrow();
    expect(() => parse('_typeFilter=Observation%3Fstatus%3Dfinal')).toThrow();
    expect(parse('_typeFilter=Observation%3Fstatus%3Dfinal', true)).toEqual({ types: [] });
  });
});
