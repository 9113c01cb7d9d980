import { describe, expect, it } from 'vitest';
import pumpCsv from '../../data/uva-padova/pump_params.csv?raw';
import sensorCsv from '../../data/uva-padova/sensor_params.csv?raw';
import { CgmSensor } from '../devices/cgm-sensor.ts';
import { parseCgmSensorParamsCsv, parseInsulinPumpParamsCsv } from '../devices/device-params.ts';
import { InsulinPump } from '../devices/insulin-pump.ts';
import { UVA_STATE_SIZE } from '../models/uva-padova/state.ts';
import { testPatient } from '../models/uva-padova/test-patients.ts';
import { UvaPadovaModel } from '../models/uva-padova/uva-padova-model.ts';
import { BasalBolusController } from './basal-bolus-controller.ts';
import { ControlLoop } from './control-loop.ts';
import type { ControllerAction, ControllerObservation, InsulinController } from './insulin-controller.ts';

const guardian = parseCgmSensorParamsCsv(sensorCsv).find((s) => s.name === 'GuardianRT')!;
const insulet = parseInsulinPumpParamsCsv(pumpCsv).find((s) => s.name === 'Insulet')!;
const adult1 = testPatient('adult#001');

/** Records what the controller is told, delivers basal only. */
class Recorder implements InsulinController {
  readonly kind = 'recorder';
  readonly seen: ControllerObservation[] = [];
  constructor(private readonly basal: number) {}
  reset(): void {}
  act(obs: ControllerObservation, out: ControllerAction): void {
    this.seen.push({ ...obs });
    out.basalUPerMin = this.basal;
    out.bolusU = 0;
  }
}

describe('ControlLoop', () => {
  it('keeps a fasting patient on steady basal at its basal glucose (model equilibrium, 0.01 mg/dL)', () => {
    const model = new UvaPadovaModel(adult1);
    const rec = new Recorder(model.basalUPerMin);
    const loop = new ControlLoop(model, new CgmSensor(guardian, 1), null, rec);
    const state = model.writeInitialState(new Float64Array(UVA_STATE_SIZE));
    const cgm = new Float64Array(288);
    const bg = new Float64Array(288);
    const totals = { insulinU: 0, bolusU: 0, carbsG: 0 };
    loop.startPatient();
    loop.runDay(state, 0, new Float64Array(1440), 5, cgm, bg, totals);
    for (const v of bg) expect(Math.abs(v - adult1.basalGlucoseMgDl)).toBeLessThan(0.01);
    expect(totals.insulinU).toBeCloseTo(model.basalUPerMin * 1440, 9);
    // The CGM is Gsub + noise: it differs from BG but stays within the sensor's noise range.
    expect(cgm.some((v, k) => Math.abs(v - bg[k]!) > 0.5)).toBe(true);
    expect(rec.seen.length).toBe(288);
    expect(rec.seen[287]!.tMin).toBe(1435);
  });

  it('shows a meal to the controller at the first decision after its minute (simglucose timing)', () => {
    const model = new UvaPadovaModel(adult1);
    const rec = new Recorder(model.basalUPerMin);
    const loop = new ControlLoop(model, new CgmSensor(guardian, 1), null, rec);
    const state = model.writeInitialState(new Float64Array(UVA_STATE_SIZE));
    const meals = new Float64Array(1440);
    meals[420] = 50;
    meals[1439] = 20;
    const cgm = new Float64Array(288);
    const totals = { insulinU: 0, bolusU: 0, carbsG: 0 };
    loop.startPatient();
    loop.runDay(state, 0, meals, 5, cgm, new Float64Array(288), totals);
    expect(rec.seen.filter((o) => o.announcedCarbsG > 0).map((o) => [o.tMin, o.announcedCarbsG])).toEqual([[425, 50]]);
    expect(totals.carbsG).toBe(70);
    // The late meal reaches the controller on the next day's first decision.
    loop.runDay(state, 1, new Float64Array(1440), 6, cgm, new Float64Array(288), totals);
    expect(rec.seen[288]!.announcedCarbsG).toBe(20);
    expect(rec.seen[288]!.tMin).toBe(1440);
  });

  it('delivers a basal-bolus meal bolus spread over one interval through the pump', () => {
    const model = new UvaPadovaModel(adult1);
    const ctrl = new BasalBolusController();
    ctrl.reset({
      basalUPerMin: model.basalUPerMin,
      carbRatioGPerU: 10,
      correctionFactorMgDlPerU: 8.77,
      totalDailyInsulinU: 50,
      bodyWeightKg: adult1.bodyWeightKg,
    });
    const loop = new ControlLoop(model, new CgmSensor(guardian, 2), new InsulinPump(insulet), ctrl);
    const state = model.writeInitialState(new Float64Array(UVA_STATE_SIZE));
    const meals = new Float64Array(1440);
    meals[420] = 50;
    const totals = { insulinU: 0, bolusU: 0, carbsG: 0 };
    loop.startPatient();
    loop.runDay(state, 0, meals, 5, new Float64Array(288), new Float64Array(288), totals);
    // 50 g / CR 10 = 5 U (+ a correction only if the CGM at 425 exceeds 150, which a fasting adult#001 at ~139 does not).
    expect(totals.bolusU).toBeCloseTo(5, 3);
  });
});
