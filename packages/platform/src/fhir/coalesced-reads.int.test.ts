import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlClient } from '../store/sql-client.ts';
import { testEngines } from '../testing/test-databases.ts';
import { CoalescedReads } from './coalesced-reads.ts';
import { FhirRepository } from './fhir-repository.ts';
import { readResourceJson } from './resource-reads.ts';

// Reads asked for together share one statement, yet each gets exactly the answer a read of its own
// gives: the same document text and version, or the same 404 / 410.
const outcome = (p: Promise<{ json: { text: string }; meta: unknown }>) =>
  p.then(
    (r) => ({ ok: r.json.text, meta: r.meta }),
    (e: { code?: string; message?: string }) => ({ error: e.code, message: e.message }),
  );

describe.each(await testEngines('coalesced reads'))('coalesced reads on $name', (engine) => {
  let db: SqlClient;
  let dispose: () => Promise<void>;
  let repo: FhirRepository;
  const ids = ['a', 'b', 'c', 'd', 'gone'];

  beforeAll(async () => {
    ({ db, dispose } = await engine.open());
    repo = await FhirRepository.open(db, { validationWorkers: 0 });
    for (const id of ids) await repo.update('Patient', id, { resourceType: 'Patient', id, name: [{ family: `F-${id}` }] });
    await repo.update('Patient', 'b', { resourceType: 'Patient', id: 'b', gender: 'other' });
    await repo.update('Observation', 'o1', {
      resourceType: 'Observation',
      id: 'o1',
      status: 'final',
      code: { text: 'x' },
      subject: { reference: 'Patient/a' },
    });
    await repo.delete('Patient', 'gone');
  }, 60_000);

  afterAll(async () => {
    await repo?.close();
    await dispose?.();
  });

  it('answers every read of a burst as a read on its own would, in fewer statements', async () => {
    const keys = fc.constantFrom(
      ...ids.map((id) => ['Patient', id] as const),
      ['Patient', 'missing'] as const,
      ['Observation', 'o1'] as const,
      ['Observation', 'a'] as const,
      ['Observation', 'dr-unknown'] as const,
    );
    await fc.assert(
      fc.asyncProperty(fc.array(keys, { minLength: 1, maxLength: 40 }), async (burst) => {
        const reads = new CoalescedReads(db);
        const together = await Promise.all(burst.map(([t, id]) => outcome(reads.read(t, id))));
        const alone: unknown[] = [];
        for (const [t, id] of burst) alone.push(await outcome(readResourceJson(db, t, id)));
        expect(together).toEqual(alone);
        const coalesced = burst.filter(([, id]) => !id.startsWith('dr-')).length;
        if (coalesced > 0) expect(reads.stats).toEqual({ statements: 1, reads: coalesced });
      }),
      { numRuns: 40 },
    );
  });

  it('is what the repository reads by id with', async () => {
    const [a, gone, missing] = await Promise.all([
      outcome(repo.readJson('Patient', 'a')),
      outcome(repo.readJson('Patient', 'gone')),
      outcome(repo.readJson('Patient', 'missing')),
    ]);
    expect(JSON.parse((a as { ok: string }).ok)).toMatchObject({ resourceType: 'Patient', id: 'a', meta: { versionId: '1' } });
    expect(gone).toMatchObject({ error: 'VT_ERR_GONE' });
    expect(missing).toMatchObject({ error: 'VT_ERR_NOT_FOUND' });
  });

  it('fails only the reads of a statement that fails', async () => {
    let calls = 0;
    const failing = {
      query: async (...args: Parameters<SqlClient['query']>) => {
        calls++;
        if (calls === 1) throw new Error('connection lost');
        return db.query(...args);
      },
      exec: db.exec.bind(db),
      copyFrom: db.copyFrom.bind(db),
    };
    const reads = new CoalescedReads(failing as never);
    const first = await Promise.all([outcome(reads.read('Patient', 'a')), outcome(reads.read('Patient', 'c'))]);
    expect(first).toEqual([
      { error: undefined, message: 'connection lost' },
      { error: undefined, message: 'connection lost' },
    ]);
    const again = await outcome(reads.read('Patient', 'c'));
    expect(again).toHaveProperty('ok');
  });
});
