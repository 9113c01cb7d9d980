import { mixSeed } from '../cohort/seed-mix.ts';
import { BasalBolusController } from '../controllers/basal-bolus-controller.ts';
import type { ControllerAction, ControllerObservation } from '../controllers/insulin-controller.ts';
import { CgmSensor } from '../devices/cgm-sensor.ts';
import type { CgmSensorParams } from '../devices/device-params.ts';
import type { GlucoseSeries } from '../forecast/forecaster.ts';
import type { CarbEntry, InsulinDose } from '../forecast/oref0-forecaster.ts';
import type { UvaPadovaParams } from '../models/uva-padova/params.ts';
import type { UvaPadovaTherapy } from '../models/uva-padova/quest-csv.ts';
import { UVA_STATE_SIZE } from '../models/uva-padova/state.ts';
import { UvaPadovaModel } from '../models/uva-padova/uva-padova-model.ts';
import { Xoshiro128StarStar } from '../random/xoshiro128.ts';
import { RandomMealScenario } from '../scenarios/random-meal-scenario.ts';
import type { TreatmentLog } from './treatment-log.ts';

/**
 * A synthetic "real-world" record of one virtual patient, to test the twin where the truth is known:
 * simglucose-style random meals (scenarios/random-meal-scenario.ts), open-loop basal–bolus therapy
 * (controllers/basal-bolus-controller.ts with stand-alone corrections above 250 mg/dL, so boluses are
 * not all proportional to carbs), a CGM with simglucose's Johnson-SU noise (Breton & Kovatchev 2008)
 * read every `sensor.sampleTimeMin`, and data loss: each reading is dropped with `dropoutProbability`
 * and each day has one sensor gap of 30–120 min. The bolus decided at a CGM sample (from the carbs
 * announced since the previous sample) is delivered within that minute, and logged with the meals and
 * the (constant) basal rate — the log the twin sees. Reproducible from `seed`.
 */
export interface SimulatedCgmDatasetOptions {
  readonly days: number;
  readonly seed: number;
  readonly sensor: CgmSensorParams;
  readonly therapy: Pick<UvaPadovaTherapy, 'carbRatioGPerU' | 'correctionFactorMgDlPerU' | 'totalDailyInsulinU'>;
  readonly dropoutProbability?: number;
  readonly gapsPerDay?: number;
}

export interface SimulatedCgmDataset {
  readonly patient: string;
  readonly days: number;
  readonly seed: number;
  /** CGM readings kept (minutes since the start, mg/dL). */
  readonly cgm: GlucoseSeries;
  readonly log: TreatmentLog;
  /** True plasma glucose Gp/Vg at every minute 0..days·1440 [mg/dL]. */
  readonly trueBgMgDl: Float64Array;
  /** True subcutaneous glucose Gs/Vg at every minute [mg/dL]. */
  readonly trueGsubMgDl: Float64Array;
}

export function simulateCgmDataset(params: UvaPadovaParams, options: SimulatedCgmDatasetOptions): SimulatedCgmDataset {
  const { days, seed, sensor: sensorParams, therapy } = options;
  if (!Number.isInteger(days) || days < 1) throw new RangeError('days must be a positive integer');
  const st = sensorParams.sampleTimeMin;
  if (!Number.isInteger(st) || 1440 % st !== 0) throw new RangeError('sensor sample time must divide 1440 minutes');
  const dropout = options.dropoutProbability ?? 0.02;
  const gapsPerDay = options.gapsPerDay ?? 1;
  const model = new UvaPadovaModel(params);
  const state = model.writeInitialState(new Float64Array(UVA_STATE_SIZE));
  const sensor = new CgmSensor(sensorParams, mixSeed(seed, 1));
  const rng = new Xoshiro128StarStar(mixSeed(seed, 2));
  const meals = new RandomMealScenario();
  const controller = new BasalBolusController({ correction: 'with-meal-and-high' });
  const basal = model.basalUPerMin;
  controller.reset({
    basalUPerMin: basal,
    carbRatioGPerU: therapy.carbRatioGPerU,
    correctionFactorMgDlPerU: therapy.correctionFactorMgDlPerU,
    totalDailyInsulinU: therapy.totalDailyInsulinU,
    bodyWeightKg: params.bodyWeightKg,
  });
  const n = days * 1440;
  const trueBg = new Float64Array(n + 1);
  const trueGsub = new Float64Array(n + 1);
  const dayCarbs = new Float64Array(1440);
  const times: number[] = [];
  const values: number[] = [];
  const boluses: InsulinDose[] = [];
  const mealLog: CarbEntry[] = [];
  const obs: ControllerObservation = { tMin: 0, cgmMgDl: 0, announcedCarbsG: 0, intervalMin: st };
  const action: ControllerAction = { basalUPerMin: 0, bolusU: 0 };
  let pendingCarbs = 0;
  let gapStart = -1;
  let gapEnd = -1;
  for (let t = 0; t < n; t++) {
    const minuteOfDay = t % 1440;
    if (minuteOfDay === 0) {
      meals.writeDay(mixSeed(seed, 3, t / 1440), dayCarbs);
      gapStart = gapsPerDay > 0 ? t + Math.floor(rng.nextFloat64() * 1440) : -1;
      gapEnd = gapStart + 30 + Math.floor(rng.nextFloat64() * 91);
    }
    trueBg[t] = model.bgMgDl(state);
    trueGsub[t] = model.gsubMgDl(state);
    let bolus = 0;
    if (t % st === 0) {
      const cgm = sensor.measure(t, trueGsub[t]!);
      const lost = (t >= gapStart && t < gapEnd) || rng.nextFloat64() < dropout;
      if (!lost) {
        times.push(t);
        values.push(cgm);
      }
      obs.tMin = t;
      obs.cgmMgDl = cgm;
      obs.announcedCarbsG = pendingCarbs;
      pendingCarbs = 0;
      controller.act(obs, action);
      if (action.bolusU > 0) {
        bolus = action.bolusU;
        boluses.push({ timeMin: t, units: bolus });
      }
    }
    const carbs = dayCarbs[minuteOfDay]!;
    if (carbs > 0) {
      mealLog.push({ timeMin: t, grams: carbs });
      pendingCarbs += carbs;
    }
    model.step(state, carbs, basal + bolus);
  }
  trueBg[n] = model.bgMgDl(state);
  trueGsub[n] = model.gsubMgDl(state);
  return {
    patient: params.name,
    days,
    seed,
    cgm: { timeMin: Float64Array.from(times), glucoseMgDl: Float64Array.from(values) },
    log: { basal: [{ timeMin: 0, uPerH: basal * 60 }], boluses, meals: mealLog },
    trueBgMgDl: trueBg,
    trueGsubMgDl: trueGsub,
  };
}
