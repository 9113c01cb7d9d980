// FHIR read and search latency at 16 concurrent clients: read by id, and one patient's heart-rate
// series (`Observation?patient=..&code=loinc|8867-4&date=ge..&_sort=-date&_count=50`), measured at
// the repository (in process: storage and search engine) and through the running HTTP server (a
// separate client process; includes Fastify, auth hooks and the audit trail of each request).
// The store is seeded with VT_BENCH_OBSERVATIONS Observations (default 50 000; 1000000 for the
// full-size run) over patients of 1000 Observations each, written through the repository's batch
// writer (synthetic resources, built valid, so the seeding skips the validator). Runs on PGlite,
// and on PostgreSQL when reachable (VT_BENCH_ENGINES=postgres picks one). Prints one JSON line (ms),
// with CPU time per request (µs: `server` is this process, PGlite included; `db` the PostgreSQL
// backends; `client` the load generator), which load from other work moves far less than latency.
// Through HTTP it reports the steady state (after VT_BENCH_WARMUP_READS / _SERIES warm-up requests,
// the median of VT_BENCH_ROUNDS rounds, default 3) and, under `cold`, the first requests after the
// server starts.
// VT_BENCH_KEEP_DB=<name> keeps the seeded store between runs (PostgreSQL database <name> on the
// test server, PGlite directory <tmpdir>/<name>) and seeds it again only when it does not hold
// exactly the requested Observations; by default every run seeds a fresh store and drops it.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FhirRepository, openDatabase, type SqlClient } from '@vitaltwin/platform';
import { createTemporaryPostgres, postgresAdminUrl, postgresUnavailableReason } from '@vitaltwin/platform/testing';
import pg from 'pg';
import { loadServerConfig } from '../apps/server/src/config/server-config.ts';
import { startServer } from '../apps/server/src/start-server.ts';
import { writeBatch } from '../packages/platform/src/fhir/resource-writer.ts';

const total = Number(process.env.VT_BENCH_OBSERVATIONS ?? 50_000);
const engines = (process.env.VT_BENCH_ENGINES ?? 'pglite,postgres').split(',');
const perPatient = 1000;
const patients = Math.max(1, Math.round(total / perPatient));
const clients = 16;
// Requests per measured scenario: enough that p99 rests on a hundred samples or more, and that the
// server's start (JIT, first plans of each connection) is a small part of the run.
const requestsPerScenario = Number(process.env.VT_BENCH_REQUESTS ?? 10_000);
// HTTP warm-up before the steady-state rounds, and measured rounds per scenario.
const warmUpReads = Number(process.env.VT_BENCH_WARMUP_READS ?? 30_000);
const warmUpSeries = Number(process.env.VT_BENCH_WARMUP_SERIES ?? 5000);
const coldSeriesRequests = 2000;
const rounds = Number(process.env.VT_BENCH_ROUNDS ?? 3);
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

// The load generator (bench/http-load.mjs) runs in its own process so it does not share the
// server's event loop, but it shares the machine's cores. By default it writes requests and reads
// responses on raw keep-alive sockets (about a quarter of node:http's CPU per request), leaving that
// much more of the machine to the server under test; VT_BENCH_HTTP_CLIENT=http or fetch runs it
// with node:http or fetch instead, for comparison. Its CPU per request is reported as `client`.
const loadGenerator = fileURLToPath(new URL('./http-load.mjs', import.meta.url));
const httpClient = ['http', 'fetch'].includes(process.env.VT_BENCH_HTTP_CLIENT ?? '') ? process.env.VT_BENCH_HTTP_CLIENT : 'raw';

/**
 * CPU seconds used so far by this process (the server, and PGlite's thread) and by the PostgreSQL
 * backends connected to this database (Linux /proc/<pid>/stat: utime + stime, in clock ticks of
 * 1/100 s; proc(5)). Backends on another machine count as nothing.
 */
async function cpuSeconds(db: SqlClient | undefined): Promise<{ self: number; db: number }> {
  const u = process.cpuUsage();
  let dbTicks = 0;
  if (db?.engine === 'postgres') {
    const rows = await db.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database()');
    for (const { pid } of rows) {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        dbTicks += Number(fields[11]) + Number(fields[12]);
      } catch {
        // Not on this machine or gone: counted as nothing.
      }
    }
  }
  return { self: (u.user + u.system) / 1e6, db: dbTicks / 100 };
}

type Latency = { p50: number; p99: number; rps: number; cpuUs?: { server: number; db: number; client?: number } };

async function measure(dir: string, url: () => string, monitor?: SqlClient, count = requestsPerScenario): Promise<Latency> {
  const file = join(dir, 'urls.json');
  await writeFile(file, JSON.stringify({ clients, kind: httpClient, urls: Array.from({ length: count }, url) }));
  const before = await cpuSeconds(monitor);
  const out = await new Promise<string>((resolve, reject) =>
    execFile(process.execPath, [loadGenerator, file], { maxBuffer: 1 << 20 }, (error, stdout) => (error ? reject(error) : resolve(stdout))),
  );
  const after = await cpuSeconds(monitor);
  const { clientCpuUs, ...latency } = JSON.parse(out) as Latency & { clientCpuUs: number };
  const per = (s: number) => Math.round((s * 1e6) / count);
  return { ...latency, cpuUs: { server: per(after.self - before.self), db: per(after.db - before.db), client: clientCpuUs } };
}

/** `rounds` runs of a scenario: the one with the median p99, and every round's p99. */
async function medianRound(run: () => Promise<Latency>): Promise<Latency & { p99Rounds: number[] }> {
  const results: Latency[] = [];
  for (let i = 0; i < rounds; i++) results.push(await run());
  const sorted = [...results].sort((a, b) => a.p99 - b.p99);
  return { ...sorted[Math.floor((sorted.length - 1) / 2)]!, p99Rounds: results.map((r) => r.p99) };
}

/** In-process: 16 concurrent callers of the repository. */
async function measureRepo(work: () => Promise<unknown>, db: SqlClient): Promise<Latency> {
  const latencies: number[] = [];
  let next = 0;
  const before = await cpuSeconds(db);
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
  const after = await cpuSeconds(db);
  latencies.sort((a, b) => a - b);
  const q = (p: number) => Number(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!.toFixed(2));
  const per = (s: number) => Math.round((s * 1e6) / latencies.length);
  const cpuUs = { server: per(after.self - before.self), db: per(after.db - before.db) };
  return { p50: q(0.5), p99: q(0.99), rps: Math.round(latencies.length / seconds), cpuUs };
}

const keepName = process.env.VT_BENCH_KEEP_DB;
if (keepName !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(keepName)) throw new Error('VT_BENCH_KEEP_DB: a lower-case SQL identifier');

/** The kept PostgreSQL database (created when missing); dropping it is left to the user. */
async function keptPostgres(name: string): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = new pg.Client({ connectionString: postgresAdminUrl });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(postgresAdminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: async () => undefined };
}

async function observationCount(db: SqlClient): Promise<number> {
  const rows = await db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM fhir_resource WHERE resource_type = 'Observation' AND NOT deleted",
  );
  return Number(rows[0]?.n ?? 0);
}

async function run(engine: 'pglite' | 'postgres') {
  const dataDir = keepName ? join(tmpdir(), keepName) : await mkdtemp(join(tmpdir(), 'vt-bench-fhir-'));
  if (keepName) await mkdir(dataDir, { recursive: true });
  const temp = engine === 'postgres' ? await (keepName ? keptPostgres(keepName) : createTemporaryPostgres()) : undefined;
  try {
    let db = await openDatabase(temp ? { kind: 'postgres', url: temp.url } : { kind: 'pglite', dataDir });
    let seedSeconds = 0;
    if (!keepName || (await observationCount(db)) !== patients * perPatient) {
      if (keepName) {
        // A kept store of another size (or half seeded): start it again empty.
        await db.close();
        if (temp) {
          const admin = new pg.Client({ connectionString: postgresAdminUrl });
          await admin.connect();
          await admin.query(`DROP DATABASE IF EXISTS ${keepName} WITH (FORCE)`);
          await admin.query(`CREATE DATABASE ${keepName}`);
          await admin.end();
        } else {
          await rm(dataDir, { recursive: true, force: true });
          await mkdir(dataDir, { recursive: true });
        }
        db = await openDatabase(temp ? { kind: 'postgres', url: temp.url } : { kind: 'pglite', dataDir });
      }
      seedSeconds = await seed(db);
    }
    const repo = await FhirRepository.open(db);
    let r0 = 7;
    const rand0 = () => {
      r0 = (r0 * 1_103_515_245 + 12_345) % 2_147_483_648;
      return r0 / 2_147_483_648;
    };
    const since0 = new Date(endMs - 180 * 86_400_000).toISOString().slice(0, 10);
    await measureRepo(() => repo.read('Observation', `o-0-${Math.floor(rand0() * perPatient)}`), db);
    const repoRead = await measureRepo(
      () => repo.read('Observation', `o-${Math.floor(rand0() * patients)}-${Math.floor(rand0() * perPatient)}`),
      db,
    );
    const repoSeries = await measureRepo(
      () =>
        repo.search(
          'Observation',
          new URLSearchParams(
            `patient=p${Math.floor(rand0() * patients)}&code=http://loinc.org|8867-4&date=ge${since0}&_sort=-date&_count=50`,
          ),
        ),
      db,
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
    const monitor = server.context.db;
    const readUrl = () => `${base}/Observation/o-${Math.floor(rand() * patients)}-${Math.floor(rand() * perPatient)}`;
    const seriesUrl = () =>
      `${base}/Observation?patient=p${Math.floor(rand() * patients)}&code=http://loinc.org%7C8867-4&date=ge${since}&_sort=-date&_count=50`;
    // Cold: the first requests after the server starts, while V8 still compiles the hot paths (the
    // server's CPU per request falls by about half over its first ~30,000 reads).
    const readCold = await measure(dataDir, readUrl, monitor);
    const seriesCold = await measure(dataDir, seriesUrl, monitor, coldSeriesRequests);
    // Steady state: after a warm-up, `rounds` measured rounds; the round with the median p99 is
    // reported, with every round's p99 beside it (this machine's neighbours move single rounds).
    await measure(dataDir, readUrl, undefined, warmUpReads);
    await measure(dataDir, seriesUrl, undefined, warmUpSeries);
    const read = await medianRound(() => measure(dataDir, readUrl, monitor));
    const series = await medianRound(() => measure(dataDir, seriesUrl, monitor));
    await server.stop();
    return {
      observations: patients * perPatient,
      httpClient,
      seedSeconds: Number(seedSeconds.toFixed(1)),
      repository: { readById: repoRead, patientSeries: repoSeries },
      http: { readById: read, patientSeries: series, cold: { readById: readCold, patientSeries: seriesCold } },
    };
  } finally {
    await temp?.drop();
    if (!keepName) await rm(dataDir, { recursive: true, force: true });
  }
}

const pglite = engines.includes('pglite') ? await run('pglite') : { skipped: 'not selected' };
const reason = engines.includes('postgres') ? await postgresUnavailableReason() : 'not selected';
const postgres = reason ? { skipped: reason } : await run('postgres');
console.log(JSON.stringify({ bench: 'fhir-search', clients, requestsPerScenario, pglite, postgres }));
