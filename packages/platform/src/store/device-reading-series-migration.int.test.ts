import { describe, expect, it } from 'vitest';
import { migrateBefore, unmigratedEngines } from '../testing/unmigrated-databases.ts';
import { migrate } from './migrations.ts';
import { TimeSeriesStore } from './time-series-store.ts';

// Migration 008 moves readings stored under the old layout (device_reading keyed by patient and
// code text) into reading_series + reading_point, and device_reading becomes a view of them.
const seriesMigration = 8;

const engines = await unmigratedEngines('device reading series migration');

describe.each(engines)('migration 008 on $name', (engine) => {
  it('keeps every reading, month partitions included, and later writes join the moved series', async () => {
    const { db, dispose } = await engine.open();
    try {
      await migrateBefore(db, seriesMigration);
      // Two months under the old layout, one reading a millisecond before the month boundary.
      await db.exec(`
        CREATE TABLE device_reading_202610 PARTITION OF device_reading FOR VALUES FROM ('2026-10-01T00:00:00Z') TO ('2026-11-01T00:00:00Z');
        CREATE TABLE device_reading_202611 PARTITION OF device_reading FOR VALUES FROM ('2026-11-01T00:00:00Z') TO ('2026-12-01T00:00:00Z');
        INSERT INTO device_reading (patient_id, code, t, value, unit, device_id, received_at) VALUES
          ('p1', '8867-4', '2026-10-31T23:59:59.999Z', 71, '/min', 'd1', '2026-11-01T00:00:01Z'),
          ('p1', '8867-4', '2026-11-01T00:00:00Z', 72, '/min', 'd1', '2026-11-01T00:00:02Z'),
          ('p1', '8867-4', '2026-11-01T00:00:00Z', 73, '/min', 'd2', '2026-11-01T00:00:02Z'),
          ('p2', '2708-6', '2026-11-21T10:00:00Z', 97, '%', '', '2026-11-21T10:00:01Z')`);
      const before = await db.query('SELECT * FROM device_reading ORDER BY patient_id, code, t, device_id');
      await migrate(db);
      const after = await db.query('SELECT * FROM device_reading ORDER BY patient_id, code, t, device_id');
      expect(after).toEqual(before);
      const partitions = await db.query<{ name: string }>(
        `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
          WHERE i.inhparent = 'reading_point'::regclass ORDER BY 1`,
      );
      expect(partitions.map((p) => p.name)).toEqual(['reading_point_202610', 'reading_point_202611']);
      // A new store finds the existing series and partition; a re-send of a moved reading is a duplicate.
      const store = new TimeSeriesStore(db);
      const t = Date.UTC(2026, 10, 21, 10, 1);
      expect(await store.write([{ patientId: 'p2', code: '2708-6', timeMs: t, value: 96, unit: '%' }])).toBe(1);
      expect(
        await store.write([{ patientId: 'p1', code: '8867-4', timeMs: Date.UTC(2026, 10, 1), value: 72, unit: '/min', deviceId: 'd1' }]),
      ).toBe(0);
      const series = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM reading_series');
      expect(series[0]?.n).toBe(2);
      expect((await store.series('p2', '2708-6', 0, t + 1)).map((r) => r.value)).toEqual([97, 96]);
    } finally {
      await dispose();
    }
  });
});
