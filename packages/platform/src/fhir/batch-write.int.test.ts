import type { Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlClient } from '../store/sql-client.ts';
import { testEngines } from '../testing/test-databases.ts';
import { FhirRepository } from './fhir-repository.ts';
import type { WriteOp } from './resource-writer.ts';

/**
 * One batch mixing every kind of write (resource-writer.ts, index-insert.ts): creates, updates of
 * existing and of missing resources, a delete of an existing and of a missing one. Row keys of new
 * resources ascend in the order of the writes (a search without _sort lists them in that order),
 * changed resources keep their key, their old index rows go and their superseded version's
 * content moves into history.
 */
type Patient = Resource & { id: string };
const patient = (id: string, family: string): Patient => ({ resourceType: 'Patient', id, name: [{ family }] }) as Patient;

describe.each(await testEngines('FHIR batch write'))('batch write on $name', (engine) => {
  let db: SqlClient;
  let dispose: () => Promise<void>;
  let repo: FhirRepository;

  beforeAll(async () => {
    ({ db, dispose } = await engine.open());
    repo = await FhirRepository.open(db, { validationWorkers: 0 });
  }, 60_000);

  afterAll(async () => {
    await repo?.close();
    await dispose?.();
  });

  const rid = async (id: string) =>
    Number((await db.query<{ rid: number }>(`SELECT rid FROM fhir_resource WHERE resource_type = 'Patient' AND id = $1`, [id]))[0]?.rid);
  const families = async (family: string) => (await repo.search('Patient', new URLSearchParams({ family }))).matches.map((p) => p.id);

  it('writes creates, updates and deletes of one batch with their keys, versions, history and index rows', async () => {
    await repo.writeTransaction([
      { kind: 'update', resource: patient('bw-kept', 'Oldname') },
      { kind: 'update', resource: patient('bw-gone', 'Leaving') },
    ]);
    const keptRid = await rid('bw-kept');
    const ops: WriteOp[] = [
      { kind: 'update', resource: patient('bw-new-1', 'Batchfamily') },
      { kind: 'update', resource: patient('bw-kept', 'Newname') },
      { kind: 'delete', resourceType: 'Patient', id: 'bw-missing' },
      { kind: 'create', resource: patient('bw-new-2', 'Batchfamily') },
      { kind: 'delete', resourceType: 'Patient', id: 'bw-gone' },
      { kind: 'update', resource: patient('bw-new-3', 'Batchfamily') },
    ];
    const results = await repo.writeTransaction(ops);
    expect(results.map((r) => [r.id, r.outcome, r.versionId])).toEqual([
      ['bw-new-1', 'created', 1],
      ['bw-kept', 'updated', 2],
      ['bw-missing', 'not-found', 0],
      ['bw-new-2', 'created', 1],
      ['bw-gone', 'deleted', 2],
      ['bw-new-3', 'created', 1],
    ]);

    const fresh = [await rid('bw-new-1'), await rid('bw-new-2'), await rid('bw-new-3')];
    expect(fresh).toEqual([...fresh].sort((a, b) => a - b));
    expect(fresh[0]).toBeGreaterThan(keptRid);
    expect(await rid('bw-kept')).toBe(keptRid);
    expect(await families('Batchfamily')).toEqual(['bw-new-1', 'bw-new-2', 'bw-new-3']);

    // Old index rows are gone, new ones found; the deleted resource is found by nothing.
    expect(await families('Oldname')).toEqual([]);
    expect(await families('Newname')).toEqual(['bw-kept']);
    expect(await families('Leaving')).toEqual([]);

    // Superseded versions keep their content in history; current ones only in fhir_resource.
    const history = await db.query<{ id: string; version_id: number; family: string | null; deleted: boolean }>(
      `SELECT id, version_id, content->'name'->0->>'family' AS family, deleted FROM fhir_resource_version
        WHERE resource_type = 'Patient' AND id IN ('bw-kept', 'bw-gone') ORDER BY id, version_id`,
    );
    expect(history).toEqual([
      { id: 'bw-gone', version_id: 1, family: 'Leaving', deleted: false },
      { id: 'bw-gone', version_id: 2, family: null, deleted: true },
      { id: 'bw-kept', version_id: 1, family: 'Oldname', deleted: false },
      { id: 'bw-kept', version_id: 2, family: null, deleted: false },
    ]);
    expect((await repo.read('Patient', 'bw-kept')).meta?.versionId).toBe('2');
  });

  it('brings a deleted resource back with a new version under its old key', async () => {
    await repo.writeTransaction([{ kind: 'update', resource: patient('bw-back', 'Returning') }]);
    const before = await rid('bw-back');
    await repo.writeTransaction([{ kind: 'delete', resourceType: 'Patient', id: 'bw-back' }]);
    const [result] = await repo.writeTransaction([{ kind: 'update', resource: patient('bw-back', 'Returning') }]);
    expect(result).toMatchObject({ outcome: 'created', versionId: 3 });
    expect(await rid('bw-back')).toBe(before);
    expect(await families('Returning')).toEqual(['bw-back']);
  });
});
