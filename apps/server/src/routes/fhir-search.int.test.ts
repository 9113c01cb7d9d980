import { TimeSeriesStore } from '@vitaltwin/platform';
import { shouldRunPostgres } from '@vitaltwin/platform/testing';
import { Client } from 'fhir-kit-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bloodPressure,
  createTestPatient,
  type FhirTestServer,
  ids,
  type Json,
  loinc,
  observation,
  startFhirTestServer,
  ucum,
} from './fhir-test-server.ts';

/**
 * FHIR search and operations through a running server with fhir-kit-client, on PGlite and on
 * PostgreSQL when reachable: parameters by type with prefixes and precision, paging to the end,
 * includes, unsupported-parameter reporting, device readings as Observations, $lastn,
 * $everything and $submit-cgm-bundle. The tests build on each other's data, in order.
 */
const engines: ('pglite' | 'postgres')[] = (await shouldRunPostgres('FHIR search')) ? ['pglite', 'postgres'] : ['pglite'];

describe.each(engines)('FHIR search on %s', (engine) => {
  let t: FhirTestServer;
  let client: InstanceType<typeof Client>;
  let patientId: string;

  beforeAll(async () => {
    t = await startFhirTestServer(engine);
    client = new Client({ baseUrl: t.fhirBase });
    patientId = await createTestPatient(client);
  }, 120_000);

  afterAll(async () => {
    await t?.stop();
  });

  it('searches patients by name, family, given, birthdate, gender and identifier', async () => {
    const search = async (searchParams: Record<string, string>) => ids(await client.search({ resourceType: 'Patient', searchParams }));
    expect(await search({ name: 'mul' })).toEqual([patientId]);
    expect(await search({ family: 'Müller' })).toEqual([patientId]);
    expect(await search({ 'family:exact': 'Muller' })).toEqual([]);
    expect(await search({ given: 'lena' })).toEqual([patientId]);
    expect(await search({ birthdate: '1961' })).toEqual([patientId]);
    expect(await search({ birthdate: 'lt1961-07-14' })).toEqual([]);
    expect(await search({ gender: 'female', identifier: 'urn:vitaltwin:test-mrn|MRN-1' })).toEqual([patientId]);
    expect(await search({ identifier: '|MRN-1' })).toEqual([]);
    expect(await search({ _id: patientId })).toEqual([patientId]);
  });

  it('pages through a search with next links to the end, with totals that match', async () => {
    const entries = Array.from({ length: 45 }, (_, i) => ({
      fullUrl: `urn:uuid:00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      resource: observation(patientId, '8867-4', new Date(Date.UTC(2023, 0, 1, 0, i)).toISOString(), 60 + i, '/min'),
      request: { method: 'POST', url: 'Observation' },
    }));
    await client.transaction({ body: { resourceType: 'Bundle', type: 'transaction', entry: entries } });
    let page = (await client.search({
      resourceType: 'Observation',
      searchParams: { patient: patientId, code: `${loinc}|8867-4`, date: 'ge2023-01-01', _count: '10', _sort: '-date' },
    })) as Json;
    const total = page.total;
    expect(total).toBe(45);
    const seen: string[] = [];
    const values: number[] = [];
    for (;;) {
      for (const e of page.entry ?? []) {
        seen.push(e.resource.id);
        values.push(e.resource.valueQuantity.value);
      }
      const next = client.nextPage({ bundle: page as never });
      if (!next) break;
      page = (await next) as Json;
      expect(page.total).toBe(total);
    }
    expect(seen.length).toBe(45);
    expect(new Set(seen).size).toBe(45);
    expect(values).toEqual([...values].sort((a, b) => b - a));
  });

  it('answers date searches with FHIR precision semantics', async () => {
    const count = async (date: string) =>
      (
        (await client.search({
          resourceType: 'Observation',
          searchParams: { patient: patientId, code: '8867-4', date, _summary: 'count' },
        })) as Json
      ).total;
    expect(await count('2023')).toBe(45);
    expect(await count('2023-01-01T00:10')).toBe(1);
    expect(await count('lt2023-01-01T00:10:00Z')).toBe(10);
    expect(await count('sa2023-01-01T00:39:59Z')).toBe(5);
    expect(await count('eb2023-01-01T00:05:00Z')).toBe(5);
    expect(await count('2022')).toBe(0);
    expect(await count('ne2023')).toBe(0);
  });

  it('answers quantity and composite searches with prefixes and units', async () => {
    const weightKg = (await client.create({
      resourceType: 'Observation',
      body: observation(patientId, '29463-7', '2023-02-01T08:00:00Z', 72.5, 'kg'),
    })) as Json;
    await client.create({ resourceType: 'Observation', body: bloodPressure(patientId, '2023-02-01T08:00:00Z', 152, 95) });
    const bpLow = (await client.create({
      resourceType: 'Observation',
      body: bloodPressure(patientId, '2023-02-02T08:00:00Z', 118, 76),
    })) as Json;
    const search = async (searchParams: Record<string, string>) =>
      ids(await client.search({ resourceType: 'Observation', searchParams: { patient: patientId, ...searchParams } }));
    expect(await search({ 'value-quantity': `72500|${ucum}|g` })).toEqual([weightKg.id]);
    expect(await search({ 'value-quantity': `gt72|${ucum}|kg`, code: '29463-7' })).toEqual([weightKg.id]);
    expect(await search({ 'value-quantity': `lt72|${ucum}|kg`, code: '29463-7' })).toEqual([]);
    expect(await search({ 'value-quantity': '72.5' })).toEqual([weightKg.id]);
    const high = await search({ 'component-code-value-quantity': `${loinc}|8480-6$gt140` });
    expect(high).toHaveLength(1);
    expect(high).not.toContain(bpLow.id);
    expect(await search({ 'component-code-value-quantity': `${loinc}|8462-4$lt80|${ucum}|mm[Hg]` })).toEqual([bpLow.id]);
    expect(await search({ code: `${loinc}|85354-9,${loinc}|29463-7`, _summary: 'count' }).catch(() => [])).toEqual([]);
    const either = (await client.search({
      resourceType: 'Observation',
      searchParams: { patient: patientId, code: `${loinc}|85354-9,${loinc}|29463-7`, _summary: 'count' },
    })) as Json;
    expect(either.total).toBe(3);
  });

  it('subsets with _elements and _summary, searches by POST _search and by _lastUpdated', async () => {
    const elements = (await client.search({ resourceType: 'Patient', searchParams: { _id: patientId, _elements: 'birthDate' } })) as Json;
    const subset = elements.entry[0].resource;
    expect(Object.keys(subset).sort()).toEqual(['birthDate', 'id', 'meta', 'resourceType']);
    expect(subset.meta.tag).toContainEqual({ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'SUBSETTED' });
    const summary = (await client.search({ resourceType: 'Patient', searchParams: { _id: patientId, _summary: 'true' } })) as Json;
    expect(summary.entry[0].resource.name).toBeDefined();
    const posted = await fetch(`${t.fhirBase}/Patient/_search`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `identifier=${encodeURIComponent('urn:vitaltwin:test-mrn|MRN-1')}`,
    });
    expect(ids((await posted.json()) as Json)).toEqual([patientId]);
    const recent = (await client.search({
      resourceType: 'Patient',
      searchParams: { _id: patientId, _lastUpdated: `ge${new Date(Date.now() - 3_600_000).toISOString()}` },
    })) as Json;
    expect(recent.total).toBe(1);
    const future = (await client.search({ resourceType: 'Patient', searchParams: { _lastUpdated: 'gt2999' } })) as Json;
    expect(future.total).toBe(0);
  });

  it('reports unsupported parameters in an outcome entry, and fails them under handling=strict', async () => {
    const bundle = (await client.search({ resourceType: 'Patient', searchParams: { 'no-such-param': 'x', family: 'Müller' } })) as Json;
    const outcome = bundle.entry.find((e: Json) => e.search.mode === 'outcome');
    expect(outcome.resource.resourceType).toBe('OperationOutcome');
    expect(outcome.resource.issue[0].diagnostics).toContain('no-such-param');
    const strict = await fetch(`${t.fhirBase}/Patient?no-such-param=x`, { headers: { prefer: 'handling=strict' } });
    expect(strict.status).toBe(400);
    const badDate = await fetch(`${t.fhirBase}/Observation?date=ge20230101`);
    expect(badDate.status).toBe(400);
  });

  it('includes and revincludes referenced resources', async () => {
    const obs = (await client.search({
      resourceType: 'Observation',
      searchParams: { patient: patientId, code: '29463-7', _include: 'Observation:patient' },
    })) as Json;
    expect(obs.entry.filter((e: Json) => e.search.mode === 'include').map((e: Json) => e.resource.id)).toEqual([patientId]);
    const target = obs.entry[0].resource;
    await client.create({
      resourceType: 'Provenance',
      body: {
        resourceType: 'Provenance',
        target: [{ reference: `Observation/${target.id}` }],
        recorded: '2023-02-01T08:00:00Z',
        agent: [{ who: { display: 'device' } }],
      },
    });
    const rev = (await client.search({
      resourceType: 'Observation',
      searchParams: { _id: target.id, _revinclude: 'Provenance:target' },
    })) as Json;
    expect(rev.entry.map((e: Json) => e.resource.resourceType)).toEqual(['Observation', 'Provenance']);
  });

  it('answers chained searches and _has, and names a malformed chain', async () => {
    const byMrn = (await client.search({
      resourceType: 'Observation',
      searchParams: { 'patient.identifier': 'urn:vitaltwin:test-mrn|MRN-1', code: '29463-7' },
    })) as Json;
    const matches = byMrn.entry.filter((e: Json) => e.search.mode === 'match');
    expect(matches.length).toBeGreaterThan(0);
    expect(matches.every((e: Json) => e.resource.subject.reference === `Patient/${patientId}`)).toBe(true);
    expect(byMrn.link.find((l: Json) => l.relation === 'self').url).toContain('patient.identifier=');
    const nobody = await client.search({ resourceType: 'Observation', searchParams: { 'subject:Patient.family': 'Nobody-such' } });
    expect(ids(nobody)).toEqual([]);
    const weighed = await client.search({ resourceType: 'Patient', searchParams: { '_has:Observation:patient:code': '29463-7' } });
    expect(ids(weighed)).toEqual([patientId]);
    const malformed = await fetch(`${t.fhirBase}/Observation?code.family=x`);
    expect(malformed.status).toBe(400);
    expect(JSON.stringify(await malformed.json())).toContain('code is not a reference parameter of Observation');
  });

  it('shows device readings as Observations in search, read, $lastn and $everything', async () => {
    const store = new TimeSeriesStore(t.server.context.db);
    const start = Date.UTC(2024, 5, 1, 12, 0);
    await store.write(
      Array.from({ length: 30 }, (_, i) => ({
        patientId,
        code: '8867-4',
        timeMs: start + i * 60_000,
        value: 70 + (i % 5),
        unit: '/min',
        deviceId: 'watch-1',
      })),
    );
    const bundle = (await client.search({
      resourceType: 'Observation',
      searchParams: { patient: patientId, code: '8867-4', date: 'ge2024-06-01T12:10:00Z', _count: '100' },
    })) as Json;
    expect(bundle.total).toBe(20);
    const first = bundle.entry[0].resource;
    expect(first.id).toMatch(/^dr-/);
    expect(first).toMatchObject({
      status: 'final',
      subject: { reference: `Patient/${patientId}` },
      valueQuantity: { system: ucum, code: '/min' },
      device: { reference: 'Device/watch-1' },
    });
    expect(((await client.read({ resourceType: 'Observation', id: first.id })) as Json).effectiveDateTime).toBe(first.effectiveDateTime);
    const all = (await client.search({
      resourceType: 'Observation',
      searchParams: { patient: patientId, code: '8867-4', _summary: 'count' },
    })) as Json;
    expect(all.total).toBe(45 + 30);
    const lastn = (await client.operation({
      resourceType: 'Observation',
      name: '$lastn',
      method: 'GET',
      input: { patient: patientId, max: '2' },
    })) as Json;
    const heart = lastn.entry
      .filter((e: Json) => e.resource.code.coding[0].code === '8867-4')
      .map((e: Json) => e.resource.effectiveDateTime);
    expect(heart).toEqual([new Date(start + 29 * 60_000).toISOString(), new Date(start + 28 * 60_000).toISOString()]);
    const everything = (await client.operation({
      resourceType: 'Patient',
      id: patientId,
      name: '$everything',
      method: 'GET',
      input: { _count: '500' },
    })) as Json;
    expect(everything.entry[0].resource.id).toBe(patientId);
    expect(everything.entry.filter((e: Json) => String(e.resource.id).startsWith('dr-'))).toHaveLength(30);
  });

  it('accepts $submit-cgm-bundle: readings go to the time series, the rest to the store', async () => {
    const reading = (minute: number, mgDl: number) => ({
      resource: {
        resourceType: 'Observation',
        status: 'final',
        category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] }],
        code: { coding: [{ system: loinc, code: '99504-3' }] },
        subject: { reference: `Patient/${patientId}` },
        effectiveDateTime: new Date(Date.UTC(2024, 6, 1, 8, minute)).toISOString(),
        valueQuantity: { value: mgDl, unit: 'mg/dL', system: ucum, code: 'mg/dL' },
      },
      request: { method: 'POST', url: 'Observation' },
    });
    const summary = {
      resource: {
        resourceType: 'Observation',
        status: 'final',
        code: { coding: [{ system: loinc, code: '97507-8' }] },
        subject: { reference: `Patient/${patientId}` },
        effectivePeriod: { start: '2024-07-01T00:00:00Z', end: '2024-07-14T23:59:59Z' },
        valueQuantity: { value: 142, unit: 'mg/dL', system: ucum, code: 'mg/dL' },
      },
      request: { method: 'POST', url: 'Observation' },
    };
    const device = {
      fullUrl: 'urn:uuid:0b0e8a4c-0000-4000-8000-00000000cafe',
      resource: {
        resourceType: 'Device',
        identifier: [{ system: 'urn:test:cgm', value: 'SN-1' }],
        deviceName: [{ name: 'Test CGM', type: 'user-friendly-name' }],
        patient: { reference: `Patient/${patientId}` },
      },
      request: { method: 'POST', url: 'Device' },
    };
    const outcome = (await client.operation({
      name: '$submit-cgm-bundle',
      method: 'POST',
      input: { resourceType: 'Bundle', type: 'transaction', entry: [device, reading(0, 110), reading(5, 118), reading(10, 131), summary] },
    })) as Json;
    expect(outcome.resourceType).toBe('OperationOutcome');
    expect(outcome.issue[0].diagnostics).toContain('3 CGM readings stored');
    const readings = (await client.search({
      resourceType: 'Observation',
      searchParams: { patient: patientId, code: `${loinc}|99504-3`, _sort: 'date' },
    })) as Json;
    expect(readings.entry.map((e: Json) => e.resource.valueQuantity.value)).toEqual([110, 118, 131]);
    expect(readings.entry[0].resource.id).toMatch(/^dr-/);
    expect(readings.entry[0].resource.device.reference).toMatch(/^Device\//);
    const means = (await client.search({ resourceType: 'Observation', searchParams: { patient: patientId, code: '97507-8' } })) as Json;
    expect(means.total).toBe(1);
  });
});
