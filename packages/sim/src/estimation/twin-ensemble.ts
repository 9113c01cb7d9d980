import { NormalSampler } from '../random/normal-sampler.ts';
import { Xoshiro128StarStar } from '../random/xoshiro128.ts';
import { robustCholesky } from './cholesky.ts';
import { type GlucoseTwinEstimator, TWIN_STATE_SIZE, twinState } from './glucose-twin-estimator.ts';
import { ExogenousSignals } from './insulin-meal-driver.ts';
import { MealSpeedGrid } from './meal-speed-grid.ts';
import { DIST, GLUCOSE_MEMBER_SIZE, GP, GS, GT } from './twin-glucose-dynamics.ts';

/** What each member reports: the CGM the person would see, or plasma glucose (what-if risks). */
export type EnsembleObservable = 'cgm' | 'plasma';

const N = TWIN_STATE_SIZE;
// Per-member personal parameters: s, c, b, ln r, sensor error e.
const P_S = 0;
const P_C = 1;
const P_B = 2;
const P_LR = 3;
const P_E = 4;
const P_SIZE = 5;

/**
 * Monte-Carlo ensemble from the twin's current estimate: members are drawn from the filter's
 * Gaussian posterior N(m, P) (z = m + L·ξ, L = chol(P)), then integrated forward with the future
 * inputs, each with its own personal parameters, plus the filter's process noise (plasma-glucose
 * random walk, Ornstein–Uhlenbeck disturbance and CGM error, sampled every `blockMin`), so the
 * spread covers both what the twin does not know now and what will happen that the log cannot tell.
 * The log-scales s, c and r are given at least `forecastLogScaleSdFloor` of spread: a learned
 * parameter is a multi-day average, and insulin sensitivity and meal absorption vary from day to day.
 * The insulin and gut subsystems are integrated once for all members (cascade structure, see
 * insulin-meal-driver.ts). Seeded: the same seed, estimate and inputs give the same numbers; two
 * calls with the same seed use the same draws (common random numbers), so differences between
 * what-if options are not Monte-Carlo noise. Allocation-free once the buffers have grown.
 */
export class TwinEnsemble {
  readonly estimator: GlucoseTwinEstimator;
  private readonly grid: MealSpeedGrid;
  private readonly gridState: Float64Array;
  private sig: ExogenousSignals;
  private glucose = new Float64Array(0);
  private params = new Float64Array(0);
  private readonly chol = new Float64Array(N * N);
  private readonly work = new Float64Array(N * N);
  private readonly z = new Float64Array(N);
  private readonly rng = new Xoshiro128StarStar(0);
  private readonly normal = new NormalSampler(this.rng);

  constructor(estimator: GlucoseTwinEstimator, capacityMin = 240) {
    this.estimator = estimator;
    const s = estimator.settings;
    this.grid = new MealSpeedGrid(s.nominal, s.stepsPerMinute, s.mealSpeedGrid);
    this.gridState = new Float64Array(this.grid.stateSize);
    this.sig = new ExogenousSignals(capacityMin, s.stepsPerMinute, this.grid.channels);
  }

  /**
   * Runs `members` members for `horizonMin` minutes from the estimator's current minute with
   * per-minute inputs (announced carbs [g], insulin in the NOMINAL patient's units [U/min], i.e.
   * already multiplied by `estimator.insulinScale`), writing the observable at minutes
   * 0, blockMin, 2·blockMin, … (K + 1 = ⌊horizon/blockMin⌋ + 1 records per member) into
   * `out[member·(K + 1) + k]`. `cgm` includes the sensor error and white noise of the filter's
   * measurement model. Returns K + 1.
   */
  run(
    carbsG: Float64Array,
    insulinUPerMin: Float64Array,
    horizonMin: number,
    members: number,
    seed: number,
    blockMin: number,
    observable: EnsembleObservable,
    out: Float64Array,
  ): number {
    const est = this.estimator;
    if (!est.started) throw new RangeError('the twin has no estimate yet (no CGM reading assimilated)');
    const records = Math.floor(horizonMin / blockMin) + 1;
    if (out.length < members * records) throw new RangeError(`output holds ${out.length} values, needs ${members * records}`);
    this.ensureCapacity(horizonMin, members);
    // Insulin and gut from the estimate's driver state, once for all members.
    est.driver.saveState(this.gridState);
    this.grid.loadState(this.gridState);
    this.grid.run(carbsG, insulinUPerMin, 0, horizonMin, this.sig);

    const { settings, mean, cov } = est;
    const noise = settings.noise;
    const vg = settings.nominal.vgDlPerKg;
    robustCholesky(cov, N, this.chol, this.work);
    this.rng.reseed(seed);
    this.normal.reset();
    const gpStep = noise.plasmaGlucoseSdMgDlPerSqrtMin * vg * Math.sqrt(blockMin);
    const dDecay = Math.exp(-blockMin / noise.disturbanceTimeConstantMin);
    const dStep = noise.disturbanceSdMgPerKgMin * Math.sqrt(1 - dDecay * dDecay);
    const phi = Math.exp(-blockMin / noise.sensorErrorTimeConstantMin);
    const eStep = noise.sensorErrorSdMgDl * Math.sqrt(1 - phi * phi);
    const white = noise.sensorWhiteSdMgDl;
    // Day-to-day variability floor of the personal parameters (settings.forecastLogScaleSdFloor).
    const floor = settings.forecastLogScaleSdFloor;
    const extra = (slot: number): number => Math.sqrt(Math.max(0, floor * floor - cov[slot * N + slot]!));
    const extraS = extra(twinState.logSensitivity);
    const extraC = extra(twinState.logCarbEffect);
    const extraR = extra(twinState.logMealSpeed);
    const g = this.glucose;
    const p = this.params;
    const z = this.z;
    const L = this.chol;
    for (let j = 0; j < members; j++) {
      for (let r = 0; r < N; r++) z[r] = this.normal.next();
      const gb = j * GLUCOSE_MEMBER_SIZE;
      const pb = j * P_SIZE;
      // z ← m + L·ξ (in place, bottom row first so ξ entries are read before being overwritten).
      for (let r = N - 1; r >= 0; r--) {
        let v = mean[r]!;
        for (let q = 0; q <= r; q++) v += L[r * N + q]! * z[q]!;
        z[r] = v;
      }
      g[gb + GP] = Math.max(z[twinState.gpMgPerKg]!, 0);
      g[gb + GT] = Math.max(z[twinState.gtMgPerKg]!, 0);
      g[gb + GS] = Math.max(z[twinState.gsMgPerKg]!, 0);
      g[gb + DIST] = z[twinState.disturbanceMgPerKgMin]!;
      p[pb + P_S] = Math.exp(est.clampLogScale(z[twinState.logSensitivity]! + extraS * this.normal.next()));
      p[pb + P_C] = Math.exp(est.clampLogScale(z[twinState.logCarbEffect]! + extraC * this.normal.next()));
      p[pb + P_B] = z[twinState.basalShiftMgPerKgMin]!;
      p[pb + P_LR] = est.clampLogSpeed(z[twinState.logMealSpeed]! + extraR * this.normal.next());
      p[pb + P_E] = z[twinState.sensorErrorMgDl]!;
      out[j * records] = this.observe(gb, pb, observable, vg, white);
    }
    for (let k = 1; k < records; k++) {
      const from = (k - 1) * blockMin;
      for (let j = 0; j < members; j++) {
        const gb = j * GLUCOSE_MEMBER_SIZE;
        const pb = j * P_SIZE;
        est.dynamics.advance(g, gb, p[pb + P_S]!, p[pb + P_C]!, p[pb + P_B]!, p[pb + P_LR]!, this.sig, from, blockMin);
        g[gb + GP] = Math.max(g[gb + GP]! + gpStep * this.normal.next(), 0);
        g[gb + DIST] = g[gb + DIST]! + dStep * this.normal.next();
        p[pb + P_E] = phi * p[pb + P_E]! + eStep * this.normal.next();
        out[j * records + k] = this.observe(gb, pb, observable, vg, white);
      }
    }
    return records;
  }

  private observe(gb: number, pb: number, observable: EnsembleObservable, vg: number, white: number): number {
    switch (observable) {
      case 'plasma':
        return this.glucose[gb + GP]! / vg;
      case 'cgm':
        return this.glucose[gb + GS]! / vg + this.params[pb + P_E]! + white * this.normal.next();
      default: {
        const unreachable: never = observable;
        throw new Error(`unknown observable ${String(unreachable)}`);
      }
    }
  }

  private ensureCapacity(horizonMin: number, members: number): void {
    if (horizonMin > this.sig.capacityMin) {
      const s = this.estimator.settings;
      this.sig = new ExogenousSignals(Math.max(horizonMin, 2 * this.sig.capacityMin), s.stepsPerMinute, this.grid.channels);
    }
    if (this.glucose.length < members * GLUCOSE_MEMBER_SIZE) {
      this.glucose = new Float64Array(members * GLUCOSE_MEMBER_SIZE);
      this.params = new Float64Array(members * P_SIZE);
    }
  }
}
