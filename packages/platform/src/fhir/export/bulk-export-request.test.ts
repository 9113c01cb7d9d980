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
    expect(() => parse('_elements=id')).toThrow();
    expect(parse('_elements=id', true)).toEqual({ types: [] });
  });

  it('reads _typeFilter searches by type, repeated or comma-separated, keeping commas inside a search', () => {
    const filters = (q: string) =>
      Object.fromEntries(
        [...(parse(q).typeFilters ?? new Map()).entries()].map(([t, qs]) => [t, qs.map((s: URLSearchParams) => s.toString())]),
      );
    expect(filters('_typeFilter=Observation%3Fstatus%3Dfinal&_typeFilter=Condition%3Fclinical-status%3Dactive')).toEqual({
      Observation: ['status=final'],
      Condition: ['clinical-status=active'],
    });
    expect(
      filters(
        '_typeFilter=Observation%3Fcode%3D8867-4%2C9279-1%26date%3Dge2024,Observation%3Fcategory%3Dlaboratory,Patient%3Fgender%3Dfemale',
      ),
    ).toEqual({
      Observation: ['code=8867-4%2C9279-1&date=ge2024', 'category=laboratory'],
      Patient: ['gender=female'],
    });
  });

  it.each([
    ['_typeFilter=Bogus%3Fx%3D1', /expected Type\?search/],
    ['_typeFilter=status%3Dfinal', /expected Type\?search/],
    ['_typeFilter=Observation%3F_count%3D5', /_count is not a search parameter/],
    ['_typeFilter=Observation%3F_include%3DObservation:patient', /_include is not a search parameter/],
    ['_typeFilter=Observation', /no search parameters/],
  ])('refuses the malformed filter %s', (q, message) => {
    expect(() => parse(q)).toThrow(
      expect.objectContaining({ problems: [expect.objectContaining({ message: expect.stringMatching(message) })] }),
    );
  });
});
