import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TrialJobManager } from './trial-jobs.ts';

const protocol = {
  name: 'restore-test',
  population: { source: 'generated', n: 24, seed: 11 },
  days: 2,
  seed: 4,
  shardSize: 2,
  arms: [
    { name: 'bb', controller: { type: 'basal-bolus' } },
    { name: 'pid', controller: { type: 'pid' } },
  ],
};

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('TrialJobManager', () => {
  it('stops jobs on shutdown without ending them, and a new manager resumes them from their shards', async () => {
    const rootDir = mkdtempSync(join(tmpdir(), 'vt-trial-jobs-'));
    dirs.push(rootDir);
    const first = new TrialJobManager({ rootDir, workers: 1 });
    const job = first.submit(protocol);
    const queued = first.submit({ ...protocol, name: 'second' });
    // Stop once a few shards are on disk.
    await new Promise<void>((resolve) => {
      const off = first.subscribe(job.id, (e) => {
        if ((e.status.progress?.shardsDone ?? 0) >= 3) {
          off();
          resolve();
        }
      });
    });
    await first.shutdown();
    const shardsOnDisk = readdirSync(join(rootDir, job.id, 'shards')).length;
    expect(shardsOnDisk).toBeGreaterThanOrEqual(3);
    expect(existsSync(join(rootDir, job.id, 'summary.json'))).toBe(false);

    const second = new TrialJobManager({ rootDir, workers: 1 });
    expect(second.restore()).toBe(2);
    expect(second.list().map((s) => [s.name, s.state])).toEqual([
      ['second', 'queued'],
      ['restore-test', 'running'],
    ]);
    await second.whenIdle();
    await second.whenIdle();
    const resumed = second.list().find((s) => s.id === job.id)!;
    expect(resumed.state).toBe('succeeded');
    expect(resumed.progress?.shardsSkipped).toBe(shardsOnDisk);
    expect(second.list().find((s) => s.id === queued.id)!.state).toBe('succeeded');
    expect(existsSync(join(rootDir, job.id, 'summary.json'))).toBe(true);

    // Ended jobs come back as they ended and are not run again.
    const third = new TrialJobManager({ rootDir, workers: 1 });
    expect(third.restore()).toBe(2);
    expect(third.list().map((s) => s.state)).toEqual(['succeeded', 'succeeded']);
  }, 120_000);

  it('cancels a queued job at once and leaves an ended one unchanged', async () => {
    const rootDir = mkdtempSync(join(tmpdir(), 'vt-trial-jobs-'));
    dirs.push(rootDir);
    const m = new TrialJobManager({ rootDir, workers: 1 });
    const running = m.submit(protocol);
    const queued = m.submit({ ...protocol, name: 'queued' });
    expect(m.cancel(queued.id).state).toBe('cancelled');
    m.cancel(running.id);
    await m.whenIdle();
    expect(m.get(running.id)!.state).toBe('cancelled');
    expect(m.cancel(running.id).state).toBe('cancelled');
    const restored = new TrialJobManager({ rootDir, workers: 1 });
    restored.restore();
    expect(restored.list().map((s) => s.state)).toEqual(['cancelled', 'cancelled']);
    await restored.whenIdle();
  }, 120_000);
});
