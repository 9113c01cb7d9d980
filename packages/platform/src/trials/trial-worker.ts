import { parentPort } from 'node:worker_threads';
import { loadUvaPadovaData } from '../sim-data/uva-padova-data.ts';
import { ShardRunner } from './shard-runner.ts';
import type { WorkerRequest, WorkerResponse } from './shard-worker-pool.ts';

// Worker-thread entry (loaded through trial-worker.mjs): runs the shards it is sent, one at a time,
// reporting each finished patient and the shard result.
const port = parentPort;
if (!port) throw new Error('trial-worker must run in a worker thread');
const runner = new ShardRunner(loadUvaPadovaData());
port.on('message', (msg: WorkerRequest) => {
  const { job } = msg;
  try {
    const result = runner.run(job, (patientsDone) =>
      port.postMessage({ type: 'progress', shardIndex: job.shardIndex, patientsDone } satisfies WorkerResponse),
    );
    port.postMessage({ type: 'done', result } satisfies WorkerResponse);
  } catch (e) {
    port.postMessage({
      type: 'error',
      shardIndex: job.shardIndex,
      message: e instanceof Error ? e.message : String(e),
    } satisfies WorkerResponse);
  }
});
