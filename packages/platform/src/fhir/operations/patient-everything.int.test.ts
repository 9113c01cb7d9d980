import type { Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlClient } from '../../store/sql-client.ts';
import { TimeSeriesStore } from '../../store/time-series-store.ts';
import { testEngines } from '../../testing/test-databases.ts';
import { FhirRepository } from '../fhir-repository.ts';
import { patientEverything } from './patient-everything.ts';

/**
 * `Patient/{id}/$everything` parameters (R4 OperationDefinition patient-everything): `_since` keeps
 * what changed at or after an instant, `_type` limits the types, `start`/`end` select care dates,
 * and malformed values are 400s naming them rather than a page of something else.
 */
describe.each(await testEngines('$everything parameters'))('$everything on $name', (engine) => {
  let db: SqlClient;
  let dispose: () => Promise<void>;
  let repo: FhirRepository;
  let clock = Date.UTC(2024, 0, 1);
  const patient = 'ev-p1';
  const carePatient = 'ev-p2';

  beforeAll(async () => {
    ({ db, dispose } = await engine.open());
    repo = await FhirRepository.open(db, { validationWorkers: 0, now: () => clock });
    const write = (r: Resource) => repo.update(r.resourceType, r.id!, r);
    await write({ resourceType: 'Patient', id: patient });
    await write({ resourceType: 'Condition', id: 'ev-c1', subject: { reference: `Patient/${patient}` }, code: { text: 'old' } });
    clock = Date.UTC(2024, 5, 1);
    await write({ resourceType: 'Condition', id: 'ev-c2', subject: { reference: `Patient/${patient}` }, code: { text: 'new' } });
    // A second patient with dated care: an encounter in 2023 at an organization, observations in
    // 2023 and 2024, a prescription authored in 2023 whose dosage events fall in 2024.
    const subject = { reference: `Patient/${carePatient}` };
    await write({ resourceType: 'Patient', id: carePatient });
    await write({ resourceType: 'Organization', id: 'ev-org', name: 'Clinic' });
    await write({
      resourceType: 'Encounter',
      id: 'ev-enc',
      status: 'finished',
      class: { code: 'AMB' },
      subject,
      period: { start: '2023-01-01T10:00:00Z', end: '2023-01-01T11:00:00Z' },
      serviceProvider: { reference: 'Organization/ev-org' },
    });
    const observation = (id: string, effectiveDateTime: string): Resource => ({
      resourceType: 'Observation',
      id,
      status: 'final',
      code: { text: 'weight' },
      subject,
      effectiveDateTime,
    });
    await write(observation('ev-obs-2023', '2023-06-15'));
    await write(observation('ev-obs-2024', '2024-02-10T08:30:00Z'));
    await write({
      resourceType: 'MedicationRequest',
      id: 'ev-rx',
      status: 'active',
      intent: 'order',
      subject,
      medicationCodeableConcept: { text: 'metformin' },
      authoredOn: '2023-03-01',
      dosageInstruction: [{ timing: { event: ['2024-05-01'] } }],
    });
    await write({ resourceType: 'Condition', id: 'ev-undated', subject, code: { text: 'undated' } });
    await new TimeSeriesStore(db).write([
      { patientId: patient, code: '8867-4', timeMs: Date.UTC(2024, 0, 1), value: 70, unit: '/min', deviceId: 'w' },
      { patientId: patient, code: '8867-4', timeMs: Date.UTC(2024, 5, 2), value: 71, unit: '/min', deviceId: 'w' },
      { patientId: carePatient, code: '8867-4', timeMs: Date.UTC(2023, 11, 31, 23, 59), value: 72, unit: '/min', deviceId: 'w2' },
      { patientId: carePatient, code: '8867-4', timeMs: Date.UTC(2024, 0, 1), value: 73, unit: '/min', deviceId: 'w2' },
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

  it('selects care provided between start and end (days inclusive), keeping undated resources and what the kept ones reference', async () => {
    const care = async (query: string) => {
      const found = await patientEverything(repo.context, carePatient, new URLSearchParams(query));
      const stored = found.matches.filter((r) => !r.id?.startsWith('dr-')).map((r) => r.id);
      const readings = found.matches
        .filter((r) => r.id?.startsWith('dr-'))
        .map((r) => (r as { effectiveDateTime?: string }).effectiveDateTime);
      expect(found.warnings).toEqual([]);
      return { stored: stored.sort(), readings: readings.sort() };
    };
    const always = ['ev-p2', 'ev-undated'];
    expect(await care('start=2023-01-01&end=2023-12-31')).toEqual({
      stored: [...always, 'ev-enc', 'ev-obs-2023', 'ev-org', 'ev-rx'].sort(),
      readings: ['2023-12-31T23:59:00.000Z'],
    });
    expect(await care('start=2024-01-01')).toEqual({ stored: [...always, 'ev-obs-2024'].sort(), readings: ['2024-01-01T00:00:00.000Z'] });
    // The end day is included; a dateTime on it counts.
    expect((await care('end=2023-06-15')).stored).toEqual([...always, 'ev-enc', 'ev-obs-2023', 'ev-org', 'ev-rx'].sort());
    expect((await care('end=2023-06-14')).stored).toEqual([...always, 'ev-enc', 'ev-org', 'ev-rx'].sort());
    // An encounter overlapping the window by its period is in it.
    expect((await care('start=2023-01-01T10:30:00Z&end=2023-01-01')).stored).toEqual([...always, 'ev-enc', 'ev-org'].sort());
    expect((await care('start=2025-01-01')).stored).toEqual(always);
  });

  it.each(['start=2024-13-01', 'end=soon', 'start=2024-02-01&end=2024-01-01'])('refuses %s with a 400', async (query) => {
    await expect(patientEverything(repo.context, carePatient, new URLSearchParams(query))).rejects.toMatchObject({
      code: 'VT_ERR_INVALID_INPUT',
    });
  });

  it.each(['_count=-5', '_since=yesterday', '_type=Nope', '_offset=x'])('refuses %s with a 400 naming it', async (query) => {
    await expect(patientEverything(repo.context, patient, new URLSearchParams(query))).rejects.toMatchObject({
      code: 'VT_ERR_INVALID_INPUT',
      problems: [{ message: expect.stringContaining(query.split('=')[0]!) }],
    });
  });
});
