import { describe, expect, it } from 'vitest';
import { treatmentsFromFhir } from './fhir-treatments.ts';

const subject = { reference: 'Patient/p1' };
const t = (iso: string) => Date.parse(iso) / 60_000;
const ucum = 'http://unitsofmeasure.org';

describe('treatmentsFromFhir', () => {
  it('maps insulin boluses, basal rates and LOINC 9059-7 carbohydrate to a treatment log', () => {
    const log = treatmentsFromFhir([
      {
        resourceType: 'MedicationAdministration',
        status: 'completed',
        subject,
        medicationCodeableConcept: { text: 'Insulin lispro' },
        effectiveDateTime: '2026-01-01T07:05:00Z',
        dosage: { dose: { value: 4.5, unit: 'U', system: ucum, code: 'U' } },
      },
      {
        resourceType: 'MedicationAdministration',
        status: 'in-progress',
        subject,
        medicationCodeableConcept: { coding: [{ display: 'insulin aspart' }] },
        effectivePeriod: { start: '2026-01-01T00:00:00Z' },
        dosage: { rateQuantity: { value: 0.9, unit: 'U/h', system: ucum, code: 'U/h' } },
      },
      {
        resourceType: 'MedicationAdministration',
        status: 'completed',
        subject,
        medicationCodeableConcept: { text: 'Insulin aspart' },
        effectivePeriod: { start: '2026-01-01T03:00:00Z', end: '2026-01-01T04:00:00Z' },
        dosage: { rateQuantity: { value: 0, unit: 'U/h', system: ucum, code: '[iU]/h' } },
      },
      {
        resourceType: 'Observation',
        status: 'final',
        subject,
        code: { coding: [{ system: 'http://loinc.org', code: '9059-7' }] },
        effectiveDateTime: '2026-01-01T07:00:00Z',
        valueQuantity: { value: 60, unit: 'g', system: ucum, code: 'g' },
      },
    ]);
    expect(log.boluses).toEqual([{ timeMin: t('2026-01-01T07:05:00Z'), units: 4.5 }]);
    expect(log.meals).toEqual([{ timeMin: t('2026-01-01T07:00:00Z'), grams: 60 }]);
    // The temporary zero rate ends at 04:00, when the scheduled 0.9 U/h resumes.
    expect(log.basal).toEqual([
      { timeMin: t('2026-01-01T00:00:00Z'), uPerH: 0.9 },
      { timeMin: t('2026-01-01T03:00:00Z'), uPerH: 0 },
      { timeMin: t('2026-01-01T04:00:00Z'), uPerH: 0.9 },
    ]);
  });

  it('skips non-insulin drugs, other Observations, errors, missing times and non-gram carbs', () => {
    const log = treatmentsFromFhir([
      {
        resourceType: 'MedicationAdministration',
        status: 'completed',
        medicationCodeableConcept: { text: 'Paracetamol' },
        effectiveDateTime: '2026-01-01T07:00:00Z',
        dosage: { dose: { value: 500, unit: 'mg' } },
      },
      {
        resourceType: 'MedicationAdministration',
        status: 'entered-in-error',
        medicationCodeableConcept: { text: 'insulin' },
        effectiveDateTime: '2026-01-01T07:00:00Z',
        dosage: { dose: { value: 5, code: 'U' } },
      },
      {
        resourceType: 'MedicationAdministration',
        status: 'completed',
        medicationCodeableConcept: { text: 'insulin' },
        dosage: { dose: { value: 5, code: 'U' } },
      },
      {
        resourceType: 'Observation',
        status: 'final',
        code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
        effectiveDateTime: '2026-01-01T07:00:00Z',
        valueQuantity: { value: 70, code: '/min' },
      },
      {
        resourceType: 'Observation',
        status: 'final',
        code: { coding: [{ system: 'http://loinc.org', code: '9059-7' }] },
        effectiveDateTime: '2026-01-01T07:00:00Z',
        valueQuantity: { value: 2, code: '[oz_av]' },
      },
      'not a resource',
    ]);
    expect(log).toEqual({ basal: [], boluses: [], meals: [] });
  });
});
