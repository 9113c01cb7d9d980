/**
 * LOINC codes and UCUM units for vital signs and glucose, from the FHIR R4 Vital Signs profile
 * (http://hl7.org/fhir/StructureDefinition/vitalsigns) and the HL7 CGM IG hl7.fhir.uv.cgm 1.0.0
 * (input/fsh/profiles.fsh), as gathered in docs/clinical-references.md.
 *
 * `label` is a short human label for this project, not the LOINC display name; builders put it in
 * `code.text` and leave `coding.display` to terminology servers.
 */

export const loincSystem = 'http://loinc.org';
export const ucumSystem = 'http://unitsofmeasure.org';
export const snomedSystem = 'http://snomed.info/sct';
export const observationCategorySystem = 'http://terminology.hl7.org/CodeSystem/observation-category';

/** Observation.category for the Vital Signs profile. */
export const vitalSignsCategory = { system: observationCategorySystem, code: 'vital-signs', display: 'Vital Signs' } as const;

/** Observation.category for assessment scores (NEWS2 and friends), as the NHS NEWS2 FHIR guidance uses. */
export const surveyCategory = { system: observationCategorySystem, code: 'survey', display: 'Survey' } as const;

export interface VitalSignCode {
  readonly loinc: string;
  /** Further LOINC codes for the same measurement (US Core pulse oximetry 59408-5 next to 2708-6). */
  readonly alsoLoinc: readonly string[];
  readonly label: string;
  /** UCUM unit values are stored in; null for panels. */
  readonly canonicalUnit: string | null;
  /** UCUM units accepted on input (convertible to the canonical unit by units/ucum-convert.ts). */
  readonly units: readonly string[];
  /** Part of the core FHIR Vital Signs profile (as opposed to lab or device codes). */
  readonly vitalSignsProfile: boolean;
}

const code = (
  loinc: string,
  label: string,
  canonicalUnit: string | null,
  units: readonly string[],
  vitalSignsProfile: boolean,
  alsoLoinc: readonly string[] = [],
): VitalSignCode => ({ loinc, alsoLoinc, label, canonicalUnit, units, vitalSignsProfile });

export const vitalSignCodes = {
  vitalSignsPanel: code('85353-1', 'Vital signs panel', null, [], true),
  respiratoryRate: code('9279-1', 'Respiratory rate', '/min', ['/min'], true),
  heartRate: code('8867-4', 'Heart rate', '/min', ['/min'], true),
  // Core profile uses 2708-6; US Core Pulse Oximetry adds 59408-5 and Synthea sends both.
  oxygenSaturation: code('2708-6', 'Oxygen saturation', '%', ['%'], true, ['59408-5']),
  bodyTemperature: code('8310-5', 'Body temperature', 'Cel', ['Cel', '[degF]'], true),
  bodyHeight: code('8302-2', 'Body height', 'cm', ['cm', 'm', '[in_i]'], true),
  headCircumference: code('9843-4', 'Head circumference', 'cm', ['cm', '[in_i]'], true),
  bodyWeight: code('29463-7', 'Body weight', 'kg', ['kg', 'g', '[lb_av]'], true),
  bmi: code('39156-5', 'Body mass index', 'kg/m2', ['kg/m2'], true),
  bloodPressurePanel: code('85354-9', 'Blood pressure panel', null, [], true),
  systolicBp: code('8480-6', 'Systolic blood pressure', 'mm[Hg]', ['mm[Hg]', 'kPa'], true),
  diastolicBp: code('8462-4', 'Diastolic blood pressure', 'mm[Hg]', ['mm[Hg]', 'kPa'], true),
  // Lab glucose (not a vital sign): mass and molar concentration codes.
  bloodGlucoseMass: code('2339-0', 'Blood glucose', 'mg/dL', ['mg/dL', 'mmol/L'], false),
  bloodGlucoseMolar: code('15074-8', 'Blood glucose (molar)', 'mmol/L', ['mmol/L', 'mg/dL'], false),
  hba1c: code('4548-4', 'HbA1c', '%', ['%'], false),
  // HL7 CGM IG 1.0.0: CGMSensorReadingMassPerVolume / CGMSensorReadingMolesPerVolume.
  cgmGlucoseMass: code('99504-3', 'CGM sensor glucose', 'mg/dL', ['mg/dL', 'mmol/L'], false),
  cgmGlucoseMolar: code('105272-9', 'CGM sensor glucose (molar)', 'mmol/L', ['mmol/L', 'mg/dL'], false),
  // Pedometer step count, common from wearables; not in the core profile.
  stepCount: code('55423-8', 'Step count', '{steps}', ['{steps}', '1'], false),
} as const satisfies Record<string, VitalSignCode>;

export type VitalSignKey = keyof typeof vitalSignCodes;

/** Systolic and diastolic are components of the BP panel (Vital Signs profile: BP uses `component`). */
export const bloodPressureComponents = [vitalSignCodes.systolicBp.loinc, vitalSignCodes.diastolicBp.loinc] as const;

const byLoinc: ReadonlyMap<string, VitalSignKey> = new Map(
  (Object.keys(vitalSignCodes) as VitalSignKey[]).flatMap((key) => {
    const c: VitalSignCode = vitalSignCodes[key];
    return [c.loinc, ...c.alsoLoinc].map((loinc) => [loinc, key] as const);
  }),
);

/** The vital sign a LOINC code stands for (either SpO2 code gives `oxygenSaturation`). */
export function vitalSignKeyForLoinc(loinc: string): VitalSignKey | undefined {
  return byLoinc.get(loinc);
}
