import { testEngines } from '@vitaltwin/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMigrations, migrate } from './migrations.ts';
import type { SqlClient } from './sql-client.ts';
import { type DeviceReading, TimeSeriesStore } from './time-series-store.ts';

// One behaviour suite for the storage layer, run on embedded PGlite and on PostgreSQL.
const engines = await testEngines('storage behaviour suite');

const t0 = Date.UTC(2026, 10, 21, 10, 0, 0);
const reading = (i: number, over: Partial<DeviceReading> = {}): DeviceReading => ({
  patientId: 'p1',
  code: '8867-4',
  timeMs: t0 + i * 60_000,
  value: 60 + i,
  unit: '/min',
  deviceId: 'dev-1',
  ...over,
});

describe.each(engines)('storage on $name', (engine) => {
  let db: SqlClient;
  let dispose: () => Promise<void>;

  beforeAll(async () => {
    ({ db, dispose } = await engine.open());
  });
  afterAll(async () => {
    await dispose();
  });

  it('applies every migration once and records the schema version', async () => {
    const migrations = await loadMigrations();
    const again = await migrate(db);
    expect(again.applied).toEqual([]);
    expect(again.current).toBe(migrations.at(-1)?.version);
    const tables = await db.query<{ t: string }>(
      "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
    );
    expect(tables.map((r) => r.t)).toEqual(
      expect.arrayContaining(['fhir_resource', 'fhir_resource_version', 'device_reading', 'alert', 'audit_event']),
    );
  });

  it('writes readings in a batch, suppresses device re-sends and reads a series back in time order', async () => {
    const ts = new TimeSeriesStore(db);
    const batch = Array.from({ length: 500 }, (_, i) => reading(i));
    expect(await ts.write(batch)).toBe(500);
    // The same readings sent again by the device are not stored twice.
    expect(await ts.write(batch.slice(0, 100))).toBe(0);
    const series = await ts.series('p1', '8867-4', t0, t0 + 10 * 60_000);
    expect(series.map((r) => r.value)).toEqual([60, 61, 62, 63, 64, 65, 66, 67, 68, 69]);
    expect(series[0]).toMatchObject({ patientId: 'p1', unit: '/min', deviceId: 'dev-1', timeMs: t0 });
    expect(series[0]?.receivedAtMs).toBeGreaterThan(0);
  });

  it('drops duplicates inside one batch and keeps the new readings beside them', async () => {
    const ts = new TimeSeriesStore(db);
    const batch = [reading(0, { patientId: 'p-dup' }), reading(0, { patientId: 'p-dup' }), reading(1, { patientId: 'p-dup' })];
    expect(await ts.write(batch)).toBe(2);
    expect(await ts.write([reading(1, { patientId: 'p-dup' }), reading(2, { patientId: 'p-dup' })])).toBe(1);
    expect((await ts.series('p-dup', '8867-4', t0, t0 + 3 * 60_000)).length).toBe(3);
  });

  it('stores readings across month partitions, created on demand', async () => {
    const ts = new TimeSeriesStore(db);
    const times = [Date.UTC(2025, 11, 31, 23, 59), Date.UTC(2026, 0, 1, 0, 0), Date.UTC(2026, 1, 28, 12)];
    const n = await ts.write(times.map((timeMs, i) => reading(i, { patientId: 'p-months', timeMs })));
    expect(n).toBe(3);
    const back = await ts.series('p-months', '8867-4', Date.UTC(2025, 0, 1), Date.UTC(2027, 0, 1));
    expect(back.map((r) => r.timeMs)).toEqual(times);
  });

  it('keeps text with commas, quotes and new lines intact through COPY', async () => {
    const ts = new TimeSeriesStore(db);
    const awkward = 'dev,"quoted"\nline';
    await ts.write([reading(0, { patientId: 'p-csv', deviceId: awkward, unit: 'mm[Hg]' })]);
    const [back] = await ts.series('p-csv', '8867-4', t0, t0 + 1);
    expect(back?.deviceId).toBe(awkward);
    expect(back?.unit).toBe('mm[Hg]');
  });

  it('stores readings that name no device', async () => {
    const ts = new TimeSeriesStore(db);
    const { deviceId: _omitted, ...noDevice } = reading(0, { patientId: 'p-nodevice' });
    expect(await ts.write([noDevice])).toBe(1);
    const [back] = await ts.series('p-nodevice', '8867-4', t0, t0 + 1);
    expect(back?.deviceId).toBeUndefined();
  });

  it('returns the latest n readings per code', async () => {
    const ts = new TimeSeriesStore(db);
    await ts.write([
      reading(0, { patientId: 'p-latest', code: '9279-1', value: 14, unit: '/min' }),
      reading(1, { patientId: 'p-latest', code: '9279-1', value: 16, unit: '/min' }),
      reading(2, { patientId: 'p-latest', value: 88 }),
    ]);
    const latest = await ts.latest('p-latest', 1);
    expect(latest.map((r) => [r.code, r.value])).toEqual([
      ['8867-4', 88],
      ['9279-1', 16],
    ]);
  });

  it('rolls a failed transaction back completely', async () => {
    const ts = new TimeSeriesStore(db);
    const batch = [reading(0, { patientId: 'p-rollback' })];
    await ts.prepare(batch);
    await expect(
      db.transaction(async (tx) => {
        await ts.writeIn(tx, batch);
        await tx.query('SELECT 1/0');
      }),
    ).rejects.toThrow();
    expect(await ts.series('p-rollback', '8867-4', t0 - 1, t0 + 1)).toEqual([]);
  });

  it('allows one unresolved alert per de-duplication key', async () => {
    const insert = (id: string, status: string) =>
      db.query(
        `INSERT INTO alert (id, patient_id, kind, severity, status, dedup_key, title, opened_at, updated_at)
         VALUES ($1, 'p1', 'news2', 'high', $2, 'p1:news2', 'NEWS2 7', now(), now())`,
        [id, status],
      );
    await insert('a1', 'open');
    await expect(insert('a2', 'open')).rejects.toThrow();
    await db.query("UPDATE alert SET status = 'resolved' WHERE id = 'a1'");
    await insert('a3', 'open');
    const rows = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM alert WHERE dedup_key = 'p1:news2'");
    expect(rows[0]?.n).toBe(2);
  });
});
