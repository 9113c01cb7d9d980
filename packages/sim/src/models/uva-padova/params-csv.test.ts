import { describe, expect, it } from 'vitest';
import { SimInputError } from '../../sim-input-error.ts';
import { steadyBasalUPerMin } from './params.ts';
import { parseUvaPadovaParamsCsv, uvaPadovaParamsFromJson } from './params-csv.ts';
import { validateUvaPadovaParams } from './params-validation.ts';
import { testPatient, testPatients, vpatientCsvText } from './test-patients.ts';

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof SimInputError) return e.problems.map((p) => `${p.path}: ${p.message}`);
    throw e;
  }
  return [];
}

describe('vpatient_params.csv parser', () => {
  it('reads the 30 virtual patients in file order', () => {
    expect(testPatients).toHaveLength(30);
    expect(testPatients.map((p) => p.name).slice(0, 2)).toEqual(['adolescent#001', 'adolescent#002']);
    expect(testPatients.map((p) => p.name).slice(-1)).toEqual(['child#010']);
  });

  it('maps columns to typed fields, including x0_ 1 … x0_13', () => {
    const p = testPatient('adult#001');
    expect(p.bodyWeightKg).toBe(102.32);
    expect(p.kabsPerMin).toBe(0.08906);
    expect(p.initialState).toHaveLength(13);
    // x0_ 4 is Gpb, so the initial plasma glucose Gp/Vg is the basal glucose Gb (138.56 mg/dL).
    expect(p.initialState[3]! / p.vgDlPerKg).toBeCloseTo(p.basalGlucoseMgDl, 9);
    expect(p.initialState[12]).toBe(p.initialState[3]);
    // Fixture input column: basal = u2ss·BW/6000.
    expect(steadyBasalUPerMin(p)).toBeCloseTo(0.02112267499992533, 15);
  });

  it('names row and column of every problem', () => {
    const lines = vpatientCsvText.split('\n');
    const header = lines[0]!.split(',');
    const kabs = header.indexOf('kabs');
    const b = header.indexOf('b');
    const row12 = lines[11]!.split(',');
    row12[kabs] = 'fast';
    const row13 = lines[12]!.split(',');
    row13[b] = '1.2';
    lines[11] = row12.join(',');
    lines[12] = row13.join(',');
    expect(problemsOf(() => parseUvaPadovaParamsCsv(lines.join('\n')))).toEqual([
      'vpatient_params.csv row 12 (adult#001), column kabs: not a finite number: "fast"',
      'vpatient_params.csv row 13 (adult#002), column b: must be in (0, 1)',
    ]);
  });

  it('reports missing columns', () => {
    const text = vpatientCsvText.replace(',ksc,', ',kscx,');
    expect(problemsOf(() => parseUvaPadovaParamsCsv(text))).toEqual(['vpatient_params.csv header: missing column "ksc"']);
  });
});

describe('custom parameter sets', () => {
  it('accepts overrides on a base patient and validates them with JSON paths', () => {
    const base = testPatient('child#003');
    const custom = uvaPadovaParamsFromJson({ name: 'my-twin', kabsPerMin: 0.05 }, base);
    expect(custom.kabsPerMin).toBe(0.05);
    expect(custom.bodyWeightKg).toBe(base.bodyWeightKg);
    expect(problemsOf(() => uvaPadovaParamsFromJson({ kabsPerMin: -1, kabs: 2, initialState: [1, 2] }, base, 'params'))).toEqual([
      'params.kabs: unknown parameter (fields are named with units, e.g. kabsPerMin)',
      'params.kabsPerMin: must be > 0',
      'params.initialState: must be an array of 13 numbers',
    ]);
  });

  it('requires every field without a base', () => {
    const problems = problemsOf(() => uvaPadovaParamsFromJson({ name: 'x' }));
    expect(problems).toContain('bodyWeightKg: must be a finite number');
    expect(problems).toContain('initialState: must be an array of 13 numbers');
  });

  it('checks fixed-step stability for the chosen solver', () => {
    const p = { ...testPatient('adolescent#005'), kabsPerMin: 4 };
    expect(validateUvaPadovaParams(p)).toEqual([]);
    expect(validateUvaPadovaParams(p, { method: 'rk4', stepsPerMinute: 1 })[0]?.message).toMatch(/unstable for rk4/);
    expect(validateUvaPadovaParams(p, { method: 'rk4', stepsPerMinute: 2 })).toEqual([]);
  });
});
