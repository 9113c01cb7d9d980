import { shouldRunPostgres } from '@vitaltwin/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FhirTestServer, readSyntheaBundles, startFhirTestServer } from './fhir-test-server.ts';

/**
 * FHIR Bulk Data export (Bulk Data Access IG 2.0) as a client sees it: kick-off with
 * `Prefer: respond-async`, poll the Content-Location until 200, read the manifest, download the
 * NDJSON files and compare their counts with what the server's search says it holds.
 */
const engines: ('pglite' | 'postgres')[] = (await shouldRunPostgres('FHIR bulk export')) ? ['pglite', 'postgres'] : ['pglite'];

type Manifest = {
  transactionTime: string;
  request: string;
  requiresAccessToken: boolean;
  output: { type: string; url: string; count: number }[];
  error: unknown[];
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(engines)('bulk $export on %s', (engine) => {
  let t: FhirTestServer;
  let counts: Record<string, number>;
  let patientIds: string[];
  const types = ['Patient', 'Encounter', 'Observation', 'Condition', 'Organization', 'Practitioner', 'Claim', 'Group'];

  const kickoff = (path: string, headers: Record<string, string> = { prefer: 'respond-async' }) =>
    fetch(`${t.fhirBase}/${path}`, { headers: { accept: 'application/fhir+json', ...headers } });

  /** Kicks off, polls until complete, and returns the manifest (and whether a 202 poll was seen). */
  const runExport = async (path: string): Promise<Manifest> => {
    const start = await kickoff(path);
    expect(start.status).toBe(202);
    const status = start.headers.get('content-location')!;
    expect(status).toMatch(new RegExp(`^${t.fhirBase.replaceAll('/', '\\/')}\\/\\$export-status\\/`));
    for (let i = 0; i < 300; i++) {
      const poll = await fetch(status);
      if (poll.status === 200) {
        expect(poll.headers.get('content-type')).toContain('application/json');
        return (await poll.json()) as Manifest;
      }
      expect(poll.status).toBe(202);
      expect(poll.headers.get('x-progress')).toBeTruthy();
      await poll.arrayBuffer();
      await sleep(50);
    }
    throw new Error('export did not finish');
  };

  const download = async (url: string) => {
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/fhir+ndjson');
    return (await response.text())
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as { resourceType: string; id: string; subject?: { reference?: string } });
  };

  beforeAll(async () => {
    t = await startFhirTestServer(engine);
    // The two Synthea v2.4 transaction bundles (no conditional references).
    for (const { bundle } of (await readSyntheaBundles()).filter((b) => b.file.startsWith('smart'))) {
      const response = await fetch(t.fhirBase, {
        method: 'POST',
        headers: { 'content-type': 'application/fhir+json' },
        body: JSON.stringify(bundle),
      });
      expect(response.status).toBe(200);
    }
    const patients = (await (await fetch(`${t.fhirBase}/Patient`)).json()) as { entry: { resource: { id: string } }[] };
    patientIds = patients.entry.map((e) => e.resource.id);
    expect(patientIds).toHaveLength(2);
    const group = {
      resourceType: 'Group',
      id: 'g1',
      type: 'person',
      actual: true,
      member: [{ entity: { reference: `Patient/${patientIds[0]}` } }],
    };
    await fetch(`${t.fhirBase}/Group/g1`, {
      method: 'PUT',
      headers: { 'content-type': 'application/fhir+json' },
      body: JSON.stringify(group),
    });
    counts = {};
    for (const type of types) {
      const bundle = (await (await fetch(`${t.fhirBase}/${type}?_summary=count`)).json()) as { total: number };
      if (bundle.total > 0) counts[type] = bundle.total;
    }
    expect(counts['Observation']).toBeGreaterThan(100);
  }, 180_000);

  afterAll(async () => {
    await t?.stop();
  });

  it('exports the whole system: manifest per the IG, one NDJSON file per type with the stored counts', async () => {
    const before = Date.now();
    const manifest = await runExport('$export?_outputFormat=application/fhir%2Bndjson');
    expect(manifest.request).toBe(`${t.fhirBase}/$export?_outputFormat=application/fhir%2Bndjson`);
    expect(manifest.requiresAccessToken).toBe(false);
    expect(manifest.error).toEqual([]);
    expect(Date.parse(manifest.transactionTime)).toBeGreaterThanOrEqual(before - 1000);
    const byType = Object.fromEntries(manifest.output.map((o) => [o.type, o.count]));
    for (const [type, n] of Object.entries(counts)) expect(byType[type], type).toBe(n);
    for (const o of manifest.output.filter((x) => types.includes(x.type))) {
      const lines = await download(o.url);
      expect(lines).toHaveLength(o.count);
      expect(new Set(lines.map((r) => r.resourceType))).toEqual(new Set([o.type]));
      expect(new Set(lines.map((r) => r.id)).size).toBe(o.count);
    }
  }, 120_000);

  it('honours _type and _since', async () => {
    const some = await runExport('$export?_type=Patient,Observation');
    expect(some.output.map((o) => [o.type, o.count])).toEqual([
      ['Patient', counts['Patient']],
      ['Observation', counts['Observation']],
    ]);
    const none = await runExport('$export?_since=2999-01-01T00:00:00Z');
    expect(none.output).toEqual([]);
  }, 60_000);

  it('narrows types by _typeFilter searches (any filter of a type), leaving other types whole', async () => {
    const search = async (query: string) =>
      (
        (await (await fetch(`${t.fhirBase}/Observation?${query}&_count=1000&_elements=id`)).json()) as {
          entry?: { resource: { id: string }; search: { mode: string } }[];
        }
      ).entry
        ?.filter((e) => e.search.mode === 'match')
        .map((e) => e.resource.id)
        .sort() ?? [];
    const vitals = await search('category=vital-signs');
    const labs = await search('category=laboratory');
    expect(vitals.length).toBeGreaterThan(0);
    const filter = encodeURIComponent('Observation?category=vital-signs,Observation?category=laboratory');
    const manifest = await runExport(`$export?_type=Observation,Patient&_typeFilter=${filter}`);
    expect(manifest.output.map((o) => o.type)).toEqual(['Observation', 'Patient']);
    const observations = (await Promise.all(manifest.output.filter((o) => o.type === 'Observation').map((o) => download(o.url)))).flat();
    expect(observations.map((o) => o.id).sort()).toEqual([...new Set([...vitals, ...labs])].sort());
    expect(manifest.output.find((o) => o.type === 'Patient')?.count).toBe(counts['Patient']);
    // A filter on one patient's Observations, by a chain on the patient (FHIR search semantics).
    const own = await search(`patient=${patientIds[0]}`);
    const chained = await runExport(
      `$export?_type=Observation&_typeFilter=${encodeURIComponent(`Observation?patient._id=${patientIds[0]}`)}`,
    );
    expect(chained.output.reduce((n, o) => n + o.count, 0)).toBe(own.length);
  }, 120_000);

  it('exports the Patient compartment (Patient/$export) and a Group’s members (Group/[id]/$export)', async () => {
    const all = await runExport('Patient/$export');
    const allTypes = all.output.map((o) => o.type);
    expect(allTypes).toContain('Observation');
    expect(allTypes).not.toContain('Organization');
    expect(allTypes).not.toContain('Practitioner');
    expect(all.output.find((o) => o.type === 'Patient')?.count).toBe(2);

    const group = await runExport('Group/g1/$export?_type=Patient,Observation');
    const patients = await download(group.output.find((o) => o.type === 'Patient')!.url);
    expect(patients.map((p) => p.id)).toEqual([patientIds[0]]);
    const mine = (await (await fetch(`${t.fhirBase}/Observation?subject=Patient/${patientIds[0]}&_summary=count`)).json()) as {
      total: number;
    };
    const observations = await download(group.output.find((o) => o.type === 'Observation')!.url);
    expect(observations).toHaveLength(mine.total);
    expect(observations.every((o) => o.subject?.reference === `Patient/${patientIds[0]}`)).toBe(true);
    expect((await kickoff('Group/nope/$export')).status).toBe(404);
  }, 60_000);

  it('cancels with DELETE on the status URL: the job and its files are gone', async () => {
    const start = await kickoff('$export?_type=Patient');
    const status = start.headers.get('content-location')!;
    let manifest: Manifest | undefined;
    for (let i = 0; i < 300 && !manifest; i++) {
      const poll = await fetch(status);
      if (poll.status === 200) manifest = (await poll.json()) as Manifest;
      else await sleep(50);
    }
    const deleted = await fetch(status, { method: 'DELETE' });
    expect(deleted.status).toBe(202);
    expect((await fetch(status)).status).toBe(404);
    expect((await fetch(manifest!.output[0]!.url)).status).toBe(404);
    expect((await fetch(status, { method: 'DELETE' })).status).toBe(404);
  }, 60_000);

  it('refuses requests the IG says to refuse', async () => {
    const noPrefer = await kickoff('$export', {});
    expect(noPrefer.status).toBe(400);
    expect(JSON.stringify(await noPrefer.json())).toContain('Prefer: respond-async');
    expect((await kickoff('$export?_type=Bogus')).status).toBe(400);
    expect((await kickoff('$export?_outputFormat=text/csv')).status).toBe(400);
    expect((await kickoff('$export?_since=yesterday')).status).toBe(400);
    expect((await kickoff('$export?_elements=id')).status).toBe(400);
    const lenient = await kickoff('$export?_type=Group&_elements=id', { prefer: 'respond-async, handling=lenient' });
    expect(lenient.status).toBe(202);
    // _typeFilter: malformed searches are 400; unsupported parameters too, unless lenient.
    const badDate = await kickoff(`$export?_typeFilter=${encodeURIComponent('Observation?date=yesterday')}`);
    expect(badDate.status).toBe(400);
    expect(JSON.stringify(await badDate.json())).toContain('date=yesterday');
    expect((await kickoff(`$export?_typeFilter=${encodeURIComponent('Observation?no-such=1')}`)).status).toBe(400);
    const ignored = await kickoff(`$export?_type=Group&_typeFilter=${encodeURIComponent('Observation?no-such=1')}`, {
      prefer: 'respond-async, handling=lenient',
    });
    expect(ignored.status).toBe(202);
    expect((await fetch(`${t.fhirBase}/$export-status/00000000-0000-0000-0000-000000000000`)).status).toBe(404);
  }, 60_000);
});
