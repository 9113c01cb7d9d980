import type { Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlClient } from '../../store/sql-client.ts';
import { TimeSeriesStore } from '../../store/time-series-store.ts';
import { testEngines } from '../../testing/test-databases.ts';
import { FhirRepository } from '../fhir-repository.ts';
import { patientEverything } from './patient-everything.ts';

/**
 * `Patient/{id}/$everything` parameters (R4 OperationDefinition patient-everything): `_since` keeps
 * what changed at or after an instant, `_type` limits the types, and malformed values are 400s
 * naming them rather than a page of something else.
 */
describe.each(await testEngines('$everything parameters'))('$everything on $name', (engine) => {
  let db: SqlClient;
  let dispose: () => Promise<void>;
  let repo: FhirRepository;
  let clock = Date.UTC(2024, 0, 1);
  const patient = 'ev-p1';

  beforeAll(async () => {
    ({ db, dispose } = await engine.open());
    repo = await FhirRepository.open(db, { validationWorkers: 0, now: () => clock });
    const write = (r: Resource) => repo.update(r.resourceType, r.id!, r);
    await write({ resourceType: 'Patient', id: patient });
    await write({ resourceType: 'Condition', id: 'ev-c1', subject: { reference: `Patient/${patient}` }, code: { text: 'old' } });
    clock = Date.UTC(2024, 5, 1);
    await write({ resourceType: 'Condition', id: 'ev-c2', subject: { reference: `Patient/${patient}` }, code: { text: 'new' } });
    await new TimeSeriesStore(db).write([
      { patientId: patient, code: '8867-4', timeMs: Date.UTC(2024, 0, 1), value: 70, unit: '/min', deviceId: 'w' },
      { patientId: patient, code: '8867-4', timeMs: Date.UTC(2024, 5, 2), value: 71, unit: '/min', deviceId: 'w' },
    ]);
  });
  afterAll(async () => {
    await repo.close();
    await dispose();
  });

  const ids = async (query: string) =>
    (await patientEverything(repo.context, patient, new URLSearchParams(query))).matches.map((r) => r.id).sort();

  it('keeps what changed at or after _since, resources and readings alike', async () => {
    expect(await ids('')).toHaveLength(5);
    const since = await ids('_since=2024-03-01T00:00:00Z');
    expect(since.filter((id) => !id?.startsWith('dr-'))).toEqual(['ev-c2']);
    // Readings count from their receipt, which is now.
    expect(since.filter((id) => id?.startsWith('dr-'))).toHaveLength(2);
    expect(await ids(`_since=${new Date(Date.now() + 86_400_000).toISOString()}`)).toEqual([]);
  });

  it('limits the types with _type', async () => {
    expect(await ids('_type=Condition')).toEqual(['ev-c1', 'ev-c2']);
  });

  it.each(['_count=-5', '_since=yesterday', '_type=Nope', '_offset=x'])('refuses %s with a 400 naming it', async (query) => {
    await expect(patientEverything(repo.context, patient, new URLSearchParams(query))).rejects.toMatchObject({
      code: 'VT_ERR_INVALID_INPUT',
      problems: [{ message: expect.stringContaining(query.split('=')[0]!) }],
    });
  });
});
