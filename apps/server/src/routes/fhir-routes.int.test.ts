import { shouldRunPostgres } from '@vitaltwin/platform/testing';
import { Client } from 'fhir-kit-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPatient, type FhirTestServer, type Json, observation, startFhirTestServer, statusOf } from './fhir-test-server.ts';

/**
 * The FHIR REST API driven from outside by fhir-kit-client (and fetch where the client has no
 * call for it), on a running server, once on PGlite and once on PostgreSQL when reachable:
 * resource interactions, validation, Prefer, JSON Patch, transactions and batches, metadata.
 * Search and operations: fhir-search.int.test.ts.
 */
const engines: ('pglite' | 'postgres')[] = (await shouldRunPostgres('FHIR REST API')) ? ['pglite', 'postgres'] : ['pglite'];

describe.each(engines)('FHIR REST API on %s', (engine) => {
  let t: FhirTestServer;
  let client: InstanceType<typeof Client>;
  let patientId: string;

  const rowCounts = async () => {
    const rows = await t.server.context.db.query<{ n: number }>(
      `SELECT (SELECT count(*) FROM fhir_resource) + (SELECT count(*) FROM fhir_resource_version) + (SELECT count(*) FROM fhir_token)
            + (SELECT count(*) FROM fhir_reference) + (SELECT count(*) FROM fhir_date) AS n`,
    );
    return Number(rows[0]!.n);
  };

  beforeAll(async () => {
    t = await startFhirTestServer(engine);
    client = new Client({ baseUrl: t.fhirBase });
    patientId = await createTestPatient(client);
  }, 120_000);

  afterAll(async () => {
    await t?.stop();
  });

  it('creates, reads and vreads with versionId, lastUpdated and ETag', async () => {
    const read = (await client.read({ resourceType: 'Patient', id: patientId })) as Json;
    expect(read).toMatchObject({ resourceType: 'Patient', id: patientId, meta: { versionId: '1' }, birthDate: '1961-07-14' });
    expect(Date.parse(read.meta.lastUpdated)).not.toBeNaN();
    const response = await fetch(`${t.fhirBase}/Patient/${patientId}`);
    expect(response.headers.get('etag')).toBe('W/"1"');
    expect(response.headers.get('content-type')).toContain('application/fhir+json');
    expect(response.headers.get('last-modified')).toBe(new Date(read.meta.lastUpdated).toUTCString());
    const v1 = (await client.vread({ resourceType: 'Patient', id: patientId, version: '1' })) as Json;
    expect(v1.meta.versionId).toBe('1');
  });

  it('answers a conditional read with 304 while the client copy is current (If-None-Match, If-Modified-Since)', async () => {
    const url = `${t.fhirBase}/Patient/${patientId}`;
    const first = await fetch(url);
    const etag = first.headers.get('etag')!;
    const modified = first.headers.get('last-modified')!;
    const statusWith = async (headers: Record<string, string>) => {
      const response = await fetch(url, { headers });
      return { status: response.status, body: await response.text(), etag: response.headers.get('etag') };
    };
    expect(await statusWith({ 'if-none-match': etag })).toEqual({ status: 304, body: '', etag });
    expect((await statusWith({ 'if-none-match': etag.replace('W/', '') })).status).toBe(304);
    expect((await statusWith({ 'if-none-match': `W/"999", ${etag}` })).status).toBe(304);
    expect((await statusWith({ 'if-none-match': '*' })).status).toBe(304);
    expect((await statusWith({ 'if-none-match': 'W/"999"' })).status).toBe(200);
    expect((await statusWith({ 'if-modified-since': modified })).status).toBe(304);
    expect((await statusWith({ 'if-modified-since': new Date(Date.parse(modified) - 1000).toUTCString() })).status).toBe(200);
    expect((await statusWith({ 'if-modified-since': 'not a date' })).status).toBe(200);
    // If-None-Match decides alone when both are sent (RFC 9110 §13.2.2).
    expect((await statusWith({ 'if-none-match': 'W/"999"', 'if-modified-since': modified })).status).toBe(200);
  });

  it('updates with If-Match and answers 412 to a stale version', async () => {
    const current = (await client.read({ resourceType: 'Patient', id: patientId })) as Json;
    const updated = (await client.update({
      resourceType: 'Patient',
      id: patientId,
      body: { ...current, telecom: [{ system: 'phone', value: '555-0100' }] },
      options: { headers: { 'If-Match': `W/"${current.meta.versionId}"` } },
    })) as Json;
    expect(updated.meta.versionId).toBe(String(Number(current.meta.versionId) + 1));
    // The copy a client holds of the old version is no longer current: a conditional read sends the new one.
    const reread = await fetch(`${t.fhirBase}/Patient/${patientId}`, { headers: { 'if-none-match': `W/"${current.meta.versionId}"` } });
    expect(reread.status).toBe(200);
    const stale = await statusOf(
      client.update({
        resourceType: 'Patient',
        id: patientId,
        body: current,
        options: { headers: { 'If-Match': `W/"${current.meta.versionId}"` } },
      }),
    );
    expect(stale.status).toBe(412);
    expect(stale.data.resourceType).toBe('OperationOutcome');
    const history = (await client.history({ resourceType: 'Patient', id: patientId })) as Json;
    expect(history.type).toBe('history');
    expect(history.entry.map((e: Json) => e.resource.meta.versionId)).toEqual([updated.meta.versionId, current.meta.versionId]);
  });

  it('creates on update with a client id, and deletes softly: read 410, history kept', async () => {
    const id = `client-chosen-${engine}`;
    const created = (await client.update({
      resourceType: 'Practitioner',
      id,
      body: { resourceType: 'Practitioner', id, name: [{ family: 'Osler' }] },
    })) as Json;
    expect(created.id).toBe(id);
    await client.delete({ resourceType: 'Practitioner', id });
    expect((await statusOf(client.read({ resourceType: 'Practitioner', id }))).status).toBe(410);
    const history = (await client.history({ resourceType: 'Practitioner', id })) as Json;
    expect(history.total).toBe(2);
    expect(history.entry[0].request.method).toBe('DELETE');
    expect(history.entry[0].resource).toBeUndefined();
    const typeHistory = (await client.history({ resourceType: 'Practitioner' })) as Json;
    expect(typeHistory.total).toBeGreaterThanOrEqual(2);
  });

  it('rejects an invalid resource with an OperationOutcome naming each problem by FHIRPath, writing nothing', async () => {
    const before = await rowCounts();
    const missing = await statusOf(
      client.create({ resourceType: 'Observation', body: { resourceType: 'Observation', code: { text: 'pulse' } } }),
    );
    expect(missing.status).toBe(422);
    expect(missing.data.issue.map((i: Json) => i.expression?.[0])).toContain('Observation.status');
    const malformed = await statusOf(
      client.create({
        resourceType: 'Patient',
        body: { resourceType: 'Patient', birthDate: 'yesterday', gender: 7, nickname: 'x' },
      }),
    );
    expect(malformed.status).toBe(400);
    const expressions = malformed.data.issue.map((i: Json) => i.expression?.[0]);
    expect(expressions).toEqual(expect.arrayContaining(['Patient.birthDate', 'Patient.gender', 'Patient.nickname']));
    const notJson = await fetch(`${t.fhirBase}/Patient`, {
      method: 'POST',
      headers: { 'content-type': 'application/fhir+json' },
      body: '{"resourceType":',
    });
    expect(notJson.status).toBe(400);
    expect(await rowCounts()).toBe(before);
  });

  it('honours Prefer: return=minimal and return=OperationOutcome, and conditional create', async () => {
    const body = { resourceType: 'Organization', identifier: [{ system: 'urn:test:org', value: 'ORG-7' }], name: 'Ward 7' };
    const minimal = await fetch(`${t.fhirBase}/Organization`, {
      method: 'POST',
      headers: { 'content-type': 'application/fhir+json', prefer: 'return=minimal' },
      body: JSON.stringify(body),
    });
    expect(minimal.status).toBe(201);
    expect(await minimal.text()).toBe('');
    expect(minimal.headers.get('location')).toMatch(/\/fhir\/Organization\/[^/]+\/_history\/1$/);
    const again = await fetch(`${t.fhirBase}/Organization`, {
      method: 'POST',
      headers: {
        'content-type': 'application/fhir+json',
        'if-none-exist': 'identifier=urn:test:org|ORG-7',
        prefer: 'return=OperationOutcome',
      },
      body: JSON.stringify(body),
    });
    expect(again.status).toBe(200);
    expect(((await again.json()) as Json).resourceType).toBe('OperationOutcome');
    const found = (await client.search({ resourceType: 'Organization', searchParams: { identifier: 'urn:test:org|ORG-7' } })) as Json;
    expect(found.total).toBe(1);
  });

  it('applies a JSON Patch and rejects a failing test operation without writing', async () => {
    const patched = (await client.patch({
      resourceType: 'Patient',
      id: patientId,
      jsonPatch: [{ op: 'add', path: '/active', value: true }],
    })) as Json;
    expect(patched.active).toBe(true);
    const failed = await statusOf(
      client.patch({
        resourceType: 'Patient',
        id: patientId,
        jsonPatch: [
          { op: 'test', path: '/gender', value: 'male' },
          { op: 'remove', path: '/name' },
        ],
      }),
    );
    expect(failed.status).toBe(409);
    expect(((await client.read({ resourceType: 'Patient', id: patientId })) as Json).name).toBeDefined();
  });

  it('runs a transaction atomically with urn:uuid and conditional references', async () => {
    const response = (await client.transaction({
      body: {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          {
            fullUrl: 'urn:uuid:6b2d6c9e-0000-4000-8000-000000000001',
            resource: {
              resourceType: 'Patient',
              name: [{ family: 'Tx' }],
              managingOrganization: { reference: 'Organization?identifier=urn:test:org|ORG-7' },
            },
            request: { method: 'POST', url: 'Patient' },
          },
          {
            fullUrl: 'urn:uuid:6b2d6c9e-0000-4000-8000-000000000002',
            resource: observation('x', '8310-5', '2023-03-01T09:00:00Z', 37.2, 'Cel', {
              subject: { reference: 'urn:uuid:6b2d6c9e-0000-4000-8000-000000000001' },
            }),
            request: { method: 'POST', url: 'Observation' },
          },
        ],
      },
    })) as Json;
    expect(response.type).toBe('transaction-response');
    expect(response.entry.map((e: Json) => e.response.status)).toEqual(['201 Created', '201 Created']);
    const newPatient = response.entry[0].response.location.split('/')[1];
    const temperature = (await client.read({ resourceType: 'Observation', id: response.entry[1].response.location.split('/')[1] })) as Json;
    expect(temperature.subject.reference).toBe(`Patient/${newPatient}`);
    const patient = (await client.read({ resourceType: 'Patient', id: newPatient })) as Json;
    expect(patient.managingOrganization.reference).toMatch(/^Organization\/[^?]+$/);

    const before = await rowCounts();
    const unresolved = await statusOf(
      client.transaction({
        body: {
          resourceType: 'Bundle',
          type: 'transaction',
          entry: [
            { resource: { resourceType: 'Patient', name: [{ family: 'Never' }] }, request: { method: 'POST', url: 'Patient' } },
            {
              resource: { resourceType: 'Patient', generalPractitioner: [{ reference: 'Practitioner?identifier=urn:none|0' }] },
              request: { method: 'POST', url: 'Patient' },
            },
          ],
        },
      }),
    );
    expect(unresolved.status).toBe(400);
    const invalid = await statusOf(
      client.transaction({
        body: {
          resourceType: 'Bundle',
          type: 'transaction',
          entry: [
            { resource: { resourceType: 'Patient', name: [{ family: 'Never' }] }, request: { method: 'POST', url: 'Patient' } },
            { resource: { resourceType: 'Observation', code: { text: 'no status' } }, request: { method: 'POST', url: 'Observation' } },
          ],
        },
      }),
    );
    expect(invalid.status).toBe(422);
    expect(invalid.data.issue[0].expression[0]).toBe('Bundle.entry[1].resource.status');
    expect(await rowCounts()).toBe(before);
  });

  it('processes a batch entry by entry', async () => {
    const response = (await client.batch({
      body: {
        resourceType: 'Bundle',
        type: 'batch',
        entry: [
          { resource: { resourceType: 'Patient', name: [{ family: 'Batch' }] }, request: { method: 'POST', url: 'Patient' } },
          { resource: { resourceType: 'Observation', code: { text: 'bad' } }, request: { method: 'POST', url: 'Observation' } },
          { request: { method: 'GET', url: `Patient/${patientId}` } },
        ],
      },
    })) as Json;
    expect(response.entry.map((e: Json) => e.response.status)).toEqual(['201 Created', '422', '200 OK']);
    expect(response.entry[1].response.outcome.resourceType).toBe('OperationOutcome');
    expect(response.entry[2].resource.id).toBe(patientId);
  });

  it('serves a CapabilityStatement of what is supported, and negotiates formats', async () => {
    const cs = (await client.capabilityStatement()) as Json;
    expect(cs.fhirVersion).toBe('4.0.1');
    const obs = cs.rest[0].resource.find((r: Json) => r.type === 'Observation');
    const names = obs.searchParam.map((p: Json) => p.name);
    expect(names).toEqual(
      expect.arrayContaining(['_id', '_lastUpdated', 'code', 'date', 'patient', 'value-quantity', 'component-code-value-quantity']),
    );
    expect(names).not.toContain('code-value-date');
    expect(obs.operation.map((o: Json) => o.name)).toEqual(['lastn', 'validate']);
    expect(obs.conditionalRead).toBe('full-support');
    expect(cs.rest[0].documentation).toMatch(/chained parameters.*_has/s);
    const xml = await fetch(`${t.fhirBase}/metadata?_format=xml`);
    expect(xml.status).toBe(406);
    const pretty = await fetch(`${t.fhirBase}/Patient/${patientId}?_pretty=true`);
    expect(await pretty.text()).toContain('\n  "resourceType": "Patient"');
    const plain = await fetch(`${t.fhirBase}/Patient/${patientId}`, { headers: { accept: 'application/json' } });
    expect(plain.headers.get('content-type')).toContain('application/json');
  });

  it('negotiates as real clients ask: q-values, the DSTU2 name application/json+fhir, the fhirVersion parameter', async () => {
    const negotiate = async (accept: string) => {
      const response = await fetch(`${t.fhirBase}/Patient/${patientId}`, { headers: { accept } });
      return `${response.status} ${response.headers.get('content-type')?.split(';')[0]}`;
    };
    expect(await negotiate('application/fhir+json;q=1.0, application/json+fhir;q=0.9')).toBe('200 application/fhir+json');
    expect(await negotiate('application/json+fhir')).toBe('200 application/fhir+json');
    expect(await negotiate('application/fhir+xml, application/json;q=0.5')).toBe('200 application/json');
    expect(await negotiate('application/json;q=0.5, application/fhir+json;q=0.8')).toBe('200 application/fhir+json');
    expect(await negotiate('application/fhir+json; fhirVersion=4.0')).toBe('200 application/fhir+json');
    // q=0 means "not this"; another FHIR version is not this server's.
    expect(await negotiate('application/fhir+json;q=0, text/html')).toBe('406 application/fhir+json');
    const r3 = await fetch(`${t.fhirBase}/Patient/${patientId}`, { headers: { accept: 'application/fhir+json; fhirVersion=3.0' } });
    expect(r3.status).toBe(406);
    expect(JSON.stringify(await r3.json())).toContain('not fhirVersion 3.0');
    // A body sent as application/json+fhir is FHIR JSON.
    const validated = await fetch(`${t.fhirBase}/Patient/$validate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json+fhir' },
      body: JSON.stringify({ resourceType: 'Patient' }),
    });
    expect(validated.status).toBe(200);
  });
});
