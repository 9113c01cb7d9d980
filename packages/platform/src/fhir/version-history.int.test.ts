import type { Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directSink } from '../monitoring/fhir-resource-sink.ts';
import type { SqlClient } from '../store/sql-client.ts';
import { testEngines } from '../testing/test-databases.ts';
import { FhirRepository } from './fhir-repository.ts';

/**
 * Each version's content is stored once (migration 006): the current one in fhir_resource, the
 * superseded ones in fhir_resource_version. vread and history must still show every version's
 * content, whichever path wrote it (single writes, the batch path, the monitoring sink).
 */
type Json = Record<string, unknown>;

describe.each(await testEngines('FHIR version history'))('version history on $name', (engine) => {
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

  const versionContents = async (type: string, id: string) =>
    db.query<{ version_id: number; stored: boolean }>(
      `SELECT version_id, content IS NOT NULL AS stored FROM fhir_resource_version
        WHERE resource_type = $1 AND id = $2 ORDER BY version_id`,
      [type, id],
    );

  it('keeps every version readable through updates and a delete, storing each content once', async () => {
    const patient = (v: string) => ({ resourceType: 'Patient', id: 'hist-1', name: [{ family: `Family${v}` }] });
    await repo.update('Patient', 'hist-1', patient('A'));
    await repo.update('Patient', 'hist-1', patient('B'));
    await repo.writeTransaction([{ kind: 'update', resource: patient('C') as Resource & { id: string } }]);
    expect(await versionContents('Patient', 'hist-1')).toEqual([
      { version_id: 1, stored: true },
      { version_id: 2, stored: true },
      { version_id: 3, stored: false },
    ]);
    for (const [v, family] of [
      ['1', 'FamilyA'],
      ['2', 'FamilyB'],
      ['3', 'FamilyC'],
    ] as const) {
      const read = (await repo.vread('Patient', 'hist-1', v)) as unknown as Json;
      expect(read).toMatchObject({ name: [{ family }], meta: { versionId: v } });
    }
    const history = await repo.history({ type: 'Patient', id: 'hist-1', count: 10, offset: 0 });
    expect(history.total).toBe(3);
    expect(history.entries.map((e) => [e.versionId, (e.resource as unknown as Json | undefined)?.['name']])).toEqual([
      [3, [{ family: 'FamilyC' }]],
      [2, [{ family: 'FamilyB' }]],
      [1, [{ family: 'FamilyA' }]],
    ]);

    await repo.delete('Patient', 'hist-1');
    expect(await versionContents('Patient', 'hist-1')).toEqual([
      { version_id: 1, stored: true },
      { version_id: 2, stored: true },
      { version_id: 3, stored: true },
      { version_id: 4, stored: false },
    ]);
    expect(await repo.vread('Patient', 'hist-1', '3')).toMatchObject({ name: [{ family: 'FamilyC' }] });
    await expect(repo.vread('Patient', 'hist-1', '4')).rejects.toMatchObject({ code: 'VT_ERR_GONE' });
    const afterDelete = await repo.history({ type: 'Patient', id: 'hist-1', count: 2, offset: 0 });
    expect(afterDelete.entries.map((e) => [e.versionId, e.resource === undefined])).toEqual([
      [4, true],
      [3, false],
    ]);
  });

  it('keeps superseded content when the monitoring sink writes a new version', async () => {
    const sink = directSink(db);
    await sink.upsert([{ resourceType: 'Flag', id: 'hist-flag', status: 'active', code: { text: 'one' } } as never]);
    await sink.upsert([{ resourceType: 'Flag', id: 'hist-flag', status: 'inactive', code: { text: 'two' } } as never]);
    expect(await versionContents('Flag', 'hist-flag')).toEqual([
      { version_id: 1, stored: true },
      { version_id: 2, stored: false },
    ]);
    expect(await repo.vread('Flag', 'hist-flag', '1')).toMatchObject({ status: 'active', code: { text: 'one' } });
    expect(await repo.vread('Flag', 'hist-flag', '2')).toMatchObject({ status: 'inactive', code: { text: 'two' } });
  });
});
