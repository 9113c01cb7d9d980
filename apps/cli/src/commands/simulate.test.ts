import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isVitaltwinError } from '@vitaltwin/core';
import { Command } from 'commander';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { UsageError } from '../exit-codes.ts';
import { registerSimulateCommand } from './simulate.ts';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const fixturePath = join(repoRoot, '../shared/fixtures/glucose/adult001_eat5_bolus.csv');
const dir = mkdtempSync(join(tmpdir(), 'vt-simulate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The reference scenario of glucose-model.md §9 for adult#001 (CR = 10 g/U in Quest.csv). */
const section9 = {
  durationMin: 1440,
  basal: 'steady',
  meals: [
    { minute: 420, carbsG: 50 },
    { minute: 720, carbsG: 70 },
    { minute: 1140, carbsG: 80 },
  ],
  boluses: [
    { minute: 420, units: 5 },
    { minute: 720, units: 7 },
    { minute: 1140, units: 8 },
  ],
  mealDelivery: 'eat-rate',
  seed: 1,
};

function writeJson(name: string, value: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(value));
  return file;
}

/** Runs `vitaltwin <args>` in-process with only the simulate command registered; returns stdout. */
async function run(args: string[]): Promise<string> {
  const program = new Command('vitaltwin').exitOverride();
  registerSimulateCommand(program);
  for (const c of program.commands) for (const sub of [c, ...c.commands]) sub.exitOverride();
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    await program.parseAsync(['node', 'vitaltwin', ...args]);
  } finally {
    spy.mockRestore();
  }
  return out;
}

function parseCsv(text: string): { header: string[]; rows: string[][] } {
  const [head, ...rows] = text.trim().split(/\r?\n/);
  return { header: head!.split(','), rows: rows.map((r) => r.split(',')) };
}

describe('vitaltwin simulate glucose', () => {
  it('writes the per-minute CSV matching the simglucose fixture within 0.1 mg/dL', async () => {
    const out = join(dir, 'out.csv');
    await run(['simulate', 'glucose', '--patient', 'adult#001', '--scenario', writeJson('s9.json', section9), '--out', out]);
    const ours = parseCsv(readFileSync(out, 'utf8'));
    const ref = parseCsv(readFileSync(fixturePath, 'utf8'));
    expect(ours.header).toEqual(['minute', 'bg', 'gsub', 'cho_gpm', 'insulin_upm']);
    expect(ours.header).toEqual(ref.header);
    expect(ours.rows).toHaveLength(1441);
    for (let t = 0; t <= 1440; t++) {
      expect(ours.rows[t]![0]).toBe(String(t));
      expect(Math.abs(Number(ours.rows[t]![1]) - Number(ref.rows[t]![1]))).toBeLessThan(0.1);
    }
    expect(ours.rows[1440]!.slice(3)).toEqual(['', '']);
  });

  it('prints a JSON summary with provenance', async () => {
    const summary = JSON.parse(
      await run(['simulate', 'glucose', '--patient', 'adult#001', '--scenario', writeJson('s9b.json', section9), '--json']),
    );
    expect(summary).toMatchObject({
      patient: 'adult#001',
      model: { id: 'uva-padova-t1d-2008' },
      solver: { method: 'rk4', stepsPerMinute: 2 },
      seed: 1,
      durationMin: 1440,
      carbsEatenG: 200,
      output: null,
    });
    expect(summary.bg.samples).toBe(1441);
    expect(summary.bg.minMgDl).toBeLessThan(summary.bg.meanMgDl);
    expect(summary.bg.timeInRangePct).toBeGreaterThan(0);
    expect(summary.provenance.params.name).toBe('adult#001');
    expect(summary.provenance.parameterSource.sha256).toMatch(/^662f3b684d16/);
    expect(summary.provenance.scenario.meals).toHaveLength(3);
  });

  it('adds a cgm column when a sensor is chosen; same seed gives the same readings', async () => {
    const scenario = writeJson('cgm.json', { durationMin: 60, sensor: 'Dexcom', seed: 4 });
    const a = await run(['simulate', 'glucose', '--patient', 'child#003', '--scenario', scenario]);
    const b = await run(['simulate', 'glucose', '--patient', 'child#003', '--scenario', scenario]);
    expect(a).toBe(b);
    const csv = parseCsv(a);
    expect(csv.header).toEqual(['minute', 'bg', 'gsub', 'cgm', 'cho_gpm', 'insulin_upm']);
    expect(csv.rows[1]![3]).toBe(csv.rows[0]![3]);
  });

  it('accepts custom parameters on top of a patient', async () => {
    const params = writeJson('params.json', { kabsPerMin: 0.02 });
    const summary = JSON.parse(
      await run([
        'simulate',
        'glucose',
        '--patient',
        'adult#001',
        '--params',
        params,
        '--scenario',
        writeJson('s9c.json', section9),
        '--json',
      ]),
    );
    expect(summary.patient).toBe('adult#001+custom');
    expect(summary.provenance.params.kabsPerMin).toBe(0.02);
  });

  it('reports an unknown patient with the way to list valid names', async () => {
    const err = await run(['simulate', 'glucose', '--patient', 'adult#1', '--scenario', writeJson('x.json', {})]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(/unknown patient "adult#1".*vitaltwin simulate patients/);
  });

  it('reports every scenario problem with its JSON path', async () => {
    const bad = writeJson('bad.json', {
      meals: [
        { minute: 1, carbsG: 5 },
        { minute: 2, carbsG: -1 },
      ],
      boluses: [{ minute: 2000, units: 1 }],
    });
    const err = await run(['simulate', 'glucose', '--patient', 'adult#001', '--scenario', bad]).catch((e: unknown) => e);
    expect(isVitaltwinError(err)).toBe(true);
    if (!isVitaltwinError(err)) return;
    expect(err.code).toBe('VT_ERR_INVALID_INPUT');
    expect(err.problems.map((p) => `${p.expression}: ${p.message}`)).toEqual([
      'meals[1].carbsG: must be >= 0',
      'boluses[0].minute: beyond durationMin (must be < 1440)',
    ]);
  });

  it('rejects bad solver flags as usage errors', async () => {
    const s = writeJson('ok.json', { durationMin: 5 });
    await expect(run(['simulate', 'glucose', '--patient', 'adult#001', '--scenario', s, '--solver', 'euler'])).rejects.toThrow(UsageError);
    await expect(run(['simulate', 'glucose', '--patient', 'adult#001', '--scenario', s, '--steps-per-minute', '0'])).rejects.toThrow(
      UsageError,
    );
  });
});

describe('vitaltwin simulate patients', () => {
  it('lists the 30 virtual patients', async () => {
    const rows = JSON.parse(await run(['simulate', 'patients', '--json']));
    expect(rows).toHaveLength(30);
    expect(rows.map((r: { name: string }) => r.name)).toContain('adolescent#010');
    expect(rows.find((r: { name: string }) => r.name === 'adult#001')).toMatchObject({ carbRatioGPerU: 10, bodyWeightKg: 102.32 });
    expect(await run(['simulate', 'patients'])).toMatch(/child#003/);
  });
});

describe('the vitaltwin binary', () => {
  it('runs `simulate glucose` end to end from stdin (--scenario -)', async () => {
    const bin = join(repoRoot, 'apps/cli/bin/vitaltwin.js');
    const child = spawn(process.execPath, [bin, 'simulate', 'glucose', '--patient', 'child#003', '--scenario', '-'], { cwd: repoRoot });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.stdin.end(JSON.stringify({ durationMin: 30, meals: [{ minute: 5, carbsG: 20 }] }));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, stderr).toBe(0);
    const csv = parseCsv(stdout);
    expect(csv.header).toEqual(['minute', 'bg', 'gsub', 'cho_gpm', 'insulin_upm']);
    expect(csv.rows).toHaveLength(31);
    expect(csv.rows.slice(5, 10).map((r) => r[3])).toEqual(['5', '5', '5', '5', '0']);
  });
});
