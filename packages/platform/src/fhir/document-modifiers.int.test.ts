import type { Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlClient } from '../store/sql-client.ts';
import { testEngines } from '../testing/test-databases.ts';
import { FhirRepository } from './fhir-repository.ts';

/**
 * Token `:text` and `:of-type` (FHIR R4 search 3.1.1.4.5) and reference `:identifier` (3.1.1.4.9),
 * answered from the stored documents, on both engines: texts of CodeableConcept.text,
 * Coding.display and Identifier.type.text matched case-insensitively at a word's start;
 * identifiers by type Coding and value together; references by the identifier they carry.
 */
const v2 = 'http://terminology.hl7.org/CodeSystem/v2-0203';
const resources: Resource[] = [
  {
    resourceType: 'Patient',
    id: 'tm-p1',
    identifier: [{ type: { coding: [{ system: v2, code: 'MR' }], text: 'Medical record number' }, value: 'A-1' }, { value: 'B-1' }],
  },
  {
    resourceType: 'Patient',
    id: 'tm-p2',
    identifier: [
      { type: { coding: [{ system: v2, code: 'SS' }] }, value: 'A-1' },
      { type: { coding: [{ code: 'MR' }] }, value: 'C-1' },
    ],
  },
  // The type of one identifier with the value of another matches nothing.
  { resourceType: 'Patient', id: 'tm-p3', identifier: [{ type: { coding: [{ system: v2, code: 'MR' }] }, value: 'X' }, { value: 'A-1' }] },
  {
    resourceType: 'Condition',
    id: 'tm-c1',
    subject: { reference: 'Patient/tm-p1' },
    code: { coding: [{ system: 'http://snomed.info/sct', code: '44054006', display: 'Diabetes mellitus type 2 (disorder)' }] },
  },
  { resourceType: 'Condition', id: 'tm-c2', subject: { reference: 'Patient/tm-p1' }, code: { text: 'Neuropathy due to type 2 DIABETES' } },
  { resourceType: 'Condition', id: 'tm-c3', subject: { reference: 'Patient/tm-p2' }, code: { text: 'Prediabetes' } },
  { resourceType: 'Condition', id: 'tm-c4', subject: { reference: 'Patient/tm-p2' }, code: { text: 'Hypertension 50%' } },
  { resourceType: 'Condition', id: 'tm-c5', subject: { reference: 'Patient/tm-p2' }, code: { text: 'ÉLÉVATION de la créatinine' } },
  {
    resourceType: 'Observation',
    id: 'tm-o1',
    status: 'final',
    subject: { reference: 'Patient/tm-p2' },
    category: [{ coding: [{ code: 'laboratory', display: 'Laboratory' }] }, { text: 'Glucose panel' }],
    code: { text: 'Glucose' },
    component: [{ code: { coding: [{ system: 'http://loinc.org', code: '8480-6', display: 'Systolic blood pressure' }] } }],
  },
  // A reference with an identifier beside its literal reference, and a logical one (identifier only).
  {
    resourceType: 'Encounter',
    id: 'tm-e1',
    status: 'finished',
    class: { code: 'AMB' },
    subject: { reference: 'Patient/tm-p1', identifier: { system: 'http://hospital.org/mrn', value: 'M-1' } },
  },
  { resourceType: 'Encounter', id: 'tm-e2', status: 'finished', class: { code: 'AMB' }, subject: { identifier: { value: 'M-1' } } },
  {
    resourceType: 'Encounter',
    id: 'tm-e3',
    status: 'finished',
    class: { code: 'AMB' },
    subject: { identifier: { system: 'http://other.org', value: 'M-1' } },
    participant: [{ individual: { identifier: { value: 'DR-7' } } }],
  },
];

describe.each(await testEngines('token :text and :of-type'))('token :text and :of-type on $name', (engine) => {
  let db: SqlClient;
  let dispose: () => Promise<void>;
  let repo: FhirRepository;

  beforeAll(async () => {
    ({ db, dispose } = await engine.open());
    repo = await FhirRepository.open(db, { validationWorkers: 0 });
    for (const r of resources) await repo.update(r.resourceType, r.id!, r);
  });
  afterAll(async () => {
    await repo.close();
    await dispose();
  });

  const search = async (type: string, query: string) => {
    const result = await repo.search(type, new URLSearchParams(query));
    return { ids: result.matches.map((r) => r.id).sort(), warnings: result.warnings };
  };

  it.each([
    ['Condition', 'code:text=diabetes', ['tm-c1', 'tm-c2']],
    ['Condition', 'code:text=DIABETES MELLITUS', ['tm-c1']],
    ['Condition', 'code:text=abetes', []],
    ['Condition', 'code:text=prediab,hyper', ['tm-c3', 'tm-c4']],
    ['Condition', 'code:text=50%25', ['tm-c4']],
    ['Condition', 'code:text=5_', []],
    ['Condition', 'code:text=elevation', ['tm-c5']],
    ['Condition', 'code:text=Créat', ['tm-c5']],
    ['Condition', 'code:text=élév', ['tm-c5']],
    ['Observation', 'category:text=glucose', ['tm-o1']],
    ['Observation', 'category:text=lab', ['tm-o1']],
    ['Observation', 'component-code:text=systolic', ['tm-o1']],
    ['Observation', 'component-code:text=diastolic', []],
    ['Patient', 'identifier:text=medical record', ['tm-p1']],
    ['Patient', `identifier:of-type=${v2}|MR|A-1`, ['tm-p1']],
    ['Patient', `identifier:of-type=${v2}|SS|A-1`, ['tm-p2']],
    ['Patient', 'identifier:of-type=|MR|C-1', ['tm-p2']],
    ['Patient', `identifier:of-type=${v2}|MR|X,${v2}|SS|A-1`, ['tm-p2', 'tm-p3']],
    ['Patient', `identifier:of-type=${v2}|MR|C-1`, []],
    ['Condition', `subject:Patient.identifier:of-type=${v2}|MR|A-1`, ['tm-c1', 'tm-c2']],
    ['Condition', 'code:text=diabetes&subject=Patient/tm-p1&_sort=_id', ['tm-c1', 'tm-c2']],
    ['Encounter', 'subject:identifier=http://hospital.org/mrn|M-1', ['tm-e1']],
    ['Encounter', 'subject:identifier=M-1', ['tm-e1', 'tm-e2', 'tm-e3']],
    ['Encounter', 'subject:identifier=|M-1', ['tm-e2']],
    ['Encounter', 'patient:identifier=http://other.org|M-1', ['tm-e3']],
    ['Encounter', 'subject:identifier=M-2', []],
    ['Encounter', 'participant:identifier=DR-7', ['tm-e3']],
    ['Encounter', 'subject:identifier=M-1&subject=Patient/tm-p1', ['tm-e1']],
  ])('%s?%s', async (type, query, expected) => {
    // Device readings (Observations without documents) say they are left out of :text.
    const warnings = type === 'Observation' ? ['device readings are not searched with modifier :text'] : [];
    expect(await search(type, query)).toEqual({ ids: expected, warnings });
  });

  it('warns for :of-type on a parameter that is not an Identifier, and still answers the rest', async () => {
    const result = await search('Patient', 'gender:of-type=a|b|c&_id=tm-p1,tm-p2');
    expect(result.ids).toEqual(['tm-p1', 'tm-p2']);
    expect(result.warnings).toEqual([
      'modifier :of-type is for Identifier parameters; gender is not one; gender:of-type=a|b|c was ignored',
    ]);
  });

  it.each([
    ['Patient', 'identifier:of-type=MR|A-1'],
    ['Patient', `identifier:of-type=${v2}||A-1`],
    ['Patient', 'identifier:text=%20'],
    ['Encounter', 'subject:identifier=http://hospital.org/mrn|'],
  ])('refuses %s?%s', async (type, query) => {
    await expect(repo.search(type, new URLSearchParams(query))).rejects.toMatchObject({ code: 'VT_ERR_INVALID_INPUT' });
  });
});
