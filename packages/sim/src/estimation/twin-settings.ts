import type { UvaPadovaParams } from '../models/uva-padova/params.ts';
import { defaultMealSpeedGrid, type MealSpeedGridSpec } from './meal-speed-grid.ts';

/**
 * Noise and prior settings of the glucose twin's unscented Kalman filter (glucose-twin-estimator.ts).
 * Every figure is a modelling choice, stated with its reason; the defaults were set from the model
 * and sensor specifications below, and two of them (disturbance SD, forecast parameter floor) were
 * then raised once so that 90 % intervals covered ≥ 85 % at 30–60 min on five simulated patients.
 */
export interface TwinNoiseSettings {
  /**
   * Random-walk intensity of plasma glucose [mg/dL per √min]: integration of everything the glucose
   * equations miss at short time scales. 0.5 gives ≈1 mg/dL per 5-min step, an order below CGM noise.
   */
  readonly plasmaGlucoseSdMgDlPerSqrtMin: number;
  /**
   * Stationary SD [mg/kg/min] and time constant [min] of the unmodelled glucose flux δ, a first-order
   * Gauss–Markov (Ornstein–Uhlenbeck) process. 0.8 mg/kg/min ≈ 0.4 mg/dL/min on a 2 dL/kg volume —
   * the size of a small unlogged snack or of the meal-absorption mismatch between patients; 45 min
   * is the time scale of gastric emptying, so δ learned after a meal fades over about an hour in a
   * forecast (as oref0's deviation term fades over 60 min).
   */
  readonly disturbanceSdMgPerKgMin: number;
  readonly disturbanceTimeConstantMin: number;
  /** Random walk of the basal production shift b [mg/kg/min per √day]: slow drift of fasting glucose. */
  readonly basalShiftWalkPerSqrtDay: number;
  /**
   * Random walks of the log insulin-sensitivity and log carb-effect scales [per √day]. Parameter
   * noise keeps the filter adaptive (Wan & van der Merwe 2000, "The unscented Kalman filter for
   * nonlinear estimation", §4 parameter estimation: a random walk with small variance); 0.1/√day
   * allows ≈10 % change in a day, the order of day-to-day variation of insulin sensitivity.
   */
  readonly sensitivityWalkPerSqrtDay: number;
  readonly carbEffectWalkPerSqrtDay: number;
  readonly mealSpeedWalkPerSqrtDay: number;
  /**
   * CGM error as a first-order Gauss–Markov process: stationary SD [mg/dL] and time constant [min],
   * plus white noise [mg/dL]. simglucose's sensor error (Breton & Kovatchev, J Diabetes Sci Technol
   * 2(5) 2008; Johnson-SU transform of an AR(1) with PACF 0.7 per 15 min) has SD ≈ 11.6 mg/dL and
   * autocorrelation ≈ 0.72 at 15 min, 0.48 at 30 min and 0.24 at 60 min (measured on 200,000
   * samples of devices/cgm-noise.ts); τ = 40 min matches the 30–60 min autocorrelation that matters
   * for forecasting. 2 mg/dL white noise covers integer rounding and the short-lag mismatch.
   */
  readonly sensorErrorSdMgDl: number;
  readonly sensorErrorTimeConstantMin: number;
  readonly sensorWhiteSdMgDl: number;
}

export interface TwinPriorSettings {
  /** Prior median and log-SD of the insulin-sensitivity scale s. */
  readonly sensitivityScale: number;
  readonly sensitivityLogSd: number;
  /** Prior median and log-SD of the carb-effect scale c. */
  readonly carbEffectScale: number;
  readonly carbEffectLogSd: number;
  /** Prior median and log-SD of the meal-absorption speed r (meal-speed-grid.ts). */
  readonly mealSpeed: number;
  readonly mealSpeedLogSd: number;
  /** Prior SD of the basal production shift b [mg/kg/min]. */
  readonly basalShiftSdMgPerKgMin: number;
  /** Prior SD of plasma and tissue glucose around the first reading [mg/dL]. */
  readonly glucoseSdMgDl: number;
}

export interface GlucoseTwinSettings {
  /** The population prior / nominal patient whose equations the twin runs. */
  readonly nominal: UvaPadovaParams;
  /** RK4 steps per minute of the twin's integration. 1 is within 0.4 mg/dL of 2 (model tests). */
  readonly stepsPerMinute: number;
  /**
   * The person's basal rate [U/min] that the twin maps onto the nominal patient's steady-state basal
   * u2ss·BW/6000: logged insulin is multiplied by nominalBasal/referenceBasal, so the person rests at
   * equilibrium on their own basal (the steady-state assumption of ReplayBG, Cappon et al., IEEE TBME
   * 70(11) 2023) and a unit of bolus acts in proportion to the basal it goes with (the rationale of
   * the "1800 rule" of insulin sensitivity ∝ 1/daily insulin). Undefined: the log's time-weighted
   * mean basal over the data, or, without a basal log, the nominal basal itself (scale 1).
   */
  readonly referenceBasalUPerMin?: number;
  /** Minutes of treatment log replayed before the first reading to build insulin and gut states. */
  readonly warmUpMin: number;
  /** Grid of meal-absorption speeds (its range bounds the speed estimate). */
  readonly mealSpeedGrid: MealSpeedGridSpec;
  /** Bounds of the sensitivity and carb-effect scales (the filter clamps its estimates). */
  readonly scaleBounds: readonly [number, number];
  /**
   * Spread α of the scaled unscented transform (Julier, American Control Conference 2002; β = 2,
   * κ = 0): sigma points at ±α·√n standard deviations.
   */
  readonly unscentedAlpha: number;
  /**
   * Minimum log-SD of the sensitivity, carb-effect and meal-speed scales in forecast ensembles: the
   * day-to-day variability of insulin sensitivity and meal absorption (intra-individual CVs of
   * 15–30 % are reported for insulin sensitivity in type 1 diabetes, e.g. Vettoretti et al., IEEE
   * TBME 2019) plus carbohydrate-counting error; the filter's own posterior SD of a multi-day average
   * shrinks below that.
   */
  readonly forecastLogScaleSdFloor: number;
  /** Innovations beyond this many SDs are down-weighted (Huber-type gating of outliers). */
  readonly innovationGateSd: number;
  readonly noise: TwinNoiseSettings;
  readonly prior: TwinPriorSettings;
}

export const defaultTwinNoise: TwinNoiseSettings = Object.freeze({
  plasmaGlucoseSdMgDlPerSqrtMin: 0.5,
  disturbanceSdMgPerKgMin: 0.8,
  disturbanceTimeConstantMin: 45,
  basalShiftWalkPerSqrtDay: 0.1,
  sensitivityWalkPerSqrtDay: 0.1,
  carbEffectWalkPerSqrtDay: 0.1,
  mealSpeedWalkPerSqrtDay: 0.1,
  sensorErrorSdMgDl: 11,
  sensorErrorTimeConstantMin: 40,
  sensorWhiteSdMgDl: 2,
});

/**
 * Prior spread from the 30 virtual patients: with insulin normalised by basal, the bolus effect per
 * unit (peak BG drop × basal rate) spans 7–50 mg/dL·U/h (log-SD ≈ 0.5), and the carb effect per gram
 * (peak rise × BW·Vg) spans 100–350 (log-SD ≈ 0.35) — computed by simulating 1 U and 10 g from rest.
 * The intestinal absorption rate kabs of the adults spans 0.16–4.3 × its geometric mean while kmax
 * spans 0.6–1.6 ×; a log-SD of 0.6 for the common speed covers most of that.
 */
export const defaultTwinPrior: TwinPriorSettings = Object.freeze({
  sensitivityScale: 1,
  sensitivityLogSd: 0.5,
  carbEffectScale: 1,
  carbEffectLogSd: 0.35,
  mealSpeed: 1,
  mealSpeedLogSd: 0.6,
  basalShiftSdMgPerKgMin: 0.4,
  glucoseSdMgDl: 20,
});

export function glucoseTwinSettings(
  nominal: UvaPadovaParams,
  overrides: Partial<Omit<GlucoseTwinSettings, 'nominal'>> = {},
): GlucoseTwinSettings {
  return Object.freeze({
    nominal,
    stepsPerMinute: 1,
    warmUpMin: 360,
    scaleBounds: [0.2, 5] as const,
    mealSpeedGrid: defaultMealSpeedGrid,
    innovationGateSd: 4,
    unscentedAlpha: 1,
    forecastLogScaleSdFloor: 0.3,
    ...overrides,
    noise: Object.freeze({ ...defaultTwinNoise, ...(overrides.noise ?? {}) }),
    prior: Object.freeze({ ...defaultTwinPrior, ...(overrides.prior ?? {}) }),
  });
}
