import { type Acvpu, acvpuLevels, loincSystem, snomedSystem, vitalSignCodes } from '@vitaltwin/core';

/**
 * The device-reading codes the patient monitor reads, and how a device reports the context NEWS2
 * needs besides the five measured vital signs. Device readings are numbers (table device_reading),
 * so coded states are sent as numbers with a documented encoding:
 *
 * | what | code (system) | unit | value |
 * |---|---|---|---|
 * | inhaled oxygen flow rate | 3151-8 (LOINC) | `L/min` | > 0 means supplemental oxygen, 0 means air |
 * | inhaled oxygen concentration (FiO2) | 3150-0 (LOINC) | `%` | > 21 means supplemental oxygen (room air is 21 %) |
 * | level of consciousness, ACVPU | 1104441000000107 (SNOMED CT UK, "ACVPU scale score", as the NHS NEWS2 FHIR examples use) | `{ACVPU}` | 0 = Alert, 1 = new Confusion, 2 = Voice, 3 = Pain, 4 = Unresponsive |
 * | Glasgow Coma Scale total | 9269-2 (LOINC) | `{score}` | 3–15 (qSOFA: < 15 is altered mentation) |
 * | fall detected | 1912002 (SNOMED CT, "Fall") | `1` | detection confidence 0–1 (1 when the device gives none) |
 *
 * Whether oxygen is given is taken from the newer of the two oxygen readings. When neither is
 * recent, NEWS2 assumes air, and without a recent ACVPU it assumes Alert; the stored score and the
 * alert say so ("assumed"). The SpO2 scale is not a device reading: scale 2 is a clinician's
 * prescription, recorded as a FHIR Flag (see spo2-scale-flags.ts).
 *
 * LOINC codes contain a hyphen before their check digit and SNOMED CT identifiers are digits only,
 * so the two cannot collide in device_reading.code.
 */
export const monitoringCodes = {
  respiratoryRate: vitalSignCodes.respiratoryRate.loinc,
  spo2: vitalSignCodes.oxygenSaturation.loinc,
  systolicBp: vitalSignCodes.systolicBp.loinc,
  heartRate: vitalSignCodes.heartRate.loinc,
  temperature: vitalSignCodes.bodyTemperature.loinc,
  cgmGlucose: vitalSignCodes.cgmGlucoseMass.loinc,
  oxygenFlow: '3151-8',
  oxygenConcentration: '3150-0',
  acvpu: '1104441000000107',
  gcsTotal: '9269-2',
  fall: '1912002',
} as const;

export type MonitoringCodeKey = keyof typeof monitoringCodes;

export interface ContextCodeSpec {
  readonly code: string;
  readonly system: string;
  readonly label: string;
  /** Unit stored; the first of `units`. */
  readonly unit: string;
  /** Units accepted on input (same meaning, no conversion). */
  readonly units: readonly string[];
  readonly min: number;
  readonly max: number;
  readonly integer: boolean;
}

/** The context codes above, with the ranges device ingest accepts for them. */
export const contextCodeSpecs: readonly ContextCodeSpec[] = [
  // High-flow nasal oxygen delivers up to about 60–70 L/min.
  {
    code: monitoringCodes.oxygenFlow,
    system: loincSystem,
    label: 'Inhaled oxygen flow rate',
    unit: 'L/min',
    units: ['L/min', 'l/min'],
    min: 0,
    max: 80,
    integer: false,
  },
  {
    code: monitoringCodes.oxygenConcentration,
    system: loincSystem,
    label: 'Inhaled oxygen concentration',
    unit: '%',
    units: ['%'],
    min: 21,
    max: 100,
    integer: false,
  },
  {
    code: monitoringCodes.acvpu,
    system: snomedSystem,
    label: 'ACVPU scale score',
    unit: '{ACVPU}',
    units: ['{ACVPU}', '1'],
    min: 0,
    max: 4,
    integer: true,
  },
  {
    code: monitoringCodes.gcsTotal,
    system: loincSystem,
    label: 'Glasgow coma score total',
    unit: '{score}',
    units: ['{score}', '1'],
    min: 3,
    max: 15,
    integer: true,
  },
  {
    code: monitoringCodes.fall,
    system: snomedSystem,
    label: 'Fall detected',
    unit: '1',
    units: ['1', '{confidence}'],
    min: 0,
    max: 1,
    integer: false,
  },
];

/** ACVPU level of a reading value (0–4), or null when the value is not one. */
export function acvpuFromValue(value: number): Acvpu | null {
  return Number.isInteger(value) ? (acvpuLevels[value] ?? null) : null;
}

export function acvpuValue(level: Acvpu): number {
  return acvpuLevels.indexOf(level);
}

/** FiO2 of room air, % (dry air is 20.95 % oxygen). */
export const roomAirFio2Percent = 21;
