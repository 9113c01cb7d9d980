import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPseudonymizer } from '@vitaltwin/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../store/open-database.ts';
import type { SqlClient } from '../store/sql-client.ts';
import { TimeSeriesStore } from '../store/time-series-store.ts';
import { nodeHmacSha256 } from './node-keyed-hash.ts';
import { exportStore } from './store-export.ts';

describe('store export', () => {
  let db: SqlClient;
  let dir: string;
  const pseudonymizer = createPseudonymizer(nodeHmacSha256(Buffer.from('export test secret')));

  beforeAll(async () => {
    db = await openDatabase({ kind: 'pglite-memory' });
    dir = await mkdtemp(join(tmpdir(), 'vt-export-'));
    const resources = [
      { resourceType: 'Patient', id: 'pe1', name: [{ family: 'Exported' }], birthDate: '1960-01-01' },
      { resourceType: 'Observation', id: 'oe1', subject: { reference: 'Patient/pe1' }, effectiveDateTime: '2024-05-01T10:00:00Z' },
    ];
    for (const r of resources) {
      await db.query(
        `INSERT INTO fhir_resource (resource_type, id, version_id, last_updated, deleted, patient_id, content) VALUES ($1, $2, 1, now(), false, 'pe1', $3)`,
        [r.resourceType, r.id, JSON.stringify(r)],
      );
    }
    await db.query(
      `INSERT INTO fhir_resource (resource_type, id, version_id, last_updated, deleted, patient_id, content) VALUES ('Observation', 'gone', 2, now(), true, 'pe1', NULL)`,
    );
    await new TimeSeriesStore(db).write([
      { patientId: 'pe1', code: '8867-4', timeMs: Date.parse('2024-05-01T10:00:00Z'), value: 72, unit: '/min', deviceId: 'watch-1' },
      { patientId: 'pe1', code: '8867-4', timeMs: Date.parse('2024-05-01T10:01:00Z'), value: 75, unit: '/min', deviceId: 'watch-1' },
    ]);
  });
  afterAll(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes live resources and readings as NDJSON per type', async () => {
    const summary = await exportStore(db, { outDir: join(dir, 'plain'), pageSize: 1 });
    expect(summary.files).toEqual([
      { file: 'DeviceReading.ndjson', count: 2 },
      { file: 'Observation.ndjson', count: 1 },
      { file: 'Patient.ndjson', count: 1 },
    ]);
  });

  it('de-identifies readings with the same pseudonym and date shift as the resources', async () => {
    const out = join(dir, 'deid');
    await exportStore(db, { outDir: out, deidentify: { pseudonymizer, referenceYear: 2025 } });
    const [patient] = (await readFile(join(out, 'Patient.ndjson'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string });
    const [obs] = (await readFile(join(out, 'Observation.ndjson'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { effectiveDateTime: string });
    const readings = (await readFile(join(out, 'DeviceReading.ndjson'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { patient: string; time: string; device: string });
    expect(readings[0]?.patient).toBe(`Patient/${patient?.id}`);
    expect(readings[0]?.time.slice(0, 16)).toBe(obs?.effectiveDateTime.slice(0, 16));
    expect(Date.parse(readings[1]?.time as string) - Date.parse(readings[0]?.time as string)).toBe(60_000);
    expect(readings[0]?.device).not.toContain('watch');
    const report = JSON.parse(await readFile(join(out, 'deidentification-report.json'), 'utf8')) as { removedOrReplaced: { name: number } };
    expect(report.removedOrReplaced.name).toBe(1);
  });
});
