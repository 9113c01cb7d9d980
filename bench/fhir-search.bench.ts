// FHIR read and search latency at 16 concurrent clients: read by id, and one patient's heart-rate
// series (`Observation?patient=..&code=loinc|8867-4&date=ge..&_sort=-date&_count=50`), measured at
// the repository (in process: storage and search engine) and through the running HTTP server (a
// separate client process; includes Fastify, auth hooks and the audit trail of each request).
// The store is seeded with VT_BENCH_OBSERVATIONS Observations (default 50 000; 1000000 for the
// full-size run) over patients of 1000 Observations each, written through the repository's batch
// writer (synthetic resources, built valid, so the seeding skips the validator). Runs on PGlite,
// and on PostgreSQL when reachable (VT_BENCH_ENGINES=postgres picks one). Prints one JSON line (ms).
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FhirRepository, openDatabase, type SqlClient } from '@vitaltwin/platform';
import { createTemporaryPostgres, postgresUnavailableReason } from '@vitaltwin/platform/testing';
import { loadServerConfig } from '../apps/server/src/config/server-config.ts';
import { startServer } from '../apps/server/src/start-server.ts';
import { writeBatch } from '../packages/platform/src/fhir/resource-writer.ts';

const total = Number(process.env.VT_BENCH_OBSERVATIONS ?? 50_000);
const engines = (process.env.VT_BENCH_ENGINES ?? 'pglite,postgres').split(',');
const perPatient = 1000;
const patients = Math.max(1, Math.round(total / perPatient));
const clients = 16;
const requestsPerScenario = Number(process.env.VT_BENCH_REQUESTS ?? 2000);
const endMs = Date.UTC(2025, 0, 1);

// Vital-sign LOINC codes and UCUM units (FHIR R4 vital signs profile); heart rate is one in four.
const vitals = [
  ['8867-4', '/min', 72],
  ['8867-4', '/min', 72],
  ['9279-1', '/min', 16],
  ['8310-5', 'Cel', 37],
  ['29463-7', 'kg', 80],
  ['2708-6', '%', 97],
  ['8867-4', '/min', 72],
  ['39156-5', 'kg/m2', 25],
] as const;

function observation(patient: number, i: number) {
  const [code, unit, base] = vitals[i % vitals.length]!;
  return {
    kind: 'create' as const,
    resource: {
      resourceType: 'Observation' as const,
      id: `o-${patient}-${i}`,
      status: 'final' as const,
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
      code: { coding: [{ system: 'http://loinc.org', code }] },
      subject: { reference: `Patient/p${patient}` },
      encounter: { reference: `Encounter/e${patient}-${Math.floor(i / 20)}` },
      effectiveDateTime: new Date(endMs - (perPatient - i) * 6 * 3_600_000).toISOString(),
      valueQuantity: { value: base + (i % 7) - 3, unit, system: 'http://unitsofmeasure.org', code: unit },
    },
  };
}

async function seed(db: SqlClient): Promise<number> {
  const repo = await FhirRepository.open(db);
  const started = performance.now();
  const now = new Date().toISOString();
  for (let p = 0; p < patients; p++) {
    const ops = [{ kind: 'create' as const, resource: { resourceType: 'Patient' as const, id: `p${p}`, gender: 'female' as const } }];
    await db.transaction((tx) => writeBatch(tx, repo.context.keys, ops, now));
  }
  // Interleave patients, as real traffic does, so one patient's rows are spread over the tables.
  const batch = 1000;
  for (let i = 0; i < perPatient; i += batch / patients > 1 ? Math.floor(batch / patients) : 1) {
    const step = Math.max(1, Math.floor(batch / patients));
    const ops: ReturnType<typeof observation>[] = [];
    for (let k = i; k < Math.min(perPatient, i + step); k++) for (let p = 0; p < patients; p++) ops.push(observation(p, k));
    for (let j = 0; j < ops.length; j += batch)
      await db.transaction((tx) => writeBatch(tx, repo.context.keys, ops.slice(j, j + batch), now));
  }
  await db.exec('VACUUM ANALYZE');
  await repo.close();
  return (performance.now() - started) / 1000;
}

// The load generator runs in its own process so it does not share the server's event loop.
const clientScript = `
import { readFileSync } from 'node:fs';
const { urls, clients } = JSON.parse(readFileSync(process.argv[1], 'utf8'));
const latencies = [];
let next = 0;
const started = performance.now();
await Promise.all(Array.from({ length: clients }, async () => {
  while (next < urls.length) {
    const url = urls[next++];
    const t = performance.now();
    const response = await fetch(url);
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error('HTTP ' + response.status + ' for ' + url);
    latencies.push(performance.now() - t);
  }
}));
const seconds = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const q = (p) => Number(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))].toFixed(2));
console.log(JSON.stringify({ p50: q(0.5), p99: q(0.99), rps: Math.round(latencies.length / seconds) }));
`;

async function measure(dir: string, url: () => string): Promise<{ p50: number; p99: number; rps: number }> {
  const file = join(dir, 'urls.json');
  await writeFile(file, JSON.stringify({ clients, urls: Array.from({ length: requestsPerScenario }, url) }));
  const out = await new Promise<string>((resolve, reject) =>
    execFile(process.execPath, ['--input-type=module', '-e', clientScript, file], { maxBuffer: 1 << 20 }, (error, stdout) =>
      error ? reject(error) : resolve(stdout),
    ),
  );
  return JSON.parse(out) as { p50: number; p99: number; rps: number };
}

type Latency = { p50: number; p99: number; rps: number };

/** In-process: 16 concurrent callers of the repository. */
async function measureRepo(work: () => Promise<unknown>): Promise<Latency> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < requestsPerScenario) {
        next++;
        const t = performance.now();
        await work();
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const q = (p: number) => Number(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!.toFixed(2));
  return { p50: q(0.5), p99: q(0.99), rps: Math.round(latencies.length / seconds) };
}

async function run(engine: 'pglite' | 'postgres') {
  const dataDir = await mkdtemp(join(tmpdir(), 'vt-bench-fhir-'));
  const temp = engine === 'postgres' ? await createTemporaryPostgres() : undefined;
  try {
    const db = await openDatabase(temp ? { kind: 'postgres', url: temp.url } : { kind: 'pglite', dataDir });
    const seedSeconds = await seed(db);
    const repo = await FhirRepository.open(db);
    let r0 = 7;
    const rand0 = () => {
      r0 = (r0 * 1_103_515_245 + 12_345) % 2_147_483_648;
      return r0 / 2_147_483_648;
    };
    const since0 = new Date(endMs - 180 * 86_400_000).toISOString().slice(0, 10);
    await measureRepo(() => repo.read('Observation', `o-0-${Math.floor(rand0() * perPatient)}`));
    const repoRead = await measureRepo(() =>
      repo.read('Observation', `o-${Math.floor(rand0() * patients)}-${Math.floor(rand0() * perPatient)}`),
    );
    const repoSeries = await measureRepo(() =>
      repo.search(
        'Observation',
        new URLSearchParams(
          `patient=p${Math.floor(rand0() * patients)}&code=http://loinc.org|8867-4&date=ge${since0}&_sort=-date&_count=50`,
        ),
      ),
    );
    await repo.close();
    await db.close();
    const flags = { port: '0', mqttPort: '0', dataDir, logLevel: 'silent', ...(temp ? { databaseUrl: temp.url } : {}) };
    const server = await startServer(loadServerConfig({ flags, env: {} }));
    const base = `${server.url}/fhir`;
    let r = 1;
    const rand = () => {
      r = (r * 1_103_515_245 + 12_345) % 2_147_483_648;
      return r / 2_147_483_648;
    };
    const since = new Date(endMs - 180 * 86_400_000).toISOString().slice(0, 10);
    // Warm-up, then the two scenarios.
    await measure(dataDir, () => `${base}/Observation/o-0-${Math.floor(rand() * perPatient)}`);
    const read = await measure(dataDir, () => `${base}/Observation/o-${Math.floor(rand() * patients)}-${Math.floor(rand() * perPatient)}`);
    const series = await measure(
      dataDir,
      () =>
        `${base}/Observation?patient=p${Math.floor(rand() * patients)}&code=http://loinc.org%7C8867-4&date=ge${since}&_sort=-date&_count=50`,
    );
    await server.stop();
    return {
      observations: patients * perPatient,
      seedSeconds: Number(seedSeconds.toFixed(1)),
      repository: { readById: repoRead, patientSeries: repoSeries },
      http: { readById: read, patientSeries: series },
    };
  } finally {
    await temp?.drop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

const pglite = engines.includes('pglite') ? await run('pglite') : { skipped: 'not selected' };
const reason = engines.includes('postgres') ? await postgresUnavailableReason() : 'not selected';
const postgres = reason ? { skipped: reason } : await run('postgres');
console.log(JSON.stringify({ bench: 'fhir-search', clients, requestsPerScenario, pglite, postgres }));
