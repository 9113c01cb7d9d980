import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../testing/run-cli.ts';

const clarity = fileURLToPath(new URL('../../../../../shared/data/cgm/cgmquantify_dexcom_g6_clarity_export.csv', import.meta.url));

// End to end, as a user runs it: `vitaltwin metrics cgm` in a child process.
describe('vitaltwin metrics cgm', () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'vt-cgm-'));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('prints one table row for the real Clarity export', async () => {
    const r = await runCli(['metrics', 'cgm', '--in', clarity]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^subject\s+days\s+active%\s+n\s+mean/);
    expect(lines[1]).toMatch(
      /^cgmquantify_dexcom_g6_clarity_export\s+7\.9\s+94\.2\s+2148\s+111\.9\s+28\.8\s+25\.7\s+5\.99\s+94\.0\s+1\.63\s+0\.37\s+4\.38\s+0\.33/,
    );
    expect(lines[1]).toMatch(/\sno$/);
  });

  it('prints JSON and writes a self-contained AGP report', async () => {
    const agp = join(scratch, 'agp.html');
    const r = await runCli(['metrics', 'cgm', '--in', clarity, '--json', '--agp', agp, '--subject', 'p1', '--tz-offset', '-300']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.format).toBe('clarity');
    expect(out.timeZoneOffsetMin).toBe(-300);
    expect(out.subjects).toHaveLength(1);
    expect(out.subjects[0]).toMatchObject({ subjectId: 'p1', n: 2148, sufficient: false, periodStart: '2016-10-24T16:24:17.000Z' });
    expect(out.subjects[0].tirPercent).toBeCloseTo(93.99441340782123, 9);
    const html = await readFile(agp, 'utf8');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<svg');
    expect(html).toContain('p1');
    expect(r.stderr).toContain(`AGP report written to ${agp}`);
  });

  it('reads a generic multi-subject CSV, skipping bad rows with file:line (column)', async () => {
    const file = join(scratch, 'cohort.csv');
    const rows = ['id,time,gl'];
    for (let i = 0; i < 12; i++) rows.push(`A,2024-01-01 00:${String(i * 5).padStart(2, '0')}:00,${100 + i}`);
    rows.push('B,2024-01-01 00:00:00,200', 'B,not-a-time,180', 'B,2024-01-01 00:05:00,Low');
    await writeFile(file, `${rows.join('\n')}\n`);
    const r = await runCli(['metrics', 'cgm', '--in', file]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`${file}: 1 row(s) skipped`);
    expect(r.stderr).toContain(`${file}:15 (time): time "not-a-time" is not an ISO 8601 date-time`);
    expect(r.stdout).toMatch(/^A\s/m);
    expect(r.stdout).toMatch(/^B\s/m);
    expect(r.stdout).toContain('B: 1 Low, 0 High');
  });

  it('reads an HL7 CGM Bundle', async () => {
    const file = join(scratch, 'bundle.json');
    const entry = (minute: number, value: number) => ({
      resource: {
        resourceType: 'Observation',
        status: 'final',
        code: { coding: [{ system: 'http://loinc.org', code: '99504-3' }] },
        subject: { reference: 'Patient/7' },
        effectiveDateTime: `2024-05-02T10:${String(minute).padStart(2, '0')}:00Z`,
        valueQuantity: { value, code: 'mg/dL', system: 'http://unitsofmeasure.org', unit: 'mg/dL' },
      },
    });
    await writeFile(file, JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry: [entry(0, 100), entry(5, 200)] }));
    const r = await runCli(['metrics', 'cgm', '--in', file, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).subjects[0]).toMatchObject({ subjectId: 'Patient/7', n: 2, meanMgDl: 150, tirPercent: 50 });
  });

  it('exits 1 naming the file when it cannot be read, or yields no reading', async () => {
    const missing = await runCli(['metrics', 'cgm', '--in', join(scratch, 'nope.csv')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`cannot read ${join(scratch, 'nope.csv')}: ENOENT`);
    const junk = join(scratch, 'junk.csv');
    await writeFile(junk, 'id,time,gl\nA,yesterday,100\n');
    const empty = await runCli(['metrics', 'cgm', '--in', junk]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain(`${junk}: no CGM readings could be read`);
    expect(empty.stderr).toContain(`${junk}:2 (time)`);
    expect(empty.stderr).not.toContain('    at ');
  });

  it('exits 2 on bad usage', async () => {
    expect((await runCli(['metrics', 'cgm', '--in', clarity, '--format', 'xlsx'])).code).toBe(2);
    expect((await runCli(['metrics', 'cgm', '--in', clarity, '--tz-offset', 'CET'])).code).toBe(2);
    expect((await runCli(['metrics', 'cgm'])).code).toBe(2);
  });
});
