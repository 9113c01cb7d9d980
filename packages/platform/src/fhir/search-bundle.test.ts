import type { Observation, Patient, Resource } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { searchsetBundle, searchsetBundleText } from './search-bundle.ts';
import type { SearchResult } from './search-executor.ts';
import { parseSearchRequest } from './search-request.ts';
import { StoredJson } from './stored-json.ts';

// The text Bundle splices stored documents in unparsed; it must be the object Bundle, serialised.
const baseUrl = 'http://localhost:8080/fhir';
const obs = (i: number): Observation => ({
  resourceType: 'Observation',
  id: `o${i}`,
  meta: { versionId: '1', lastUpdated: '2026-11-21T10:00:00.000Z' },
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }], text: 'Heart "rate" é' },
  subject: { reference: 'Patient/p1' },
  valueQuantity: { value: 70 + i, unit: '/min' },
});
const patient: Patient = { resourceType: 'Patient', id: 'p1', gender: 'female' };

function result(query: string, matches: Resource[], extra: Partial<SearchResult> = {}): SearchResult {
  return {
    request: parseSearchRequest('Observation', new URLSearchParams(query)),
    total: 7,
    matches,
    matchTexts: matches.map((m) => StoredJson.fromColumn(m.resourceType, m.id!, JSON.stringify(m))),
    included: [],
    warnings: [],
    hasNext: true,
    ...extra,
  };
}

describe('searchsetBundleText', () => {
  const urls = (query: string) => ({ baseUrl, query: new URLSearchParams(query), path: 'Observation' });

  it.each([
    ['patient=p1&_count=2&_offset=2', result('patient=p1&_count=2&_offset=2', [obs(1), obs(2)])],
    ['no matches, no total', result('patient=p1&_total=none', [], { total: undefined, hasNext: false })],
    [
      'includes and warnings',
      result('patient=p1&_include=Observation:subject', [obs(1)], { included: [patient], warnings: ['nope ignored'] }),
    ],
    ['_elements subsets (documents parsed)', result('patient=p1&_elements=status', [obs(1), obs(2)])],
    ['_summary=true subsets (documents parsed)', result('patient=p1&_summary=true', [obs(3)])],
  ])('equals the object Bundle: %s', (_, r) => {
    const query = r.request.clauses.map((c) => c.raw).join('&');
    expect(JSON.parse(searchsetBundleText(r, urls(query)))).toEqual(searchsetBundle(r, urls(query)));
  });

  it('sends the stored text itself, and documents stored in another key order with resourceType first', () => {
    const stored = '{"id": "o9", "meta": {"versionId": "1"}, "status": "final", "resourceType": "Observation"}';
    const r = result('patient=p1', [], { matchTexts: [StoredJson.fromColumn('Observation', 'o9', stored)] });
    const text = searchsetBundleText(r, urls('patient=p1'));
    expect(text).toContain(`"fullUrl":"${baseUrl}/Observation/o9","resource":{"resourceType":"Observation","id":"o9","meta"`);
    const kept = JSON.stringify(obs(4));
    expect(searchsetBundleText(result('patient=p1', [obs(4)]), urls('patient=p1'))).toContain(`"resource":${kept},`);
  });
});
