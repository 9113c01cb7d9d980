import { createFixedStepIntegrator } from '../../ode/fixed-step-solver.ts';
import type { FixedStepIntegrator, FixedStepSolverSettings, OdeSystem } from '../../ode/ode-system.ts';
import { SimInputError } from '../../sim-input-error.ts';
import { steadyBasalUPerMin, type UvaPadovaParams } from './params.ts';
import { validateUvaPadovaParams } from './params-validation.ts';
import { UVA_ODE_SIZE } from './state.ts';

// State indices (see state.ts; module constants so the JIT folds them in the hot loop).
const QSTO1 = 0;
const QSTO2 = 1;
const QGUT = 2;
const GP = 3;
const GT = 4;
const IP = 5;
const X = 6;
const I1 = 7;
const ID = 8;
const IL = 9;
const ISC1 = 10;
const ISC2 = 11;
const GS = 12;
const PLANNED = 13;
const MEAL_START_QSTO = 14;
const MEAL_EATEN = 15;
const LAST_EAT = 16;

/** simglucose `T1DPatient.EAT_RATE`: announced carbohydrate is eaten at most 5 g per minute. */
export const SIMGLUCOSE_EAT_RATE_G_PER_MIN = 5;

/**
 * Default solver: classical RK4 with two steps (h = 0.5 min) per 1-minute input interval. Against an
 * independent tight-tolerance RK45 solution of the same equations, all 30 patients stay within
 * 0.03 mg/dL over 24 h with meals eaten at 5 g/min or in one minute, with and without boluses. One step
 * per minute (glucose-model.md §8) is not enough for every patient: a b close to 1 (child#007
 * b = 0.95, adult#006 b = 0.96) makes gastric emptying switch within a minute and RK4 at h = 1 min
 * deviates by up to 0.33 mg/dL there.
 */
export const defaultUvaSolver: FixedStepSolverSettings = Object.freeze({ method: 'rk4', stepsPerMinute: 2 });

export interface UvaPadovaModelOptions {
  readonly solver?: FixedStepSolverSettings;
  /**
   * Maximal eating rate [g/min]; 5 replicates simglucose (`eat-rate`), `Infinity` puts each announced
   * meal entirely into its minute (`one-minute`).
   */
  readonly eatRateGPerMin?: number;
}

/**
 * The UVA/Padova 2008 T1D model exactly as simglucose 0.2.11 implements it (`T1DPatient.model` and
 * `T1DPatient.step`; equations restated in docs glucose-model.md §3–§4), integrated with an
 * allocation-free fixed-step Runge–Kutta method per 1-minute input interval.
 *
 * Reuse contract (trial engine, UKF / particle filter):
 * - a state is a caller-owned `Float64Array(UVA_STATE_SIZE)`: 13 ODE states then the meal memory
 *   (`uvaState` names every slot), so get/set is a plain copy;
 * - `step(state, carbsG, insulinUPerMin)` advances any state by one minute in place, with simglucose's
 *   meal-announcement logic; `setInputs` + `derivative` expose the raw RHS for estimators;
 * - `setParams` re-targets the model to another parameter set without allocating (constants are
 *   precomputed here, once per parameter set), so one model instance can serve many patients.
 */
export class UvaPadovaModel implements OdeSystem {
  readonly dimension = UVA_ODE_SIZE;
  readonly solver: FixedStepSolverSettings;
  eatRateGPerMin: number;
  private readonly integrator: FixedStepIntegrator;
  private readonly stepsPerMinute: number;
  private p: UvaPadovaParams;

  // Parameter-derived constants (setParams).
  private kmax = 0;
  private kmin = 0;
  private kgutHalfRange = 0;
  private b = 0;
  private d = 0;
  private kabs = 0;
  private raPerQgut = 0;
  private kp1 = 0;
  private kp2 = 0;
  private kp3 = 0;
  private fsnc = 0;
  private ke1 = 0;
  private ke2 = 0;
  private k1 = 0;
  private k2 = 0;
  private vm0 = 0;
  private vmx = 0;
  private km0 = 0;
  private p2u = 0;
  private ib = 0;
  private invVi = 0;
  private ki = 0;
  private m1 = 0;
  private m2 = 0;
  private m2m4 = 0;
  private m1m30 = 0;
  private ka1 = 0;
  private ka2 = 0;
  private kd = 0;
  private ka1kd = 0;
  private ksc = 0;
  private pmolPerKgPerU = 0;
  private invVg = 0;

  // Inputs held during the current minute (setInputs).
  private choMgPerMin = 0;
  private insulinPmolPerKgMin = 0;
  private hasMeal = false;
  private aa = 0;
  private cc = 0;
  private bDbar = 0;
  private dDbar = 0;
  /** The Dbar that aa, cc, bDbar and dDbar were computed for (NaN: none; reset by setParams). */
  private shapedDbarMg = Number.NaN;

  constructor(params: UvaPadovaParams, options: UvaPadovaModelOptions = {}) {
    this.solver = Object.freeze({ ...(options.solver ?? defaultUvaSolver) });
    const problems = validateUvaPadovaParams(params, this.solver);
    if (problems.length > 0) throw new SimInputError(`invalid parameters for ${params.name}`, problems);
    this.eatRateGPerMin = options.eatRateGPerMin ?? SIMGLUCOSE_EAT_RATE_G_PER_MIN;
    if (!(this.eatRateGPerMin > 0)) throw new RangeError('eatRateGPerMin must be > 0');
    this.integrator = createFixedStepIntegrator(this.solver.method, UVA_ODE_SIZE);
    this.stepsPerMinute = this.solver.stepsPerMinute;
    this.p = params;
    this.setParams(params);
  }

  get params(): UvaPadovaParams {
    return this.p;
  }

  /** Steady-state basal rate u2ss·BW/6000 [U/min] that holds the patient at its basal equilibrium. */
  get basalUPerMin(): number {
    return steadyBasalUPerMin(this.p);
  }

  /**
   * Switches to another parameter set (trusted: validate it once with `validateUvaPadovaParams` at the
   * edge). Precomputes every constant the RHS uses; allocates nothing.
   */
  setParams(p: UvaPadovaParams): void {
    this.p = p;
    this.shapedDbarMg = Number.NaN;
    this.kmax = p.kmaxPerMin;
    this.kmin = p.kminPerMin;
    this.kgutHalfRange = (p.kmaxPerMin - p.kminPerMin) / 2;
    this.b = p.bFraction;
    this.d = p.dFraction;
    this.kabs = p.kabsPerMin;
    this.raPerQgut = (p.fFraction * p.kabsPerMin) / p.bodyWeightKg;
    this.kp1 = p.kp1MgPerKgMin;
    this.kp2 = p.kp2PerMin;
    this.kp3 = p.kp3MgPerKgMinPerPmolL;
    this.fsnc = p.fsncMgPerKgMin;
    this.ke1 = p.ke1PerMin;
    this.ke2 = p.ke2MgPerKg;
    this.k1 = p.k1PerMin;
    this.k2 = p.k2PerMin;
    this.vm0 = p.vm0MgPerKgMin;
    this.vmx = p.vmxMgPerKgMinPerPmolL;
    this.km0 = p.km0MgPerKg;
    this.p2u = p.p2uPerMin;
    this.ib = p.basalInsulinPmolL;
    this.invVi = 1 / p.viLPerKg;
    this.ki = p.kiPerMin;
    this.m1 = p.m1PerMin;
    this.m2 = p.m2PerMin;
    this.m2m4 = p.m2PerMin + p.m4PerMin;
    this.m1m30 = p.m1PerMin + p.m30PerMin;
    this.ka1 = p.ka1PerMin;
    this.ka2 = p.ka2PerMin;
    this.kd = p.kdPerMin;
    this.ka1kd = p.ka1PerMin + p.kdPerMin;
    this.ksc = p.kscPerMin;
    this.pmolPerKgPerU = 6000 / p.bodyWeightKg;
    this.invVg = 1 / p.vgDlPerKg;
  }

  /** Writes the CSV initial state x0 and a reset meal memory (simglucose `T1DPatient.reset`). */
  writeInitialState(out: Float64Array): Float64Array {
    const x0 = this.p.initialState;
    for (let i = 0; i < UVA_ODE_SIZE; i++) out[i] = x0[i]!;
    out[PLANNED] = 0;
    out[MEAL_START_QSTO] = out[QSTO1]! + out[QSTO2]!;
    out[MEAL_EATEN] = 0;
    out[LAST_EAT] = 0;
    return out;
  }

  /**
   * Sets the inputs held constant during the next integration interval: carbohydrate entering the
   * stomach [g/min], insulin [U/min] (basal + bolus) and the meal size Dbar [mg] that shapes gastric
   * emptying. `step` calls this itself; estimators integrating the raw ODE call it directly.
   */
  setInputs(choGPerMin: number, insulinUPerMin: number, dbarMg: number): void {
    this.choMgPerMin = 1000 * choGPerMin;
    this.insulinPmolPerKgMin = insulinUPerMin * this.pmolPerKgPerU;
    this.hasMeal = dbarMg > 0;
    // Dbar changes only while a meal is being eaten; the gastric-emptying shape is kept otherwise.
    if (this.hasMeal && dbarMg !== this.shapedDbarMg) {
      this.shapedDbarMg = dbarMg;
      this.aa = 5 / (2 * dbarMg * (1 - this.b));
      this.cc = 5 / (2 * dbarMg * this.d);
      this.bDbar = this.b * dbarMg;
      this.dDbar = this.d * dbarMg;
    }
  }

  /**
   * The right-hand side (simglucose `T1DPatient.model`) with the inputs of `setInputs`; reads
   * `x[0..12]`, writes `dx[0..12]`. Piecewise smooth exactly where simglucose is: `max(EGP, 0)`, the
   * renal threshold ke2, the `Dbar > 0` branch and the non-negativity guards on Gp, Gt, Ip, Il, Isc1,
   * Isc2 and Gs (derivative forced to 0 while that state is negative).
   */
  derivative(_tMin: number, x: Float64Array, dx: Float64Array): void {
    const qsto1 = x[QSTO1]!;
    const qsto2 = x[QSTO2]!;
    const qgut = x[QGUT]!;
    const gp = x[GP]!;
    const gt = x[GT]!;
    const ip = x[IP]!;
    const xAct = x[X]!;
    const i1 = x[I1]!;
    const id = x[ID]!;
    const il = x[IL]!;
    const isc1 = x[ISC1]!;
    const isc2 = x[ISC2]!;
    const gs = x[GS]!;

    // Gastro-intestinal tract with nonlinear gastric emptying (Dalla Man 2007, eqs. 10–13).
    let kgut = this.kmax;
    if (this.hasMeal) {
      const qsto = qsto1 + qsto2;
      // tanh(A) − tanh(B) written as 2/(e^{2B}+1) − 2/(e^{2A}+1): same value to ~1e-16 absolute,
      // two exp calls are cheaper than two tanh calls (this is the hottest line of the simulator).
      const ea = Math.exp(2 * this.aa * (qsto - this.bDbar));
      const eb = Math.exp(2 * this.cc * (qsto - this.dDbar));
      kgut = this.kmin + this.kgutHalfRange * (2 / (eb + 1) - 2 / (ea + 1) + 2);
    }
    dx[QSTO1] = -this.kmax * qsto1 + this.choMgPerMin;
    dx[QSTO2] = this.kmax * qsto1 - kgut * qsto2;
    dx[QGUT] = kgut * qsto2 - this.kabs * qgut;
    const ra = this.raPerQgut * qgut;

    // Glucose subsystem: EGP clipped at 0, renal excretion above ke2 (Dalla Man 2007, eqs. 1–9).
    const egp = this.kp1 - this.kp2 * gp - this.kp3 * id;
    const renal = gp > this.ke2 ? this.ke1 * (gp - this.ke2) : 0;
    const dGp = Math.max(egp, 0) + ra - this.fsnc - renal - this.k1 * gp + this.k2 * gt;
    dx[GP] = gp >= 0 ? dGp : 0;
    const uid = ((this.vm0 + this.vmx * xAct) * gt) / (this.km0 + gt);
    const dGt = -uid + this.k1 * gp - this.k2 * gt;
    dx[GT] = gt >= 0 ? dGt : 0;

    // Insulin subsystem (Dalla Man 2007, eqs. 3, 14–17) and subcutaneous insulin (Kovatchev 2009).
    const dIp = -this.m2m4 * ip + this.m1 * il + this.ka1 * isc1 + this.ka2 * isc2;
    dx[IP] = ip >= 0 ? dIp : 0;
    const it = ip * this.invVi;
    dx[X] = -this.p2u * xAct + this.p2u * (it - this.ib);
    dx[I1] = -this.ki * (i1 - it);
    dx[ID] = -this.ki * (id - i1);
    const dIl = -this.m1m30 * il + this.m2 * ip;
    dx[IL] = il >= 0 ? dIl : 0;
    const dIsc1 = this.insulinPmolPerKgMin - this.ka1kd * isc1;
    dx[ISC1] = isc1 >= 0 ? dIsc1 : 0;
    const dIsc2 = this.kd * isc1 - this.ka2 * isc2;
    dx[ISC2] = isc2 >= 0 ? dIsc2 : 0;

    // Subcutaneous glucose in mass units: dGs = −ksc·Gs + ksc·Gp.
    const dGs = -this.ksc * gs + this.ksc * gp;
    dx[GS] = gs >= 0 ? dGs : 0;
  }

  /**
   * Advances `state` (length UVA_STATE_SIZE) by one minute in place, exactly as simglucose's
   * `T1DPatient.step`: the announced carbohydrate joins the planned meal, at most `eatRateGPerMin` of
   * it is eaten this minute, the meal memory (stomach content at meal start, grams eaten) is updated
   * BEFORE integrating, and the ODE is integrated over [t, t+1) with the inputs held constant.
   * Returns the carbohydrate eaten this minute [g/min].
   */
  step(state: Float64Array, announcedCarbsG: number, insulinUPerMin: number): number {
    let planned = state[PLANNED]! + announcedCarbsG;
    let eaten = 0;
    if (planned > 0) {
      eaten = Math.min(this.eatRateGPerMin, planned);
      planned -= eaten;
      if (planned < 0) planned = 0;
    }
    state[PLANNED] = planned;
    if (eaten > 0) {
      // A new meal starts when nothing was eaten in the previous minute; consecutive eating minutes
      // (even of two overlapping announcements) form one meal for Dbar.
      if (state[LAST_EAT]! <= 0) {
        state[MEAL_START_QSTO] = state[QSTO1]! + state[QSTO2]!;
        state[MEAL_EATEN] = 0;
      }
      state[MEAL_EATEN] = state[MEAL_EATEN]! + eaten;
    }
    state[LAST_EAT] = eaten;
    // Dbar in mg: stomach content at meal start plus the grams eaten so far ×1000 (simglucose #41).
    this.setInputs(eaten, insulinUPerMin, state[MEAL_START_QSTO]! + 1000 * state[MEAL_EATEN]!);
    this.integrator.advance(this, state, 0, 1, this.stepsPerMinute);
    return eaten;
  }

  /** Plasma glucose BG = Gp/Vg [mg/dL]. */
  bgMgDl(state: Float64Array): number {
    return state[GP]! * this.invVg;
  }

  /** Subcutaneous glucose Gsub = Gs/Vg [mg/dL] (what a CGM sees before noise). */
  gsubMgDl(state: Float64Array): number {
    return state[GS]! * this.invVg;
  }

  /** Plasma insulin I = Ip/Vi [pmol/L]. */
  plasmaInsulinPmolL(state: Float64Array): number {
    return state[IP]! * this.invVi;
  }
}
