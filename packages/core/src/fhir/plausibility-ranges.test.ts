import { describe, expect, it } from 'vitest';
import { checkPlausibility, plausibleRanges } from './plausibility-ranges.ts';
import { vitalSignCodes, vitalSignKeyForLoinc } from './vital-sign-codes.ts';

describe('vital-sign codes (FHIR R4 Vital Signs profile, HL7 CGM IG 1.0.0)', () => {
  it.each([
    ['heartRate', '8867-4', '/min'],
    ['respiratoryRate', '9279-1', '/min'],
    ['oxygenSaturation', '2708-6', '%'],
    ['bodyTemperature', '8310-5', 'Cel'],
    ['systolicBp', '8480-6', 'mm[Hg]'],
    ['diastolicBp', '8462-4', 'mm[Hg]'],
    ['bodyWeight', '29463-7', 'kg'],
    ['bodyHeight', '8302-2', 'cm'],
    ['bmi', '39156-5', 'kg/m2'],
    ['bloodGlucoseMass', '2339-0', 'mg/dL'],
    ['bloodGlucoseMolar', '15074-8', 'mmol/L'],
    ['cgmGlucoseMass', '99504-3', 'mg/dL'],
    ['cgmGlucoseMolar', '105272-9', 'mmol/L'],
  ] as const)('%s is LOINC %s in %s', (key, loinc, unit) => {
    expect(vitalSignCodes[key].loinc).toBe(loinc);
    expect(vitalSignCodes[key].canonicalUnit).toBe(unit);
    expect(vitalSignKeyForLoinc(loinc)).toBe(key);
  });

  it('panels: vital signs 85353-1, blood pressure 85354-9; US Core SpO2 59408-5 maps to oxygen saturation', () => {
    expect(vitalSignCodes.vitalSignsPanel.loinc).toBe('85353-1');
    expect(vitalSignCodes.bloodPressurePanel.loinc).toBe('85354-9');
    expect(vitalSignKeyForLoinc('59408-5')).toBe('oxygenSaturation');
    expect(vitalSignKeyForLoinc('0000-0')).toBeUndefined();
  });
});

describe('plausibility ranges', () => {
  it.each([
    ['heartRate', 19, '/min', false],
    ['heartRate', 20, '/min', true],
    ['heartRate', 300, '/min', true],
    ['heartRate', 301, '/min', false],
    ['oxygenSaturation', 49, '%', false],
    ['oxygenSaturation', 50, '%', true],
    ['oxygenSaturation', 100, '%', true],
    ['oxygenSaturation', 101, '%', false],
    ['bodyTemperature', 24.9, 'Cel', false],
    ['bodyTemperature', 25, 'Cel', true],
    ['bodyTemperature', 45, 'Cel', true],
    ['bodyTemperature', 45.1, 'Cel', false],
    ['bodyTemperature', 98.6, 'Cel', false],
    ['bodyTemperature', 98.6, '[degF]', true],
    ['systolicBp', 16, 'kPa', true],
    ['cgmGlucoseMass', 39, 'mg/dL', false],
    ['cgmGlucoseMolar', 5.5, 'mmol/L', true],
    ['cgmGlucoseMolar', 30, 'mmol/L', false],
    ['bmi', 500, 'kg/m2', true],
  ] as const)('%s %f %s plausible: %s', (key, value, unit, plausible) => {
    expect(checkPlausibility(key, value, unit).plausible).toBe(plausible);
  });

  it('explains a flagged value with the range and a hint', () => {
    const r = checkPlausibility('bodyTemperature', 98.6, 'Cel');
    expect(r).toEqual({
      plausible: false,
      reason: 'Body temperature 98.6 Cel is outside the plausible range 25–45 Cel (artefact or wrong unit?)',
    });
  });

  it('every range is stated in the canonical unit of its code and carries a rationale', () => {
    for (const [key, range] of Object.entries(plausibleRanges)) {
      expect(range.unit, key).toBe(vitalSignCodes[key as keyof typeof vitalSignCodes].canonicalUnit);
      expect(range.min).toBeLessThan(range.max);
      expect(range.rationale.length).toBeGreaterThan(40);
    }
  });
});
