import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { openDatabase } from './open-database.ts';

const writer = fileURLToPath(new URL('../testing/crash-writer.ts', import.meta.url));

it('loses no committed reading when the process is killed with SIGKILL mid-write (embedded PGlite)', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'vt-crash-'));
  const child = spawn(process.execPath, ['--import', 'tsx', writer, dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  let committed = 0;
  await new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`writer exited early with ${code}`)));
    child.stdout.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        const m = /^committed (\d+)$/.exec(line);
        if (m) committed = Number(m[1]);
      }
      // Kill while the writer is in the middle of further batches.
      if (committed >= 5000) {
        child.removeAllListeners('exit');
        child.kill('SIGKILL');
        child.on('exit', () => resolve());
      }
    });
  });
  // The stale lock of the killed process is taken over, and every reported commit is there.
  const db = await openDatabase({ kind: 'pglite', dataDir });
  const rows = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM device_reading WHERE patient_id = 'p-crash'");
  await db.close();
  await rm(dataDir, { recursive: true, force: true });
  expect(rows[0]?.n).toBeGreaterThanOrEqual(committed);
  expect((rows[0]?.n ?? 0) % 1000).toBe(0);
});
