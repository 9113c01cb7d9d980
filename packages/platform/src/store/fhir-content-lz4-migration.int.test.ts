import { describe, expect, it } from 'vitest';
import { FhirRepository } from '../fhir/fhir-repository.ts';
import { migrateBefore, unmigratedEngines } from '../testing/unmigrated-databases.ts';
import { migrate } from './migrations.ts';

// Migration 012 compresses FHIR documents with LZ4 where the server is built with it (PostgreSQL
// servers of Debian and most distributions; not PGlite). A document stored with pglz before must
// read back unchanged beside one stored with LZ4 after.
const lz4Migration = 12;

/** A document large enough to be compressed (TOAST compresses values over about 2 kB). */
const largePatient = (id: string) => ({
  resourceType: 'Patient',
  id,
  text: { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">${'Generated narrative. '.repeat(300)}</div>` },
  gender: 'female',
});

describe.each(await unmigratedEngines('FHIR content LZ4 migration'))('migration 012 on $name', (engine) => {
  it('compresses new documents with LZ4 when the server has it, and reads old and new alike', async () => {
    const { db, dispose } = await engine.open();
    try {
      await migrateBefore(db, lz4Migration);
      const repo = await FhirRepository.open(db, { validationWorkers: 0 });
      await repo.update('Patient', 'before', largePatient('before'));
      await repo.close();
      await migrate(db);
      const reopened = await FhirRepository.open(db, { validationWorkers: 0 });
      try {
        await reopened.update('Patient', 'after', largePatient('after'));
        const [setting] = await db.query<{ lz4: boolean }>(
          `SELECT 'lz4' = ANY (enumvals) AS lz4 FROM pg_settings WHERE name = 'default_toast_compression'`,
        );
        const methods = await db.query<{ id: string; method: string | null }>(
          `SELECT id, pg_column_compression(content) AS method FROM fhir_resource ORDER BY id`,
        );
        expect(methods).toEqual([
          { id: 'after', method: setting!.lz4 ? 'lz4' : 'pglz' },
          { id: 'before', method: 'pglz' },
        ]);
        for (const id of ['before', 'after']) {
          const read = await reopened.read('Patient', id);
          expect({ ...read, meta: undefined }).toEqual({ ...largePatient(id), meta: undefined });
        }
      } finally {
        await reopened.close();
      }
    } finally {
      await dispose();
    }
  });
});
