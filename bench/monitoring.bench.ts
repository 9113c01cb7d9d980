// Patient monitoring: throughput of the monitor and publish→alert latency under device load.
// Part 1 (in process, PGlite in memory): rounds of one vital-sign set (5 readings) for each of
// BENCH_PATIENTS patients are stored, handed to the monitor as ingest batches of 1,000 readings,
// and evaluated (NEWS2/qSOFA/MEWS, NEWS2 rule, alert store). The first round loads every patient
// from the store with one query (coldRoundMs); later ones run on the monitor's cache. Then the
// cost of storing score Observations through the FHIR repository is measured on its own.
// Part 2 (running server, PGlite data directory, embedded broker): a child process publishes QoS 1
// vital-sign messages at BENCH_RATE msg/s for BENCH_SECONDS over BENCH_DEVICES devices; one message
// in BENCH_SENTINEL per device carries an emergency NEWS2 set (the next one is normal again, so
// each sentinel opens one alert and resolves it). Latency = alert event on the bus − reading time
// (the publisher stamps each sample with its send time). Prints one JSON line.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { news2Observation, scoreNews2 } from '@vitaltwin/core';
import {
  createMonitoring,
  type DeviceReading,
  FhirRepository,
  type IdentifiedResource,
  openDatabase,
  registerDeviceBindings,
  repositorySink,
  TimeSeriesStore,
} from '@vitaltwin/platform';
import { loadServerConfig, startServer } from '@vitaltwin/server';
import mqtt from 'mqtt';

const codes = ['9279-1', '2708-6', '8480-6', '8867-4', '8310-5'] as const;
const units = ['/min', '%', 'mm[Hg]', '/min', 'Cel'] as const;
const normal = [16, 97, 120, 80, 37];
const emergency = [26, 91, 88, 125, 39.5];
const wallMs = () => performance.timeOrigin + performance.now();
const round1 = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

function percentile(sorted: Float64Array, q: number): number {
  return sorted.length === 0 ? Number.NaN : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number);
}

async function monitorThroughput(patients: number, rounds: number) {
  const db = await openDatabase({ kind: 'pglite-memory' });
  const series = new TimeSeriesStore(db);
  // Evaluation alone: score sets are offered but written nowhere (their cost is measured below).
  const runtime = createMonitoring({ db, fhir: { upsert: async () => undefined } });
  let evalMs = 0;
  let coldRoundMs = 0;
  let readings = 0;
  for (let r = 0; r < rounds + 1; r++) {
    const t = Date.now();
    const batch: DeviceReading[] = [];
    for (let p = 0; p < patients; p++) {
      const values = [...normal];
      values[3] = r % 2 === 0 ? 80 : 95; // heart rate 80 ↔ 95: the NEWS2 pulse score flips 0 ↔ 1
      for (let k = 0; k < 5; k++)
        batch.push({
          patientId: `p${p}`,
          code: codes[k] as string,
          timeMs: t,
          value: values[k] as number,
          unit: units[k] as string,
          deviceId: `d${p}`,
        });
    }
    await series.write(batch);
    const t0 = performance.now();
    for (let i = 0; i < batch.length; i += 1000) runtime.monitor.enqueue({ readings: batch.slice(i, i + 1000) });
    await runtime.monitor.idle();
    const ms = performance.now() - t0;
    if (r === 0)
      coldRoundMs = ms; // every patient loaded from the store
    else {
      evalMs += ms;
      readings += batch.length;
    }
  }
  await runtime.stop();
  // Score Observations through the FHIR repository (validated and indexed), 4 patients per transaction as the recorder writes them.
  const sink = repositorySink(await FhirRepository.open(db));
  const obs = (i: number) => ({
    ...news2Observation(scoreNews2({ heartRatePerMin: 80 + (i % 40) }), {
      id: `bench-${i}`,
      subject: `Patient/p${i % patients}`,
      effectiveDateTime: new Date().toISOString(),
    }),
  });
  await sink.upsert([obs(-1) as unknown as IdentifiedResource]);
  const s0 = performance.now();
  const total = 600;
  for (let i = 0; i < total; i += 12) await sink.upsert(Array.from({ length: 12 }, (_, k) => obs(i + k) as unknown as IdentifiedResource));
  const scoreMs = performance.now() - s0;
  await db.close();
  return {
    patients,
    rounds,
    patientsPerSec: Math.round((patients * rounds) / (evalMs / 1000)),
    readingsPerSec: Math.round(readings / (evalMs / 1000)),
    msPerRound: round1(evalMs / rounds),
    coldRoundMs: round1(coldRoundMs),
    scoreObservationsStoredPerSec: Math.round(total / (scoreMs / 1000)),
  };
}

interface PublisherPlan {
  url: string;
  rate: number;
  seconds: number;
  warmupS: number;
  devices: number;
  sentinel: number;
  connections: number;
}

async function publisher(plan: PublisherPlan): Promise<{ published: number; acked: number; seconds: number }> {
  const clients = await Promise.all(
    Array.from({ length: plan.connections }, (_, c) => mqtt.connectAsync(plan.url, { clientId: `bench-mon-${c}`, reconnectPeriod: 0 })),
  );
  const seq = new Uint32Array(plan.devices);
  const start = performance.now();
  const end = start + (plan.warmupS + plan.seconds) * 1000;
  let published = 0;
  let acked = 0;
  let device = 0;
  while (performance.now() < end) {
    const due = Math.floor(((performance.now() - start) / 1000) * plan.rate);
    while (published < due) {
      const d = device++ % plan.devices;
      const s = seq[d] as number;
      seq[d] = s + 1;
      const values = s % plan.sentinel === d % plan.sentinel ? emergency : normal;
      const time = new Date(wallMs()).toISOString();
      const samples = codes.map((code, k) => `{"code":"${code}","value":${values[k]},"unit":"${units[k]}","time":"${time}"}`).join(',');
      (clients[d % plan.connections] as mqtt.MqttClient).publish(
        `vitaltwin/devices/bench-d${d}/readings`,
        `{"samples":[${samples}]}`,
        { qos: 1 },
        () => {
          acked += 1;
        },
      );
      published += 1;
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  const settle = performance.now() + 5000;
  while (acked < published && performance.now() < settle) await new Promise((r) => setTimeout(r, 10));
  await Promise.all(clients.map((c) => c.endAsync()));
  return { published, acked, seconds: (performance.now() - start) / 1000 };
}

async function publishToAlert(rate: number, seconds: number, devices: number, sentinel: number) {
  const phase = (name: string) => process.stderr.write(process.env.BENCH_VERBOSE ? `${name} ${Math.round(performance.now())} ms\n` : '');
  const dataDir = await mkdtemp(join(tmpdir(), 'vt-bench-monitor-'));
  const server = await startServer(loadServerConfig({ flags: { port: '0', mqttPort: '0', dataDir, logLevel: 'silent' }, env: {} }));
  phase('server started');
  await registerDeviceBindings(
    server.context.db,
    Array.from({ length: devices }, (_, i) => ({ deviceId: `bench-d${i}`, patientId: `bench-p${i}` })),
  );
  phase('devices registered');
  const warmupS = 3;
  const latencies = new Float64Array(1_000_000);
  let n = 0;
  let measureFrom = Number.POSITIVE_INFINITY;
  server.context.events.subscribe({ types: ['alert'] }, (event) => {
    const data = event.data as { transition: string; alert: { lastFiredAt: string } };
    if (data.transition !== 'opened') return;
    const atMs = Date.parse(data.alert.lastFiredAt);
    if (atMs >= measureFrom && n < latencies.length) latencies[n++] = wallMs() - atMs;
  });
  const plan: PublisherPlan = { url: server.mqttUrl, rate, seconds, warmupS, devices, sentinel, connections: 4 };
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--publisher', JSON.stringify(plan)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  // The server's event-loop delay over the measuring window: every database reply and every
  // socket read waits at most this long for the main thread.
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  setTimeout(
    () => {
      measureFrom = wallMs();
      loopDelay.enable();
    },
    warmupS * 1000 + 1500,
  ).unref(); // the child needs ~1.5 s to start
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`publisher exited with ${code}`);
  loopDelay.disable();
  const report = JSON.parse(out.trim().split('\n').at(-1) as string) as { published: number; acked: number; seconds: number };
  await server.context.ingest.flush();
  await server.context.monitoring.monitor.idle();
  const m = server.context.monitoring.monitor.metrics;
  const inProcess = m.alertLatency();
  const sorted = latencies.subarray(0, n).sort();
  const result = {
    targetMsgPerSec: rate,
    achievedMsgPerSec: Math.round(report.acked / report.seconds),
    // Below 95 % of the target, ingest fell behind (machine busy) and latency measures its backlog.
    saturated: report.acked / report.seconds < 0.95 * rate,
    readingsPerMessage: 5,
    devices,
    alertsOpened: n,
    publishToAlertP50Ms: round1(percentile(sorted, 0.5)),
    publishToAlertP99Ms: round1(percentile(sorted, 0.99)),
    storedToAlertP50Ms: round1(inProcess.p50Ms),
    storedToAlertP99Ms: round1(inProcess.p99Ms),
    monitorRounds: m.rounds,
    patientsPerRound: round1(m.patients / Math.max(1, m.rounds)),
    monitorBusyShare: round1(m.busyMs / (report.seconds * 1000), 2),
    scoreSetsStored: server.context.monitoring.scores.stored,
    scoreSetsThrottled: server.context.monitoring.scores.throttled,
    eventLoopDelayMs: {
      p50: round1(loopDelay.percentile(50) / 1e6),
      p99: round1(loopDelay.percentile(99) / 1e6),
      max: round1(loopDelay.max / 1e6),
    },
  };
  phase('publisher done');
  await server.stop();
  phase('server stopped');
  await rm(dataDir, { recursive: true, force: true });
  return result;
}

if (process.argv[2] === '--publisher') {
  process.stdout.write(`${JSON.stringify(await publisher(JSON.parse(process.argv[3] as string) as PublisherPlan))}\n`);
} else {
  const patients = Number(process.env.BENCH_PATIENTS ?? 1000);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
  const rate = Number(process.env.BENCH_RATE ?? 5000);
  const seconds = Number(process.env.BENCH_SECONDS ?? 10);
  const devices = Number(process.env.BENCH_DEVICES ?? 1000);
  const sentinel = Number(process.env.BENCH_SENTINEL ?? 500);
  const monitor = await monitorThroughput(patients, rounds);
  const load = await publishToAlert(rate, seconds, devices, sentinel);
  process.stdout.write(`${JSON.stringify({ bench: 'monitoring', store: 'pglite', monitor, load })}\n`);
}
