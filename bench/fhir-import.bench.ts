// FHIR import throughput, two paths, on embedded PGlite (in a data directory, as the server runs it)
// and, when reachable, on PostgreSQL; prints one JSON line.
//  - batchApi: FhirRepository.importResources on the 16 Synthea patients as plain resources
//    (6.4k; references pre-resolved by the fixture), validator in worker threads (workerPool) and
//    on the calling thread (inline). The set is loaded ROUNDS times (default 2, ids unique per round).
//  - files: what `vitaltwin import` does with the 16 Synthea bundle files (read and parse, stable
//    ids, urn:uuid and conditional references with placeholders, validation in worker threads
//    overlapped with writing); `first` into an empty store, `again` the same files a second time
//    (nothing changes: nothing is validated or written), `inline` a first import validating on the
//    main thread. Rates count resources handled per second of the whole run.
// Wall-clock rates swing with other load on a shared machine; resources per CPU second of this
// process (main thread and validator threads; for PGlite that includes the database) do not.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  FhirRepository,
  findImportSources,
  loadFhirDefinitions,
  openDatabase,
  runImport,
  type SqlClient,
  StoreImportTarget,
} from '@vitaltwin/platform';
import { createTemporaryPostgres, postgresUnavailableReason } from '@vitaltwin/platform/testing';
import { syntheaResources } from './fhir-synthea-fixture.ts';

const rounds = Number(process.env.ROUNDS ?? 2);
const definitions = loadFhirDefinitions();
const syntheaDir = fileURLToPath(new URL('../../shared/data/synthea/', import.meta.url));

type Figures = { resourcesPerSec: number; resourcesPerCpuSec: number; resources: number; seconds: number };

const figures = (resources: number, ms: number, cpuUs: number): Figures => ({
  resourcesPerSec: Math.round((resources / ms) * 1000),
  resourcesPerCpuSec: Math.round((resources / cpuUs) * 1e6),
  resources,
  seconds: Number((ms / 1000).toFixed(2)),
});

async function timed(work: () => Promise<number>): Promise<Figures> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const resources = await work();
  const used = process.cpuUsage(cpu);
  return figures(resources, performance.now() - started, used.user + used.system);
}

async function batchApi(db: SqlClient, validationWorkers?: number): Promise<Figures> {
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
  return figures(resources, ms, cpuUs);
}

async function files(db: SqlClient, validationWorkers?: number): Promise<Figures> {
  const repo = await FhirRepository.open(db, { validationWorkers: 0 });
  const target = new StoreImportTarget(repo, validationWorkers === undefined ? {} : { validationWorkers });
  // Let the validator threads load the definitions first, as the command does while the store opens.
  await target.validate([{ resourceType: 'Basic', code: { text: 'warm-up' } } as never]);
  const sources = await findImportSources([syntheaDir], syntheaDir);
  try {
    return await timed(async () => {
      const s = await runImport(target, sources, { unresolved: 'placeholder' });
      return s.resources.created + s.resources.updated + s.resources.unchanged;
    });
  } finally {
    await repo.close();
  }
}

async function engine(open: () => Promise<{ db: SqlClient; done: () => Promise<void> }>) {
  const run = async <T>(work: (db: SqlClient) => Promise<T>): Promise<T> => {
    const { db, done } = await open();
    try {
      return await work(db);
    } finally {
      await done();
    }
  };
  const pool = await run((db) => batchApi(db));
  const inline = await run((db) => batchApi(db, 0));
  const fileFigures = await run(async (db) => ({ first: await files(db), again: await files(db) }));
  const filesInline = await run((db) => files(db, 0));
  return { batchApi: { workerPool: pool, inline }, files: { ...fileFigures, inline: filesInline } };
}

const pglite = await engine(async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'vt-bench-import-'));
  const db = await openDatabase({ kind: 'pglite', dataDir });
  return {
    db,
    done: async () => {
      await db.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
});
const reason = await postgresUnavailableReason();
const postgres = reason
  ? { skipped: reason }
  : await engine(async () => {
      const temp = await createTemporaryPostgres();
      const db = await openDatabase({ kind: 'postgres', url: temp.url });
      return {
        db,
        done: async () => {
          await db.close();
          await temp.drop();
        },
      };
    });

console.log(
  JSON.stringify({
    bench: 'fhir-import',
    definitionsLoadMs: Math.round(definitions.loadMs),
    definitionsHeapMB: Math.round(definitions.heapBytes / 1e6),
    pglite,
    postgres,
  }),
);
