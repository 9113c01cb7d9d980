import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../store/open-database.ts';
import type { SqlClient } from '../../store/sql-client.ts';
import { FhirRepository } from '../fhir-repository.ts';
import { runImport } from './import-pipeline.ts';
import { formatProblem } from './import-problem.ts';
import type { UnresolvedPolicy } from './import-references.ts';
import { findImportSources } from './import-sources.ts';
import { isPlaceholder } from './placeholder-resource.ts';
import { StoreImportTarget } from './store-import-target.ts';

/**
 * The import pipeline against embedded PGlite: identities, conditional references and
 * placeholders, idempotence, per-file and per-line problems. Files are written to a scratch folder
 * and read back through the same path the command uses.
 */
type Json = Record<string, unknown>;
const npi = 'http://hl7.org/fhir/sid/us-npi';

const encounterWith = (id: string, practitionerRef: string): Json => ({
  fullUrl: `urn:uuid:${id}`,
  resource: {
    resourceType: 'Encounter',
    id,
    status: 'finished',
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
    subject: { reference: 'urn:uuid:00000000-0000-4000-8000-000000000001' },
    participant: [{ individual: { reference: practitionerRef } }],
  },
  request: { method: 'POST', url: 'Encounter' },
});

const patientEntry = {
  fullUrl: 'urn:uuid:00000000-0000-4000-8000-000000000001',
  resource: { resourceType: 'Patient', id: '00000000-0000-4000-8000-000000000001', name: [{ family: 'Doe146' }], birthDate: '1970-02-03' },
  request: { method: 'POST', url: 'Patient' },
};

const transaction = (...entry: Json[]) => ({ resourceType: 'Bundle', type: 'transaction', entry });

describe('runImport into the store', () => {
  let db: SqlClient;
  let repo: FhirRepository;
  let dir: string;
  let n = 0;

  beforeAll(async () => {
    db = await openDatabase({ kind: 'pglite-memory' });
    repo = await FhirRepository.open(db, { validationWorkers: 0 });
    dir = await mkdtemp(join(tmpdir(), 'vt-import-'));
  }, 60_000);

  afterAll(async () => {
    await repo?.close();
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Writes the files into a fresh folder and imports the folder. */
  const importFiles = async (files: Record<string, unknown>, unresolved: UnresolvedPolicy = 'error', workers = 0) => {
    const folder = join(dir, `run-${++n}`);
    await import('node:fs/promises').then((fs) => fs.mkdir(folder));
    for (const [name, content] of Object.entries(files)) {
      await writeFile(join(folder, name), typeof content === 'string' ? content : JSON.stringify(content));
    }
    const sources = await findImportSources([folder], folder);
    return runImport(new StoreImportTarget(repo, { validationWorkers: workers }), sources, { unresolved, linesPerUnit: 3 });
  };

  const count = async (type: string) =>
    Number((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM fhir_resource WHERE resource_type = $1', [type]))[0]?.n);

  it('rewrites urn:uuid references to Type/id and keeps the ids; a file with an unresolved conditional reference fails whole', async () => {
    const ref = `Practitioner?identifier=${npi}|111`;
    const s = await importFiles({ 'a.json': transaction(patientEntry, encounterWith('00000000-0000-4000-8000-00000000000e', ref)) });
    expect(s.filesFailed).toEqual(['a.json']);
    expect(s.problems.map(formatProblem)).toEqual([
      `a.json: entry[1].resource.participant[0].individual.reference: conditional reference ${ref} matches no resource; import the file that holds it first (or in the same run), or let the import create placeholders (--unresolved=placeholder)`,
    ]);
    expect(s.resources).toEqual({ created: 0, updated: 0, unchanged: 0, failed: 2 });
    expect(await count('Patient')).toBe(0);
  });

  it('creates a placeholder on request, and a later conditional create of the real practitioner fills it in place', async () => {
    const ref = `Practitioner?identifier=${npi}|222`;
    const first = await importFiles(
      { 'b.json': transaction(patientEntry, encounterWith('00000000-0000-4000-8000-0000000000e2', ref)) },
      'placeholder',
    );
    expect(first.filesFailed).toEqual([]);
    expect(first.placeholders).toEqual({ created: 1, filled: 0 });
    const encounter = (await repo.read('Encounter', '00000000-0000-4000-8000-0000000000e2')) as unknown as {
      subject: { reference: string };
      participant: { individual: { reference: string } }[];
    };
    expect(encounter.subject.reference).toBe('Patient/00000000-0000-4000-8000-000000000001');
    const target = encounter.participant[0]!.individual.reference;
    expect(target).toMatch(/^Practitioner\/[0-9a-f-]{36}$/);
    const placeholder = await repo.read('Practitioner', target.split('/')[1]!);
    expect(isPlaceholder(placeholder)).toBe(true);

    // Synthea's practitionerInformation file: POST with ifNoneExist on the NPI.
    const real = {
      fullUrl: 'urn:uuid:99999999-0000-4000-8000-000000000222',
      resource: {
        resourceType: 'Practitioner',
        id: '99999999-0000-4000-8000-000000000222',
        identifier: [{ system: npi, value: '222' }],
        name: [{ family: 'Real', prefix: ['Dr.'] }],
      },
      request: { method: 'POST', url: 'Practitioner', ifNoneExist: `identifier=${npi}|222` },
    };
    const second = await importFiles({ 'practitionerInformation1.json': transaction(real) });
    expect(second.placeholders).toEqual({ created: 0, filled: 1 });
    const filled = await repo.read('Practitioner', target.split('/')[1]!);
    expect(isPlaceholder(filled)).toBe(false);
    expect((filled as unknown as { name: { family: string }[] }).name[0]!.family).toBe('Real');
    expect(await count('Practitioner')).toBe(1);
  });

  it('resolves a conditional reference to a resource of an earlier file in the same run, before it is committed', async () => {
    const org = {
      resourceType: 'Organization',
      id: 'org-333',
      identifier: [{ system: 'https://github.com/synthetichealth/synthea', value: '333' }],
      name: 'General Hospital',
    };
    const obs = {
      resourceType: 'Observation',
      id: 'obs-333',
      status: 'final',
      code: { text: 'x' },
      performer: [{ reference: 'Organization?identifier=https://github.com/synthetichealth/synthea|333' }],
    };
    // hospitalInformation* is read first whatever its name's order.
    const s = await importFiles({ 'a-obs.json': obs, 'hospitalInformation9.json': org });
    expect(s.filesFailed).toEqual([]);
    expect(((await repo.read('Observation', 'obs-333')) as unknown as { performer: { reference: string }[] }).performer[0]!.reference).toBe(
      'Organization/org-333',
    );
  });

  it('writes nothing the second time, and a new version only for what changed', async () => {
    const bundle = transaction(
      patientEntry,
      encounterWith('00000000-0000-4000-8000-0000000000e4', 'urn:uuid:00000000-0000-4000-8000-000000000001'),
    );
    (bundle.entry[1] as { resource: Json }).resource['participant'] = [];
    const first = await importFiles({ 'c.json': bundle });
    expect(first.filesFailed).toEqual([]);
    const versions = async () => Number((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM fhir_resource_version'))[0]?.n);
    const before = await versions();
    const again = await importFiles({ 'c.json': bundle });
    expect(again.resources).toEqual({ created: 0, updated: 0, unchanged: 2, failed: 0 });
    expect(await versions()).toBe(before);
    (bundle.entry[0] as { resource: Json }).resource['gender'] = 'female';
    const changed = await importFiles({ 'c.json': bundle }, 'error', 1);
    expect(changed.resources).toEqual({ created: 0, updated: 1, unchanged: 1, failed: 0 });
    expect((await repo.read('Patient', '00000000-0000-4000-8000-000000000001')).meta?.versionId).toBe('2');
    expect(await versions()).toBe(before + 1);
  });

  it('reports invalid resources by JSON path (Bundle) and by line (NDJSON); NDJSON keeps the good lines', async () => {
    const broken = transaction({ ...patientEntry, resource: { ...patientEntry.resource, id: 'p-broken', birthDate: '1970-13-45' } });
    const lines = [
      { resourceType: 'Patient', id: 'n1' },
      { resourceType: 'Patient', id: 'n2' },
      '{"resourceType": "Patient", "id": ',
      { resourceType: 'Patient', id: 'n4', birthDate: 'yesterday' },
      { resourceType: 'Patient', id: 'n5' },
      { resourceType: 'Patient', id: 'n6', active: 'yes' },
      { resourceType: 'Patient', id: 'n7' },
    ].map((l) => (typeof l === 'string' ? l : JSON.stringify(l)));
    const s = await importFiles({
      'broken.json': broken,
      'patients.ndjson': `${lines.join('\n')}\n`,
      'ok.json': { resourceType: 'Patient', id: 'ok' },
    });
    const messages = s.problems.map(formatProblem);
    expect(messages[0]).toMatch(/^broken\.json: entry\[0\]\.resource\.birthDate: .*/);
    expect(messages.some((m) => /^patients\.ndjson:3: invalid JSON: Unexpected end of JSON input$/.test(m))).toBe(true);
    expect(messages.some((m) => m.startsWith('patients.ndjson:4: Patient.birthDate: '))).toBe(true);
    expect(messages.some((m) => m.startsWith('patients.ndjson:6: Patient.active: '))).toBe(true);
    expect([...s.filesFailed].sort((a, b) => a.localeCompare(b))).toEqual(['broken.json', 'patients.ndjson']);
    for (const id of ['n1', 'n2', 'n5', 'n7', 'ok']) expect((await repo.read('Patient', id)).id).toBe(id);
    await expect(repo.read('Patient', 'n4')).rejects.toThrow(/not found/);
    await expect(repo.read('Patient', 'p-broken')).rejects.toThrow(/not found/);
    expect(s.resources).toMatchObject({ created: 5, failed: 4 });
  });

  it('writes one copy of a resource repeated identically in a file, and refuses differing copies', async () => {
    const a: Resource = { resourceType: 'Patient', id: 'dup', active: true };
    const same = await importFiles({ 'd.json': { resourceType: 'Bundle', type: 'collection', entry: [{ resource: a }, { resource: a }] } });
    expect(same.filesFailed).toEqual([]);
    const differ = await importFiles({
      'e.json': { resourceType: 'Bundle', type: 'collection', entry: [{ resource: a }, { resource: { ...a, active: false } }] },
    });
    expect(differ.problems.map(formatProblem)).toEqual(['e.json: entry[1].resource: Patient/dup appears twice with different content']);
  });
});
