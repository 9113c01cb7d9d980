import { Worker } from 'node:worker_threads';
import type { ShardJob, ShardResult } from './shard-runner.ts';

/** Messages between the pool and `trial-worker.ts`. */
export type WorkerRequest = { readonly type: 'shard'; readonly job: ShardJob };
export type WorkerResponse =
  | { readonly type: 'progress'; readonly shardIndex: number; readonly patientsDone: number }
  | { readonly type: 'done'; readonly result: ShardResult }
  | { readonly type: 'error'; readonly shardIndex: number; readonly message: string };

/** The JS shim that registers tsx and then loads the TypeScript worker (Node 20 workers cannot load .ts). */
export const trialWorkerUrl = new URL('./trial-worker.mjs', import.meta.url);

export class TrialAbortedError extends Error {
  constructor() {
    super('trial run interrupted');
    this.name = 'TrialAbortedError';
  }
}

interface Pending {
  readonly job: ShardJob;
  readonly onProgress: (patientsDone: number) => void;
  readonly resolve: (r: ShardResult) => void;
  readonly reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  current: Pending | null;
}

/**
 * A fixed set of worker threads that run shard jobs, one per thread at a time; jobs beyond the thread
 * count wait in FIFO order. Threads are started once (loading the simulator takes about a second) and
 * reused for every shard. A thread that dies fails its job and is replaced.
 */
export class ShardThreadPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private readonly workerUrl: URL;
  private closed = false;

  constructor(size: number, workerUrl: URL = trialWorkerUrl) {
    this.workerUrl = workerUrl;
    for (let i = 0; i < Math.max(1, size); i++) this.slots.push(this.spawn());
  }

  get size(): number {
    return this.slots.length;
  }

  run(job: ShardJob, onProgress: (patientsDone: number) => void = () => {}): Promise<ShardResult> {
    if (this.closed) return Promise.reject(new Error('shard thread pool is closed'));
    return new Promise<ShardResult>((resolve, reject) => {
      this.queue.push({ job, onProgress, resolve, reject });
      this.dispatch();
    });
  }

  /** Terminates every thread; jobs still waiting or running are rejected with `reason`. */
  async close(reason: Error = new Error('shard thread pool closed')): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.queue.splice(0)) p.reject(reason);
    const running = this.slots.map((s) => s.current).filter((p): p is Pending => p !== null);
    for (const s of this.slots) s.current = null;
    for (const p of running) p.reject(reason);
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private spawn(): Slot {
    const slot: Slot = { worker: new Worker(this.workerUrl), current: null };
    const fail = (error: Error): void => {
      const p = slot.current;
      slot.current = null;
      if (this.closed) return;
      p?.reject(error);
      // Replace the dead thread and carry on with the queue.
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots[i] = this.spawn();
      this.dispatch();
    };
    slot.worker.on('message', (msg: WorkerResponse) => {
      const p = slot.current;
      if (!p) return;
      switch (msg.type) {
        case 'progress':
          p.onProgress(msg.patientsDone);
          break;
        case 'done':
          slot.current = null;
          p.resolve(msg.result);
          this.dispatch();
          break;
        case 'error':
          slot.current = null;
          p.reject(new Error(`shard ${msg.shardIndex} failed: ${msg.message}`));
          this.dispatch();
          break;
        default: {
          const unreachable: never = msg;
          fail(new Error(`unexpected worker message ${JSON.stringify(unreachable)}`));
        }
      }
    });
    slot.worker.on('error', (e) => fail(e));
    slot.worker.on('exit', (code) => {
      if (!this.closed && slot.current) fail(new Error(`trial worker exited with code ${code}`));
    });
    return slot;
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (slot.current) continue;
      const p = this.queue.shift()!;
      slot.current = p;
      slot.worker.postMessage({ type: 'shard', job: p.job } satisfies WorkerRequest);
    }
  }
}

export interface ShardPoolHandlers {
  /** Patients finished so far in a running shard (monotone per shard). */
  onProgress(job: ShardJob, patientsDone: number): void;
  /** A shard finished; called once per shard, in completion order. */
  onResult(result: ShardResult): void;
}

/**
 * Runs shard jobs on `size` worker threads until all are done, handing each result over as it
 * completes (for writing to disk at once). An abort signal terminates every thread immediately;
 * finished shards stay finished, running ones are simply redone by the next run.
 */
export async function runShardsOnWorkers(
  jobs: readonly ShardJob[],
  size: number,
  handlers: ShardPoolHandlers,
  signal?: AbortSignal,
  workerUrl: URL = trialWorkerUrl,
): Promise<void> {
  if (jobs.length === 0) return;
  if (signal?.aborted) throw new TrialAbortedError();
  const pool = new ShardThreadPool(Math.min(size, jobs.length), workerUrl);
  const onAbort = (): void => void pool.close(new TrialAbortedError());
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await Promise.all(
      jobs.map((job) =>
        pool
          .run(job, (n) => handlers.onProgress(job, n))
          .then((result) => {
            handlers.onResult(result);
          }),
      ),
    );
  } catch (e) {
    await pool.close(e instanceof Error ? e : new Error(String(e)));
    throw e;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await pool.close();
  }
}
