import { CgmSensor } from '../../devices/cgm-sensor.ts';
import type { CgmSensorParams, InsulinPumpParams } from '../../devices/device-params.ts';
import { InsulinPump } from '../../devices/insulin-pump.ts';
import { SimInputError } from '../../sim-input-error.ts';
import { compileScenarioInputs, type GlucoseScenario, type ScenarioInputs } from './scenario.ts';
import { UVA_STATE_SIZE } from './state.ts';
import { SIMGLUCOSE_EAT_RATE_G_PER_MIN, type UvaPadovaModel } from './uva-padova-model.ts';

/**
 * Per-minute output of a run, in caller-owned buffers of length ≥ durationMin + 1. Row t is the state
 * at minute t, i.e. after t one-minute steps (row 0 = initial state); the inputs in row t are those
 * held during [t, t+1), so the last row's inputs are NaN (same layout as the reference fixture).
 */
export interface GlucoseTrace {
  readonly durationMin: number;
  /** Plasma glucose Gp/Vg [mg/dL]. */
  readonly bgMgDl: Float64Array;
  /** Subcutaneous glucose Gs/Vg [mg/dL]. */
  readonly gsubMgDl: Float64Array;
  /** CGM reading [mg/dL] (NaN without a sensor). */
  readonly cgmMgDl: Float64Array;
  /** Carbohydrate eaten during the minute [g/min]. */
  readonly choGPerMin: Float64Array;
  /** Insulin delivered during the minute, basal + bolus after pump limits [U/min]. */
  readonly insulinUPerMin: Float64Array;
}

export function allocateGlucoseTrace(durationMin: number): GlucoseTrace {
  const n = durationMin + 1;
  return {
    durationMin,
    bgMgDl: new Float64Array(n),
    gsubMgDl: new Float64Array(n),
    cgmMgDl: new Float64Array(n),
    choGPerMin: new Float64Array(n),
    insulinUPerMin: new Float64Array(n),
  };
}

/** Optional parts of a run; everything not given is built from the scenario. */
export interface GlucoseRunOptions {
  /** Precompiled inputs (compile once, run many patients). */
  readonly inputs?: ScenarioInputs;
  /** Sensor for `scenario.sensor` (reset to `scenario.seed` at the start of the run). */
  readonly sensor?: CgmSensor;
  /** Pump for `scenario.pump`. */
  readonly pump?: InsulinPump;
  /** Start state (length UVA_STATE_SIZE), used and overwritten in place; default: the patient's x0. */
  readonly state?: Float64Array;
}

/** Builds the sensor and pump a scenario names from the parsed device tables. */
export function scenarioDevices(
  scenario: GlucoseScenario,
  sensors: readonly CgmSensorParams[],
  pumps: readonly InsulinPumpParams[],
): { sensor?: CgmSensor; pump?: InsulinPump } {
  const out: { sensor?: CgmSensor; pump?: InsulinPump } = {};
  if (scenario.sensor !== 'none') {
    const p = sensors.find((s) => s.name === scenario.sensor);
    if (!p) throw new SimInputError('unknown sensor', [{ path: 'sensor', message: `no parameters for sensor "${scenario.sensor}"` }]);
    out.sensor = new CgmSensor(p, scenario.seed);
  }
  if (scenario.pump !== 'none') {
    const p = pumps.find((s) => s.name === scenario.pump);
    if (!p) throw new SimInputError('unknown pump', [{ path: 'pump', message: `no parameters for pump "${scenario.pump}"` }]);
    out.pump = new InsulinPump(p);
  }
  return out;
}

/**
 * Simulates one patient through a scenario (a patient-day for durationMin = 1440), writing every
 * minute into `trace`. The per-minute loop allocates nothing. Sets `model.eatRateGPerMin` from
 * `scenario.mealDelivery`. Returns the final state buffer.
 */
export function simulateGlucoseScenario(
  model: UvaPadovaModel,
  scenario: GlucoseScenario,
  trace: GlucoseTrace,
  options: GlucoseRunOptions = {},
): Float64Array {
  const duration = scenario.durationMin;
  if (trace.bgMgDl.length < duration + 1) throw new RangeError(`trace holds ${trace.bgMgDl.length} rows, needs ${duration + 1}`);
  if (scenario.sensor !== 'none' && !options.sensor) throw new RangeError(`scenario needs a ${scenario.sensor} sensor`);
  if (scenario.pump !== 'none' && !options.pump) throw new RangeError(`scenario needs a ${scenario.pump} pump`);
  const inputs = options.inputs ?? compileScenarioInputs(scenario);
  if (inputs.durationMin !== duration) throw new RangeError('inputs were compiled for another duration');
  const state = options.state ?? model.writeInitialState(new Float64Array(UVA_STATE_SIZE));
  const sensor = scenario.sensor === 'none' ? undefined : options.sensor;
  const pump = scenario.pump === 'none' ? undefined : options.pump;
  sensor?.reset(scenario.seed);
  model.eatRateGPerMin = scenario.mealDelivery === 'eat-rate' ? SIMGLUCOSE_EAT_RATE_G_PER_MIN : Number.POSITIVE_INFINITY;
  const requestedBasal = scenario.basal === 'steady' ? model.basalUPerMin : scenario.basal.uPerMin;
  const basal = pump ? pump.basalUPerMin(requestedBasal) : requestedBasal;
  const { bgMgDl, gsubMgDl, cgmMgDl, choGPerMin, insulinUPerMin } = trace;
  const { announcedCarbsG, bolusU } = inputs;

  for (let t = 0; t <= duration; t++) {
    bgMgDl[t] = model.bgMgDl(state);
    const gsub = model.gsubMgDl(state);
    gsubMgDl[t] = gsub;
    cgmMgDl[t] = sensor ? sensor.measure(t, gsub) : Number.NaN;
    if (t === duration) break;
    const bolus = bolusU[t]!;
    const insulin = basal + (bolus > 0 && pump ? pump.bolusUPerMin(bolus) : bolus);
    insulinUPerMin[t] = insulin;
    choGPerMin[t] = model.step(state, announcedCarbsG[t]!, insulin);
  }
  choGPerMin[duration] = Number.NaN;
  insulinUPerMin[duration] = Number.NaN;
  return state;
}
