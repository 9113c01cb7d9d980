import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isVitaltwinError } from '@vitaltwin/core';
import { afterAll, describe, expect, it } from 'vitest';
import { runTrial, TrialAbortedError } from './trial-runner.ts';
import type { TrialSummary } from './trial-summary.ts';

// Worker threads and files: an integration test, but it needs no external service.
const root = mkdtempSync(join(tmpdir(), 'vt-trial-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const base = {
  name: 'int',
  design: 'crossover',
  population: { source: 'simglucose' },
  days: 2,
  seed: 99,
  shardSize: 5,
  arms: [
    { name: 'bb', controller: { type: 'basal-bolus' } },
    { name: 'cr08', controller: { type: 'basal-bolus', crScale: 0.8 } },
  ],
};

const read = (dir: string, file: string): string => readFileSync(join(dir, file), 'utf8');
const summaryOf = (dir: string): TrialSummary => JSON.parse(read(dir, 'summary.json')) as TrialSummary;

describe('runTrial', () => {
  it('gives byte-identical results with 1 and 2 workers (and in-thread)', async () => {
    const dirs = [0, 1, 2].map((w) => join(root, `det-${w}`));
    for (const [w, dir] of dirs.entries()) await runTrial(base, { outDir: dir, workers: w });
    for (const file of ['summary.json', 'patients.csv', 'report.html']) {
      expect(read(dirs[1]!, file), file).toBe(read(dirs[2]!, file));
      expect(read(dirs[0]!, file), file).toBe(read(dirs[2]!, file));
    }
    const s = summaryOf(dirs[2]!);
    expect(s.arms.map((a) => [a.name, a.n])).toEqual([
      ['bb', 30],
      ['cr08', 30],
    ]);
    expect(s.endpointSignal).toBe('cgm');
    const tir = s.comparisons.find((c) => c.endpoint === 'tir')!;
    expect(tir).toMatchObject({ arms: ['cr08', 'bb'], paired: true, test: 'paired-t', ciMethod: 't' });
    expect(tir.ci95[0]).toBeLessThanOrEqual(tir.meanDiff);
    expect(tir.ci95[1]).toBeGreaterThanOrEqual(tir.meanDiff);
    expect(s.arms[0]!.endpoints['tir']!.ci95).toHaveLength(2);
    // Planning for a real trial: crossover (pairs) and parallel (per arm) at 80 and 90 % power.
    expect(tir.planning.design).toBe('paired');
    expect(tir.planning.sampleSize.map((r) => r.power)).toEqual([0.8, 0.9]);
    const [n80, n90] = tir.planning.sampleSize.map((r) => r.n!);
    expect(n90!).toBeGreaterThanOrEqual(n80!);
    expect(tir.planning.parallelSampleSize![0]!.n!).toBeGreaterThan(n80!);
    expect(s.provenance).toMatchObject({ model: { id: 'uva-padova-t1d-2008' }, seed: 99, solver: { method: 'rk4', stepsPerMinute: 1 } });
    expect(read(dirs[2]!, 'patients.csv').trim().split('\n')).toHaveLength(1 + 60);
    // Self-contained report: AGP per arm, forest plot, distributions, endpoint table; no scripts or links.
    const html = read(dirs[2]!, 'report.html');
    for (const label of [
      'aria-label="AGP bb"',
      'aria-label="AGP cr08"',
      'aria-label="Forest plot cr08 vs bb"',
      'aria-label="TIR 70–180"',
      'Endpoints by arm',
    ]) {
      expect(html).toContain(label);
    }
    expect(html).not.toMatch(/<script|<link|src="http/);
  });

  it('finds no difference between identical arms', async () => {
    const same = { ...base, arms: [base.arms[0]!, { ...base.arms[0]!, name: 'bb-again' }] };
    const crn = await runTrial(same, { outDir: join(root, 'same-crn'), workers: 2 });
    for (const c of crn.summary.comparisons) {
      expect(c.meanDiff, c.endpoint).toBe(0);
      expect(c.pValue, c.endpoint).toBe(1);
    }
    // Without common random numbers the arms see different meals and noise: still no significant difference.
    const independent = await runTrial({ ...same, commonRandomNumbers: false, days: 3 }, { outDir: join(root, 'same-indep'), workers: 2 });
    const tir = independent.summary.comparisons.find((c) => c.endpoint === 'tir')!;
    expect(tir.meanDiff).not.toBe(0);
    expect(tir.pValue).toBeGreaterThan(0.05);
    expect(tir.significant).toBe(false);
  });

  it('shows higher TIR with meal boluses than without on the 30 patients', async () => {
    const p = {
      ...base,
      days: 3,
      arms: [
        { name: 'no-bolus', controller: { type: 'basal-bolus', mealBolus: false, correction: 'none' } },
        { name: 'bolus', controller: { type: 'basal-bolus' } },
      ],
      analysis: { test: 'rank' },
    };
    const r = await runTrial(p, { outDir: join(root, 'bolus'), workers: 2 });
    const tir = r.summary.comparisons.find((c) => c.endpoint === 'tir')!;
    expect(tir.arms).toEqual(['bolus', 'no-bolus']);
    expect(tir.meanDiff).toBeGreaterThan(20);
    expect(tir.ci95[0]).toBeGreaterThan(0);
    expect(tir.test).toBe('wilcoxon-signed-rank');
    expect(tir.pValue).toBeLessThan(0.001);
    const insulin = r.summary.comparisons.find((c) => c.endpoint === 'insulinPerDay')!;
    expect(insulin.meanDiff).toBeGreaterThan(0);
  });

  it('resumes after an interruption and ends with the same result as an uninterrupted run', async () => {
    const dir = join(root, 'resume');
    const controller = new AbortController();
    await expect(
      runTrial(base, {
        outDir: dir,
        workers: 1,
        signal: controller.signal,
        onProgress: (p) => {
          if (p.shardsDone >= 2) controller.abort();
        },
      }),
    ).rejects.toBeInstanceOf(TrialAbortedError);
    const saved = readdirSync(join(dir, 'shards')).filter((f) => f.endsWith('.json'));
    expect(saved.length).toBeGreaterThanOrEqual(2);
    expect(saved.length).toBeLessThan(6);
    const resumed = await runTrial(base, { outDir: dir, workers: 2 });
    expect(resumed.shardsSkipped).toBe(saved.length);
    expect(resumed.shardsRun).toBe(6 - saved.length);
    expect(read(dir, 'summary.json')).toBe(read(join(root, 'det-2'), 'summary.json'));
  });

  it('refuses a directory that holds another protocol', async () => {
    const error = await runTrial({ ...base, seed: 100 }, { outDir: join(root, 'det-2'), workers: 0 }).catch((e: unknown) => e);
    expect(isVitaltwinError(error) && error.code).toBe('VT_ERR_CONFLICT');
  });

  it('runs a generated cohort in a parallel design with balanced allocation', async () => {
    const p = {
      name: 'gen',
      design: 'parallel',
      population: { source: 'generated', n: 16, seed: 3, fit: 'pooled' },
      days: 1,
      seed: 5,
      arms: [
        { name: 'bb', controller: { type: 'basal-bolus' } },
        { name: 'pid', controller: { type: 'pid' } },
      ],
      analysis: { ci: 'bootstrap', bootstrapResamples: 500 },
    };
    const r = await runTrial(p, { outDir: join(root, 'gen'), workers: 2 });
    expect(r.summary.arms.map((a) => a.n)).toEqual([8, 8]);
    const tir = r.summary.comparisons.find((c) => c.endpoint === 'tir')!;
    expect(tir).toMatchObject({ paired: false, test: 'welch-t', ciMethod: 'bootstrap' });
    expect(tir.tests.rank.name).toBe('mann-whitney-u');
    expect(read(join(root, 'gen'), 'patients.csv')).toContain('virtual-');
  });
});
