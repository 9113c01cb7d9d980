import { shouldRunPostgres } from '@vitaltwin/platform/testing';
import { Client } from 'fhir-kit-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPatient, type FhirTestServer, type Json, startFhirTestServer } from './fhir-test-server.ts';

/**
 * `$validate` (FHIR R4 operation-resource-validate.html) through a running server, with
 * fhir-kit-client as the outside client, and the required-binding check on writes: a code
 * outside its required value set is a 422 naming the element, and nothing is written.
 */
const engines: ('pglite' | 'postgres')[] = (await shouldRunPostgres('FHIR $validate')) ? ['pglite', 'postgres'] : ['pglite'];

type Issue = { severity: string; code: string; diagnostics: string; expression?: string[] };
const issuesOf = (outcome: unknown) => (outcome as { issue: Issue[] }).issue;
const errors = (outcome: unknown) => issuesOf(outcome).filter((i) => i.severity === 'error');

describe.each(engines)('FHIR $validate on %s', (engine) => {
  let t: FhirTestServer;
  let client: InstanceType<typeof Client>;
  let patientId: string;

  const storedCount = async () =>
    Number((await t.server.context.db.query<{ n: number }>('SELECT count(*) AS n FROM fhir_resource_version'))[0]!.n);
  const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${t.fhirBase}/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/fhir+json', ...headers },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Json };
  };

  beforeAll(async () => {
    t = await startFhirTestServer(engine);
    client = new Client({ baseUrl: t.fhirBase });
    patientId = await createTestPatient(client);
  }, 120_000);

  afterAll(async () => {
    await t?.stop();
  });

  it('answers 200 with every problem named, valid or not, and writes nothing', async () => {
    const before = await storedCount();
    const ok = await client.operation({ name: '$validate', resourceType: 'Patient', input: { resourceType: 'Patient', gender: 'female' } });
    expect(issuesOf(ok)).toEqual([expect.objectContaining({ severity: 'information', diagnostics: 'All OK: Patient is valid R4' })]);
    const bad = await client.operation({
      name: '$validate',
      resourceType: 'Patient',
      input: { resourceType: 'Patient', gender: 'nope', birthDate: '1990-13-01' },
    });
    expect(errors(bad).map((i) => [i.code, i.expression?.[0]])).toEqual(
      expect.arrayContaining([
        ['code-invalid', 'Patient.gender'],
        [expect.any(String), 'Patient.birthDate'],
      ]),
    );
    expect(errors(bad)).toHaveLength(2);
    expect(await storedCount()).toBe(before);
  });

  it('takes a Parameters envelope with mode and reports unchecked profiles as warnings', async () => {
    const outcome = await post('Observation/$validate', {
      resourceType: 'Parameters',
      parameter: [
        { name: 'mode', valueCode: 'create' },
        {
          name: 'resource',
          resource: {
            resourceType: 'Observation',
            id: 'given',
            status: 'final',
            code: { text: 'x' },
            meta: { profile: ['http://example.org/StructureDefinition/site-vitals'] },
          },
        },
      ],
    });
    expect(outcome.status).toBe(200);
    expect(issuesOf(outcome.body).map((i) => [i.severity, i.expression?.[0] ?? null])).toEqual([
      ['information', null],
      ['information', 'Observation.id'],
      ['warning', 'Observation.meta.profile'],
    ]);
    expect(issuesOf(outcome.body)[0]?.diagnostics).toBe('All OK: Observation is acceptable as a create');
  });

  it('checks an update against the stored version (id, If-Match) and a delete against the stored resource', async () => {
    const current = { resourceType: 'Patient', id: patientId, gender: 'male' };
    const asUpdate = (body: unknown, headers: Record<string, string> = {}) =>
      post(`Patient/${patientId}/$validate?mode=update`, body, headers);
    expect(errors((await asUpdate(current, { 'if-match': 'W/"1"' })).body)).toEqual([]);
    expect(errors((await asUpdate(current, { 'if-match': 'W/"9"' })).body)).toEqual([
      expect.objectContaining({ code: 'conflict', diagnostics: `Patient/${patientId} is at version 1, not 9 (If-Match)` }),
    ]);
    expect(errors((await asUpdate({ ...current, id: 'other' })).body)[0]?.expression).toEqual(['Patient.id']);
    const fresh = await post('Patient/not-yet/$validate?mode=update', { resourceType: 'Patient', id: 'not-yet' });
    expect(issuesOf(fresh.body).map((i) => i.diagnostics)).toContain('Patient/not-yet does not exist: an update would create it');
    const del = (await fetch(`${t.fhirBase}/Patient/${patientId}/$validate?mode=delete`).then((r) => r.json())) as Json;
    expect(issuesOf(del)).toEqual([
      expect.objectContaining({ severity: 'information', diagnostics: `All OK: Patient/${patientId} may be deleted` }),
    ]);
  });

  it('refuses with 4xx what it cannot validate: a foreign profile, an unknown mode, a mode at the wrong level, no resource', async () => {
    const refusals = await Promise.all([
      post('Patient/$validate?profile=http://example.org/StructureDefinition/p', { resourceType: 'Patient' }),
      post('Patient/$validate?mode=merge', { resourceType: 'Patient' }),
      post('Patient/$validate?mode=update', { resourceType: 'Patient' }),
      post(`Patient/${patientId}/$validate?mode=create`, { resourceType: 'Patient' }),
      post('Patient/$validate', { resourceType: 'Parameters', parameter: [{ name: 'mode', valueCode: 'create' }] }),
      post('Patient/$validate', { resourceType: 'Parameters', parameter: [{ name: 'strict', valueBoolean: true }] }),
      post('Nope/$validate', { resourceType: 'Patient' }),
    ]);
    expect(refusals.map((r) => r.status)).toEqual([400, 400, 400, 400, 400, 400, 404]);
    for (const r of refusals) expect(r.body.resourceType).toBe('OperationOutcome');
    // The base definition of the type is the one profile it checks against.
    const base = await post('Patient/$validate?profile=http://hl7.org/fhir/StructureDefinition/Patient|4.0.1', { resourceType: 'Patient' });
    expect(base.status).toBe(200);
  });

  it('refuses writes of codes outside their required value sets, in a transaction too, keeping the store unchanged', async () => {
    const before = await storedCount();
    const created = await post('Observation', { resourceType: 'Observation', status: 'bogus', code: { text: 'x' } });
    expect(created.status).toBe(422);
    expect(errors(created.body)).toEqual([expect.objectContaining({ code: 'code-invalid', expression: ['Observation.status'] })]);
    const transaction = await post('', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { resource: { resourceType: 'Patient', gender: 'female' }, request: { method: 'POST', url: 'Patient' } },
        {
          resource: { resourceType: 'Condition', subject: { reference: `Patient/${patientId}` }, clinicalStatus: { text: 'active' } },
          request: { method: 'POST', url: 'Condition' },
        },
      ],
    });
    expect(transaction.status).toBe(422);
    expect(JSON.stringify(transaction.body)).toContain('condition-clinical');
    expect(await storedCount()).toBe(before);
  });
});
