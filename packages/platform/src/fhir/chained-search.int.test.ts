import type { Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlClient } from '../store/sql-client.ts';
import { TimeSeriesStore } from '../store/time-series-store.ts';
import { testEngines } from '../testing/test-databases.ts';
import { FhirRepository } from './fhir-repository.ts';

/**
 * Chained parameters and `_has` (FHIR R4 search.html "Chained parameters", "Reverse Chaining") on a
 * small record whose answers are written out by hand: two organizations, four patients (one
 * deleted after its Observation was stored), a ward Location and a practitioner.
 */
const mrn = 'http://hospital.example.org/mrn';
const loinc = 'http://loinc.org';
const record: Resource[] = [
  { resourceType: 'Organization', id: 'ch-org-a', name: 'Good Health Clinic' },
  { resourceType: 'Organization', id: 'ch-org-b', name: 'Other Care', partOf: { reference: 'Organization/ch-org-a' } },
  {
    resourceType: 'Patient',
    id: 'ch-pa',
    identifier: [{ system: mrn, value: '1001' }],
    name: [{ family: 'Smith' }],
    managingOrganization: { reference: 'Organization/ch-org-a' },
  },
  {
    resourceType: 'Patient',
    id: 'ch-pb',
    identifier: [{ system: mrn, value: '1002' }],
    name: [{ family: 'Jones' }],
    managingOrganization: { reference: 'Organization/ch-org-b' },
  },
  {
    resourceType: 'Patient',
    id: 'ch-pc',
    identifier: [{ system: mrn, value: '1003' }],
    name: [{ family: 'Smithson' }],
    managingOrganization: { reference: 'Organization/ch-org-b' },
  },
  { resourceType: 'Patient', id: 'ch-pd', identifier: [{ system: mrn, value: '1004' }], name: [{ family: 'Smith' }] },
  { resourceType: 'Location', id: 'ch-ward', name: 'Smith Ward' },
  { resourceType: 'Practitioner', id: 'ch-dr', name: [{ family: 'House' }] },
];
const obs = (id: string, subject: string, code: string, performer?: string): Resource => ({
  resourceType: 'Observation',
  id,
  status: 'final',
  code: { coding: [{ system: loinc, code }] },
  subject: { reference: subject },
  effectiveDateTime: '2024-03-01T08:00:00Z',
  valueQuantity: { value: 1 },
  ...(performer ? { performer: [{ reference: performer }] } : {}),
});
const observations = [
  obs('ch-o1', 'Patient/ch-pa', '8867-4'),
  obs('ch-o2', 'Patient/ch-pb', '8867-4'),
  obs('ch-o3', 'Patient/ch-pc', '2339-0', 'Practitioner/ch-dr'),
  obs('ch-o4', 'Patient/ch-pd', '8867-4'),
  obs('ch-o5', 'Location/ch-ward', '8310-5'),
];

describe.each(await testEngines('chained search'))('chained search and _has on $name', (engine) => {
  let db: SqlClient;
  let dispose: () => Promise<void>;
  let repo: FhirRepository;
  const ids = async (type: string, query: string) => {
    const result = await repo.search(type, new URLSearchParams(`${query}&_count=100`));
    return { ids: result.matches.map((r) => r.id).sort(), warnings: result.warnings };
  };

  beforeAll(async () => {
    ({ db, dispose } = await engine.open());
    repo = await FhirRepository.open(db, { validationWorkers: 0 });
    for (const r of [...record, ...observations]) await repo.update(r.resourceType, r.id!, r);
    // ch-o4 keeps its reference to a patient that is gone.
    await repo.delete('Patient', 'ch-pd');
    // Two wearable heart-rate readings of ch-pa, and one of the deleted ch-pd.
    await new TimeSeriesStore(db).write([
      { patientId: 'ch-pa', code: '8867-4', timeMs: Date.parse('2024-03-01T09:00:00Z'), value: 71, unit: '/min', deviceId: 'w1' },
      { patientId: 'ch-pa', code: '8867-4', timeMs: Date.parse('2024-03-02T09:00:00Z'), value: 73, unit: '/min', deviceId: 'w1' },
      { patientId: 'ch-pd', code: '8867-4', timeMs: Date.parse('2024-03-02T09:00:00Z'), value: 80, unit: '/min', deviceId: 'w2' },
    ]);
  });
  afterAll(async () => {
    await repo.close();
    await dispose();
  });

  // The last column: whether device readings are searched too (chains on the patient), or left out with a warning.
  it.each([
    ['patient.identifier=http://hospital.example.org/mrn|1001', ['ch-o1'], true],
    ['patient.identifier=1002', ['ch-o2'], true],
    ['patient.identifier=http://hospital.example.org/mrn|1001,http://hospital.example.org/mrn|1003', ['ch-o1', 'ch-o3'], true],
    ['patient.name=Smith', ['ch-o1', 'ch-o3'], true],
    ['patient.name:exact=Smith', ['ch-o1'], true],
    ['subject:Patient.name=Smith', ['ch-o1', 'ch-o3'], true],
    // Without a type, every target of subject that has `name`: Patient and Location here.
    ['subject.name=Smith', ['ch-o1', 'ch-o3', 'ch-o5'], true],
    ['subject:Location.name=Smith', ['ch-o5'], false],
    ['patient._id=ch-pb', ['ch-o2'], true],
    ['patient.organization.name=Other', ['ch-o2', 'ch-o3'], true],
    ['patient.organization.partof.name=Good', ['ch-o2', 'ch-o3'], true],
    ['patient.identifier:not=http://hospital.example.org/mrn|1001', ['ch-o2', 'ch-o3'], true],
    ['performer.name=House', ['ch-o3'], false],
    ['patient.name=Smith&code=http://loinc.org|8867-4', ['ch-o1'], true],
    ['patient.name=Nobody', [], true],
  ] as const)('Observation?%s', async (query, expected, readings) => {
    const chain = query.split('&')[0]!;
    const result = await ids('Observation', query);
    expect(result.ids.filter((id) => !id?.startsWith('dr-'))).toEqual(expected);
    expect(result.warnings).toEqual(readings ? [] : [`device readings are searched by chains on the patient only (${chain})`]);
  });

  it('finds device readings through a chain on the patient, as the stored Observations', async () => {
    const readings = async (query: string) => (await ids('Observation', query)).ids.filter((id) => id?.startsWith('dr-')).length;
    expect(await readings('patient.identifier=http://hospital.example.org/mrn|1001&code=http://loinc.org|8867-4')).toBe(2);
    expect(await readings('patient.identifier=http://hospital.example.org/mrn|1001&date=ge2024-03-02')).toBe(1);
    expect(await readings('subject.name=Smith')).toBe(2);
    expect(await readings('patient.organization.name=Good')).toBe(2);
    expect(await readings('patient.identifier=http://hospital.example.org/mrn|1002')).toBe(0);
    expect(await readings('patient.name=Smith&code=http://loinc.org|2339-0')).toBe(0);
  });

  it.each([
    ['Patient', '_has:Observation:patient:code=http://loinc.org|8867-4', ['ch-pa', 'ch-pb']],
    ['Patient', '_has:Observation:subject:code=2339-0', ['ch-pc']],
    ['Patient', '_has:Observation:patient:performer.name=House', ['ch-pc']],
    ['Patient', '_has:Observation:patient:code:not=http://loinc.org|8867-4', ['ch-pc']],
    ['Organization', '_has:Patient:organization:_has:Observation:patient:code=8867-4', ['ch-org-a', 'ch-org-b']],
    ['Organization', '_has:Patient:organization:_has:Observation:patient:code=2339-0', ['ch-org-b']],
    ['Location', '_has:Observation:subject:code=8310-5', ['ch-ward']],
    ['Patient', '_has:Observation:patient:code=8867-4&name=Smith', ['ch-pa']],
  ])('%s?%s', async (type, query, expected) => {
    expect(await ids(type, query)).toEqual({ ids: expected, warnings: [] });
  });

  it('counts and pages a chained search like any other', async () => {
    const page = await repo.search('Observation', new URLSearchParams('subject.name=Smith&_count=2&_sort=_id'));
    // Three stored Observations and ch-pa's two readings.
    expect(page.total).toBe(5);
    expect(page.matches.map((r) => r.id)).toEqual(['ch-o1', 'ch-o3']);
  });

  it.each([
    ['Observation', 'code.name=x', /code is not a reference parameter of Observation/],
    ['Observation', 'patient:Organization.name=x', /Observation patient does not refer to Organization/],
    ['Observation', 'patient.nope=x', /no resource type Observation patient refers to has a parameter nope/],
    ['Observation', 'patient.birthdate=notadate', /expected a FHIR date/],
    ['Patient', '_has:Observation:code:code=x', /code is not a reference parameter of Observation/],
    ['Patient', '_has:Nope:patient:code=x', /Nope is not a FHIR R4 resource type/],
    ['Patient', '_has:Observation:patient=x', /not of the form _has:Type:reference:parameter/],
    ['Organization', '_has:Observation:patient:code=x', /Observation patient does not refer to Organization/],
  ])('%s?%s is an invalid search, named', async (type, query, message) => {
    await expect(repo.search(type, new URLSearchParams(query))).rejects.toMatchObject({
      code: 'VT_ERR_INVALID_INPUT',
      problems: [{ message: expect.stringMatching(message) }],
    });
  });

  it('refuses chains longer than three links with a warning, never a silent answer', async () => {
    const result = await ids('Observation', 'patient.organization.partof.partof.name=x');
    expect(result.warnings.join(' ')).toMatch(/chains of more than 3 links are not supported/);
    const strict = repo.search('Observation', new URLSearchParams('patient.organization.partof.partof.name=x'), { strict: true });
    await expect(strict).rejects.toMatchObject({ code: 'VT_ERR_NOT_SUPPORTED' });
  });
});
