import type { Observation, Patient } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { extractIndex } from './index-extractor.ts';
import { patientKey } from './index-rows.ts';
import { searchModel } from './search-parameter-registry.ts';

// Oracle: the R4 SearchParameter expressions of Observation and Patient, applied by hand to the
// resources below, and FHIR R4 search 3.1.1.4 for how each type is indexed.
const bp: Observation = {
  resourceType: 'Observation',
  id: 'bp1',
  status: 'final',
  category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
  code: { coding: [{ system: 'http://loinc.org', code: '85354-9' }] },
  subject: { reference: 'Patient/p1' },
  performer: [{ reference: 'Practitioner/d1' }],
  effectiveDateTime: '2020-03-01T10:00:00Z',
  component: [
    {
      code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] },
      valueQuantity: { value: 152, unit: 'mmHg', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' },
    },
    {
      code: { coding: [{ system: 'http://loinc.org', code: '8462-4' }] },
      valueQuantity: { value: 95, unit: 'mmHg', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' },
    },
  ],
};

const rowsOf = <T extends { path: { expression: string } }>(rows: T[], expression: string) =>
  rows.filter((r) => r.path.expression === expression);

describe('extractIndex', () => {
  const model = searchModel('Observation')!;

  it('indexes codes, the subject, the effective time and status', () => {
    const index = extractIndex(bp, model);
    expect(rowsOf(index.token, 'Observation.code').map((r) => [r.system, r.code])).toEqual([['http://loinc.org', '85354-9']]);
    expect(rowsOf(index.token, 'Observation.component.code').map((r) => r.code)).toEqual(['8480-6', '8462-4']);
    expect(rowsOf(index.token, 'Observation.status').map((r) => [r.system, r.code])).toEqual([['', 'final']]);
    expect(rowsOf(index.reference, 'Observation.subject')).toMatchObject([{ targetType: 'Patient', targetId: 'p1' }]);
    expect(rowsOf(index.date, 'Observation.effective')).toMatchObject([
      { loMs: Date.parse('2020-03-01T10:00:00Z'), hiMs: Date.parse('2020-03-01T10:00:01Z') },
    ]);
  });

  it('indexes component code/value pairs for the composite parameter, with canonical units', () => {
    const index = extractIndex(bp, model);
    const pairs = index.composite.filter((r) => r.path.expression === 'Observation.component');
    const quantities = pairs.filter((r) => r.value2 !== null).map((r) => [r.code1, r.value2, r.code2]);
    expect(quantities).toEqual([
      ['8480-6', 152, 'mm[Hg]'],
      ['8462-4', 95, 'mm[Hg]'],
    ]);
    // 152 mm[Hg] = 152 x 133.322 Pa; canonical base units are g, m, s (so Pa = 1000 g.m-1.s-2).
    expect(pairs.find((r) => r.code1 === '8480-6' && r.value2 !== null)!.canonValue2).toBeCloseTo(152 * 133.322 * 1000, 3);
    // A Quantity value is not a CodeableConcept: the token$token composite stays empty.
    expect(pairs.filter((r) => r.value2 === null)).toEqual([]);
  });

  it('sets the patient hint from the primary patient reference, and the compartment', () => {
    const index = extractIndex(bp, model);
    expect(index.patientKey).toBe(patientKey('p1'));
    expect(index.patientId).toBe('p1');
    const group = extractIndex({ ...bp, subject: { reference: 'Group/g1' } }, model);
    expect(group.patientKey).toBeNull();
    expect(group.patientId).toBeNull();
  });

  it('indexes names lower-cased without accents, and keeps the exact text', () => {
    const patient: Patient = { resourceType: 'Patient', id: 'p1', name: [{ family: 'Müller', given: ['Anna'] }], birthDate: '1961-07' };
    const index = extractIndex(patient, searchModel('Patient')!);
    expect(rowsOf(index.string, 'Patient.name').map((r) => [r.value, r.exact])).toEqual([
      ['muller', 'Müller'],
      ['anna', 'Anna'],
    ]);
    expect(rowsOf(index.date, 'Patient.birthDate')).toMatchObject([
      { loMs: Date.parse('1961-07-01T00:00:00Z'), hiMs: Date.parse('1961-08-01T00:00:00Z') },
    ]);
    expect(index.patientKey).toBe(patientKey('p1'));
    expect(index.patientId).toBe('p1');
  });
});

describe('extractIndex: primitive extensions (R4 json.html#primitive)', () => {
  const model = searchModel('Patient')!;
  const birthTime = {
    extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/patient-birthTime', valueDateTime: '1961-07-04T10:00:00Z' }],
  };

  it('indexes a primitive that has an extension by its value', () => {
    const patient = {
      resourceType: 'Patient',
      id: 'p1',
      birthDate: '1961-07-04',
      _birthDate: birthTime,
      gender: 'female',
      _gender: { id: 'g1' },
    } as Patient;
    for (const compiled of [true, false]) {
      const index = extractIndex(patient, model, { compiled });
      expect(rowsOf(index.date, 'Patient.birthDate')).toMatchObject([
        { loMs: Date.parse('1961-07-04T00:00:00Z'), hiMs: Date.parse('1961-07-05T00:00:00Z') },
      ]);
      expect(rowsOf(index.token, 'Patient.gender').map((r) => [r.system, r.code])).toEqual([['', 'female']]);
    }
  });

  it('indexes nothing for an extension without a value (`_birthDate` alone)', () => {
    const patient = { resourceType: 'Patient', id: 'p1', _birthDate: birthTime, _gender: { id: 'g1' } } as Patient;
    for (const compiled of [true, false]) {
      const index = extractIndex(patient, model, { compiled });
      expect(rowsOf(index.date, 'Patient.birthDate')).toEqual([]);
      expect(rowsOf(index.token, 'Patient.gender')).toEqual([]);
    }
  });
});

describe('patientKey', () => {
  it('is the 32-bit FNV-1a hash (published test vectors), never 0', () => {
    // FNV-1a 32-bit of "a" is 0xe40c292c and of "foobar" 0xbf9cf968 (IETF draft-eastlake-fnv, test vectors).
    expect(patientKey('a')).toBe(0xe40c292c | 0);
    expect(patientKey('foobar')).toBe(0xbf9cf968 | 0);
  });
});
