import type { Acvpu, MewsInput, News2Input, QsofaInput, Spo2Scale } from '@vitaltwin/core';
import { acvpuFromValue, monitoringCodes, roomAirFio2Percent } from './monitoring-codes.ts';

/**
 * A patient's current observation set, assembled from the latest device reading of each code
 * within that code's validity window, as the inputs of NEWS2, qSOFA and MEWS.
 *
 * Validity windows (project rule; RCP NEWS2 2017 asks for at least hourly observations at a score
 * of 5–6 and continuous monitoring at 7+): continuously monitored signals (respiratory rate, SpO2,
 * heart rate) count for 15 minutes, intermittent ones (non-invasive blood pressure, temperature)
 * for 60 minutes, and charted context (oxygen, ACVPU, GCS) for 4 hours, the minimum NEWS2
 * monitoring frequency for a score of 1–4. A reading older than its window is missing.
 */
export interface ValidityWindows {
  readonly continuousMin: number;
  readonly intermittentMin: number;
  readonly contextMin: number;
}

export const defaultValidityWindows: ValidityWindows = { continuousMin: 15, intermittentMin: 60, contextMin: 240 };

/** Each code the snapshot reads, with its window in minutes. */
export function codeWindowsMin(w: ValidityWindows): readonly { readonly code: string; readonly windowMin: number }[] {
  return [
    { code: monitoringCodes.respiratoryRate, windowMin: w.continuousMin },
    { code: monitoringCodes.spo2, windowMin: w.continuousMin },
    { code: monitoringCodes.heartRate, windowMin: w.continuousMin },
    { code: monitoringCodes.systolicBp, windowMin: w.intermittentMin },
    { code: monitoringCodes.temperature, windowMin: w.intermittentMin },
    { code: monitoringCodes.oxygenFlow, windowMin: w.contextMin },
    { code: monitoringCodes.oxygenConcentration, windowMin: w.contextMin },
    { code: monitoringCodes.acvpu, windowMin: w.contextMin },
    { code: monitoringCodes.gcsTotal, windowMin: w.contextMin },
  ];
}

export interface LatestValue {
  readonly code: string;
  readonly timeMs: number;
  readonly value: number;
  /** '' when the reading carries no device. */
  readonly deviceId: string;
}

export interface VitalSnapshot {
  readonly news2: News2Input;
  readonly qsofa: QsofaInput;
  readonly mews: MewsInput;
  /** No recent oxygen reading: NEWS2 scored as on air. */
  readonly assumedAir: boolean;
  /** No recent ACVPU reading: scored as Alert (NEWS2, MEWS, and qSOFA mentation when no GCS). */
  readonly assumedAlert: boolean;
  /** Time of the newest measured vital sign used: the score's effective time. */
  readonly effectiveMs: number;
  /** The readings used, for the score's `derivedFrom`. */
  readonly used: readonly LatestValue[];
  /** How many of the five measured NEWS2 vital signs are present. */
  readonly measured: number;
}

const measuredCodes = [
  monitoringCodes.respiratoryRate,
  monitoringCodes.spo2,
  monitoringCodes.systolicBp,
  monitoringCodes.heartRate,
  monitoringCodes.temperature,
] as const;

/** Null when none of the five measured vital signs is present (nothing to score). */
export function vitalSnapshot(latest: ReadonlyMap<string, LatestValue>, spo2Scale: Spo2Scale): VitalSnapshot | null {
  const used: LatestValue[] = [];
  let effectiveMs = Number.NEGATIVE_INFINITY;
  const take = (code: string): number | null => {
    const r = latest.get(code);
    if (r === undefined) return null;
    used.push(r);
    return r.value;
  };
  const measured = measuredCodes.map((code) => {
    const v = take(code);
    if (v !== null) effectiveMs = Math.max(effectiveMs, (latest.get(code) as LatestValue).timeMs);
    return v;
  });
  const [rr, spo2, sbp, hr, temp] = measured;
  const present = measured.filter((v) => v !== null).length;
  if (present === 0) return null;

  const oxygen = onOxygen(latest.get(monitoringCodes.oxygenFlow), latest.get(monitoringCodes.oxygenConcentration));
  if (oxygen.reading) used.push(oxygen.reading);
  const acvpuReading = latest.get(monitoringCodes.acvpu);
  const reported = acvpuReading === undefined ? null : acvpuFromValue(acvpuReading.value);
  if (reported !== null && acvpuReading) used.push(acvpuReading);
  const consciousness: Acvpu = reported ?? 'A';
  const gcsReading = latest.get(monitoringCodes.gcsTotal);
  const gcs =
    gcsReading !== undefined && Number.isInteger(gcsReading.value) && gcsReading.value >= 3 && gcsReading.value <= 15
      ? gcsReading.value
      : null;
  if (gcs !== null && gcsReading) used.push(gcsReading);

  return {
    news2: {
      respiratoryRatePerMin: rr ?? null,
      spo2Percent: spo2 ?? null,
      spo2Scale,
      onSupplementalOxygen: oxygen.on,
      systolicBpMmHg: sbp ?? null,
      heartRatePerMin: hr ?? null,
      consciousness,
      temperatureC: temp ?? null,
    },
    qsofa: {
      respiratoryRatePerMin: rr ?? null,
      systolicBpMmHg: sbp ?? null,
      gcsTotal: gcs,
      alteredMentation: consciousness !== 'A',
    },
    mews: {
      systolicBpMmHg: sbp ?? null,
      heartRatePerMin: hr ?? null,
      respiratoryRatePerMin: rr ?? null,
      temperatureC: temp ?? null,
      // MEWS (Subbe 2001) scores plain AVPU; new confusion has no MEWS band, so it is left missing.
      consciousness: consciousness === 'C' ? null : consciousness,
    },
    assumedAir: oxygen.reading === undefined,
    assumedAlert: reported === null,
    effectiveMs,
    used,
    measured: present,
  };
}

/** Oxygen status from the newer of the flow and FiO2 readings; air when neither is present. */
function onOxygen(flow: LatestValue | undefined, fio2: LatestValue | undefined): { on: boolean; reading?: LatestValue } {
  const newer = flow && fio2 ? (flow.timeMs >= fio2.timeMs ? flow : fio2) : (flow ?? fio2);
  if (newer === undefined) return { on: false };
  const on = newer.code === monitoringCodes.oxygenFlow ? newer.value > 0 : newer.value > roomAirFio2Percent;
  return { on, reading: newer };
}
