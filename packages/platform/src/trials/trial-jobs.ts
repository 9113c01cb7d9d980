import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ProblemDetail, VitaltwinError } from '@vitaltwin/core';
import type { EventBus } from '../events/event-bus.ts';
import { checkTrialProtocol } from './trial-check.ts';
import { writeFileAtomic } from './trial-directory.ts';
import { runTrial, TrialAbortedError, type TrialProgress } from './trial-runner.ts';

export type TrialJobState = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface TrialJobStatus {
  readonly id: string;
  readonly name: string;
  readonly protocolHash: string;
  readonly state: TrialJobState;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly progress: TrialProgress | null;
  readonly error: { readonly message: string; readonly problems: readonly ProblemDetail[] } | null;
  readonly outDir: string;
}

export type TrialJobEvent =
  | { readonly type: 'progress'; readonly status: TrialJobStatus }
  | { readonly type: 'state'; readonly status: TrialJobStatus };

export interface TrialJobManagerOptions {
  /** Each job writes into `rootDir/<id>` (the same layout as `vitaltwin trial run --out`). */
  readonly rootDir: string;
  readonly workers: number;
  readonly events?: EventBus;
  readonly nowIso?: () => string;
  readonly nowMs?: () => number;
}

/** The manager's own record in each job directory (`job.json`), rewritten on every state change. */
const jobFileFormat = 'vitaltwin.trial-job/1';
const jobFileName = 'job.json';
const terminalStates: readonly TrialJobState[] = ['succeeded', 'failed', 'cancelled'];
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface JobFile {
  readonly format: typeof jobFileFormat;
  readonly status: Omit<TrialJobStatus, 'progress' | 'outDir'>;
  readonly protocol: unknown;
}

interface Job {
  status: TrialJobStatus;
  readonly protocol: unknown;
  readonly listeners: Set<(e: TrialJobEvent) => void>;
  readonly abort: AbortController;
}

/**
 * Trial jobs of the HTTP API: validated on submission (a bad protocol is rejected at once with the
 * JSON-path problems), then run one at a time in submission order (each run already uses every core),
 * with progress fanned out to per-job listeners (SSE) and, throttled to one per second, to the event
 * bus as `trial-progress`. Each job keeps a `job.json` (state, times, protocol) in its result
 * directory, so `restore` finds every job again after a restart: finished ones as they ended, and
 * queued or running ones queued again (a re-run resumes from the shards already on disk).
 */
export class TrialJobManager {
  private readonly options: TrialJobManagerOptions;
  private readonly jobs = new Map<string, Job>();
  private readonly queue: string[] = [];
  private active: string | null = null;
  private lastBusMs = Number.NEGATIVE_INFINITY;
  private idle: Promise<void> = Promise.resolve();
  private stopping = false;

  constructor(options: TrialJobManagerOptions) {
    this.options = options;
  }

  private now(): string {
    return (this.options.nowIso ?? (() => new Date().toISOString()))();
  }

  /** Validates and queues a protocol; throws `VitaltwinError` (VT_ERR_VALIDATION) with JSON paths when invalid. */
  submit(protocolJson: unknown): TrialJobStatus {
    const checked = checkTrialProtocol(protocolJson);
    const id = randomUUID();
    const status: TrialJobStatus = {
      id,
      name: checked.protocol.name,
      protocolHash: checked.protocolHash,
      state: 'queued',
      createdAt: this.now(),
      startedAt: null,
      finishedAt: null,
      progress: null,
      error: null,
      outDir: join(this.options.rootDir, id),
    };
    const job: Job = { status, protocol: protocolJson, listeners: new Set(), abort: new AbortController() };
    this.jobs.set(id, job);
    this.persist(job);
    this.queue.push(id);
    this.pump();
    return status;
  }

  /**
   * Registers the jobs found in `rootDir` that this manager does not know (after a restart), in
   * order of creation; unfinished ones are queued again. Unreadable directories are skipped.
   * Returns how many jobs were restored.
   */
  restore(): number {
    let names: string[];
    try {
      names = readdirSync(this.options.rootDir);
    } catch {
      return 0;
    }
    const found: Job[] = [];
    for (const name of names) {
      if (!uuidPattern.test(name) || this.jobs.has(name)) continue;
      const outDir = join(this.options.rootDir, name);
      let file: JobFile;
      try {
        file = JSON.parse(readFileSync(join(outDir, jobFileName), 'utf8')) as JobFile;
      } catch {
        continue;
      }
      if (file.format !== jobFileFormat || file.status?.id !== name) continue;
      const finished = terminalStates.includes(file.status.state);
      const status: TrialJobStatus = {
        ...file.status,
        ...(finished ? {} : { state: 'queued' as const, startedAt: null }),
        progress: null,
        outDir,
      };
      found.push({ status, protocol: file.protocol, listeners: new Set(), abort: new AbortController() });
    }
    found.sort((a, b) => a.status.createdAt.localeCompare(b.status.createdAt));
    for (const job of found) {
      this.jobs.set(job.status.id, job);
      if (job.status.state === 'queued') this.queue.push(job.status.id);
    }
    this.pump();
    return found.length;
  }

  /** Every job, newest first. */
  list(): TrialJobStatus[] {
    return [...this.jobs.values()].map((j) => j.status).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  /**
   * Cancels a queued or running job (a running one stops after its in-flight shards; its finished
   * shards stay on disk). A job that has already ended is left as it is. Returns the status.
   */
  cancel(id: string): TrialJobStatus {
    const job = this.jobs.get(id);
    if (!job) throw new VitaltwinError('VT_ERR_NOT_FOUND', `no trial job ${id}`);
    if (terminalStates.includes(job.status.state)) return job.status;
    job.abort.abort();
    const queued = this.queue.indexOf(id);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      this.update(job, { state: 'cancelled', finishedAt: this.now() }, 'state');
    }
    return job.status;
  }

  get(id: string): TrialJobStatus | undefined {
    return this.jobs.get(id)?.status;
  }

  /** Status of a job or a 404 error. */
  require(id: string): TrialJobStatus {
    const s = this.get(id);
    if (!s) throw new VitaltwinError('VT_ERR_NOT_FOUND', `no trial job ${id}`);
    return s;
  }

  /** Listens to a job's progress and state changes; returns the unsubscribe function. */
  subscribe(id: string, listener: (e: TrialJobEvent) => void): () => void {
    const job = this.jobs.get(id);
    if (!job) throw new VitaltwinError('VT_ERR_NOT_FOUND', `no trial job ${id}`);
    job.listeners.add(listener);
    return () => job.listeners.delete(listener);
  }

  /**
   * Stops every queued and running job and waits until the running one has stopped. Their records
   * keep the state they had, so `restore` in the next process queues them again.
   */
  async shutdown(): Promise<void> {
    this.stopping = true;
    for (const job of this.jobs.values()) job.abort.abort();
    await this.idle;
  }

  /** Resolves when no job is running or queued. */
  async whenIdle(): Promise<void> {
    await this.idle;
  }

  /** Writes `job.json` (best effort: a job whose record cannot be written still runs). */
  private persist(job: Job): void {
    const { progress: _progress, outDir, ...status } = job.status;
    const file: JobFile = { format: jobFileFormat, status, protocol: job.protocol };
    try {
      mkdirSync(outDir, { recursive: true });
      writeFileAtomic(join(outDir, jobFileName), `${JSON.stringify(file, null, 2)}\n`);
    } catch {
      // The result directory is unwritable: the run itself will report that as its failure.
    }
  }

  private update(job: Job, patch: Partial<TrialJobStatus>, type: TrialJobEvent['type']): void {
    job.status = { ...job.status, ...patch };
    if (type === 'state' && !(this.stopping && job.status.state === 'cancelled')) this.persist(job);
    for (const l of job.listeners) {
      try {
        l({ type, status: job.status });
      } catch {
        // A failing listener (closed stream) must not stop the job.
      }
    }
    const bus = this.options.events;
    if (!bus) return;
    const nowMs = (this.options.nowMs ?? Date.now)();
    if (type === 'progress' && nowMs - this.lastBusMs < 1000) return;
    this.lastBusMs = nowMs;
    bus.publish({
      type: 'trial-progress',
      timeMs: nowMs,
      data: { trialId: job.status.id, name: job.status.name, state: job.status.state, progress: job.status.progress },
    });
  }

  private pump(): void {
    if (this.active !== null) return;
    const id = this.queue.shift();
    if (id === undefined) return;
    const job = this.jobs.get(id)!;
    this.active = id;
    this.idle = this.execute(job).finally(() => {
      this.active = null;
      this.pump();
    });
  }

  private async execute(job: Job): Promise<void> {
    if (job.abort.signal.aborted) {
      this.update(job, { state: 'cancelled', finishedAt: this.now() }, 'state');
      return;
    }
    this.update(job, { state: 'running', startedAt: this.now() }, 'state');
    try {
      await runTrial(job.protocol, {
        outDir: job.status.outDir,
        workers: this.options.workers,
        signal: job.abort.signal,
        onProgress: (progress) => this.update(job, { progress }, 'progress'),
      });
      this.update(job, { state: 'succeeded', finishedAt: this.now() }, 'state');
    } catch (e) {
      if (e instanceof TrialAbortedError) this.update(job, { state: 'cancelled', finishedAt: this.now() }, 'state');
      else {
        const problems = e instanceof VitaltwinError ? e.problems : [];
        const message = e instanceof VitaltwinError ? e.message : 'trial failed (see server log)';
        this.update(job, { state: 'failed', finishedAt: this.now(), error: { message, problems } }, 'state');
      }
    }
  }
}
