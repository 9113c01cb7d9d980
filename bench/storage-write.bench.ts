// Device time-series write throughput (rows/s) on embedded PGlite and, when reachable, PostgreSQL.
// Prints one JSON line. Rows go through the product's write path (COPY into a staging table, then
// INSERT ... ON CONFLICT DO NOTHING); PostgreSQL is also measured with concurrent writers, as the
// ingest consumer runs them.
import { type DeviceReading, openDatabase, type SqlClient, TimeSeriesStore } from '@vitaltwin/platform';
import { createTemporaryPostgres, postgresUnavailableReason } from '@vitaltwin/platform/testing';

const rows = Number(process.env.BENCH_ROWS ?? 300_000);
const batchSize = Number(process.env.BENCH_BATCH ?? 10_000);

function makeReadings(n: number, offset: number): DeviceReading[] {
  const t0 = Date.UTC(2026, 10, 1);
  // 1,000 patients x 5 vital signs, one reading per second each: a realistic ward stream.
  const codes = ['8867-4', '9279-1', '59408-5', '8310-5', '8480-6'];
  return Array.from({ length: n }, (_, k) => {
    const i = k + offset;
    const patient = i % 1000;
    const code = codes[Math.floor(i / 1000) % codes.length] as string;
    return {
      patientId: `p${patient}`,
      code,
      timeMs: t0 + Math.floor(i / 5000) * 1000,
      value: 60 + (i % 40),
      unit: '/min',
      deviceId: `d${patient}`,
    };
  });
}

async function measure(db: SqlClient, writers: number): Promise<number> {
  await db.exec('TRUNCATE reading_point');
  const store = new TimeSeriesStore(db);
  const batches: DeviceReading[][] = [];
  for (let i = 0; i < rows; i += batchSize) batches.push(makeReadings(Math.min(batchSize, rows - i), i));
  await store.prepare(batches.flat());
  const start = performance.now();
  let next = 0;
  let stored = 0;
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (next < batches.length) {
        const batch = batches[next++] as DeviceReading[];
        const n = await store.write(batch);
        stored += n;
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  if (stored !== rows) throw new Error(`stored ${stored} of ${rows}`);
  return Math.round(rows / seconds);
}

const result: Record<string, unknown> = { bench: 'storage-write', rows, batchSize };
const pglite = await openDatabase({ kind: 'pglite-memory' });
await measure(pglite, 1); // warm-up: WebAssembly compilation, plan caches
result.pgliteRowsPerSec = await measure(pglite, 1);
await pglite.close();

const reason = await postgresUnavailableReason();
if (reason === undefined) {
  const temp = await createTemporaryPostgres();
  const pg = await openDatabase({ kind: 'postgres', url: temp.url, maxConnections: 8 });
  await measure(pg, 1);
  result.postgresRowsPerSec1Writer = await measure(pg, 1);
  result.postgresRowsPerSec4Writers = await measure(pg, 4);
  await pg.close();
  await temp.drop();
} else {
  result.postgresSkipped = reason;
}
process.stdout.write(`${JSON.stringify(result)}\n`);
