// FHIR batch write path: Synthea resources (16 patients, 6.4k resources) per second through
// FhirRepository.importResources (R4 validation, index extraction, resources + history + index rows
// in a few statements per 500), on embedded PGlite (in a data directory, as the server runs it) and,
// when reachable, on PostgreSQL; each with the validator in worker threads (default pool) and on the
// calling thread (workers: 0), so the two compare as a ratio within one run. Loads the set ROUNDS
// times (default 2, ids unique per round) into one fresh database; prints one JSON line.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FhirRepository, loadFhirDefinitions, openDatabase, type SqlClient } from '@vitaltwin/platform';
import { createTemporaryPostgres, postgresUnavailableReason } from '@vitaltwin/platform/testing';
import { syntheaResources } from './fhir-synthea-fixture.ts';

const rounds = Number(process.env.ROUNDS ?? 2);
const definitions = loadFhirDefinitions();

// Wall-clock rates swing with other load on a shared machine; the rate per CPU second of this
// process (main thread and validator threads; for PGlite that includes the database) does not.
type Figures = { resourcesPerSec: number; resourcesPerCpuSec: number; resources: number; seconds: number };

async function run(db: SqlClient, validationWorkers?: number): Promise<Figures> {
  const repo = await FhirRepository.open(db, validationWorkers === undefined ? {} : { validationWorkers });
  let resources = 0;
  let ms = 0;
  let cpuUs = 0;
  for (let round = 0; round < rounds; round++) {
    const batch = syntheaResources(`-r${round}`);
    const started = performance.now();
    const cpu = process.cpuUsage();
    const report = await repo.importResources(batch);
    ms += performance.now() - started;
    const used = process.cpuUsage(cpu);
    cpuUs += used.user + used.system;
    resources += report.written;
  }
  await repo.close();
  return {
    resourcesPerSec: Math.round((resources / ms) * 1000),
    resourcesPerCpuSec: Math.round((resources / cpuUs) * 1e6),
    resources,
    seconds: Number((ms / 1000).toFixed(2)),
  };
}

async function onPglite(validationWorkers?: number): Promise<Figures> {
  const dataDir = await mkdtemp(join(tmpdir(), 'vt-bench-import-'));
  const db = await openDatabase({ kind: 'pglite', dataDir });
  try {
    return await run(db, validationWorkers);
  } finally {
    await db.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function onPostgres(validationWorkers?: number): Promise<Figures> {
  const temp = await createTemporaryPostgres();
  const db = await openDatabase({ kind: 'postgres', url: temp.url });
  try {
    return await run(db, validationWorkers);
  } finally {
    await db.close();
    await temp.drop();
  }
}

const pglite = { workerPool: await onPglite(), inline: await onPglite(0) };
const reason = await postgresUnavailableReason();
const postgres = reason ? { skipped: reason } : { workerPool: await onPostgres(), inline: await onPostgres(0) };

console.log(
  JSON.stringify({
    bench: 'fhir-import',
    definitionsLoadMs: Math.round(definitions.loadMs),
    definitionsHeapMB: Math.round(definitions.heapBytes / 1e6),
    pglite,
    postgres,
  }),
);
