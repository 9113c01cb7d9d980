import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ProblemDetail } from '@vitaltwin/core';

/**
 * Runs the R4 validator in worker threads, so bulk imports validate the next batch while the
 * current one is written (the validator is the costliest step of an import: about 0.25 ms per
 * Synthea resource on one core). Each worker indexes the definitions once (~0.6 s, ~60 MB).
 * Workers are unref'd: an idle pool never keeps the process alive; `close()` ends them.
 */
export class ValidationPool {
  private readonly workers: Worker[] = [];
  private readonly outstanding = new Map<Worker, number>();
  private readonly pending = new Map<number, { resolve: (r: ProblemDetail[][]) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private turn = 0;

  constructor(size = defaultPoolSize()) {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(new URL('./validation-worker.mjs', import.meta.url));
      worker.unref();
      worker.on('message', (m: { id: number; results: ProblemDetail[][] }) => {
        this.pending.get(m.id)?.resolve(m.results);
        this.pending.delete(m.id);
      });
      worker.on('error', (error) => {
        for (const p of this.pending.values()) p.reject(error);
        this.pending.clear();
      });
      this.workers.push(worker);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  /** The validator's error problems for each resource, in order (empty when valid). */
  async validate(resources: readonly unknown[]): Promise<ProblemDetail[][]> {
    if (this.workers.length === 0 || resources.length === 0) return resources.map(() => []);
    const share = Math.ceil(resources.length / this.workers.length);
    const parts: Promise<ProblemDetail[][]>[] = [];
    for (let start = 0; start < resources.length; start += share) {
      const worker = this.workers[this.turn++ % this.workers.length]!;
      const id = this.nextId++;
      this.hold(worker, +1);
      parts.push(
        new Promise<ProblemDetail[][]>((resolve, reject) => {
          this.pending.set(id, { resolve, reject });
          worker.postMessage({ id, resources: resources.slice(start, start + share) });
        }).finally(() => this.hold(worker, -1)),
      );
    }
    return (await Promise.all(parts)).flat();
  }

  /** Keeps the process alive while a worker has work in flight, and only then. */
  private hold(worker: Worker, delta: number): void {
    const before = this.outstanding.get(worker) ?? 0;
    const after = before + delta;
    this.outstanding.set(worker, after);
    if (before === 0 && after > 0) worker.ref();
    if (before > 0 && after === 0) worker.unref();
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers.length = 0;
  }
}

/**
 * Validator threads for the cores left over once the main thread (parsing, index extraction) and the
 * database (PGlite's own thread, or the PostgreSQL server) have one each, at most two. On two cores
 * that is none: with the fast-path validator a worker costs more in hand-offs than it saves
 * (bench/fhir-import.bench.ts, 2 cores: inline 3,321 vs pool 2,767 resources/s on PGlite, 4,834 vs
 * 3,977 on PostgreSQL).
 */
export function defaultPoolSize(): number {
  return Math.max(0, Math.min(2, availableParallelism() - 2));
}
