import { describe, expect, it } from 'vitest';
import { runCli } from '../testing/run-cli.ts';

interface Horizon {
  horizonMin: number;
  rmseMgDl: number;
  coverage: number;
  clarkePercent: { A: number };
}

describe('vitaltwin forecast evaluate --simulated', () => {
  it('judges the twin against the baselines on simulated patients (JSON)', async () => {
    const r = await runCli([
      'forecast',
      'evaluate',
      '--simulated',
      '--patients',
      'adult#001,child#004',
      '--days',
      '1',
      '--seed',
      '7',
      '--horizons',
      '30,60',
      '--forecasters',
      'persistence,ar2',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as {
      simulated: boolean;
      days: number;
      patients: { patient: string; prior: string }[];
      average: { id: string; intervalLevel?: number; horizons: Horizon[] }[];
      provenance: { twin: { id: string }; seed: number };
    };
    expect(out.simulated).toBe(true);
    expect(out.patients.map((p) => p.patient)).toEqual(['adult#001', 'child#004']);
    expect(out.patients[0]!.prior).toBe('adult#mean-without-adult#001');
    expect(out.average.map((f) => f.id)).toEqual(['twin', 'persistence', 'ar2']);
    const twin = out.average[0]!;
    expect(twin.intervalLevel).toBe(0.9);
    expect(twin.horizons.map((h) => h.horizonMin)).toEqual([30, 60]);
    for (const h of twin.horizons) {
      expect(h.rmseMgDl).toBeGreaterThan(0);
      expect(h.coverage).toBeGreaterThan(0.5);
    }
    expect(out.provenance).toMatchObject({ twin: { id: 'vitaltwin-glucose-twin' }, seed: 7 });
  });

  it('prints per-patient tables and the cohort mean', async () => {
    const r = await runCli(['forecast', 'evaluate', '--simulated', '--patients', 'adolescent#002', '--days', '1', '--horizons', '30']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('adolescent#002 (prior adolescent#mean-without-adolescent#002');
    expect(r.stdout).toContain('mean over 1 simulated patients');
    expect(r.stdout).toMatch(/twin\s+30 min/);
  });

  it('needs exactly one of --in and --simulated, and known patients', async () => {
    const neither = await runCli(['forecast', 'evaluate']);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toContain("required option '--in <file>' not specified (or give --simulated)");
    const unknown = await runCli(['forecast', 'evaluate', '--simulated', '--patients', 'adult#099']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--patients: unknown adult#099');
  });
});
