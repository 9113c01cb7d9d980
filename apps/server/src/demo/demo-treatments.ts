import type { TreatmentLog } from '@vitaltwin/sim';

/**
 * A glucose twin's treatment log as the FHIR resources the twin reads back
 * (platform/twin/fhir-treatments.ts): insulin boluses and basal rates as MedicationAdministration
 * (UCUM `U`, `U/h`), carbohydrate intake as Observation LOINC 9059-7 in g.
 */
const ucum = 'http://unitsofmeasure.org';

function insulin(text: string) {
  return { text, coding: [{ system: 'http://snomed.info/sct', code: '67866001', display: 'Insulin' }] };
}

export function treatmentResources(
  patientId: string,
  log: TreatmentLog,
  epochMinToIso: (min: number) => string,
  idPrefix: string,
): Record<string, unknown>[] {
  const subject = { reference: `Patient/${patientId}` };
  const basal = log.basal.map((b, i) => ({
    resourceType: 'MedicationAdministration',
    id: `${idPrefix}-basal-${i}`,
    status: 'completed',
    medicationCodeableConcept: insulin('insulin (basal rate)'),
    subject,
    effectivePeriod: { start: epochMinToIso(b.timeMin) },
    dosage: { rateQuantity: { value: Math.round(b.uPerH * 1000) / 1000, unit: 'U/h', system: ucum, code: 'U/h' } },
  }));
  const boluses = log.boluses.map((b, i) => ({
    resourceType: 'MedicationAdministration',
    id: `${idPrefix}-bolus-${i}`,
    status: 'completed',
    medicationCodeableConcept: insulin('insulin (bolus)'),
    subject,
    effectiveDateTime: epochMinToIso(b.timeMin),
    dosage: { dose: { value: Math.round(b.units * 100) / 100, unit: 'U', system: ucum, code: 'U' } },
  }));
  const meals = log.meals.map((m, i) => ({
    resourceType: 'Observation',
    id: `${idPrefix}-carbs-${i}`,
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '9059-7', display: 'Carbohydrate intake Estimated' }] },
    subject,
    effectiveDateTime: epochMinToIso(m.timeMin),
    valueQuantity: { value: Math.round(m.grams), unit: 'g', system: ucum, code: 'g' },
  }));
  return [...basal, ...boluses, ...meals];
}
