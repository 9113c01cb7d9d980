import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCgmSensorParamsCsv, parseQuestCsv, parseUvaPadovaParamsCsv, simulateCgmDataset } from '@vitaltwin/sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../testing/run-cli.ts';

const clarity = fileURLToPath(new URL('../../../../../shared/data/cgm/cgmquantify_dexcom_g6_clarity_export.csv', import.meta.url));
const dataDir = new URL('../../../../packages/sim/data/uva-padova/', import.meta.url);
const csv = (file: string) => readFileSync(new URL(file, dataDir), 'utf8');

const options = [
  { label: 'bolus 1 U now', boluses: [{ inMin: 0, units: 1 }] },
  { label: 'bolus 3 U now', boluses: [{ inMin: 0, units: 3 }] },
  { label: '60 g meal in 30 min', meals: [{ inMin: 30, carbsG: 60 }] },
];

interface WhatIfJson {
  subjectId: string;
  readings: number;
  outcomes: { label: string; bands: { timesMin: number[]; p50: number[] }; risk: { pBelow70: number; minutesBelow70: number } }[];
  provenance: { twin: { id: string }; seed: number };
}

describe('vitaltwin twin whatif', () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'vt-twin-'));
    // A simulated adult as files: generic CGM CSV (30 h) and its treatment log JSON.
    const name = 'adult#005';
    const ds = simulateCgmDataset(parseUvaPadovaParamsCsv(csv('vpatient_params.csv')).find((p) => p.name === name)!, {
      days: 2,
      seed: 12,
      sensor: parseCgmSensorParamsCsv(csv('sensor_params.csv')).find((s) => s.name === 'GuardianRT')!,
      therapy: parseQuestCsv(csv('Quest.csv')).find((t) => t.name === name)!,
    });
    const t0 = Date.UTC(2026, 1, 1);
    const iso = (m: number) => new Date(t0 + m * 60_000).toISOString();
    const end = 30 * 60;
    const rows = ['id,time,gl'];
    for (let i = 0; i < ds.cgm.timeMin.length && ds.cgm.timeMin[i]! <= end; i++)
      rows.push(`sim,${iso(ds.cgm.timeMin[i]!)},${ds.cgm.glucoseMgDl[i]!.toFixed(0)}`);
    await writeFile(join(scratch, 'cgm.csv'), `${rows.join('\n')}\n`);
    const log = {
      basal: ds.log.basal.map((b) => ({ time: iso(b.timeMin), uPerH: b.uPerH })),
      boluses: ds.log.boluses.filter((b) => b.timeMin <= end).map((b) => ({ time: iso(b.timeMin), units: b.units })),
      meals: ds.log.meals.filter((m) => m.timeMin <= end).map((m) => ({ time: iso(m.timeMin), carbsG: m.grams })),
    };
    await writeFile(join(scratch, 'log.json'), JSON.stringify(log));
    await writeFile(join(scratch, 'options.json'), JSON.stringify({ options }));
    await writeFile(join(scratch, 'bad-options.json'), JSON.stringify([{ label: 'x', meals: [{ inMin: 10, carbsG: -5 }] }]));
    await writeFile(join(scratch, 'bad-log.json'), JSON.stringify({ boluses: [{ time: 'yesterday', units: 2 }] }));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('compares options in a readable table and writes the bands as CSV', async () => {
    const out = join(scratch, 'bands.csv');
    const r = await runCli([
      'twin',
      'whatif',
      '--cgm',
      join(scratch, 'cgm.csv'),
      '--log',
      join(scratch, 'log.json'),
      '--options',
      join(scratch, 'options.json'),
      '--out',
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^glucose twin of sim: \d+ CGM readings, \d+ boluses, \d+ meals/);
    for (const label of ['no change', ...options.map((o) => o.label)]) expect(r.stdout).toContain(label);
    expect(r.stdout).toContain('P<70');
    const bands = (await readFile(out, 'utf8')).trim().split('\n');
    expect(bands[0]).toBe('label,minute,time,p5,p25,p50,p75,p95');
    expect(bands).toHaveLength(1 + 4 * 49);
  });

  it('prints JSON in which more insulin means a lower median and more time below 70', async () => {
    const r = await runCli([
      'twin',
      'whatif',
      '--cgm',
      join(scratch, 'cgm.csv'),
      '--log',
      join(scratch, 'log.json'),
      '--options',
      join(scratch, 'options.json'),
      '--json',
      '--seed',
      '4',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const body = JSON.parse(r.stdout) as WhatIfJson;
    expect(body.provenance).toMatchObject({ twin: { id: 'vitaltwin-glucose-twin' }, seed: 4 });
    const [none, one, three] = body.outcomes;
    expect(one!.bands.p50[24]!).toBeLessThan(none!.bands.p50[24]!);
    expect(three!.bands.p50[24]!).toBeLessThan(one!.bands.p50[24]!);
    expect(three!.risk.minutesBelow70).toBeGreaterThanOrEqual(one!.risk.minutesBelow70);
  });

  it('works on a real Dexcom Clarity export without a log, warning that the basal is assumed', async () => {
    const r = await runCli([
      'twin',
      'whatif',
      '--cgm',
      clarity,
      '--options',
      join(scratch, 'options.json'),
      '--horizon',
      '120',
      '--members',
      '50',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('no basal rate in the log');
    expect(r.stdout).toContain('bolus 3 U now');
  });

  it('exits 1 naming the JSON path of a bad option or log entry, and 2 for bad flags', async () => {
    const bad = await runCli(['twin', 'whatif', '--cgm', join(scratch, 'cgm.csv'), '--options', join(scratch, 'bad-options.json')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('options[0].meals[0].carbsG');
    const badLog = await runCli([
      'twin',
      'whatif',
      '--cgm',
      join(scratch, 'cgm.csv'),
      '--log',
      join(scratch, 'bad-log.json'),
      '--options',
      join(scratch, 'options.json'),
    ]);
    expect(badLog.code).toBe(1);
    expect(badLog.stderr).toContain('boluses[0].time');
    const flags = await runCli([
      'twin',
      'whatif',
      '--cgm',
      join(scratch, 'cgm.csv'),
      '--options',
      join(scratch, 'options.json'),
      '--members',
      '3',
    ]);
    expect(flags.code).toBe(2);
    expect(flags.stderr).toContain('--members must be an integer in [10, 2000]');
    const missing = await runCli(['twin', 'whatif', '--cgm', join(scratch, 'cgm.csv')]);
    expect(missing.code).toBe(2);
  });
});
