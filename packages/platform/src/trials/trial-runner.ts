import { loadUvaPadovaData, type UvaPadovaData } from '../sim-data/uva-padova-data.ts';
import { AgpHistogram } from './agp-histogram.ts';
import { patientsCsvHeader, patientsCsvRows } from './patients-csv.ts';
import { renderTrialReportHtml } from './report/trial-report-html.ts';
import { runShardsOnQueue, type ShardQueueOptions } from './shard-queue.ts';
import { type PatientResult, type ShardJob, type ShardResult, ShardRunner } from './shard-runner.ts';
import { runShardsOnWorkers, TrialAbortedError } from './shard-worker-pool.ts';
import { TrialDirectory } from './trial-directory.ts';
import { patientDaysOf, planShards } from './trial-plan.ts';
import { TrialPopulation } from './trial-population.ts';
import { parseTrialProtocol, protocolHash } from './trial-protocol.ts';
import type { TrialProtocol } from './trial-protocol-schema.ts';
import { buildTrialSummary, selectedEndpoints, summaryJson, type TrialSummary } from './trial-summary.ts';

export interface TrialProgress {
  readonly phase: 'running' | 'aggregating' | 'done';
  readonly patientsDone: number;
  readonly patientsTotal: number;
  readonly shardsDone: number;
  readonly shardsTotal: number;
  /** Shards found finished on disk at the start (resume). */
  readonly shardsSkipped: number;
  readonly patientDaysDone: number;
  readonly patientDaysTotal: number;
  readonly elapsedMs: number;
  /** Remaining time extrapolated from this run's simulation rate; null before the first patient. */
  readonly etaMs: number | null;
}

export interface TrialRunOptions {
  readonly outDir: string;
  /** Worker threads; 0 runs the shards in this thread (tests, profiling). Ignored with `queue`. */
  readonly workers: number;
  /** Run the shards on `vitaltwin trial worker` processes through a Redis/BullMQ queue instead. */
  readonly queue?: ShardQueueOptions;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: TrialProgress) => void;
  /** Monotonic milliseconds (default `performance.now`); wall-clock ISO time for run.json (default `Date`). */
  readonly clockMs?: () => number;
  readonly wallClockIso?: () => string;
  readonly data?: UvaPadovaData;
}

export interface TrialRunResult {
  readonly outDir: string;
  readonly protocolHash: string;
  readonly summary: TrialSummary;
  readonly shardsRun: number;
  readonly shardsSkipped: number;
  readonly patientDaysRun: number;
  readonly elapsedMs: number;
  readonly patientDaysPerSec: number;
}

export { TrialAbortedError };

/**
 * Runs (or resumes) a trial into `outDir`: validates the protocol, plans patient shards, runs the
 * unfinished ones on a worker pool while writing each shard result as soon as it completes, then
 * merges the shards in index order into summary.json, patients.csv and report.html. Interrupting
 * (abort signal, Ctrl-C in the CLI) leaves every finished shard on disk; the same call resumes.
 */
export async function runTrial(protocolJson: unknown, options: TrialRunOptions): Promise<TrialRunResult> {
  const clock = options.clockMs ?? (() => performance.now());
  const wall = options.wallClockIso ?? (() => new Date().toISOString());
  const startedAt = wall();
  const t0 = clock();
  const protocol = parseTrialProtocol(protocolJson);
  const hash = protocolHash(protocol);
  const data = options.data ?? loadUvaPadovaData();
  const population = new TrialPopulation(protocol, data);
  const dir = new TrialDirectory(options.outDir);
  dir.prepare(protocol, hash);
  const shards = planShards(protocol, population.size);
  const finished = dir.finishedShards(hash);
  const todo = shards.filter((s) => !finished.has(s.shardIndex));
  const jobs: ShardJob[] = todo.map((s) => ({ protocol, protocolHash: hash, ...s }));

  const patientsTotal = population.size;
  const patientDaysTotal = patientDaysOf(protocol, patientsTotal);
  let patientsDone = shards.filter((s) => finished.has(s.shardIndex)).reduce((n, s) => n + s.patientEnd - s.patientStart, 0);
  let shardsDone = finished.size;
  let patientDaysRun = 0;
  const running = new Map<number, number>();
  const perPatientDays = patientDaysOf(protocol, 1);
  const report = (phase: TrialProgress['phase']): void => {
    if (!options.onProgress) return;
    let inFlight = 0;
    for (const v of running.values()) inFlight += v;
    const elapsedMs = clock() - t0;
    const doneNow = patientsDone + inFlight;
    const ranDays = patientDaysRun + inFlight * perPatientDays;
    const remainingDays = patientDaysTotal - doneNow * perPatientDays;
    const etaMs = ranDays > 0 ? (remainingDays * elapsedMs) / ranDays : null;
    options.onProgress({
      phase,
      patientsDone: doneNow,
      patientsTotal,
      shardsDone,
      shardsTotal: shards.length,
      shardsSkipped: finished.size,
      patientDaysDone: doneNow * perPatientDays,
      patientDaysTotal,
      elapsedMs,
      etaMs: phase === 'running' ? etaMs : 0,
    });
  };
  const onResult = (r: ShardResult): void => {
    dir.writeShard(r);
    running.delete(r.shardIndex);
    patientsDone += r.patientEnd - r.patientStart;
    patientDaysRun += r.patientDays;
    shardsDone += 1;
    report('running');
  };
  report('running');
  const handlers = {
    onProgress: (job: ShardJob, n: number) => {
      running.set(job.shardIndex, n);
      report('running');
    },
    onResult,
  };
  if (options.queue) {
    await runShardsOnQueue(jobs, options.queue, handlers, options.signal);
  } else if (options.workers <= 0) {
    const runner = new ShardRunner(data);
    for (const job of jobs) {
      if (options.signal?.aborted) throw new TrialAbortedError();
      onResult(
        runner.run(job, (n) => {
          running.set(job.shardIndex, n);
        }),
      );
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } else {
    await runShardsOnWorkers(jobs, options.workers, handlers, options.signal);
  }

  report('aggregating');
  const summary = aggregate(protocol, hash, shards.length, dir, data, options.outDir);
  const elapsedMs = clock() - t0;
  const patientDaysPerSec = elapsedMs > 0 ? (patientDaysRun * 1000) / elapsedMs : 0;
  dir.writeText(
    'run.json',
    `${JSON.stringify({ startedAt, finishedAt: wall(), workers: options.workers, shardsRun: jobs.length, shardsSkipped: finished.size, patientDaysRun, elapsedMs: Math.round(elapsedMs), patientDaysPerSec: Math.round(patientDaysPerSec) }, null, 2)}\n`,
  );
  report('done');
  return {
    outDir: options.outDir,
    protocolHash: hash,
    summary,
    shardsRun: jobs.length,
    shardsSkipped: finished.size,
    patientDaysRun,
    elapsedMs,
    patientDaysPerSec,
  };
}

function aggregate(
  protocol: TrialProtocol,
  hash: string,
  shardCount: number,
  dir: TrialDirectory,
  data: UvaPadovaData,
  outDir: string,
): TrialSummary {
  const endpoints = selectedEndpoints(protocol);
  const patients: PatientResult[] = [];
  const agp = new Map(protocol.arms.map((a) => [a.name, new AgpHistogram()]));
  let patientDays = 0;
  let csv = patientsCsvHeader(endpoints);
  for (let i = 0; i < shardCount; i++) {
    const r = dir.readShard(i);
    if (!r || r.protocolHash !== hash) throw new Error(`shard ${i} missing in ${outDir}`);
    patients.push(...r.patients);
    csv += patientsCsvRows(r.patients, endpoints);
    patientDays += r.patientDays;
    for (const [arm, text] of Object.entries(r.agp)) agp.get(arm)?.merge(AgpHistogram.decode(text));
  }
  const provenance = {
    engine: 'vitaltwin trial engine 1 (control loop: model + CGM + controller + pump, 1-minute steps)',
    seed: protocol.seed,
    population: protocol.population,
    scenario: protocol.scenario,
    sensor: protocol.sensor,
    pump: protocol.pump,
    solver: protocol.solver,
    commonRandomNumbers: protocol.commonRandomNumbers,
    dataSha256: data.sha256,
  };
  const summary = buildTrialSummary(protocol, hash, patients, patientDays, provenance);
  dir.writeText('summary.json', summaryJson(summary));
  dir.writeText('patients.csv', csv);
  dir.writeText('report.html', renderTrialReportHtml(protocol, summary, agp, patients));
  return summary;
}
