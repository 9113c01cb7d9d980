// Device ingest throughput: QoS 1 MQTT messages through the embedded broker into the durable
// store (PGlite in a data directory), with the acknowledgement sent only after the commit.
// A child process (this file with --publisher) publishes with a bounded window of unacknowledged
// messages per connection, so broker/ingest and publishers each get a core. Prints one JSON line:
// messages/s and readings/s over the measuring window, publish→PUBACK latency p50/p99 (an upper
// bound of publish→stored, since the PUBACK follows the commit), and a check that every
// acknowledged reading is stored exactly once.
// CPU time of the server process (all its threads) and of the publisher over the same window gives
// load-independent figures: messages per server CPU-second.
// Measured on PGlite (data directory) and, when reachable, PostgreSQL.
// Env: BENCH_SECONDS (measuring window per run, default 5), BENCH_READINGS (readings per message, a
// comma-separated list of runs, default 10,1),
// BENCH_CONNECTIONS (default 4), BENCH_WINDOW (unacknowledged messages per connection, default 400),
// BENCH_DEVICES (default 200), BENCH_RATE (msg/s in all; default 0 = as fast as acknowledged).
// Memory soak: BENCH_RATE=5000 BENCH_SECONDS=600 BENCH_SKIP_POSTGRES=1 — the server's RSS and heap are
// sampled every BENCH_SAMPLE_S (default 10) seconds, reported with the first and last minute's means.
// BENCH_SKIP_STORE_ONLY skips the store-alone figure; BENCH_SKIP_POSTGRES the PostgreSQL run.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DeviceReading, openDatabase, registerDeviceBindings, TimeSeriesStore } from '@vitaltwin/platform';
import { createTemporaryPostgres, postgresUnavailableReason } from '@vitaltwin/platform/testing';
import { loadServerConfig, startServer } from '@vitaltwin/server';
import mqtt from 'mqtt';

interface PublisherPlan {
  url: string;
  connections: number;
  window: number;
  warmupS: number;
  seconds: number;
  readings: number;
  devices: number;
  baseMs: number;
  /** Messages per second over all connections; 0 = as fast as the window allows. */
  rate: number;
}

interface PublisherReport {
  published: number;
  acked: number;
  ackedInWindow: number;
  windowSeconds: number;
  p50Ms: number;
  p99Ms: number;
  publisherCpuSeconds: number;
}

const deviceId = (i: number) => `bench-d${i}`;
const codes = ['8867-4', '9279-1', '2708-6', '8480-6', '8462-4'];
const units = ['/min', '/min', '%', 'mm[Hg]', 'mm[Hg]'];
const values = [72, 16, 97, 121, 78];

/** Message `seq` of a device: `readings` samples, 5 vital signs per second of device time. */
function payload(seq: number, readings: number, baseMs: number): string {
  const parts: string[] = [];
  for (let k = 0; k < readings; k++) {
    const n = seq * readings + k;
    const v = n % 5;
    const time = new Date(baseMs + Math.floor(n / 5) * 1000).toISOString();
    parts.push(`{"code":"${codes[v]}","value":${values[v]},"unit":"${units[v]}","time":"${time}"}`);
  }
  return `{"samples":[${parts.join(',')}]}`;
}

function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

async function publisher(plan: PublisherPlan): Promise<PublisherReport> {
  const start = performance.now();
  const measureFrom = start + plan.warmupS * 1000;
  const measureTo = measureFrom + plan.seconds * 1000;
  // Marks on stdout let the server side read its CPU time over the same window.
  let cpuFrom = process.cpuUsage();
  setTimeout(() => {
    cpuFrom = process.cpuUsage();
    process.stdout.write('mark from\n');
  }, measureFrom - start);
  let cpuWindow = { user: 0, system: 0 };
  setTimeout(() => {
    cpuWindow = process.cpuUsage(cpuFrom);
    process.stdout.write('mark to\n');
  }, measureTo - start);
  const perConnectionRate = plan.rate / plan.connections;
  const latencies = new Float64Array(4_000_000);
  let n = 0;
  let published = 0;
  let acked = 0;
  let ackedInWindow = 0;
  const seq = new Uint32Array(plan.devices);
  await Promise.all(
    Array.from({ length: plan.connections }, async (_, c) => {
      const client = await mqtt.connectAsync(plan.url, { clientId: `bench-pub-${c}`, reconnectPeriod: 0 });
      const mine = Array.from({ length: plan.devices }, (_, i) => i).filter((i) => i % plan.connections === c);
      let turn = 0;
      let sentHere = 0;
      await new Promise<void>((resolve) => {
        let inflight = 0;
        let paced: NodeJS.Timeout | undefined;
        const due = () =>
          perConnectionRate > 0 ? Math.floor(((performance.now() - start) / 1000) * perConnectionRate) : Number.POSITIVE_INFINITY;
        const pump = () => {
          paced = undefined;
          while (inflight < plan.window && performance.now() < measureTo && sentHere < due()) {
            const d = mine[turn++ % mine.length] as number;
            const s = seq[d] as number;
            seq[d] = s + 1;
            const sent = performance.now();
            inflight += 1;
            published += 1;
            sentHere += 1;
            client.publish(`vitaltwin/devices/${deviceId(d)}/readings`, payload(s, plan.readings, plan.baseMs), { qos: 1 }, (error) => {
              inflight -= 1;
              if (error) throw error;
              const now = performance.now();
              acked += 1;
              if (sent >= measureFrom && now <= measureTo) {
                ackedInWindow += 1;
                if (n < latencies.length) latencies[n++] = now - sent;
              }
              if (performance.now() < measureTo) setImmediate(pump);
              else if (inflight === 0) resolve();
            });
          }
          // At a fixed rate, come back for the next messages due (a full window resumes from the acknowledgements).
          if (perConnectionRate > 0 && paced === undefined && inflight < plan.window && performance.now() < measureTo)
            paced = setTimeout(pump, 2);
          else if (performance.now() >= measureTo && inflight === 0) resolve();
        };
        pump();
      });
      await client.endAsync();
    }),
  );
  const sorted = latencies.subarray(0, n).sort();
  return {
    published,
    acked,
    ackedInWindow,
    windowSeconds: plan.seconds,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    publisherCpuSeconds: (cpuWindow.user + cpuWindow.system) / 1e6,
  };
}

interface EngineFigures {
  messagesPerSec: number;
  readingsPerSec: number;
  publishToAckMsP50: number;
  publishToAckMsP99: number;
  meanBatchReadings: number;
  acked: number;
  everyAckedReadingStoredOnce: boolean;
  /** Messages per CPU-second of the server process (all threads), and of the publisher. */
  messagesPerServerCpuSec: number;
  serverCpuCores: number;
  publisherCpuCores: number;
  serverCoresByThread: Record<string, number>;
  memory?: MemoryFigures;
}

interface MemorySample {
  atS: number;
  rssMb: number;
  heapUsedMb: number;
  externalMb: number;
}

interface MemoryFigures {
  sampleEveryS: number;
  firstMinute: Omit<MemorySample, 'atS'>;
  lastMinute: Omit<MemorySample, 'atS'>;
  samples: MemorySample[];
}

/**
 * CPU seconds per thread of this process on Linux (proc(5): /proc/self/task/TID/stat, fields 14 and
 * 15 are utime and stime in clock ticks, normally 100 per second), keyed by thread id and name.
 */
function threadCpuSeconds(): Map<string, number> {
  const out = new Map<string, number>();
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(`${tid} ${name}`, (Number(fields[11]) + Number(fields[12])) / 100);
    } catch {
      // The thread ended between listing and reading.
    }
  }
  return out;
}

/** The threads that used at least 1 % of a core over the window, busiest first, in cores. */
function busiestThreads(from: Map<string, number>, to: Map<string, number>, seconds: number): Record<string, number> {
  return Object.fromEntries(
    [...to]
      .map(([k, v]) => [k, Math.round(((v - (from.get(k) ?? 0)) / seconds) * 100) / 100] as const)
      .filter(([, cores]) => cores >= 0.01)
      .sort((a, b) => b[1] - a[1]),
  );
}

const mb = (bytes: number) => Math.round(bytes / 1e5) / 10;

function meanOf(samples: readonly MemorySample[]): Omit<MemorySample, 'atS'> {
  const mean = (f: (s: MemorySample) => number) => Math.round((samples.reduce((a, s) => a + f(s), 0) / samples.length) * 10) / 10;
  return { rssMb: mean((s) => s.rssMb), heapUsedMb: mean((s) => s.heapUsedMb), externalMb: mean((s) => s.externalMb) };
}

/** One measurement: a server (HTTP + embedded broker + ingest) on the given store, one publisher process. */
async function measure(engine: 'pglite' | 'postgres', plan: Omit<PublisherPlan, 'url' | 'baseMs'>): Promise<EngineFigures> {
  const dataDir = await mkdtemp(join(tmpdir(), 'vt-bench-ingest-'));
  const temp = engine === 'postgres' ? await createTemporaryPostgres() : undefined;
  const server = await startServer(
    loadServerConfig({ flags: { port: '0', mqttPort: '0', dataDir, logLevel: 'silent' }, env: temp ? { DATABASE_URL: temp.url } : {} }),
  );
  try {
    await registerDeviceBindings(
      server.context.db,
      Array.from({ length: plan.devices }, (_, i) => ({ deviceId: deviceId(i), patientId: `bench-p${i}` })),
    );
    const full: PublisherPlan = { ...plan, url: server.mqttUrl, baseMs: Date.now() - 86_400_000 };
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--publisher', JSON.stringify(full)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    let cpuFrom = process.cpuUsage();
    let cpuWindow = { user: 0, system: 0 };
    let threadsFrom = new Map<string, number>();
    let threadsTo = new Map<string, number>();
    const samples: MemorySample[] = [];
    let sampler: NodeJS.Timeout | undefined;
    const sampleEveryS = Number(process.env.BENCH_SAMPLE_S ?? 10);
    const sample = (t0: number) => {
      const m = process.memoryUsage();
      samples.push({
        atS: Math.round((performance.now() - t0) / 1000),
        rssMb: mb(m.rss),
        heapUsedMb: mb(m.heapUsed),
        externalMb: mb(m.external),
      });
    };
    child.stdout.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      if (text.includes('mark from\n')) {
        cpuFrom = process.cpuUsage();
        threadsFrom = threadCpuSeconds();
        const t0 = performance.now();
        sample(t0);
        sampler = setInterval(() => sample(t0), sampleEveryS * 1000);
      }
      if (text.includes('mark to\n')) {
        cpuWindow = process.cpuUsage(cpuFrom);
        threadsTo = threadCpuSeconds();
        clearInterval(sampler);
      }
      out += text;
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearInterval(sampler);
    if (code !== 0) throw new Error(`publisher exited with ${code}`);
    const report = JSON.parse(out.trim().split('\n').at(-1) as string) as PublisherReport;
    await server.context.ingest.flush();
    const metrics = server.context.ingest.metrics;
    const rows = await server.context.db.query<{ n: number }>('SELECT count(*)::int AS n FROM device_reading');
    const stored = rows[0]?.n ?? 0;
    const round = (x: number) => Math.round(x * 10) / 10;
    const serverCpuSeconds = (cpuWindow.user + cpuWindow.system) / 1e6;
    const perMinute = Math.max(1, Math.round(60 / sampleEveryS));
    const memory: MemoryFigures | undefined =
      report.windowSeconds >= 120
        ? { sampleEveryS, firstMinute: meanOf(samples.slice(0, perMinute)), lastMinute: meanOf(samples.slice(-perMinute)), samples }
        : undefined;
    return {
      messagesPerSec: Math.round(report.ackedInWindow / report.windowSeconds),
      readingsPerSec: Math.round((report.ackedInWindow * plan.readings) / report.windowSeconds),
      publishToAckMsP50: round(report.p50Ms),
      publishToAckMsP99: round(report.p99Ms),
      meanBatchReadings: Math.round(metrics.readingsStored / Math.max(1, metrics.batches)),
      acked: report.acked,
      everyAckedReadingStoredOnce: stored === report.acked * plan.readings && metrics.readingsDuplicate === 0,
      messagesPerServerCpuSec: Math.round(report.ackedInWindow / serverCpuSeconds),
      serverCpuCores: round(serverCpuSeconds / report.windowSeconds),
      publisherCpuCores: round(report.publisherCpuSeconds / report.windowSeconds),
      serverCoresByThread: busiestThreads(threadsFrom, threadsTo, report.windowSeconds),
      ...(memory ? { memory } : {}),
    };
  } finally {
    await server.stop();
    await temp?.drop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/**
 * The store alone on the same kind of PGlite data directory (TimeSeriesStore.write, batches of the
 * size ingest forms): the ceiling ingest can approach, measured in the same run so the ratio
 * survives machine noise.
 */
async function storeOnlyRowsPerSec(seconds: number, batchRows: number): Promise<number> {
  const dataDir = await mkdtemp(join(tmpdir(), 'vt-bench-store-'));
  const db = await openDatabase({ kind: 'pglite', dataDir });
  try {
    const store = new TimeSeriesStore(db);
    const baseMs = Date.now() - 86_400_000;
    let n = 0;
    const batch = (): DeviceReading[] =>
      Array.from({ length: batchRows }, () => {
        const i = n++;
        // 200 patients x 5 codes per second of device time: every key unique, as in the ingest run.
        const v = Math.floor(i / 200) % 5;
        return {
          patientId: `bench-p${i % 200}`,
          code: codes[v] as string,
          timeMs: baseMs + Math.floor(i / 1000) * 1000,
          value: values[v] as number,
          unit: units[v] as string,
          deviceId: `bench-d${i % 200}`,
        };
      });
    await store.write(batch());
    const start = performance.now();
    let rows = 0;
    while (performance.now() - start < seconds * 1000) rows += await store.write(batch());
    return Math.round(rows / ((performance.now() - start) / 1000));
  } finally {
    await db.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--publisher') {
  const report = await publisher(JSON.parse(process.argv[3] as string) as PublisherPlan);
  process.stdout.write(`${JSON.stringify(report)}\n`);
} else {
  // The two figures: messages/s (small messages) and readings/s with 10 readings a message.
  const readingsPerMessage = (process.env.BENCH_READINGS ?? '10,1').split(',').map(Number);
  const plan = {
    seconds: Number(process.env.BENCH_SECONDS ?? 5),
    connections: Number(process.env.BENCH_CONNECTIONS ?? 4),
    window: Number(process.env.BENCH_WINDOW ?? 400),
    devices: Number(process.env.BENCH_DEVICES ?? 200),
    rate: Number(process.env.BENCH_RATE ?? 0),
    warmupS: 1.5,
  };
  const result: Record<string, unknown> = {
    bench: 'ingest-mqtt',
    connections: plan.connections,
    windowPerConnection: plan.window,
    seconds: plan.seconds,
    ...(plan.rate > 0 ? { targetMsgPerSec: plan.rate } : {}),
  };
  const runs = async (engine: 'pglite' | 'postgres') => {
    const out: Record<string, unknown> = {};
    for (const readings of readingsPerMessage) {
      const figures: Record<string, unknown> = { ...(await measure(engine, { ...plan, readings })) };
      if (engine === 'pglite' && readings === readingsPerMessage[0] && !process.env.BENCH_SKIP_STORE_ONLY) {
        const storeOnly = await storeOnlyRowsPerSec(3, figures.meanBatchReadings as number);
        figures.storeOnlyRowsPerSec = storeOnly;
        figures.ingestToStoreRatio = Math.round(((figures.readingsPerSec as number) / storeOnly) * 100) / 100;
      }
      out[`${readings} reading${readings === 1 ? '' : 's'}/message`] = figures;
    }
    return out;
  };
  if (process.env.BENCH_SKIP_PGLITE === undefined) result.pglite = await runs('pglite');
  const reason = process.env.BENCH_SKIP_POSTGRES ? 'BENCH_SKIP_POSTGRES set' : await postgresUnavailableReason();
  if (reason === undefined) result.postgres = await runs('postgres');
  else result.postgresSkipped = reason;
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
