import type { CgmSensor } from '../devices/cgm-sensor.ts';
import type { InsulinPump } from '../devices/insulin-pump.ts';
import type { UvaPadovaModel } from '../models/uva-padova/uva-padova-model.ts';
import type { ControllerAction, ControllerObservation, InsulinController } from './insulin-controller.ts';

/** Per-day totals of a controlled run. */
export interface ControlDayTotals {
  /** Insulin delivered (basal + bolus, after pump limits) [U]. */
  insulinU: number;
  /** Of which bolus [U]. */
  bolusU: number;
  /** Carbohydrate announced [g]. */
  carbsG: number;
}

/**
 * The closed simulation loop of one patient — model, CGM, controller, pump — in the shape of
 * simglucose's `T1DSimEnv` with a controller (glucose-model.md §6): every `sampleTime` minutes of the
 * sensor the CGM is read and the controller decides basal and bolus for the next interval; the pump
 * quantises and clips the basal rate and the bolus rate (bolus/interval U/min) separately; the model
 * advances minute by minute with simglucose's meal logic.
 *
 * Each call of `runDay` simulates minutes [0, 1440) of one day from the state given (carried over
 * between days by the caller) and writes, at every sensor sample, the CGM reading and the plasma BG
 * into the caller's buffers (1440/sampleTime entries). The sensor is reseeded per day, so that each
 * (patient, day) has its own reproducible noise stream. Allocation-free.
 */
export class ControlLoop {
  readonly model: UvaPadovaModel;
  readonly sensor: CgmSensor;
  readonly pump: InsulinPump | null;
  readonly controller: InsulinController;
  readonly sampleTimeMin: number;
  readonly samplesPerDay: number;
  private readonly obs: ControllerObservation = { tMin: 0, cgmMgDl: 0, announcedCarbsG: 0, intervalMin: 0 };
  private readonly action: ControllerAction = { basalUPerMin: 0, bolusU: 0 };
  private pendingCarbsG = 0;

  constructor(model: UvaPadovaModel, sensor: CgmSensor, pump: InsulinPump | null, controller: InsulinController) {
    this.model = model;
    this.sensor = sensor;
    this.pump = pump;
    this.controller = controller;
    this.sampleTimeMin = sensor.params.sampleTimeMin;
    if (1440 % this.sampleTimeMin !== 0) throw new RangeError('sensor sample time must divide 1440 minutes');
    this.samplesPerDay = 1440 / this.sampleTimeMin;
  }

  /** Starts a patient: call after `controller.reset(patient)` and before the first day. */
  startPatient(): void {
    this.pendingCarbsG = 0;
  }

  runDay(
    state: Float64Array,
    dayIndex: number,
    announcedCarbsG: Float64Array,
    sensorSeed: number,
    cgmOut: Float64Array,
    bgOut: Float64Array,
    totals: ControlDayTotals,
  ): void {
    const model = this.model;
    const sensor = this.sensor;
    const pump = this.pump;
    const st = this.sampleTimeMin;
    const obs = this.obs;
    const action = this.action;
    sensor.reset(sensorSeed);
    let insulinU = 0;
    let bolusU = 0;
    let carbsG = 0;
    let pending = this.pendingCarbsG;
    let basalRate = 0;
    let bolusRate = 0;
    const dayStart = dayIndex * 1440;
    for (let t = 0; t < 1440; t++) {
      if (t % st === 0) {
        const k = t / st;
        const cgm = sensor.measure(t, model.gsubMgDl(state));
        cgmOut[k] = cgm;
        bgOut[k] = model.bgMgDl(state);
        obs.tMin = dayStart + t;
        obs.cgmMgDl = cgm;
        obs.announcedCarbsG = pending;
        obs.intervalMin = st;
        pending = 0;
        this.controller.act(obs, action);
        const requestedBolusRate = action.bolusU > 0 ? action.bolusU / st : 0;
        basalRate = pump ? pump.basalUPerMin(action.basalUPerMin) : Math.max(0, action.basalUPerMin);
        bolusRate = requestedBolusRate > 0 ? (pump ? pump.bolusUPerMin(requestedBolusRate) : requestedBolusRate) : 0;
      }
      const carbs = announcedCarbsG[t]!;
      pending += carbs;
      carbsG += carbs;
      const insulin = basalRate + bolusRate;
      insulinU += insulin;
      bolusU += bolusRate;
      model.step(state, carbs, insulin);
    }
    this.pendingCarbsG = pending;
    totals.insulinU = insulinU;
    totals.bolusU = bolusU;
    totals.carbsG = carbsG;
  }
}
