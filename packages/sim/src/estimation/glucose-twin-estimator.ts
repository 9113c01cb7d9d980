import { steadyBasalUPerMin } from '../models/uva-padova/params.ts';
import { robustCholesky } from './cholesky.ts';
import { ExogenousSignals } from './insulin-meal-driver.ts';
import { MealSpeedGrid } from './meal-speed-grid.ts';
import { tissueGlucoseAtRest } from './tissue-glucose-at-rest.ts';
import { TreatmentCursor, type TreatmentLog, treatmentLogBasalUPerMin } from './treatment-log.ts';
import { DIST, GLUCOSE_MEMBER_SIZE, GP, GS, GT, TwinGlucoseDynamics } from './twin-glucose-dynamics.ts';
import type { GlucoseTwinSettings } from './twin-settings.ts';

/** Slots of the filter state (mean and covariance). */
export const twinState = {
  /** Plasma glucose mass Gp [mg/kg]. */
  gpMgPerKg: 0,
  /** Tissue glucose mass Gt [mg/kg]. */
  gtMgPerKg: 1,
  /** Subcutaneous glucose mass Gs [mg/kg]. */
  gsMgPerKg: 2,
  /** Unmodelled glucose flux δ [mg/kg/min]. */
  disturbanceMgPerKgMin: 3,
  /** Basal production shift b [mg/kg/min]. */
  basalShiftMgPerKgMin: 4,
  /** ln s, insulin-sensitivity scale. */
  logSensitivity: 5,
  /** ln c, carb-effect scale. */
  logCarbEffect: 6,
  /** CGM error e [mg/dL]. */
  sensorErrorMgDl: 7,
  /** ln r, meal-absorption speed. */
  logMealSpeed: 8,
} as const;
export const TWIN_STATE_SIZE = 9;

const B = twinState.basalShiftMgPerKgMin;
const LS = twinState.logSensitivity;
const LC = twinState.logCarbEffect;
const E = twinState.sensorErrorMgDl;
const LR = twinState.logMealSpeed;
const N = TWIN_STATE_SIZE;
const NS = 2 * N + 1;
/** Longest time update between sigma-point redraws [min]; longer gaps are split. */
export const TWIN_CHUNK_MIN = 15;

/** Everything needed to resume the filter: plain copies (cache, branch, persist). */
export interface TwinEstimatorSnapshot {
  readonly minute: number;
  readonly readings: number;
  readonly lastReadingMin: number;
  readonly mean: Float64Array;
  readonly cov: Float64Array;
  readonly driver: Float64Array;
}

/**
 * State estimation and personalisation of the UVA/Padova twin from a CGM stream and a treatment log:
 * an unscented Kalman filter (Julier & Uhlmann, Proc. SPIE 3068, 1997; scaled form and parameter
 * augmentation after Wan & van der Merwe, IEEE AS-SPCC 2000) over the glucose states of the nominal
 * patient, augmented with the personal parameters as random walks (ln s, ln c, ln r, b), an unmodelled
 * glucose flux δ (Gauss–Markov) and the CGM error e (Gauss–Markov, because simglucose's — and real —
 * sensor errors are strongly autocorrelated; treating them as white noise would make the filter chase
 * them). The insulin and gut subsystems are driven open-loop by the log (insulin-meal-driver.ts).
 *
 * Why a UKF and not a particle filter: the state is small (8), the posterior is close to Gaussian
 * between meals, and the 17 deterministic sigma points cost 17 glucose-subsystem integrations per
 * reading (≈ 10 ms per patient-day), reproducible without a seed, where a particle filter would need
 * hundreds of particles and resample-move steps to keep parameter diversity (Doucet & Johansen 2009).
 *
 * Time update per interval (≤ 15 min): sigma points χ = m ± √(n+λ)·columns of chol(P) (α = 1,
 * β = 2, κ = 0 ⇒ λ = 0), each integrated through the interval, + additive Q(Δ). Measurement
 * y = Gs/Vg + e + v is linear, so the update is the exact Kalman update; innovations beyond
 * `innovationGateSd` inflate R (Huber-type down-weighting of compression lows and spikes).
 */
export class GlucoseTwinEstimator {
  readonly settings: GlucoseTwinSettings;
  readonly log: TreatmentLog;
  /** Multiplier from the person's insulin units to the nominal patient's (see settings). */
  readonly insulinScale: number;
  /** The person's basal rate assumed when the log has none [U/min]. */
  readonly defaultBasalUPerMin: number;
  readonly dynamics: TwinGlucoseDynamics;
  readonly driver: MealSpeedGrid;
  readonly mean = new Float64Array(N);
  readonly cov = new Float64Array(N * N);
  /** Minute of the current estimate (NaN before `start`). */
  minute = Number.NaN;
  readings = 0;
  lastReadingMin = Number.NaN;

  private readonly cursor: TreatmentCursor;
  private readonly sig: ExogenousSignals;
  private readonly carbs = new Float64Array(TWIN_CHUNK_MIN);
  private readonly insulin = new Float64Array(TWIN_CHUNK_MIN);
  private readonly io = new Float64Array(3);
  private readonly chol = new Float64Array(N * N);
  private readonly work = new Float64Array(N * N);
  private readonly sigma = new Float64Array(NS * N);
  private readonly members = new Float64Array(NS * GLUCOSE_MEMBER_SIZE);
  private readonly ph = new Float64Array(N);
  private readonly wm = new Float64Array(NS);
  private readonly wc = new Float64Array(NS);
  private readonly spread: number;
  private readonly vg: number;
  private readonly logLo: number;
  private readonly logHi: number;
  private readonly speedLo: number;
  private readonly speedHi: number;

  constructor(settings: GlucoseTwinSettings, log: TreatmentLog) {
    this.settings = settings;
    this.log = log;
    const nominalBasal = steadyBasalUPerMin(settings.nominal);
    const reference = settings.referenceBasalUPerMin ?? treatmentLogBasalUPerMin(log);
    this.insulinScale = reference !== undefined && reference > 0 ? nominalBasal / reference : 1;
    this.defaultBasalUPerMin = reference !== undefined && reference > 0 ? reference : nominalBasal;
    this.driver = new MealSpeedGrid(settings.nominal, settings.stepsPerMinute, settings.mealSpeedGrid);
    this.dynamics = new TwinGlucoseDynamics(settings.nominal, settings.noise.disturbanceTimeConstantMin, this.driver);
    this.cursor = new TreatmentCursor(log, this.defaultBasalUPerMin);
    this.sig = new ExogenousSignals(TWIN_CHUNK_MIN, settings.stepsPerMinute, this.driver.channels);
    this.speedLo = this.driver.logMin;
    this.speedHi = this.driver.logMin + (this.driver.channels - 1) * this.driver.logStep;
    this.vg = settings.nominal.vgDlPerKg;
    this.logLo = Math.log(settings.scaleBounds[0]);
    this.logHi = Math.log(settings.scaleBounds[1]);
    // Scaled unscented transform weights (Wan & van der Merwe 2000, eq. 15) with α = 1, β = 2, κ = 0.
    const alpha = settings.unscentedAlpha;
    const beta = 2;
    const kappa = 0;
    const lambda = alpha * alpha * (N + kappa) - N;
    this.spread = Math.sqrt(N + lambda);
    this.wm[0] = lambda / (N + lambda);
    this.wc[0] = this.wm[0] + (1 - alpha * alpha + beta);
    for (let i = 1; i < NS; i++) {
      this.wm[i] = 1 / (2 * (N + lambda));
      this.wc[i] = this.wm[i]!;
    }
  }

  get started(): boolean {
    return !Number.isNaN(this.minute);
  }

  /** Basal rate in force at the current minute, in the person's units [U/min]. */
  get currentBasalUPerMin(): number {
    return this.cursor.currentBasalUPerMin;
  }

  /**
   * Starts the filter at the first reading: the log of the preceding `warmUpMin` minutes is replayed
   * through the insulin and gut subsystems, glucose starts at rest at the reading's level, the
   * parameters at their prior.
   */
  start(timeMin: number, cgmMgDl: number): void {
    const minute = Math.round(timeMin);
    const { prior, noise } = this.settings;
    this.driver.reset();
    this.minute = minute - this.settings.warmUpMin;
    this.cursor.seek(this.minute);
    while (this.minute < minute) this.runDriver(Math.min(TWIN_CHUNK_MIN, minute - this.minute));
    const vg = this.vg;
    const m = this.mean;
    m.fill(0);
    m[GP] = cgmMgDl * vg;
    m[GT] = tissueGlucoseAtRest(this.settings.nominal, m[GP]!);
    m[GS] = cgmMgDl * vg;
    m[LS] = Math.log(prior.sensitivityScale);
    m[LC] = Math.log(prior.carbEffectScale);
    m[LR] = Math.log(prior.mealSpeed);
    const c = this.cov;
    c.fill(0);
    const g = prior.glucoseSdMgDl * vg;
    c[GP * N + GP] = g * g;
    c[GT * N + GT] = 4 * g * g;
    c[GS * N + GS] = g * g;
    c[GP * N + GS] = 0.9 * g * g;
    c[GS * N + GP] = 0.9 * g * g;
    c[DIST * N + DIST] = noise.disturbanceSdMgPerKgMin ** 2;
    c[B * N + B] = prior.basalShiftSdMgPerKgMin ** 2;
    c[LS * N + LS] = prior.sensitivityLogSd ** 2;
    c[LC * N + LC] = prior.carbEffectLogSd ** 2;
    c[E * N + E] = noise.sensorErrorSdMgDl ** 2;
    c[LR * N + LR] = prior.mealSpeedLogSd ** 2;
    this.readings = 0;
    this.update(cgmMgDl);
    this.readings = 1;
    this.lastReadingMin = minute;
  }

  /**
   * Assimilates one CGM reading (mg/dL) at `timeMin` (rounded to the minute): starts the filter on the
   * first call, then time-updates to the reading and applies the measurement update. Readings at or
   * before the current minute are ignored (returns false).
   */
  assimilate(timeMin: number, cgmMgDl: number): boolean {
    if (!Number.isFinite(cgmMgDl) || !(cgmMgDl > 0)) return false;
    const minute = Math.round(timeMin);
    if (!this.started) {
      this.start(timeMin, cgmMgDl);
      return true;
    }
    if (minute <= this.lastReadingMin) return false;
    if (minute > this.minute) this.advanceTo(minute);
    this.update(cgmMgDl);
    this.readings += 1;
    this.lastReadingMin = minute;
    return true;
  }

  /** Time update (prediction without measurement) up to `minute`. */
  advanceTo(minute: number): void {
    while (this.minute < minute) this.timeUpdate(Math.min(TWIN_CHUNK_MIN, minute - this.minute));
  }

  snapshot(): TwinEstimatorSnapshot {
    return {
      minute: this.minute,
      readings: this.readings,
      lastReadingMin: this.lastReadingMin,
      mean: Float64Array.from(this.mean),
      cov: Float64Array.from(this.cov),
      driver: this.driver.saveState(new Float64Array(this.driver.stateSize)),
    };
  }

  restore(s: TwinEstimatorSnapshot): void {
    this.minute = s.minute;
    this.readings = s.readings;
    this.lastReadingMin = s.lastReadingMin;
    this.mean.set(s.mean);
    this.cov.set(s.cov);
    this.driver.loadState(s.driver);
    if (!Number.isNaN(s.minute)) this.cursor.seek(s.minute);
  }

  /** Clamped sensitivity and carb-effect log-scales, for callers sampling the state. */
  clampLogScale(v: number): number {
    return v < this.logLo ? this.logLo : Math.min(v, this.logHi);
  }

  /** Clamped log meal speed (the grid's range). */
  clampLogSpeed(v: number): number {
    return v < this.speedLo ? this.speedLo : Math.min(v, this.speedHi);
  }

  /** Reads the log for `minutes` minutes into the input buffers (nominal units) and runs the driver. */
  private runDriver(minutes: number): void {
    const io = this.io;
    const scale = this.insulinScale;
    for (let k = 0; k < minutes; k++) {
      this.cursor.read(this.minute + k, io);
      this.carbs[k] = io[0]!;
      this.insulin[k] = (io[1]! + io[2]!) * scale;
    }
    this.driver.run(this.carbs, this.insulin, 0, minutes, this.sig);
    this.minute += minutes;
  }

  private timeUpdate(minutes: number): void {
    const { mean, cov, chol, sigma, members, wm, wc } = this;
    robustCholesky(cov, N, chol, this.work);
    // Sigma points (rows of `sigma`).
    for (let i = 0; i < NS; i++) {
      const row = i * N;
      for (let r = 0; r < N; r++) sigma[row + r] = mean[r]!;
      if (i === 0) continue;
      const col = (i - 1) % N;
      const sign = i <= N ? 1 : -1;
      for (let r = 0; r < N; r++) sigma[row + r] = sigma[row + r]! + sign * this.spread * chol[r * N + col]!;
    }
    this.runDriver(minutes);
    const noise = this.settings.noise;
    const phi = Math.exp(-minutes / noise.sensorErrorTimeConstantMin);
    for (let i = 0; i < NS; i++) {
      const row = i * N;
      const mb = i * GLUCOSE_MEMBER_SIZE;
      // Masses cannot be negative: a sigma point beyond zero is integrated from zero.
      members[mb + GP] = Math.max(sigma[row + GP]!, 0);
      members[mb + GT] = Math.max(sigma[row + GT]!, 0);
      members[mb + GS] = Math.max(sigma[row + GS]!, 0);
      members[mb + DIST] = sigma[row + DIST]!;
      const s = Math.exp(this.clampLogScale(sigma[row + LS]!));
      const c = Math.exp(this.clampLogScale(sigma[row + LC]!));
      this.dynamics.advance(members, mb, s, c, sigma[row + B]!, this.clampLogSpeed(sigma[row + LR]!), this.sig, 0, minutes);
      for (let r = 0; r < GLUCOSE_MEMBER_SIZE; r++) sigma[row + r] = members[mb + r]!;
      sigma[row + E] = phi * sigma[row + E]!;
    }
    mean.fill(0);
    for (let i = 0; i < NS; i++) for (let r = 0; r < N; r++) mean[r] = mean[r]! + wm[i]! * sigma[i * N + r]!;
    cov.fill(0);
    for (let i = 0; i < NS; i++) {
      const row = i * N;
      for (let r = 0; r < N; r++) {
        const dr = sigma[row + r]! - mean[r]!;
        for (let q = 0; q <= r; q++) cov[r * N + q] = cov[r * N + q]! + wc[i]! * dr * (sigma[row + q]! - mean[q]!);
      }
    }
    for (let r = 0; r < N; r++) for (let q = 0; q < r; q++) cov[q * N + r] = cov[r * N + q]!;
    this.addProcessNoise(minutes, phi);
  }

  private addProcessNoise(minutes: number, phi: number): void {
    const noise = this.settings.noise;
    const cov = this.cov;
    const vg = this.vg;
    const day = minutes / 1440;
    const gp = noise.plasmaGlucoseSdMgDlPerSqrtMin * vg;
    cov[GP * N + GP] = cov[GP * N + GP]! + gp * gp * minutes;
    cov[GT * N + GT] = cov[GT * N + GT]! + 0.25 * gp * gp * minutes;
    cov[GS * N + GS] = cov[GS * N + GS]! + 0.01 * gp * gp * minutes;
    const dd = Math.exp(-minutes / noise.disturbanceTimeConstantMin);
    cov[DIST * N + DIST] = cov[DIST * N + DIST]! + noise.disturbanceSdMgPerKgMin ** 2 * (1 - dd * dd);
    cov[B * N + B] = cov[B * N + B]! + noise.basalShiftWalkPerSqrtDay ** 2 * day;
    cov[LS * N + LS] = cov[LS * N + LS]! + noise.sensitivityWalkPerSqrtDay ** 2 * day;
    cov[LC * N + LC] = cov[LC * N + LC]! + noise.carbEffectWalkPerSqrtDay ** 2 * day;
    cov[LR * N + LR] = cov[LR * N + LR]! + noise.mealSpeedWalkPerSqrtDay ** 2 * day;
    cov[E * N + E] = cov[E * N + E]! + noise.sensorErrorSdMgDl ** 2 * (1 - phi * phi);
  }

  /** Kalman measurement update with y = Gs/Vg + e + v (linear, so exact). */
  private update(cgmMgDl: number): void {
    const { mean, cov, ph } = this;
    const invVg = 1 / this.vg;
    // P·h with h = (0, 0, 1/Vg, 0, 0, 0, 0, 1).
    for (let r = 0; r < N; r++) ph[r] = cov[r * N + GS]! * invVg + cov[r * N + E]!;
    const white = this.settings.noise.sensorWhiteSdMgDl ** 2;
    const hph = ph[GS]! * invVg + ph[E]!;
    const innovation = cgmMgDl - (mean[GS]! * invVg + mean[E]!);
    let s = hph + white;
    const gate = this.settings.innovationGateSd;
    if (innovation * innovation > gate * gate * s) s = (innovation * innovation) / (gate * gate);
    for (let r = 0; r < N; r++) mean[r] = mean[r]! + (ph[r]! * innovation) / s;
    for (let r = 0; r < N; r++) for (let q = 0; q < N; q++) cov[r * N + q] = cov[r * N + q]! - (ph[r]! * ph[q]!) / s;
    for (let r = 0; r < N; r++) {
      for (let q = 0; q < r; q++) {
        const v = 0.5 * (cov[r * N + q]! + cov[q * N + r]!);
        cov[r * N + q] = v;
        cov[q * N + r] = v;
      }
    }
    if (mean[GP]! < 1) mean[GP] = 1;
    if (mean[GT]! < 1) mean[GT] = 1;
    if (mean[GS]! < 1) mean[GS] = 1;
    mean[LS] = this.clampLogScale(mean[LS]!);
    mean[LC] = this.clampLogScale(mean[LC]!);
    mean[LR] = this.clampLogSpeed(mean[LR]!);
  }
}
