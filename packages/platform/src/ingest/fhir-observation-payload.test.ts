import { describe, expect, it } from 'vitest';
import { decodeFhirObservations } from './fhir-observation-payload.ts';

const known = (code: string) => ['8867-4', '2708-6', '8480-6', '8462-4', '8310-5'].includes(code);
const loinc = (code: string) => ({ coding: [{ system: 'http://loinc.org', code }] });
const ucum = (value: number, code: string) => ({ value, unit: code, system: 'http://unitsofmeasure.org', code });
const t = Date.UTC(2026, 10, 21, 10);

const heartRate = {
  resourceType: 'Observation',
  status: 'final',
  category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
  code: loinc('8867-4'),
  subject: { reference: 'Patient/p1' },
  effectiveDateTime: '2026-11-21T10:00:00Z',
  valueQuantity: ucum(72, '/min'),
};

const bloodPressure = {
  resourceType: 'Observation',
  status: 'final',
  code: loinc('85354-9'),
  effectiveDateTime: '2026-11-21T10:00:00Z',
  component: [
    { code: loinc('8480-6'), valueQuantity: ucum(120, 'mm[Hg]') },
    { code: loinc('8462-4'), valueQuantity: ucum(80, 'mm[Hg]') },
  ],
};

describe('FHIR Observation decoder (R4 Vital Signs profile)', () => {
  it('reads a single vital-sign Observation with its subject', () => {
    const out = decodeFhirObservations(heartRate, known);
    expect(out.rejections).toEqual([]);
    expect(out.samples).toEqual([
      { index: 0, code: '8867-4', value: 72, unit: '/min', timeMs: t, subjectReference: 'Patient/p1', source: heartRate },
    ]);
  });

  it('reads blood pressure from its components', () => {
    const out = decodeFhirObservations(bloodPressure, known);
    expect(out.samples.map((s) => [s.code, s.value, s.unit])).toEqual([
      ['8480-6', 120, 'mm[Hg]'],
      ['8462-4', 80, 'mm[Hg]'],
    ]);
  });

  it('reads a Bundle, indexing samples by entry and rejecting non-Observation entries', () => {
    const out = decodeFhirObservations(
      {
        resourceType: 'Bundle',
        type: 'collection',
        entry: [{ resource: heartRate }, { resource: { resourceType: 'Patient', id: 'p1' } }, { resource: bloodPressure }],
      },
      known,
    );
    expect(out.samples.map((s) => s.index)).toEqual([0, 2, 2]);
    expect(out.rejections).toEqual([
      { index: 1, reason: 'schema', detail: expect.stringContaining('Patient is not ingested'), sampleText: expect.any(String) },
    ]);
  });

  it('picks the LOINC coding it knows among several (Synthea SpO2 sends 2708-6 and 59408-5)', () => {
    const spo2 = {
      ...heartRate,
      code: {
        coding: [
          { system: 'http://loinc.org', code: '59408-5' },
          { system: 'http://loinc.org', code: '2708-6' },
        ],
      },
      valueQuantity: ucum(97, '%'),
    };
    expect(decodeFhirObservations(spo2, known).samples[0]?.code).toBe('2708-6');
  });

  it('takes effectiveInstant or the end (else start) of effectivePeriod', () => {
    const { effectiveDateTime: _, ...noTime } = heartRate;
    expect(decodeFhirObservations({ ...noTime, effectiveInstant: '2026-11-21T10:00:00Z' }, known).samples[0]?.timeMs).toBe(t);
    expect(
      decodeFhirObservations({ ...noTime, effectivePeriod: { start: '2026-11-21T09:00:00Z', end: '2026-11-21T10:00:00Z' } }, known)
        .samples[0]?.timeMs,
    ).toBe(t);
    expect(decodeFhirObservations({ ...noTime, effectivePeriod: { start: '2026-11-21T10:00:00Z' } }, known).samples[0]?.timeMs).toBe(t);
  });

  it('rejects what is not a storable measurement, each with its reason', () => {
    const { effectiveDateTime: _, ...noTime } = heartRate;
    const cases: [unknown, string][] = [
      [{ ...heartRate, status: 'entered-in-error' }, 'schema'],
      [noTime, 'schema'],
      [{ ...heartRate, effectiveDateTime: '2026-11-21' }, 'schema'],
      [{ ...heartRate, valueQuantity: undefined, dataAbsentReason: { text: 'asked' } }, 'schema'],
      [{ ...heartRate, code: { coding: [{ system: 'http://snomed.info/sct', code: '364075005' }] } }, 'unknown-code'],
      [{ ...heartRate, valueQuantity: { value: 72, unit: 'bpm', system: 'http://example.org/units', code: 'bpm' } }, 'wrong-unit'],
      [{ ...heartRate, valueQuantity: { value: '72' } }, 'schema'],
    ];
    for (const [resource, reason] of cases) {
      const out = decodeFhirObservations(resource, known);
      expect(out.samples).toEqual([]);
      expect(out.rejections.map((r) => r.reason)).toEqual([reason]);
    }
  });

  it('stores nothing and rejects nothing for a panel that only groups members (hasMember)', () => {
    const panel = {
      resourceType: 'Observation',
      status: 'final',
      code: loinc('85353-1'),
      effectiveDateTime: '2026-11-21T10:00:00Z',
      hasMember: [{ reference: 'Observation/1' }],
    };
    expect(decodeFhirObservations(panel, known)).toEqual({ samples: [], rejections: [] });
  });

  it('rejects other resource types and empty Bundles as a whole', () => {
    for (const bad of [{ resourceType: 'Patient' }, { resourceType: 'Bundle', entry: [] }, [], null, 'Observation']) {
      expect(decodeFhirObservations(bad, known).rejections).toEqual([{ index: null, reason: 'schema', detail: expect.any(String) }]);
    }
  });
});
