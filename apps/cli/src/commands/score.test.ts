import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCsv } from '@vitaltwin/core';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../testing/run-cli.ts';

// End to end through the real `vitaltwin` executable. Expected scores come from RCP NEWS2 Chart 1
// (worked by hand in the comments), not from the implementation.

const dir = mkdtempSync(join(tmpdir(), 'vt-score-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const vitals = [
  'patient_id,time,rr,spo2,spo2_scale,on_oxygen,sbp,hr,consciousness,temp_c,note',
  'p1,2025-01-01T08:00,16,97,1,0,120,70,A,37.0,"routine, stable"', // all 0 → 0, low
  'p2,2025-01-01T08:05,22,93,1,1,105,115,A,38.5,', // 2+2+2+1+2+0+1 = 10, high
  'p3,2025-01-01T08:10,,97,,0,85,70,A,37.0,"no ""rr"""', // rr missing; SBP 85 → 3: partial 3, red flag
  'p4,2025-01-01T08:15,abc,97,1,0,120,70,X,37,', // bad row: rr and consciousness
  'p5,2025-01-01T08:20,12,90,2,1,120,70,C,36.0,"copd\nscale 2"', // scale 2 SpO2 90 → 0, O2 2, C 3, 36.0 → 1: 6, medium
].join('\r\n');

describe('vitaltwin score news2', () => {
  it('scores every row, keeps ids and quoted cells, reports the bad row by line and column, exits 1', async () => {
    const input = join(dir, 'vitals.csv');
    const output = join(dir, 'scores.csv');
    writeFileSync(input, `\uFEFF${vitals}\r\n`);
    const r = await runCli(['score', 'news2', '--in', input, '--out', output]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('vitals.csv:5: rr: "abc" is not a number\n');
    expect(r.stderr).toContain('vitals.csv:5: consciousness: "X" is not one of A, C, V, P, U\n');
    expect(r.stderr).toContain('vitaltwin: 1 of 5 rows could not be scored');
    expect(r.stdout).toBe(`score news2: 5 rows, 4 scored (1 incomplete), 1 failed → ${output}\n`);

    const { records, errors } = parseCsv(readFileSync(output, 'utf8'));
    expect(errors).toEqual([]);
    const rows = records.map((rec) => rec.fields);
    expect(rows[0]).toEqual([
      ...'patient_id,time,rr,spo2,spo2_scale,on_oxygen,sbp,hr,consciousness,temp_c,note'.split(','),
      ...'rr_score,spo2_score,air_o2_score,sbp_score,hr_score,consciousness_score,temp_score,total,complete,partial_total,red_flag,clinical_risk,error'.split(
        ',',
      ),
    ]);
    const scores = (i: number) => rows[i]!.slice(11);
    expect(rows[1]!.slice(0, 11)).toEqual(['p1', '2025-01-01T08:00', '16', '97', '1', '0', '120', '70', 'A', '37.0', 'routine, stable']);
    expect(scores(1)).toEqual(['0', '0', '0', '0', '0', '0', '0', '0', '1', '0', '0', 'low', '']);
    expect(scores(2)).toEqual(['2', '2', '2', '1', '2', '0', '1', '10', '1', '10', '0', 'high', '']);
    expect(rows[3]![10]).toBe('no "rr"');
    expect(scores(3)).toEqual(['', '0', '0', '3', '0', '0', '0', '', '0', '3', '1', '', '']);
    expect(scores(4)).toEqual([...Array(12).fill(''), 'rr: "abc" is not a number; consciousness: "X" is not one of A, C, V, P, U']);
    expect(rows[5]![10]).toBe('copd\nscale 2');
    expect(scores(5)).toEqual(['0', '0', '2', '0', '0', '3', '1', '6', '1', '6', '1', 'medium', '']);
    // Written under a temporary name, then renamed: nothing else is left behind.
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('--json prints the summary with every row error; without --out the CSV goes to stdout', async () => {
    const input = join(dir, 'good.csv');
    writeFileSync(
      input,
      `${vitals
        .split('\r\n')
        .filter((_, i) => i !== 4)
        .join('\n')}\n`,
    );
    const toFile = await runCli(['score', 'news2', '--in', input, '--out', join(dir, 'good-out.csv'), '--json']);
    expect(toFile.code).toBe(0);
    expect(JSON.parse(toFile.stdout)).toMatchObject({ command: 'score news2', rows: 4, scored: 4, incomplete: 1, failed: 0, errors: [] });

    const piped = await runCli(['score', 'news2', '--in', input]);
    expect(piped.code).toBe(0);
    expect(parseCsv(piped.stdout).records).toHaveLength(5);
    expect(piped.stderr).toContain('score news2: 4 rows, 4 scored (1 incomplete), 0 failed');
  });

  it('a header without the needed columns, or a missing file, is a usage error (exit 2) that names the problem', async () => {
    const input = join(dir, 'wrong.csv');
    writeFileSync(input, 'id,rr,spo2\n1,12,97\n');
    const r = await runCli(['score', 'news2', '--in', input, '--out', join(dir, 'wrong-out.csv')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('wrong.csv:1: the header does not fit news2');
    expect(r.stderr).toContain('missing column "temp_c"');
    expect(existsSync(join(dir, 'wrong-out.csv'))).toBe(false);
    const missing = await runCli(['score', 'news2', '--in', join(dir, 'nope.csv')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read --in');
  });

  it('qsofa and mews from the same kind of file', async () => {
    const input = join(dir, 'mixed.csv');
    writeFileSync(input, 'id,rr,sbp,hr,temp_c,consciousness,gcs\na,22,100,115,37,A,14\n');
    const q = await runCli(['score', 'qsofa', '--in', input]);
    expect(q.code).toBe(0);
    // RR 22 → 1, SBP 100 → 1, GCS 14 → 1: 3, positive.
    expect(parseCsv(q.stdout).records[1]!.fields.slice(7)).toEqual(['1', '1', '1', '3', '1', '3', '1', '']);
    const m = await runCli(['score', 'mews', '--in', input]);
    expect(m.code).toBe(0);
    // MEWS: SBP 100 → 1, HR 115 → 2, RR 22 → 2, 37 °C → 0, A → 0: 5, high risk.
    expect(parseCsv(m.stdout).records[1]!.fields.slice(7)).toEqual(['1', '2', '2', '0', '0', '5', '1', '5', '1', '']);
  });
});
