import { describe, expect, it } from 'vitest';
import { type UvaPadovaScalarKey, uvaScalarKeys } from '../models/uva-padova/params.ts';
import { UVA_STATE_SIZE } from '../models/uva-padova/state.ts';
import { testPatients } from '../models/uva-padova/test-patients.ts';
import { UvaPadovaModel } from '../models/uva-padova/uva-padova-model.ts';
import { basalEgp, basalSteadyState } from './basal-steady-state.ts';

const patients = testPatients;

function freeOf(p: (typeof patients)[number]) {
  const { u2ssPmolPerKgMin: _u, vm0MgPerKgMin: _v, kp1MgPerKgMin: _k, initialState: _x, ...rest } = p;
  return { ...rest, egpbMgPerKgMin: basalEgp(p) };
}

describe('basalSteadyState', () => {
  it('recomputes u2ss, Vm0, kp1 and x0 of all 30 simglucose patients from their free parameters (CSV oracle, relative 1e-9)', () => {
    for (const p of patients) {
      const { params } = basalSteadyState(freeOf(p));
      for (const key of ['u2ssPmolPerKgMin', 'vm0MgPerKgMin', 'kp1MgPerKgMin'] as UvaPadovaScalarKey[]) {
        expect(Math.abs(params[key] / p[key] - 1), `${p.name} ${key}`).toBeLessThan(1e-9);
      }
      params.initialState.forEach((v, i) => {
        const ref = p.initialState[i]!;
        expect(ref === 0 ? Math.abs(v) : Math.abs(v / ref - 1), `${p.name} x0[${i}]`).toBeLessThan(1e-9);
      });
      for (const key of uvaScalarKeys)
        if (!['u2ssPmolPerKgMin', 'vm0MgPerKgMin', 'kp1MgPerKgMin'].includes(key)) expect(params[key]).toBe(p[key]);
    }
  });

  it('is an equilibrium of the model for a perturbed patient: 24 h fasting on basal stays at Gb (0.01 mg/dL)', () => {
    const base = freeOf(patients[12]!);
    const free = {
      ...base,
      name: 'perturbed',
      bodyWeightKg: base.bodyWeightKg * 1.3,
      kp2PerMin: base.kp2PerMin * 0.7,
      m4PerMin: base.m4PerMin * 1.4,
      basalGlucoseMgDl: 118,
    };
    const { params } = basalSteadyState(free);
    const model = new UvaPadovaModel(params);
    const state = model.writeInitialState(new Float64Array(UVA_STATE_SIZE));
    for (let t = 0; t < 1440; t++) model.step(state, 0, model.basalUPerMin);
    expect(Math.abs(model.bgMgDl(state) - 118)).toBeLessThan(0.01);
  });
});
