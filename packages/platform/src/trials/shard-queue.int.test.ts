import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShardQueueWorker } from './shard-queue.ts';
import { runTrial } from './trial-runner.ts';

// Needs Redis (VITALTWIN_TEST_REDIS_URL, default the local server): skipped with a printed reason
// when unreachable, failing instead when VITALTWIN_REQUIRE_SERVICES=1.
const redisUrl = process.env.VITALTWIN_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const required = process.env.VITALTWIN_REQUIRE_SERVICES === '1';

function redisReachable(): Promise<boolean> {
  const u = new URL(redisUrl);
  return new Promise((resolve) => {
    const socket = createConnection({ host: u.hostname, port: Number(u.port || 6379) });
    socket.setTimeout(1500);
    socket.once('connect', () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

const reachable = await redisReachable();
if (!reachable) {
  if (required) throw new Error(`shard queue: Redis not reachable at ${redisUrl}, and VITALTWIN_REQUIRE_SERVICES=1`);
  console.warn(`skipping shard queue tests: Redis not reachable at ${redisUrl}`);
}

describe.runIf(reachable)('trial shards over a Redis/BullMQ queue', () => {
  const root = mkdtempSync(join(tmpdir(), 'vt-trial-queue-'));
  const queueName = `vt-test-${randomBytes(6).toString('hex')}`;
  let worker: { close(): Promise<void> } | undefined;
  const protocol = {
    name: 'queue',
    population: { source: 'simglucose', groups: ['adolescent', 'child'] },
    days: 1,
    seed: 8,
    shardSize: 4,
    arms: [
      { name: 'bb', controller: { type: 'basal-bolus' } },
      { name: 'pid', controller: { type: 'pid' } },
    ],
  };

  beforeAll(async () => {
    worker = await startShardQueueWorker({ redisUrl, queueName, threads: 2 });
  });
  afterAll(async () => {
    await worker?.close();
    const q = new Queue(queueName, { connection: { url: redisUrl, maxRetriesPerRequest: null } });
    await q.obliterate({ force: true });
    await q.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('gives the same bytes as a local run, and a second coordinator gets the finished shards from Redis', async () => {
    const viaQueue = await runTrial(protocol, { outDir: join(root, 'queue'), workers: 0, queue: { redisUrl, queueName } });
    expect(viaQueue.shardsRun).toBe(5);
    await runTrial(protocol, { outDir: join(root, 'local'), workers: 2 });
    for (const f of ['summary.json', 'patients.csv', 'report.html']) {
      expect(readFileSync(join(root, 'queue', f), 'utf8'), f).toBe(readFileSync(join(root, 'local', f), 'utf8'));
    }
    // A coordinator with an empty directory: the jobs are already completed in Redis, nothing is re-simulated.
    await worker!.close();
    worker = undefined;
    const again = await runTrial(protocol, { outDir: join(root, 'again'), workers: 0, queue: { redisUrl, queueName } });
    expect(readFileSync(join(root, 'again', 'summary.json'), 'utf8')).toBe(readFileSync(join(root, 'local', 'summary.json'), 'utf8'));
    expect(again.shardsRun).toBe(5);
  });
});
