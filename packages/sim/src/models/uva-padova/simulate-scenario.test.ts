import { describe, expect, it } from 'vitest';
import pumpCsv from '../../../data/uva-padova/pump_params.csv?raw';
import sensorCsv from '../../../data/uva-padova/sensor_params.csv?raw';
import { parseCgmSensorParamsCsv, parseInsulinPumpParamsCsv } from '../../devices/device-params.ts';
import { summarizeGlucose } from './glucose-summary.ts';
import { glucoseRunProvenance, uvaPadovaModelInfo } from './model-info.ts';
import { compileScenarioInputs, parseGlucoseScenario } from './scenario.ts';
import { allocateGlucoseTrace, scenarioDevices, simulateGlucoseScenario } from './simulate-scenario.ts';
import { testPatient } from './test-patients.ts';
import { UvaPadovaModel } from './uva-padova-model.ts';

const sensors = parseCgmSensorParamsCsv(sensorCsv);
const pumps = parseInsulinPumpParamsCsv(pumpCsv);

function runWithDevices(json: Record<string, unknown>) {
  const scenario = parseGlucoseScenario(json);
  const model = new UvaPadovaModel(testPatient('adolescent#003'));
  const trace = allocateGlucoseTrace(scenario.durationMin);
  simulateGlucoseScenario(model, scenario, trace, scenarioDevices(scenario, sensors, pumps));
  return trace;
}

describe('simulateGlucoseScenario', () => {
  it('adds seeded CGM readings: sample-and-hold at the sensor sample time, reproducible per seed', () => {
    const a = runWithDevices({ durationMin: 300, meals: [{ minute: 60, carbsG: 40 }], sensor: 'Dexcom', seed: 5 });
    const b = runWithDevices({ durationMin: 300, meals: [{ minute: 60, carbsG: 40 }], sensor: 'Dexcom', seed: 5 });
    const c = runWithDevices({ durationMin: 300, meals: [{ minute: 60, carbsG: 40 }], sensor: 'Dexcom', seed: 6 });
    expect(a.cgmMgDl).toEqual(b.cgmMgDl);
    expect(a.cgmMgDl).not.toEqual(c.cgmMgDl);
    expect(a.bgMgDl).toEqual(c.bgMgDl); // noise never feeds back into the patient
    for (let t = 0; t <= 300; t++) expect(a.cgmMgDl[t]).toBe(a.cgmMgDl[t - (t % 3)]);
    let sse = 0;
    for (let t = 0; t <= 300; t += 3) sse += (a.cgmMgDl[t]! - a.gsubMgDl[t]!) ** 2;
    // The Johnson noise has sd ≈ 12 mg/dL; readings must differ from Gsub, but not absurdly.
    const rmse = Math.sqrt(sse / 101);
    expect(rmse).toBeGreaterThan(1);
    expect(rmse).toBeLessThan(40);
  });

  it('writes NaN CGM without a sensor', () => {
    const t = runWithDevices({ durationMin: 10 });
    expect(Number.isNaN(t.cgmMgDl[4])).toBe(true);
  });

  it('applies pump limits to the delivered insulin', () => {
    const t = runWithDevices({ durationMin: 10, boluses: [{ minute: 2, units: 45 }], pump: 'Insulet' });
    const basal = t.insulinUPerMin[0]!;
    expect(basal * 6000).toBeCloseTo(Math.round((basal * 6000) / 0.05) * 0.05, 9);
    expect(t.insulinUPerMin[2]! - basal).toBeCloseTo(30, 12); // Insulet max_bolus 30 U/min
  });

  it('reuses precompiled inputs and a given start state', () => {
    const scenario = parseGlucoseScenario({ durationMin: 120, meals: [{ minute: 30, carbsG: 30 }] });
    const model = new UvaPadovaModel(testPatient('adult#002'));
    const a = allocateGlucoseTrace(120);
    const b = allocateGlucoseTrace(120);
    simulateGlucoseScenario(model, scenario, a);
    simulateGlucoseScenario(model, scenario, b, { inputs: compileScenarioInputs(scenario) });
    expect(b.bgMgDl).toEqual(a.bgMgDl);
    expect(() => simulateGlucoseScenario(model, scenario, allocateGlucoseTrace(60))).toThrow(RangeError);
    expect(() => simulateGlucoseScenario(model, parseGlucoseScenario({ durationMin: 10, sensor: 'Dexcom' }), a)).toThrow(/Dexcom/);
  });

  it('summarises time in range and records provenance', () => {
    const s = summarizeGlucose(Float64Array.of(60, 70, 100, 180, 181));
    expect(s).toMatchObject({
      samples: 5,
      minMgDl: 60,
      maxMgDl: 181,
      meanMgDl: 118.2,
      timeInRangePct: 60,
      timeBelowRangePct: 20,
      timeAboveRangePct: 20,
    });
    const scenario = parseGlucoseScenario({ seed: 9, sensor: 'Navigator' });
    const prov = glucoseRunProvenance(testPatient('child#001'), scenario, { method: 'rk4', stepsPerMinute: 2 }, { sensor: sensors[2] });
    expect(prov).toMatchObject({
      patient: 'child#001',
      seed: 9,
      model: { id: uvaPadovaModelInfo.id, version: uvaPadovaModelInfo.version },
    });
    expect(prov.sensor?.name).toBe('Navigator');
  });
});
