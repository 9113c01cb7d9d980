import { describe, expect, it } from 'vitest';
import { uvaFastestRatePerMin } from '../models/uva-padova/params-validation.ts';
import { UVA_STATE_SIZE } from '../models/uva-padova/state.ts';
import { testPatients, testTherapies } from '../models/uva-padova/test-patients.ts';
import { UvaPadovaModel } from '../models/uva-padova/uva-padova-model.ts';
import { basalSteadyState } from './basal-steady-state.ts';
import { dynamicPlausibilityProblem, staticPlausibilityProblems } from './plausibility.ts';
import { VirtualCohortGenerator } from './virtual-cohort.ts';

const params = testPatients;
const quest = testTherapies;
const source = params.map((p) => ({ params: p, therapy: quest.find((q) => q.name === p.name)! }));

describe('VirtualCohortGenerator', () => {
  it('accepts all 30 simglucose patients as plausible (the checks remove impossible draws only)', () => {
    const model = new UvaPadovaModel(params[0]!);
    const state = new Float64Array(UVA_STATE_SIZE);
    for (const s of source) {
      const { u2ssPmolPerKgMin: _u, vm0MgPerKgMin: _v, kp1MgPerKgMin: _k, initialState: _x, ...rest } = s.params;
      const egpb =
        s.params.kp1MgPerKgMin -
        s.params.kp2PerMin * s.params.basalGlucoseMgDl * s.params.vgDlPerKg -
        s.params.kp3MgPerKgMinPerPmolL * s.params.basalInsulinPmolL;
      const ss = basalSteadyState({ ...rest, egpbMgPerKgMin: egpb });
      expect(staticPlausibilityProblems(ss, s.therapy), s.params.name).toEqual([]);
      expect(dynamicPlausibilityProblem(model, s.params, s.therapy, state), s.params.name).toBeNull();
    }
  });

  it('is reproducible per (seed, index) in any order and on any generator instance', () => {
    const spec = { n: 40, seed: 5, fit: 'by-group' as const };
    const a = new VirtualCohortGenerator(source, spec);
    const b = new VirtualCohortGenerator(source, spec);
    const forward = Array.from({ length: 40 }, (_, i) => a.patient(i));
    const backward = Array.from({ length: 40 }, (_, i) => b.patient(39 - i)).reverse();
    expect(JSON.stringify(backward)).toBe(JSON.stringify(forward));
    const other = new VirtualCohortGenerator(source, { ...spec, seed: 6 }).patient(0);
    expect(other.params.bodyWeightKg).not.toBe(forward[0]!.params.bodyWeightKg);
  });

  it('rejects draws that are unstable for the solver the cohort will be simulated with', () => {
    // Patients 102, 1088 and 5148 of this spec have a fastest rate above RK4's stability limit at
    // 1 step/min (h·rate ≤ 2.785) but below it at 2 steps/min, the model default.
    const spec = { n: 10_000, seed: 1, fit: 'by-group' as const, shrinkage: 0.1 };
    const rk4Limit = 2.785;
    const byDefault = new VirtualCohortGenerator(source, spec);
    const oneStep = new VirtualCohortGenerator(source, { ...spec, solver: { method: 'rk4', stepsPerMinute: 1 } });
    for (const index of [102, 1088, 5148]) {
      const loose = byDefault.patient(index);
      expect(uvaFastestRatePerMin(loose.params)).toBeGreaterThan(rk4Limit);
      expect(uvaFastestRatePerMin(loose.params)).toBeLessThanOrEqual(2 * rk4Limit);
      const strict = oneStep.patient(index);
      expect(uvaFastestRatePerMin(strict.params)).toBeLessThanOrEqual(rk4Limit);
      expect(strict.attempts).toBeGreaterThan(loose.attempts);
    }
  });

  it('allocates age groups in proportion and fits each group (ids, groups, weights)', () => {
    const g = new VirtualCohortGenerator(source, { n: 10, seed: 1, fit: 'by-group', groupWeights: { adult: 3, child: 1, adolescent: 1 } });
    expect(g.allocation).toEqual([
      { group: 'adolescent', start: 0, count: 2 },
      { group: 'adult', start: 2, count: 6 },
      { group: 'child', start: 8, count: 2 },
    ]);
    const p = g.patient(9);
    expect(p.group).toBe('child');
    expect(p.id).toBe('virtual-child#00010');
    // Children in simglucose weigh 23.7–51 kg; a child drawn from the child fit stays in a child-like range.
    expect(p.params.bodyWeightKg).toBeLessThan(80);
  });

  it('draws plausible patients whose log-scale means match the source (200 patients, pooled, tolerance 0.15 in log units)', () => {
    const g = new VirtualCohortGenerator(source, { n: 200, seed: 3, fit: 'pooled', shrinkage: 0.1 });
    const model = new UvaPadovaModel(params[0]!);
    const state = new Float64Array(UVA_STATE_SIZE);
    let logBw = 0;
    let logCr = 0;
    for (let i = 0; i < 200; i++) {
      const p = g.patient(i);
      expect(p.attempts).toBeGreaterThanOrEqual(1);
      // Steady state recomputed: x0 holds Gb exactly and the standard day is within bounds.
      expect(p.params.initialState[3]! / p.params.vgDlPerKg).toBeCloseTo(p.params.basalGlucoseMgDl, 9);
      expect(dynamicPlausibilityProblem(model, p.params, p.therapy, state)).toBeNull();
      logBw += Math.log(p.params.bodyWeightKg) / 200;
      logCr += Math.log(p.therapy.carbRatioGPerU) / 200;
    }
    const srcBw = source.reduce((s, x) => s + Math.log(x.params.bodyWeightKg), 0) / 30;
    const srcCr = source.reduce((s, x) => s + Math.log(x.therapy.carbRatioGPerU), 0) / 30;
    expect(Math.abs(logBw - srcBw)).toBeLessThan(0.15);
    expect(Math.abs(logCr - srcCr)).toBeLessThan(0.15);
  });
});
