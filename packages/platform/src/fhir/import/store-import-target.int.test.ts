import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlClient } from '../../store/sql-client.ts';
import { testEngines } from '../../testing/test-databases.ts';
import { FhirRepository } from '../fhir-repository.ts';
import type { ImportItem } from './import-item.ts';
import { runImport } from './import-pipeline.ts';
import { findImportSources } from './import-sources.ts';
import { StoreImportTarget } from './store-import-target.ts';

/**
 * Writes planned from the rows read while a unit was staged (store-import-target.ts): when the
 * store changed in between, the unit is written again the ordinary way and ends as if it had been
 * written in one go; and the pipeline (import-pipeline.ts), which writes units as soon as they are
 * valid, keeps the order of units that share a resource.
 */
type Patient = Resource & { id: string; name?: { family: string }[] };
const patient = (id: string, family: string): Patient => ({ resourceType: 'Patient', id, name: [{ family }] });
const item = (resource: Patient): ImportItem => ({
  resourceType: 'Patient',
  id: resource.id,
  resource,
  location: { kind: 'resource' } as ImportItem['location'],
});

describe.each(await testEngines('FHIR import target'))('planned import writes on $name', (engine) => {
  let db: SqlClient;
  let dispose: () => Promise<void>;
  let repo: FhirRepository;
  let dir: string;

  beforeAll(async () => {
    ({ db, dispose } = await engine.open());
    repo = await FhirRepository.open(db, { validationWorkers: 0 });
    dir = await mkdtemp(join(tmpdir(), 'vt-import-target-'));
  }, 60_000);

  afterAll(async () => {
    await repo?.close();
    await dispose?.();
    await rm(dir, { recursive: true, force: true });
  });

  const versions = async (id: string) =>
    (
      await db.query<{ version_id: number }>(
        `SELECT version_id FROM fhir_resource_version WHERE resource_type = 'Patient' AND id = $1 ORDER BY version_id`,
        [id],
      )
    ).map((r) => r.version_id);

  it('writes a new resource planned ahead with its reserved key, in one request', async () => {
    const target = new StoreImportTarget(repo, { validationWorkers: 0 });
    await target.current([{ type: 'Patient', id: 'pt-new' }]);
    const result = await target.write([item(patient('pt-new', 'Planned'))]);
    expect(result.outcomes).toEqual(['created']);
    expect((await repo.read('Patient', 'pt-new')).meta?.versionId).toBe('1');
    expect(await versions('pt-new')).toEqual([1]);
    await target.close();
  });

  it('writes the ordinary way when the resource was created after it was looked up', async () => {
    const target = new StoreImportTarget(repo, { validationWorkers: 0 });
    await target.current([{ type: 'Patient', id: 'pt-raced' }]);
    await repo.update('Patient', 'pt-raced', patient('pt-raced', 'Elsewhere'));
    const result = await target.write([item(patient('pt-raced', 'Imported'))]);
    expect(result.outcomes).toEqual(['updated']);
    const stored = (await repo.read('Patient', 'pt-raced')) as Patient;
    expect(stored.name?.[0]?.family).toBe('Imported');
    expect(stored.meta?.versionId).toBe('2');
    expect(await versions('pt-raced')).toEqual([1, 2]);
    await target.close();
  });

  it('writes the ordinary way when the resource got a new version after it was looked up', async () => {
    await repo.update('Patient', 'pt-moved', patient('pt-moved', 'One'));
    const target = new StoreImportTarget(repo, { validationWorkers: 0 });
    await target.current([{ type: 'Patient', id: 'pt-moved' }]);
    await repo.update('Patient', 'pt-moved', patient('pt-moved', 'Two'));
    const result = await target.write([item(patient('pt-moved', 'Three'))]);
    expect(result.outcomes).toEqual(['updated']);
    const stored = (await repo.read('Patient', 'pt-moved')) as Patient;
    expect(stored.name?.[0]?.family).toBe('Three');
    expect(stored.meta?.versionId).toBe('3');
    expect(((await repo.vread('Patient', 'pt-moved', '2')) as Patient).name?.[0]?.family).toBe('Two');
    await target.close();
  });

  const importFolder = async (name: string, files: Record<string, unknown>) => {
    const folder = join(dir, name);
    await mkdir(folder);
    for (const [file, content] of Object.entries(files)) await writeFile(join(folder, file), JSON.stringify(content));
    return runImport(new StoreImportTarget(repo, { validationWorkers: 0 }), await findImportSources([folder], folder));
  };

  it('writes units that share a resource in the order read, whatever is between them', async () => {
    const summary = await importFolder('order', {
      'a.json': patient('pt-order', 'First'),
      'b.json': patient('pt-other-b', 'Between'),
      'c.json': patient('pt-other-c', 'Between'),
      'd.json': patient('pt-order', 'Last'),
    });
    expect(summary.filesFailed).toEqual([]);
    expect(summary.resources).toEqual({ created: 3, updated: 1, unchanged: 0, failed: 0 });
    expect(((await repo.read('Patient', 'pt-order')) as Patient).name?.[0]?.family).toBe('Last');
    expect(((await repo.vread('Patient', 'pt-order', '1')) as Patient).name?.[0]?.family).toBe('First');
    expect(await versions('pt-order')).toEqual([1, 2]);
  });

  it('writes a resource skipped as a copy of an earlier unit when that unit fails', async () => {
    const invalid = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [{ resource: patient('pt-copy', 'Copy') }, { resource: { resourceType: 'Patient', id: 'pt-bad', birthDate: 'yesterday' } }],
    };
    const summary = await importFolder('copy', {
      'a.json': invalid,
      'b.json': { resourceType: 'Bundle', type: 'collection', entry: [{ resource: patient('pt-copy', 'Copy') }] },
    });
    expect(summary.filesFailed.length).toBe(1);
    expect(((await repo.read('Patient', 'pt-copy')) as Patient).name?.[0]?.family).toBe('Copy');
    expect(await repo.tryRead('Patient', 'pt-bad')).toBeUndefined();
  });
});
