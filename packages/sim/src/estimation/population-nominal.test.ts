import { describe, expect, it } from 'vitest';
import { UVA_STATE_SIZE, uvaState } from '../models/uva-padova/state.ts';
import { testPatients } from '../models/uva-padova/test-patients.ts';
import { UvaPadovaModel } from '../models/uva-padova/uva-padova-model.ts';
import { populationNominalPatient, uvaPatientsOfGroup } from './population-nominal.ts';
import { tissueGlucoseAtRest } from './tissue-glucose-at-rest.ts';

describe('populationNominalPatient', () => {
  const adults = uvaPatientsOfGroup(testPatients, 'adult');

  it('takes geometric means of positive parameters and arithmetic means of fractions', () => {
    const nominal = populationNominalPatient(adults);
    const geo = Math.exp(adults.reduce((s, p) => s + Math.log(p.bodyWeightKg), 0) / adults.length);
    const ari = adults.reduce((s, p) => s + p.bFraction, 0) / adults.length;
    expect(adults).toHaveLength(10);
    expect(nominal.bodyWeightKg).toBeCloseTo(geo, 10);
    expect(nominal.bFraction).toBeCloseTo(ari, 12);
  });

  // Oracle: the model itself. A nominal patient assembled from averages must still rest at its basal
  // glucose on its own basal insulin (steady state re-derived), to 1e-6 mg/dL over 24 h.
  it('rests at its basal glucose on its basal insulin', () => {
    for (const group of ['adult', 'adolescent', 'child'] as const) {
      const nominal = populationNominalPatient(uvaPatientsOfGroup(testPatients, group));
      const model = new UvaPadovaModel(nominal);
      const s = model.writeInitialState(new Float64Array(UVA_STATE_SIZE));
      for (let t = 0; t < 1440; t++) model.step(s, 0, model.basalUPerMin);
      expect(Math.abs(model.bgMgDl(s) - nominal.basalGlucoseMgDl)).toBeLessThan(1e-6);
    }
  });

  it('leaves excluded patients out (leave-one-out prior)', () => {
    const without = populationNominalPatient(adults, { exclude: ['adult#003'] });
    const nine = populationNominalPatient(adults.filter((p) => p.name !== 'adult#003'));
    expect(without.kabsPerMin).toBe(nine.kabsPerMin);
    expect(without.kabsPerMin).not.toBe(populationNominalPatient(adults).kabsPerMin);
    expect(() => populationNominalPatient(adults, { exclude: adults.map((p) => p.name) })).toThrow(RangeError);
  });
});

describe('tissueGlucoseAtRest', () => {
  // Oracle: the Gtb (x0_5) stored in vpatient_params.csv for each patient at its Gpb (x0_4).
  it('reproduces the parameter file Gtb of all 30 patients (relative 1e-8)', () => {
    for (const p of testPatients) {
      const gt = tissueGlucoseAtRest(p, p.initialState[uvaState.gpMgPerKg]!);
      expect(Math.abs(gt / p.initialState[uvaState.gtMgPerKg]! - 1)).toBeLessThan(1e-8);
    }
  });
});
