import type { ControllerAction, ControllerObservation, ControllerPatient, InsulinController } from './insulin-controller.ts';

/**
 * A hybrid closed-loop PID controller acting on CGM every sample (5 min with a 5-minute sensor):
 *
 *   u = basal + Kp·(e + I/Ti + Td·dG/dt),   e = CGM − target − CF·IOB,
 *
 * after the external physiologic insulin delivery PID (Steil et al., Diabetes 2006;55:3344 — gains
 * set from the patient's insulin needs, integral and derivative times in minutes) with the error
 * reduced by the glucose the insulin on board will still remove (IOB-corrected PID, cf. Hu & Li,
 * Comput Math Methods Med 2015:281589, playing the role of Steil's insulin feedback).
 *
 * Project choices (documented, not from one paper):
 * - Kp = 1/(CF·horizonMin) U/min per mg/dL: a sustained error e is corrected with the patient's own
 *   correction factor over `horizonMin` minutes (CF from Quest.csv, so gains scale with sensitivity);
 * - IOB of the insulin given above basal (boluses and PID extra) decays as a unit bolus in a two-
 *   compartment absorption chain, IOB(t) = (1 + t/τ)·e^(−t/τ), τ = `iobTauMin` (≈ 4–5 h action);
 * - dG/dt from the CGM difference over `derivativeWindowMin` (smooths sensor noise);
 * - conditional integration (anti-windup) and |Kp·I/Ti| ≤ basal;
 * - suspend (basal 0) when CGM < `suspendBelowMgDl` or the 30-minute linear prediction is below it;
 * - rate limited to `maxBasalMultiple` × basal (the pump then applies its own limits);
 * - meals announced: bolus carbs/(CR·crScale) (hybrid closed loop); `mealBolus: false` is fully closed.
 */
export interface PidSettings {
  readonly targetMgDl: number;
  readonly horizonMin: number;
  readonly integralTimeMin: number;
  readonly derivativeTimeMin: number;
  readonly derivativeWindowMin: number;
  readonly iobTauMin: number;
  readonly suspendBelowMgDl: number;
  readonly maxBasalMultiple: number;
  readonly mealBolus: boolean;
  readonly crScale: number;
}

export const pidDefaults: PidSettings = Object.freeze({
  targetMgDl: 120,
  horizonMin: 120,
  integralTimeMin: 450,
  derivativeTimeMin: 60,
  derivativeWindowMin: 15,
  iobTauMin: 55,
  suspendBelowMgDl: 70,
  maxBasalMultiple: 4,
  mealBolus: true,
  crScale: 1,
});

/** CGM history ring length: enough for a derivative window of up to 60 one-minute samples. */
const HISTORY = 64;

export class PidController implements InsulinController {
  readonly kind = 'pid';
  readonly settings: PidSettings;
  private basal = 0;
  private kp = 0;
  private cf = 1;
  private cr = 1;
  private integral = 0;
  private iob1 = 0;
  private iob2 = 0;
  private lastExtraU = 0;
  private lastT = Number.NaN;
  private readonly cgmHistory = new Float64Array(HISTORY);
  private readonly timeHistory = new Float64Array(HISTORY);
  private count = 0;

  constructor(settings: Partial<PidSettings> = {}) {
    this.settings = Object.freeze({ ...pidDefaults, ...settings });
  }

  reset(patient: ControllerPatient): void {
    this.basal = patient.basalUPerMin;
    this.cf = patient.correctionFactorMgDlPerU;
    this.cr = patient.carbRatioGPerU * this.settings.crScale;
    this.kp = 1 / (this.cf * this.settings.horizonMin);
    this.integral = 0;
    this.iob1 = 0;
    this.iob2 = 0;
    this.lastExtraU = 0;
    this.lastT = Number.NaN;
    this.count = 0;
  }

  /** Insulin on board above basal [U]. */
  get insulinOnBoardU(): number {
    return this.iob1 + this.iob2;
  }

  act(obs: ControllerObservation, out: ControllerAction): void {
    const s = this.settings;
    const dt = Number.isNaN(this.lastT) ? 0 : obs.tMin - this.lastT;
    this.lastT = obs.tMin;
    this.advanceIob(dt);
    this.remember(obs.tMin, obs.cgmMgDl);

    const slope = this.slopePerMin(obs.tMin, obs.cgmMgDl);
    const bolus = s.mealBolus && obs.announcedCarbsG > 0 ? obs.announcedCarbsG / this.cr : 0;
    const error = obs.cgmMgDl - s.targetMgDl - this.cf * this.insulinOnBoardU;
    const maxRate = this.basal * s.maxBasalMultiple;
    const integralLimit = (this.basal * s.integralTimeMin) / this.kp;

    // PID output without the integral term; the integral is added for the candidate and the final value.
    const pd = this.basal + this.kp * (error + s.derivativeTimeMin * slope);
    const ki = this.kp / s.integralTimeMin;
    // Conditional integration: accumulate only while the output is not saturated in the same direction.
    const candidate = Math.max(-integralLimit, Math.min(integralLimit, this.integral + error * dt));
    const trial = pd + ki * candidate;
    if (!((trial >= maxRate && error > 0) || (trial <= 0 && error < 0))) this.integral = candidate;

    let rate = Math.max(0, Math.min(maxRate, pd + ki * this.integral));
    const predicted = obs.cgmMgDl + 30 * slope;
    if (obs.cgmMgDl < s.suspendBelowMgDl || predicted < s.suspendBelowMgDl) rate = 0;

    out.basalUPerMin = rate;
    out.bolusU = bolus;
    // Insulin above basal entering the IOB model over the next interval (negative when suspended).
    this.lastExtraU = bolus + (rate - this.basal) * obs.intervalMin;
  }

  /** Two-compartment IOB chain, exact over dt for an impulse given at the start of the interval. */
  private advanceIob(dt: number): void {
    this.iob1 += this.lastExtraU;
    this.lastExtraU = 0;
    if (dt <= 0) return;
    const tau = this.settings.iobTauMin;
    const e = Math.exp(-dt / tau);
    const x1 = this.iob1;
    this.iob1 = x1 * e;
    this.iob2 = (this.iob2 + (x1 * dt) / tau) * e;
  }

  private remember(t: number, g: number): void {
    const i = this.count % HISTORY;
    this.cgmHistory[i] = g;
    this.timeHistory[i] = t;
    this.count += 1;
  }

  /** (G(t) − G(t − w))/w with the newest stored sample at least w minutes old, else 0. */
  private slopePerMin(t: number, g: number): number {
    const w = this.settings.derivativeWindowMin;
    const n = Math.min(this.count, HISTORY);
    for (let k = 1; k < n; k++) {
      const i = (this.count - 1 - k + HISTORY) % HISTORY;
      const age = t - this.timeHistory[i]!;
      if (age >= w) return (g - this.cgmHistory[i]!) / age;
    }
    return 0;
  }
}
