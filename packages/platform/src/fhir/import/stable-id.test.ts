import { describe, expect, it } from 'vitest';
import { nameBasedUuid, stableId } from './stable-id.ts';

describe('stable import ids', () => {
  it('prefers the resource id, then the urn:uuid of the fullUrl, then the id of an absolute fullUrl', () => {
    const urn = 'urn:uuid:704C9750-F6E6-473B-EE83-FBD48E07FE3F';
    expect(stableId('Patient', { resourceType: 'Patient', id: 'own' }, urn)).toBe('own');
    expect(stableId('Patient', { resourceType: 'Patient' }, urn)).toBe('704c9750-f6e6-473b-ee83-fbd48e07fe3f');
    expect(stableId('Patient', { resourceType: 'Patient' }, 'https://ehr.example.org/fhir/Patient/p-42/_history/3')).toBe('p-42');
  });

  it('derives a name-based id from the content when nothing names the resource, the same every time', () => {
    const a = stableId('Observation', { resourceType: 'Observation', status: 'final' }, undefined);
    expect(a).toBe(stableId('Observation', { resourceType: 'Observation', status: 'final' }, undefined));
    expect(a).not.toBe(stableId('Observation', { resourceType: 'Observation', status: 'amended' }, undefined));
    expect(stableId('Patient', { resourceType: 'Patient' }, 'urn:oid:1.2.3')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('makes RFC 4122 version-5 UUIDs (version nibble 5, variant 10xx)', () => {
    const id = nameBasedUuid('anything');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
