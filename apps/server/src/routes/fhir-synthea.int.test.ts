import { shouldRunPostgres } from '@vitaltwin/platform/testing';
import { Client } from 'fhir-kit-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FhirTestServer, readSyntheaBundles, type SyntheaBundle, startFhirTestServer } from './fhir-test-server.ts';

/**
 * Loads the 16 Synthea patient bundles through `POST /fhir` and checks that every resource type
 * ends up with as many resources as the files hold.
 *
 * - Transaction bundles load as they are. Four of them (Synthea v3) reference practitioners and
 *   organizations conditionally (`Practitioner?identifier=...`) that live in Synthea's separate
 *   hospital/practitioner bundles, which are not in the data folder; as Synthea's own load order
 *   does, the test first loads one Practitioner or Organization per such identifier.
 * - Collection bundles (no `request`) are turned into transactions by adding `POST <type>` to each
 *   entry, keeping fullUrls so their urn:uuid references are rewritten.
 */
const engines: ('pglite' | 'postgres')[] = (await shouldRunPostgres('FHIR Synthea load')) ? ['pglite', 'postgres'] : ['pglite'];
// biome-ignore lint/suspicious/noExplicitAny: the tests read arbitrary FHIR JSON from responses.
type Json = { resourceType: string; [key: string]: any };

function conditionalTargets(bundles: readonly SyntheaBundle[]): string[] {
  const refs = new Set<string>();
  for (const { bundle } of bundles) {
    for (const m of JSON.stringify(bundle).matchAll(/"reference":"((?:Practitioner|Organization)\?identifier=[^"]+)"/g)) refs.add(m[1]!);
  }
  return [...refs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function stub(ref: string): Json {
  const [type, query] = ref.split('?') as [string, string];
  const [system, value] = decodeURIComponent(query.slice('identifier='.length)).split('|') as [string, string];
  return type === 'Practitioner'
    ? { resourceType: 'Practitioner', identifier: [{ system, value }], name: [{ family: `Stub ${value}` }] }
    : { resourceType: 'Organization', identifier: [{ system, value }], name: `Stub ${value}` };
}

describe.each(engines)('Synthea bundles through POST /fhir on %s', (engine) => {
  let t: FhirTestServer;
  let client: InstanceType<typeof Client>;
  let bundles: SyntheaBundle[];

  beforeAll(async () => {
    t = await startFhirTestServer(engine);
    client = new Client({ baseUrl: t.fhirBase });
    bundles = await readSyntheaBundles();
  }, 120_000);

  afterAll(async () => {
    await t?.stop();
  });

  it('loads all 16 bundles, and counts per resource type equal the files', async () => {
    expect(bundles).toHaveLength(16);
    const expected = new Map<string, number>();
    for (const { bundle } of bundles)
      for (const e of bundle.entry) expected.set(e.resource.resourceType, (expected.get(e.resource.resourceType) ?? 0) + 1);
    const stubs = conditionalTargets(bundles);
    expect(stubs.length).toBeGreaterThan(0);
    await client.transaction({
      body: {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: stubs.map((ref) => ({ resource: stub(ref), request: { method: 'POST', url: ref.split('?')[0] } })),
      },
    });
    for (const ref of stubs) {
      const type = ref.split('?')[0]!;
      expected.set(type, (expected.get(type) ?? 0) + 1);
    }
    for (const { file, bundle } of bundles) {
      const body =
        bundle.type === 'transaction'
          ? bundle
          : {
              ...bundle,
              type: 'transaction',
              entry: bundle.entry.map((e) => ({ ...e, request: { method: 'POST', url: e.resource.resourceType } })),
            };
      const response = (await client.transaction({ body: body as never })) as Json;
      expect(response.entry, file).toHaveLength(bundle.entry.length);
      expect(
        response.entry.every((e: Json) => e.response.status === '201 Created'),
        file,
      ).toBe(true);
    }
    for (const [type, n] of [...expected].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const found = (await client.search({ resourceType: type, searchParams: { _summary: 'count' } })) as Json;
      expect(found.total, type).toBe(n);
    }
  }, 300_000);

  it('resolved the references: a Synthea patient has its encounters, observations and claims in $everything', async () => {
    const patients = (await client.search({ resourceType: 'Patient', searchParams: { family: 'Bennett146', _count: '5' } })) as Json;
    const withFamily =
      patients.total > 0 ? patients : ((await client.search({ resourceType: 'Patient', searchParams: { _count: '1' } })) as Json);
    const patient = withFamily.entry[0].resource;
    const everything = (await client.operation({
      resourceType: 'Patient',
      id: patient.id,
      name: '$everything',
      method: 'GET',
      input: { _count: '1000' },
    })) as Json;
    const types = new Set(everything.entry.map((e: Json) => e.resource.resourceType));
    expect([...types]).toEqual(expect.arrayContaining(['Patient', 'Encounter', 'Observation', 'Claim']));
    const encounters = (await client.search({
      resourceType: 'Encounter',
      searchParams: { patient: patient.id, _summary: 'count' },
    })) as Json;
    expect(encounters.total).toBeGreaterThan(0);
    const glucose = (await client.search({
      resourceType: 'Observation',
      searchParams: { code: 'http://loinc.org|2339-0', _summary: 'count' },
    })) as Json;
    expect(glucose.total).toBeGreaterThan(0);
  });
});
