import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../store/open-database.ts';
import type { SqlClient } from '../store/sql-client.ts';
import { createTemporaryPostgres, shouldRunPostgres, type TemporaryPostgres } from '../testing/test-databases.ts';
import { FhirRepository } from './fhir-repository.ts';
import { writeBatch } from './resource-writer.ts';
import { storageError } from './storage-errors.ts';

/**
 * Searches are `bounded` statements (sql-client.ts): on PostgreSQL they run on connections with
 * `statement_timeout`, so an expensive search is stopped (400, issue too-costly) instead of holding
 * a connection and a core, while writes, reads by id and exports keep no limit.
 */
describe.runIf(await shouldRunPostgres('search time limit'))('search time limit on PostgreSQL', () => {
  let temp: TemporaryPostgres;
  const opened: SqlClient[] = [];
  const open = async (statementTimeoutMs: number) => {
    const db = await openDatabase({ kind: 'postgres', url: temp.url, statementTimeoutMs });
    opened.push(db);
    return db;
  };

  beforeAll(async () => {
    temp = await createTemporaryPostgres();
  });
  afterAll(async () => {
    for (const db of opened) await db.close();
    await temp.drop();
  });

  it('stops a bounded statement past the limit, and only a bounded one', async () => {
    const db = await open(200);
    await expect(db.query('SELECT pg_sleep(1)', [], { bounded: true })).rejects.toMatchObject({ code: '57014' });
    await expect(db.query('SELECT pg_sleep(0.4) AS slept')).resolves.toHaveLength(1);
    await expect(db.query('SELECT 1 AS one', [], { bounded: true, name: 'vt_test_bounded' })).resolves.toEqual([{ one: 1 }]);
    const unlimited = await open(0);
    await expect(unlimited.query('SELECT pg_sleep(0.4) AS slept', [], { bounded: true })).resolves.toHaveLength(1);
  });

  it('answers a search past the limit with VT_ERR_TOO_COSTLY; writes and reads by id are not limited', async () => {
    const db = await open(1);
    const repo = await FhirRepository.open(db, { validationWorkers: 0 });
    try {
      const now = new Date().toISOString();
      for (let b = 0; b < 30; b++) {
        const ops = Array.from({ length: 1000 }, (_, i) => ({
          kind: 'create' as const,
          resource: {
            resourceType: 'Observation' as const,
            id: `st-${b}-${i}`,
            status: 'final' as const,
            code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
            subject: { reference: `Patient/st-p${i % 50}` },
            effectiveDateTime: new Date(Date.UTC(2024, 0, 1) + (b * 1000 + i) * 60_000).toISOString(),
            valueQuantity: { value: 60 + (i % 40), unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
          },
        }));
        await db.transaction((tx) => writeBatch(tx, repo.context.keys, ops, now));
      }
      await expect(repo.search('Observation', new URLSearchParams('value-quantity=gt0&_sort=-date'))).rejects.toMatchObject({
        code: 'VT_ERR_TOO_COSTLY',
        message: expect.stringMatching(/time limit/),
      });
      expect((await repo.read('Observation', 'st-29-999')).id).toBe('st-29-999');
    } finally {
      await repo.close();
    }
  }, 120_000);

  it('names the limit without the statement (no PHI in the message)', () => {
    const error = storageError(Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' }));
    expect(error).toMatchObject({ code: 'VT_ERR_TOO_COSTLY' });
    expect(error.message).not.toContain('canceling');
  });
});
