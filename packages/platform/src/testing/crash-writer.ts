// Child process for the crash-durability test: writes committed batches to an embedded data dir and
// reports each commit on stdout, then keeps writing until it is killed.
import { openDatabase } from '../store/open-database.ts';
import { TimeSeriesStore } from '../store/time-series-store.ts';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: crash-writer DATA_DIR');
const db = await openDatabase({ kind: 'pglite', dataDir });
const ts = new TimeSeriesStore(db);
const t0 = Date.UTC(2026, 10, 21);
for (let batch = 0; ; batch++) {
  const readings = Array.from({ length: 1000 }, (_, i) => ({
    patientId: 'p-crash',
    code: '8867-4',
    timeMs: t0 + (batch * 1000 + i) * 1000,
    value: 70,
    unit: '/min',
  }));
  await ts.write(readings);
  process.stdout.write(`committed ${(batch + 1) * 1000}\n`);
}
