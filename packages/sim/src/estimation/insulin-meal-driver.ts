import type { UvaPadovaParams } from '../models/uva-padova/params.ts';
import { UVA_ODE_SIZE, UVA_STATE_SIZE, uvaState } from '../models/uva-padova/state.ts';
import { UvaPadovaModel } from '../models/uva-padova/uva-padova-model.ts';

/** Stage points of one classical RK4 step. */
export const RK4_STAGES = 4;

/**
 * Exogenous signals of the glucose subsystem at the stage points of the classical RK4 sub-steps of
 * each minute: with n = stepsPerMinute, index 4·(n·k + i) + j is stage j (0: start, 1 and 2:
 * midpoint predictions, 3: end prediction) of sub-step i of minute k. Ra has one channel per
 * meal-absorption speed of a `MealSpeedGrid` (channel c at offset c·stride).
 */
export class ExogenousSignals {
  /** Capacity in minutes. */
  readonly capacityMin: number;
  readonly stepsPerMinute: number;
  readonly channels: number;
  /** Entries per channel. */
  readonly stride: number;
  /** X, insulin action on glucose utilisation [pmol/L] (relative to basal). */
  readonly xPmolL: Float64Array;
  /** Id, delayed insulin acting on endogenous production [pmol/L]. */
  readonly idPmolL: Float64Array;
  /** Ra, rate of appearance of meal glucose in plasma at the nominal f [mg/kg/min], per channel. */
  readonly raMgPerKgMin: Float64Array;

  constructor(capacityMin: number, stepsPerMinute: number, channels = 1) {
    this.capacityMin = capacityMin;
    this.stepsPerMinute = stepsPerMinute;
    this.channels = channels;
    this.stride = RK4_STAGES * stepsPerMinute * capacityMin;
    this.xPmolL = new Float64Array(this.stride);
    this.idPmolL = new Float64Array(this.stride);
    this.raMgPerKgMin = new Float64Array(channels * this.stride);
  }
}

const QSTO1 = uvaState.qsto1Mg;
const QSTO2 = uvaState.qsto2Mg;
const QGUT = uvaState.qgutMg;
const GP = uvaState.gpMgPerKg;
const GT = uvaState.gtMgPerKg;
const X = uvaState.xPmolPerL;
const ID = uvaState.idPmolPerL;
const GS = uvaState.gsMgPerKg;
const PLANNED = uvaState.plannedCarbsG;
const MEAL_START = uvaState.mealStartStomachMg;
const MEAL_EATEN = uvaState.mealEatenG;
const LAST_EAT = uvaState.lastEatRateGPerMin;

/**
 * The insulin and gastro-intestinal subsystems of the UVA/Padova model, run on the nominal patient
 * with the logged inputs. In the model these subsystems receive no feedback from glucose (glucose-
 * model.md §3: neither the insulin nor the gut equations read a glucose state), so given the inputs
 * they are deterministic: they are integrated once and shared by every sigma point and ensemble
 * member, and only the glucose states (Gp, Gt, Gs) are filtered (twin-glucose-dynamics.ts).
 *
 * Each minute replicates `UvaPadovaModel.step` with an RK4 solver — simglucose's meal announcement,
 * 5 g/min eating and Dbar memory (glucose-model.md §4), then `stepsPerMinute` classical RK4 steps of
 * the model's own right-hand side (`setInputs` + `derivative`) — and records X, Id and Ra at every
 * RK4 stage point. A glucose subsystem integrated with those stage values performs exactly the
 * model's joint RK4 steps, so the cascade reproduces `UvaPadovaModel.step` to rounding error (tested).
 */
export class InsulinMealDriver {
  readonly params: UvaPadovaParams;
  readonly model: UvaPadovaModel;
  /** Model state (length UVA_STATE_SIZE); glucose slots are held at rest and not meaningful. */
  readonly state = new Float64Array(UVA_STATE_SIZE);
  private readonly k = new Float64Array(UVA_ODE_SIZE);
  private readonly acc = new Float64Array(UVA_ODE_SIZE);
  private readonly tmp = new Float64Array(UVA_STATE_SIZE);
  private readonly raPerQgut: number;
  private readonly gpRest: number;
  private readonly gtRest: number;

  readonly stepsPerMinute: number;

  constructor(params: UvaPadovaParams, stepsPerMinute = 1) {
    this.params = params;
    this.stepsPerMinute = stepsPerMinute;
    this.model = new UvaPadovaModel(params, { solver: { method: 'rk4', stepsPerMinute } });
    this.raPerQgut = (params.fFraction * params.kabsPerMin) / params.bodyWeightKg;
    this.gpRest = params.initialState[GP]!;
    this.gtRest = params.initialState[GT]!;
    this.reset();
  }

  /** Basal equilibrium of the parameter set's x0: insulin at steady state, empty stomach and gut. */
  reset(): void {
    this.model.writeInitialState(this.state);
  }

  /**
   * Runs `minutes` minutes with per-minute inputs (announced carbs [g], insulin in the nominal
   * patient's units [U/min]) read from index `from` of the input arrays, writing the stage signals
   * of run minutes 0..minutes−1 into `out` (Ra into `channel`; X and Id only when `writeInsulin`).
   * Allocation-free.
   */
  run(
    carbsG: Float64Array,
    insulinUPerMin: Float64Array,
    from: number,
    minutes: number,
    out: ExogenousSignals,
    channel = 0,
    writeInsulin = true,
  ): void {
    if (minutes > out.capacityMin) throw new RangeError(`signals hold ${out.capacityMin} min, ${minutes} requested`);
    if (out.stepsPerMinute !== this.stepsPerMinute) throw new RangeError('signals were allocated for another stepsPerMinute');
    const s = this.state;
    const { k, acc, tmp, model } = this;
    const n = UVA_ODE_SIZE;
    for (let m = 0; m < minutes; m++) {
      // Meal announcement, eating at the model's rate and the Dbar memory, updated before integrating.
      let planned = s[PLANNED]! + carbsG[from + m]!;
      let eaten = 0;
      if (planned > 0) {
        eaten = Math.min(planned, model.eatRateGPerMin);
        planned = Math.max(0, planned - eaten);
      }
      s[PLANNED] = planned;
      if (eaten > 0) {
        if (s[LAST_EAT]! <= 0) {
          s[MEAL_START] = s[QSTO1]! + s[QSTO2]!;
          s[MEAL_EATEN] = 0;
        }
        s[MEAL_EATEN] = s[MEAL_EATEN]! + eaten;
      }
      s[LAST_EAT] = eaten;
      model.setInputs(eaten, insulinUPerMin[from + m]!, s[MEAL_START]! + 1000 * s[MEAL_EATEN]!);

      // Classical RK4 sub-steps (same arithmetic as ode/rk4.ts), recording the stage signals.
      const spm = this.stepsPerMinute;
      const h = 1 / spm;
      const h2 = 0.5 * h;
      const h6 = h / 6;
      for (let sub = 0; sub < spm; sub++) {
        const at = RK4_STAGES * (spm * m + sub);
        this.record(s, out, at, channel, writeInsulin);
        model.derivative(0, s, k);
        for (let i = 0; i < n; i++) {
          acc[i] = k[i]!;
          tmp[i] = s[i]! + h2 * k[i]!;
        }
        this.record(tmp, out, at + 1, channel, writeInsulin);
        model.derivative(h2, tmp, k);
        for (let i = 0; i < n; i++) {
          acc[i] = acc[i]! + 2 * k[i]!;
          tmp[i] = s[i]! + h2 * k[i]!;
        }
        this.record(tmp, out, at + 2, channel, writeInsulin);
        model.derivative(h2, tmp, k);
        for (let i = 0; i < n; i++) {
          acc[i] = acc[i]! + 2 * k[i]!;
          tmp[i] = s[i]! + h * k[i]!;
        }
        this.record(tmp, out, at + 3, channel, writeInsulin);
        model.derivative(h, tmp, k);
        for (let i = 0; i < n; i++) s[i] = s[i]! + h6 * (acc[i]! + k[i]!);
      }
      // The glucose slots are not used (the filter owns glucose): hold them at rest.
      s[GP] = this.gpRest;
      s[GT] = this.gtRest;
      s[GS] = this.gpRest;
    }
  }

  /** Rate of appearance now [mg/kg/min] at the nominal f. */
  get raMgPerKgMin(): number {
    return this.raPerQgut * this.state[QGUT]!;
  }

  private record(x: Float64Array, out: ExogenousSignals, at: number, channel: number, writeInsulin: boolean): void {
    if (writeInsulin) {
      out.xPmolL[at] = x[X]!;
      out.idPmolL[at] = x[ID]!;
    }
    out.raMgPerKgMin[channel * out.stride + at] = this.raPerQgut * x[QGUT]!;
  }
}
