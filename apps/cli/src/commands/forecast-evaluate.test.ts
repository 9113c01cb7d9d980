import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../testing/run-cli.ts';

const clarity = fileURLToPath(new URL('../../../../../shared/data/cgm/cgmquantify_dexcom_g6_clarity_export.csv', import.meta.url));

describe('vitaltwin forecast evaluate', () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'vt-fc-'));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('judges the baselines on the real Clarity export, per horizon', async () => {
    const r = await runCli(['forecast', 'evaluate', '--in', clarity, '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.horizonsMin).toEqual([30, 60, 120]);
    const byId = Object.fromEntries(out.subjects[0].evaluation.forecasters.map((f: { id: string }) => [f.id, f]));
    expect(Object.keys(byId)).toEqual(['persistence', 'ar2', 'oref0']);
    const rmse = (id: string) => byId[id].horizons.map((h: { rmseMgDl: number }) => h.rmseMgDl);
    // Errors grow with the horizon for every baseline; persistence stays within published ranges
    // for real CGM (≈ 20 mg/dL at 30 min), checked loosely here.
    for (const id of ['persistence', 'ar2', 'oref0']) {
      const [a, b, c] = rmse(id);
      expect(a).toBeLessThan(b);
      expect(b).toBeLessThan(c);
    }
    expect(rmse('persistence')[0]).toBeGreaterThan(10);
    expect(rmse('persistence')[0]).toBeLessThan(35);
    // Common alignment: every forecaster scored on the same pairs.
    const n = out.subjects[0].evaluation.forecasters.map((f: { horizons: Array<{ n: number }> }) => f.horizons[0]!.n);
    expect(new Set(n).size).toBe(1);
    // Persistence carries a 90 % interval; coverage is reported.
    expect(byId.persistence.intervalLevel).toBe(0.9);
    expect(byId.persistence.horizons[0].coverage).toBeGreaterThan(0.5);
  });

  it('prints a table per subject and the mean over subjects, for a chosen forecaster list and horizons', async () => {
    const file = join(scratch, 'two.csv');
    const rows = ['id,time,gl'];
    for (const id of ['A', 'B']) {
      for (let i = 0; i < 60; i++) {
        const t = new Date(Date.UTC(2024, 0, 1) + i * 300_000).toISOString();
        rows.push(`${id},${t},${Math.round(120 + 40 * Math.sin(i / 8) + (id === 'B' ? 20 : 0))}`);
      }
    }
    await writeFile(file, `${rows.join('\n')}\n`);
    const r = await runCli(['forecast', 'evaluate', '--in', file, '--forecasters', 'persistence,ar2', '--horizons', '15,30']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('A (60 readings, 60 origins)');
    expect(r.stdout).toContain('B (60 readings, 60 origins)');
    expect(r.stdout).toContain('mean over 2 subjects');
    // 57 origins have a reference 15 min later; AR2 needs two readings, so common alignment drops origin 0.
    expect(r.stdout).toMatch(/^persistence\s+15 min\s+56\s/m);
    expect(r.stdout).toMatch(/^ar2\s+30 min\s/m);
    expect(r.stdout).not.toContain('oref0');
  });

  it('exits 2 for an unknown forecaster or bad horizons', async () => {
    const bogus = await runCli(['forecast', 'evaluate', '--in', clarity, '--forecasters', 'persistence,crystal-ball']);
    expect(bogus.code).toBe(2);
    expect(bogus.stderr).toContain('unknown crystal-ball; known: persistence, ar2, oref0');
    expect((await runCli(['forecast', 'evaluate', '--in', clarity, '--horizons', '30,soon'])).code).toBe(2);
  });
});
