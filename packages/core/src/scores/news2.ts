import type { Acvpu } from './acvpu.ts';
import { isMissing, recordedTenths, recordedWhole, requireInDomain, sumPresent } from './recorded-value.ts';

/**
 * National Early Warning Score 2 (Royal College of Physicians, December 2017, ISBN 978-1-86016-682-2),
 * Chart 1 "The NEWS scoring system" and Charts 3/4 (thresholds and clinical response). Adults ≥16 years;
 * not validated in pregnancy or children.
 *
 * Values are rounded to the charted precision first (whole numbers; temperature to 0.1 °C) and the
 * bands are applied to the recorded value — see recorded-value.ts.
 *
 * Missing values (project rule, clinical-references.md): NEWS2 is not defined with missing
 * parameters, so a missing input makes its sub-score null, `total` null and `complete` false;
 * `partialTotal` sums the available sub-scores (a lower bound on the total) and the red flag is
 * evaluated on the available sub-scores.
 */

/** SpO2 scale 1, or scale 2 for a clinician-prescribed, documented target of 88–92 % (hypercapnic respiratory failure). */
export type Spo2Scale = 1 | 2;

export interface News2Input {
  readonly respiratoryRatePerMin?: number | null;
  readonly spo2Percent?: number | null;
  /** Default 1. Only one scale is used per observation set. */
  readonly spo2Scale?: Spo2Scale;
  /** True when any supplemental oxygen is given ("Air or oxygen?" row). */
  readonly onSupplementalOxygen?: boolean | null;
  readonly systolicBpMmHg?: number | null;
  readonly heartRatePerMin?: number | null;
  readonly consciousness?: Acvpu | null;
  readonly temperatureC?: number | null;
}

/** The seven NEWS2 parameters, in chart order. */
export const news2Parameters = [
  'respiratoryRate',
  'spo2',
  'airOrOxygen',
  'systolicBp',
  'heartRate',
  'consciousness',
  'temperature',
] as const;

export type News2Parameter = (typeof news2Parameters)[number];

/** Clinical risk of Chart 3, in increasing order. */
export const news2ClinicalRisks = ['low', 'low-medium', 'medium', 'high'] as const;

export type News2ClinicalRisk = (typeof news2ClinicalRisks)[number];

export interface News2Result {
  /** Per-parameter sub-scores (0–3); null when the input was missing. */
  readonly subScores: Readonly<Record<News2Parameter, number | null>>;
  readonly spo2Scale: Spo2Scale;
  /** Aggregate 0–20, null unless every parameter is present. */
  readonly total: number | null;
  readonly complete: boolean;
  /** Sum of the available sub-scores; equals `total` when complete. */
  readonly partialTotal: number;
  /** Any single parameter scoring 3 (a "red score"), among the available ones. */
  readonly redFlag: boolean;
  /**
   * Chart 3 clinical risk. Null when inputs are missing and the category is not yet settled;
   * when the available sub-scores already reach "high" the missing ones cannot change it.
   */
  readonly clinicalRisk: News2ClinicalRisk | null;
  /** Risk from `partialTotal` and the red flag: a lower bound, equal to `clinicalRisk` when complete. */
  readonly minimumClinicalRisk: News2ClinicalRisk;
}

const SCORE = 'NEWS2';

/** Respiration rate (/min): ≤8 → 3, 9–11 → 1, 12–20 → 0, 21–24 → 2, ≥25 → 3. */
export function news2RespiratoryRateScore(respiratoryRatePerMin: number): number {
  requireInDomain(SCORE, 'respiratoryRatePerMin', respiratoryRatePerMin, { min: 0, max: 200 });
  const rr = recordedWhole(respiratoryRatePerMin);
  if (rr <= 8) return 3;
  if (rr <= 11) return 1;
  if (rr <= 20) return 0;
  if (rr <= 24) return 2;
  return 3;
}

/** SpO2 scale 1 (%): ≤91 → 3, 92–93 → 2, 94–95 → 1, ≥96 → 0. */
export function news2Spo2Scale1Score(spo2Percent: number): number {
  requireInDomain(SCORE, 'spo2Percent', spo2Percent, { min: 0, max: 100 });
  const s = recordedWhole(spo2Percent);
  if (s <= 91) return 3;
  if (s <= 93) return 2;
  if (s <= 95) return 1;
  return 0;
}

/**
 * SpO2 scale 2 (%): ≤83 → 3, 84–85 → 2, 86–87 → 1, 88–92 → 0, ≥93 on air → 0;
 * on oxygen 93–94 → 1, 95–96 → 2, ≥97 → 3. Returns null when SpO2 ≥93 and the oxygen status
 * is unknown, since the score then depends on it.
 */
export function news2Spo2Scale2Score(spo2Percent: number, onSupplementalOxygen: boolean | null): number | null {
  requireInDomain(SCORE, 'spo2Percent', spo2Percent, { min: 0, max: 100 });
  const s = recordedWhole(spo2Percent);
  if (s <= 83) return 3;
  if (s <= 85) return 2;
  if (s <= 87) return 1;
  if (s <= 92) return 0;
  if (onSupplementalOxygen === null) return null;
  if (!onSupplementalOxygen) return 0;
  if (s <= 94) return 1;
  if (s <= 96) return 2;
  return 3;
}

/** Air or oxygen: supplemental oxygen → 2, air → 0 (on either SpO2 scale). */
export function news2AirOrOxygenScore(onSupplementalOxygen: boolean): number {
  return onSupplementalOxygen ? 2 : 0;
}

/** Systolic BP (mmHg): ≤90 → 3, 91–100 → 2, 101–110 → 1, 111–219 → 0, ≥220 → 3. */
export function news2SystolicBpScore(systolicBpMmHg: number): number {
  requireInDomain(SCORE, 'systolicBpMmHg', systolicBpMmHg, { min: 0, max: 400 });
  const sbp = recordedWhole(systolicBpMmHg);
  if (sbp <= 90) return 3;
  if (sbp <= 100) return 2;
  if (sbp <= 110) return 1;
  if (sbp <= 219) return 0;
  return 3;
}

/** Pulse (/min): ≤40 → 3, 41–50 → 1, 51–90 → 0, 91–110 → 1, 111–130 → 2, ≥131 → 3. */
export function news2HeartRateScore(heartRatePerMin: number): number {
  requireInDomain(SCORE, 'heartRatePerMin', heartRatePerMin, { min: 0, max: 400 });
  const hr = recordedWhole(heartRatePerMin);
  if (hr <= 40) return 3;
  if (hr <= 50) return 1;
  if (hr <= 90) return 0;
  if (hr <= 110) return 1;
  if (hr <= 130) return 2;
  return 3;
}

/** Consciousness: Alert → 0; new Confusion, Voice, Pain or Unresponsive → 3. */
export function news2ConsciousnessScore(consciousness: Acvpu): number {
  switch (consciousness) {
    case 'A':
      return 0;
    case 'C':
    case 'V':
    case 'P':
    case 'U':
      return 3;
    default:
      return assertNever(consciousness);
  }
}

/** Temperature (°C, to 0.1): ≤35.0 → 3, 35.1–36.0 → 1, 36.1–38.0 → 0, 38.1–39.0 → 1, ≥39.1 → 2. */
export function news2TemperatureScore(temperatureC: number): number {
  requireInDomain(SCORE, 'temperatureC', temperatureC, { min: 0, max: 50 });
  const tenths = recordedTenths(temperatureC);
  if (tenths <= 350) return 3;
  if (tenths <= 360) return 1;
  if (tenths <= 380) return 0;
  if (tenths <= 390) return 1;
  return 2;
}

/**
 * Chart 3 clinical risk with the project's precedence: total ≥7 → high; 5–6 → medium; a single red
 * score with total ≤4 → low-medium; otherwise low (0 and 1–4 differ in monitoring frequency only).
 */
export function news2ClinicalRisk(total: number, redFlag: boolean): News2ClinicalRisk {
  if (total >= 7) return 'high';
  if (total >= 5) return 'medium';
  if (redFlag) return 'low-medium';
  return 'low';
}

/** Scores one observation set. Throws `VT_ERR_INVALID_INPUT` for values outside any sensible domain (NaN, SpO2 > 100). */
export function scoreNews2(input: News2Input): News2Result {
  const scale: Spo2Scale = input.spo2Scale ?? 1;
  const oxygen = isMissing(input.onSupplementalOxygen) ? null : input.onSupplementalOxygen;
  let spo2: number | null = null;
  if (!isMissing(input.spo2Percent)) {
    spo2 = scale === 2 ? news2Spo2Scale2Score(input.spo2Percent, oxygen) : news2Spo2Scale1Score(input.spo2Percent);
  }
  const subScores: Record<News2Parameter, number | null> = {
    respiratoryRate: isMissing(input.respiratoryRatePerMin) ? null : news2RespiratoryRateScore(input.respiratoryRatePerMin),
    spo2,
    airOrOxygen: oxygen === null ? null : news2AirOrOxygenScore(oxygen),
    systolicBp: isMissing(input.systolicBpMmHg) ? null : news2SystolicBpScore(input.systolicBpMmHg),
    heartRate: isMissing(input.heartRatePerMin) ? null : news2HeartRateScore(input.heartRatePerMin),
    consciousness: isMissing(input.consciousness) ? null : news2ConsciousnessScore(input.consciousness),
    temperature: isMissing(input.temperatureC) ? null : news2TemperatureScore(input.temperatureC),
  };
  const values = news2Parameters.map((p) => subScores[p]);
  const { sum, complete } = sumPresent(values);
  const redFlag = values.some((v) => v === 3);
  const minimumClinicalRisk = news2ClinicalRisk(sum, redFlag);
  return {
    subScores,
    spo2Scale: scale,
    total: complete ? sum : null,
    complete,
    partialTotal: sum,
    redFlag,
    clinicalRisk: complete || minimumClinicalRisk === 'high' ? minimumClinicalRisk : null,
    minimumClinicalRisk,
  };
}

function assertNever(value: never): never {
  throw new Error(`unexpected value ${String(value)}`);
}
