import { describe, expect, it } from 'vitest';
import { FhirRepository } from '../fhir/fhir-repository.ts';
import { migrateBefore, unmigratedEngines } from '../testing/unmigrated-databases.ts';
import { migrate } from './migrations.ts';

// Migration 011 turns the FHIR document columns from jsonb into json, rewriting each stored
// document with resourceType first; documents and their history must read back unchanged.
const contentJsonMigration = 11;

const patient = { resourceType: 'Patient', id: 'p1', meta: { versionId: '2', lastUpdated: '2026-11-21T10:00:00.000Z' }, gender: 'female' };
const older = { ...patient, meta: { versionId: '1', lastUpdated: '2026-11-20T10:00:00.000Z' }, gender: 'male' };
const observation = {
  resourceType: 'Observation',
  id: 'o1',
  meta: { versionId: '1', lastUpdated: '2026-11-21T10:00:00.000Z' },
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }], text: 'Heart rate' },
  subject: { reference: 'Patient/p1' },
  effectiveDateTime: '2026-11-21T09:59:00Z',
  valueQuantity: { value: 72.5, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
  note: [{ text: 'quote " backslash \\ unicode é ✓' }],
};

describe.each(await unmigratedEngines('FHIR content json migration'))('migration 011 on $name', (engine) => {
  it('keeps every document and version, rewritten with resourceType first', async () => {
    const { db, dispose } = await engine.open();
    try {
      await migrateBefore(db, contentJsonMigration);
      await db.query(
        `INSERT INTO fhir_resource (resource_type, id, version_id, last_updated, patient_id, content) VALUES
           ('Patient', 'p1', 2, '2026-11-21T10:00:00Z', 'p1', $1::jsonb),
           ('Observation', 'o1', 1, '2026-11-21T10:00:00Z', 'p1', $2::jsonb),
           ('Basic', 'b1', 1, '2026-11-21T10:00:00Z', NULL, '{"resourceType":"Basic"}'::jsonb)`,
        [JSON.stringify(patient), JSON.stringify(observation)],
      );
      await db.query(
        `INSERT INTO fhir_resource_version (resource_type, id, version_id, last_updated, method, content) VALUES
           ('Patient', 'p1', 1, '2026-11-20T10:00:00Z', 'POST', $1::jsonb),
           ('Patient', 'p1', 2, '2026-11-21T10:00:00Z', 'PUT', NULL)`,
        [JSON.stringify(older)],
      );
      // jsonb printed the keys shortest first: resourceType came after id, meta, code ...
      const [before] = await db.query<{ t: string }>(`SELECT content::text AS t FROM fhir_resource WHERE id = 'o1'`);
      expect(before!.t.startsWith('{"id"')).toBe(true);

      await migrate(db);
      const texts = await db.query<{ id: string; t: string }>('SELECT id, content::text AS t FROM fhir_resource ORDER BY id');
      for (const { t } of texts) expect(t).toMatch(/^\{"resourceType":"[A-Za-z]+"[,}]/);
      expect(texts.map((r) => JSON.parse(r.t))).toEqual([{ resourceType: 'Basic' }, observation, patient]);
      const types = await db.query<{ t: string }>(
        `SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute
          WHERE attname = 'content' AND attrelid IN ('fhir_resource'::regclass, 'fhir_resource_version'::regclass)`,
      );
      expect(types.map((r) => r.t)).toEqual(['json', 'json']);

      const repo = await FhirRepository.open(db, { validationWorkers: 0 });
      try {
        expect(await repo.read('Observation', 'o1')).toEqual(observation);
        expect(JSON.parse((await repo.readJson('Observation', 'o1')).json.text)).toEqual(observation);
        expect(await repo.vread('Patient', 'p1', '1')).toEqual(older);
        expect(await repo.vread('Patient', 'p1', '2')).toEqual(patient);
        // A new version of a migrated document moves the old one into its history row.
        await repo.update('Patient', 'p1', { resourceType: 'Patient', id: 'p1', gender: 'other' });
        expect(await repo.vread('Patient', 'p1', '2')).toEqual(patient);
        expect(((await repo.read('Patient', 'p1')) as { gender?: string }).gender).toBe('other');
      } finally {
        await repo.close();
      }
    } finally {
      await dispose();
    }
  });
});
