import { type Job, Queue, QueueEvents, Worker } from 'bullmq';
import { type ShardJob, type ShardResult, shardFormat } from './shard-runner.ts';
import { type ShardPoolHandlers, ShardThreadPool, TrialAbortedError } from './shard-worker-pool.ts';

/**
 * Scale-out over several machines: the same self-contained shard jobs as the local thread pool, put
 * on a Redis-backed BullMQ queue. Any number of `vitaltwin trial worker` processes (each with its own
 * thread pool) take shards; the coordinator (`vitaltwin trial run --queue`) waits for the results and
 * writes them into the output directory exactly as a local run does — same seeds, same merge order,
 * byte-identical summary.
 *
 * Job ids are `<protocol hash>-<shard index>`, so adding a shard that is already queued, running or
 * finished is a no-op: a coordinator restarted after a crash picks up finished results from Redis
 * (kept 7 days) as well as from its directory, and never runs a shard twice at the same time.
 * Failed shards are retried (3 attempts); a coordinator that is interrupted removes its waiting shards.
 */
export interface ShardQueueOptions {
  /** e.g. `redis://127.0.0.1:6379`. */
  readonly redisUrl: string;
  readonly queueName?: string;
  /** Redis key prefix (BullMQ default `bull`). */
  readonly prefix?: string;
}

export const defaultShardQueueName = 'vitaltwin-trial-shards';
const keepSeconds = 7 * 24 * 3600;

function connectionOf(o: ShardQueueOptions) {
  return { connection: { url: o.redisUrl, maxRetriesPerRequest: null }, ...(o.prefix ? { prefix: o.prefix } : {}) };
}

export function shardJobId(job: Pick<ShardJob, 'protocolHash' | 'shardIndex'>): string {
  return `${job.protocolHash}-${job.shardIndex}`;
}

function checkResult(job: ShardJob, r: unknown): ShardResult {
  const result = r as ShardResult;
  if (!result || result.format !== shardFormat || result.protocolHash !== job.protocolHash || result.shardIndex !== job.shardIndex) {
    throw new Error(`queue returned an invalid result for shard ${job.shardIndex}`);
  }
  return result;
}

/** Coordinator side: queues the shards and hands over each result as it arrives. */
export async function runShardsOnQueue(
  jobs: readonly ShardJob[],
  options: ShardQueueOptions,
  handlers: ShardPoolHandlers,
  signal?: AbortSignal,
): Promise<void> {
  if (jobs.length === 0) return;
  if (signal?.aborted) throw new TrialAbortedError();
  const name = options.queueName ?? defaultShardQueueName;
  const queue = new Queue(name, connectionOf(options));
  const events = new QueueEvents(name, connectionOf(options));
  const byId = new Map(jobs.map((j) => [shardJobId(j), j]));
  let added: Job[] = [];
  let onAbort: () => void = () => {};
  try {
    await events.waitUntilReady();
    events.on('progress', ({ jobId, data }) => {
      const j = byId.get(jobId);
      if (j && typeof data === 'number') handlers.onProgress(j, data);
    });
    added = await queue.addBulk(
      jobs.map((j) => ({
        name: 'shard',
        data: j,
        opts: {
          jobId: shardJobId(j),
          attempts: 3,
          backoff: { type: 'fixed', delay: 1000 },
          removeOnComplete: { age: keepSeconds },
          removeOnFail: { age: keepSeconds },
        },
      })),
    );
    // A shard that failed in an earlier run is retried rather than reported as failed again.
    for (const job of added) if ((await job.getState()) === 'failed') await job.retry();
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(new TrialAbortedError());
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    await Promise.race([
      Promise.all(
        added.map(async (job, i) => {
          const result = checkResult(jobs[i]!, await job.waitUntilFinished(events));
          handlers.onResult(result);
        }),
      ),
      aborted,
    ]);
  } catch (e) {
    // Take our shards that no worker has started off the queue; running ones finish and stay in Redis.
    await Promise.all(added.map((job) => job.remove().catch(() => undefined)));
    throw e;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await events.close();
    await queue.close();
  }
}

export interface ShardQueueWorkerOptions extends ShardQueueOptions {
  /** Worker threads (and shards processed at once) on this machine. */
  readonly threads: number;
}

/** Worker side: takes shards from the queue and runs them on a local thread pool until closed. */
export async function startShardQueueWorker(options: ShardQueueWorkerOptions): Promise<{ close(): Promise<void> }> {
  const pool = new ShardThreadPool(options.threads);
  const worker = new Worker(
    options.queueName ?? defaultShardQueueName,
    async (job: Job) => {
      const shard = job.data as ShardJob;
      return pool.run(shard, (n) => {
        job.updateProgress(n).catch(() => undefined);
      });
    },
    { ...connectionOf(options), concurrency: pool.size, lockDuration: 120_000 },
  );
  await worker.waitUntilReady();
  return {
    close: async () => {
      await worker.close();
      await pool.close();
    },
  };
}
