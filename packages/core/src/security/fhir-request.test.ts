import { describe, expect, it } from 'vitest';
import { classifyFhirRequest, searchPatientScope } from './fhir-request.ts';

const c = (method: string, path: string) => classifyFhirRequest(method, path.split('/').filter(Boolean));

describe('FHIR request classification (FHIR R4 RESTful API)', () => {
  it('reads instance, type and system interactions', () => {
    expect(c('GET', 'Observation/o1')).toEqual({ kind: 'access', resourceType: 'Observation', interactions: ['r'], id: 'o1' });
    expect(c('GET', 'Patient/p1')).toMatchObject({ resourceType: 'Patient', interactions: ['r'], patientId: 'p1' });
    expect(c('PUT', 'Observation/o1')).toMatchObject({ interactions: ['u'] });
    expect(c('DELETE', 'Observation/o1')).toMatchObject({ interactions: ['d'] });
    expect(c('GET', 'Observation')).toMatchObject({ interactions: ['s'], search: true });
    expect(c('POST', 'Observation/_search')).toMatchObject({ interactions: ['s'] });
    expect(c('POST', 'Observation')).toMatchObject({ interactions: ['c'] });
    expect(c('POST', '')).toMatchObject({ resourceType: '*', interactions: ['c', 'r', 'u', 'd'] });
    expect(c('GET', '')).toMatchObject({ resourceType: '*', interactions: ['s'] });
    expect(c('GET', 'Observation/o1/_history/2')).toMatchObject({ interactions: ['r'], id: 'o1' });
  });

  it('knows compartment searches, $everything, $export and public metadata', () => {
    expect(c('GET', 'Patient/p1/Observation')).toMatchObject({ resourceType: 'Observation', interactions: ['s'], patientId: 'p1' });
    expect(c('GET', 'Patient/p1/$everything')).toMatchObject({ resourceType: '*', interactions: ['r'], patientId: 'p1' });
    expect(c('GET', '$export')).toMatchObject({ resourceType: 'Export', export: true });
    expect(c('GET', 'Group/g1/$export')).toMatchObject({ resourceType: 'Export' });
    expect(c('GET', 'Observation/$lastn')).toMatchObject({ resourceType: 'Observation', interactions: ['s'] });
    expect(c('GET', 'metadata')).toEqual({ kind: 'public' });
  });

  it('asks write permission of operations that write or ask about a write', () => {
    // $submit-cgm-bundle stores its Bundle's entries, which may be any request: like a batch.
    expect(c('POST', '$submit-cgm-bundle')).toMatchObject({ resourceType: '*', interactions: ['c', 'r', 'u', 'd'] });
    expect(c('GET', '$submit-cgm-bundle')).toMatchObject({ resourceType: '*', interactions: ['r'] });
    expect(c('POST', 'Observation/$validate')).toEqual({ kind: 'access', resourceType: 'Observation', interactions: ['c'] });
    expect(c('POST', 'Patient/p1/$validate')).toMatchObject({ resourceType: 'Patient', interactions: ['u'], id: 'p1', patientId: 'p1' });
    expect(c('GET', 'Observation/o1/$validate')).toMatchObject({ resourceType: 'Observation', interactions: ['u'], id: 'o1' });
  });

  it('refuses what is not a FHIR URL', () => {
    expect(c('GET', 'observation/1')).toBeUndefined();
    expect(c('GET', 'Observation/bad id!')).toBeUndefined();
    expect(c('POST', 'Observation/o1')).toBeUndefined();
    expect(c('TRACE', 'Observation')).toBeUndefined();
  });

  it('finds the patients a search names', () => {
    expect(searchPatientScope('Observation', { subject: 'Patient/p1' })).toEqual({ kind: 'named', patients: ['p1'] });
    expect(searchPatientScope('Observation', { patient: 'p1,Patient/p2' })).toEqual({ kind: 'named', patients: ['p1', 'p2'] });
    expect(searchPatientScope('Observation', { subject: 'Group/g1' })).toEqual({ kind: 'named', patients: [undefined] });
    expect(searchPatientScope('Observation', { code: 'x' })).toEqual({ kind: 'all', param: 'subject' });
    expect(searchPatientScope('Patient', { _id: 'p1' })).toEqual({ kind: 'named', patients: ['p1'] });
    expect(searchPatientScope('Practitioner', { name: 'x' })).toEqual({ kind: 'none' });
  });
});
