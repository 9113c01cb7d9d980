import type { Resource } from '@medplum/fhirtypes';
import { isVitaltwinError } from '@vitaltwin/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlClient } from '../store/sql-client.ts';
import { TimeSeriesStore } from '../store/time-series-store.ts';
import { testEngines } from '../testing/test-databases.ts';
import { FhirRepository } from './fhir-repository.ts';
import { searchModel } from './search-parameter-registry.ts';

/**
 * Any search a client can send gets an answer: a result (with warnings for what was ignored) or a
 * 4xx error naming the problem; never a database error. Requests are drawn from every parameter
 * of the searched type (supported or not), unknown and chained names, every modifier FHIR R4
 * defines (search.html#modifiers) and values of every shape, with the result parameters (_sort,
 * _count, _include ...) beside them, on a store holding resources and device readings.
 */
const patient = 'fz-p1';
const stored: Resource[] = [
  { resourceType: 'Patient', id: patient, name: [{ family: 'Fuzz', given: ['Ada'] }], gender: 'female', birthDate: '1970-02-03' },
  {
    resourceType: 'Observation',
    id: 'fz-o1',
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
    subject: { reference: `Patient/${patient}` },
    effectiveDateTime: '2024-01-02T03:04:05Z',
    valueQuantity: { value: 72, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
  },
  {
    resourceType: 'Observation',
    id: 'fz-o2',
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '85354-9' }] },
    subject: { reference: `Patient/${patient}` },
    effectiveDateTime: '2024-01-03',
    component: [
      {
        code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] },
        valueQuantity: { value: 120, unit: 'mm[Hg]', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' },
      },
    ],
  },
  {
    resourceType: 'Condition',
    id: 'fz-c1',
    subject: { reference: `Patient/${patient}` },
    code: { coding: [{ system: 'http://snomed.info/sct', code: '44054006' }], text: 'Diabetes' },
    onsetDateTime: '2010-05-06',
  },
  { resourceType: 'Encounter', id: 'fz-e1', status: 'finished', class: { code: 'AMB' }, subject: { reference: `Patient/${patient}` } },
];

const types = ['Patient', 'Observation', 'Condition', 'Encounter', 'MedicationRequest'] as const;
const modifiers = [
  'missing',
  'exact',
  'contains',
  'text',
  'not',
  'above',
  'below',
  'in',
  'not-in',
  'of-type',
  'identifier',
  'Patient',
  'Patient.name',
  'iterate',
  'bogus',
];
const values = [
  '8867-4',
  'http://loinc.org|8867-4',
  'http://loinc.org|',
  '|8867-4',
  'ge2024-01-01',
  'lt2024',
  'eq2024-01-02T03:04:05Z',
  'sa2024-13-40',
  'gt70',
  'le72|http://unitsofmeasure.org|/min',
  'ap5.5||mg',
  'true',
  'false',
  'Patient/fz-p1',
  'fz-p1',
  'http://example.org/fhir/Patient/fz-p1',
  'Fuzz',
  'a,b',
  'x\\,y',
  'x\\|y',
  '8480-6$gt100',
  'http://loinc.org|8480-6$lt5|http://unitsofmeasure.org|mm[Hg]',
  '%',
  "'; DROP TABLE x; --",
  'é√',
  '',
  // Values at the edges of what the store holds: years beyond 0001-9999, zones beyond ±14:00,
  // numbers beyond a double, NUL characters.
  'gt9999-12-31',
  'ap0001-01-01',
  'eq0000-01-01',
  'lt0001',
  'ge2024-01-01T10:00:00+15:00',
  '1e400',
  '-1e400',
  '99999999999999999999',
  'NaN',
  'x\u0000y',
];
const resultParams = fc.oneof(
  fc
    .constantFrom('_count', '_offset')
    .chain((k) =>
      fc.tuple(fc.constant(k), fc.constantFrom('0', '1', '-1', '5', 'x', '100000', '2147483648', '99999999999999999999', '1e3', '2.5')),
    ),
  fc.tuple(fc.constant('_sort'), fc.constantFrom('date', '-date', '_lastUpdated', '-_id', 'name', 'code', 'bogus', '-', '')),
  fc.tuple(fc.constant('_summary'), fc.constantFrom('count', 'true', 'false', 'text', 'data', 'x')),
  fc.tuple(fc.constant('_total'), fc.constantFrom('none', 'accurate', 'estimate', 'x')),
  fc.tuple(fc.constant('_elements'), fc.constantFrom('id', 'status,code', 'bogus', '')),
  fc.tuple(
    fc.constantFrom('_include', '_revinclude', '_include:iterate'),
    fc.constantFrom('Observation:patient', 'Observation:subject:Patient', 'Condition:subject', 'Patient:general-practitioner', '*', 'x'),
  ),
);

/** One clause: a name (a parameter of the type, a result parameter, an unknown or chained one), a modifier, values. */
const clause = (type: string) => {
  const model = searchModel(type)!;
  const names = [
    ...model.params.keys(),
    ...model.unsupported.keys(),
    '_id',
    '_lastUpdated',
    '_tag',
    '_profile',
    '_security',
    '_source',
    'constructor',
    'nonsense',
    'subject.name',
    '_has:Observation:patient:code',
  ];
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .tuple(
          fc.constantFrom(...names),
          fc.option(fc.constantFrom(...modifiers), { nil: undefined }),
          fc.array(fc.constantFrom(...values), { minLength: 1, maxLength: 3 }),
        )
        .map(([name, modifier, vs]) => [modifier ? `${name}:${modifier}` : name, vs.join(',')] as [string, string]),
    },
    { weight: 1, arbitrary: resultParams },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('_id', 'code', 'x\u0000'), fc.constant('a\u0000b')) },
  );
};

const request = fc
  .constantFrom(...types)
  .chain((type) => fc.tuple(fc.constant(type), fc.array(clause(type), { minLength: 1, maxLength: 5 })));

describe.each(await testEngines('FHIR search fuzz'))('search requests of every shape on $name', (engine) => {
  let db: SqlClient;
  let dispose: () => Promise<void>;
  let repo: FhirRepository;

  beforeAll(async () => {
    ({ db, dispose } = await engine.open());
    repo = await FhirRepository.open(db, { validationWorkers: 0 });
    for (const r of stored) await repo.update(r.resourceType, r.id!, r);
    await new TimeSeriesStore(db).write([
      { patientId: patient, code: '8867-4', timeMs: Date.UTC(2024, 0, 2), value: 80, unit: '/min', deviceId: 'fz-watch' },
    ]);
  });
  afterAll(async () => {
    await repo.close();
    await dispose();
  });

  it('answers each with a result or a 4xx error naming the problem, never a database error', async () => {
    await fc.assert(
      fc.asyncProperty(request, async ([type, clauses]) => {
        const query = new URLSearchParams(clauses);
        try {
          const result = await repo.search(type, query);
          expect(result.total === undefined || result.total >= 0).toBe(true);
        } catch (error) {
          // Client errors are VitaltwinErrors with a 4xx code; anything else reached the database wrongly.
          expect(isVitaltwinError(error), `${type}?${query}: ${(error as Error).message}`).toBe(true);
          const code = (error as { code: string }).code;
          expect(['VT_ERR_INVALID_INPUT', 'VT_ERR_NOT_SUPPORTED'], `${type}?${query}`).toContain(code);
        }
      }),
      { numRuns: 400 },
    );
  }, 120_000);

  it('reads, version reads and histories of any id and version: the resource, or 404 / 410', async () => {
    const ids = ['fz-p1', 'fz-o1', 'nope', '', 'a\u0000b', 'x'.repeat(65), '../../etc', 'é', 'dr-zzzzzzzzzzzz-0123456789abcdef', 'dr-1-00'];
    const versions = ['1', '2', '0', '-1', 'x', '1.5', '2147483648', '99999999999999999999', '1e2'];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...types), fc.constantFrom(...ids), fc.constantFrom(...versions), async (type, id, version) => {
        for (const call of [
          () => repo.readJson(type, id),
          () => repo.vread(type, id, version),
          () => repo.history({ type, id, count: 5, offset: 0 }),
        ]) {
          try {
            await call();
          } catch (error) {
            expect(isVitaltwinError(error), `${type}/${id}/_history/${version}: ${(error as Error).message}`).toBe(true);
            expect(['VT_ERR_NOT_FOUND', 'VT_ERR_GONE']).toContain((error as { code: string }).code);
          }
        }
      }),
      { numRuns: 200 },
    );
  }, 120_000);
});
