import { describe, expect, it } from 'vitest';
import { readingsFromCgmBundle } from './cgm-fhir-bundle.ts';

const loinc = (code: string) => ({ coding: [{ system: 'http://loinc.org', code }] });

function reading(extra: Record<string, unknown>, code = '99504-3'): Record<string, unknown> {
  return {
    resource: {
      resourceType: 'Observation',
      status: 'final',
      code: loinc(code),
      subject: { reference: 'Patient/p1' },
      effectiveDateTime: '2024-05-02T10:15:00Z',
      valueQuantity: { value: 120, unit: 'mg/dL', system: 'http://unitsofmeasure.org', code: 'mg/dL' },
      ...extra,
    },
    request: { method: 'POST', url: 'Observation' },
  };
}

describe('readingsFromCgmBundle (HL7 CGM IG $submit-cgm-bundle)', () => {
  it('takes sensor readings (99504-3 mg/dL, 105272-9 mmol/L) and passes over summaries and reports', () => {
    const bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        reading({}),
        reading({ effectiveDateTime: '2024-05-02T12:30:00+02:00', valueQuantity: { value: 6.7, code: 'mmol/L' } }, '105272-9'),
        { resource: { resourceType: 'Observation', code: loinc('97507-8'), valueQuantity: { value: 145 } } },
        { resource: { resourceType: 'DiagnosticReport', code: { text: 'CGM summary' } } },
        { resource: { resourceType: 'Device' } },
      ],
    };
    const { readings, problems } = readingsFromCgmBundle(bundle);
    expect(problems).toEqual([]);
    expect(readings).toHaveLength(2);
    expect(readings[0]).toEqual({ subjectId: 'Patient/p1', timeMs: Date.UTC(2024, 4, 2, 10, 15), glucoseMgDl: 120 });
    expect(readings[1]!.timeMs).toBe(Date.UTC(2024, 4, 2, 10, 30));
    expect(readings[1]!.glucoseMgDl).toBeCloseTo(6.7 * 18, 10);
  });

  it('maps comparators to flagged out-of-range readings', () => {
    const { readings } = readingsFromCgmBundle({
      resourceType: 'Bundle',
      entry: [
        reading({ valueQuantity: { value: 40, comparator: '<', code: 'mg/dL' } }),
        reading({ valueQuantity: { value: 400, comparator: '>', code: 'mg/dL' } }),
      ],
    });
    expect(readings.map((r) => [r.glucoseMgDl, r.flag])).toEqual([
      [39, 'low'],
      [401, 'high'],
    ]);
  });

  it('names the FHIRPath of each problem and keeps the good readings', () => {
    const { readings, problems } = readingsFromCgmBundle({
      resourceType: 'Bundle',
      entry: [
        reading({ effectiveDateTime: '2024-05-02T10:15:00' }),
        reading({ subject: undefined }),
        reading({ valueQuantity: { value: 'high' } }),
        reading({ valueQuantity: { value: 120, code: 'g/L' } }),
        reading({ status: 'entered-in-error' }),
        reading({ valueQuantity: undefined, dataAbsentReason: { text: 'sensor error' } }),
        reading({}),
      ],
    });
    expect(readings).toHaveLength(1);
    expect(problems.map((p) => [p.expression, p.severity])).toEqual([
      ['Bundle.entry[0].resource.effectiveDateTime', 'error'],
      ['Bundle.entry[1].resource.subject', 'error'],
      ['Bundle.entry[2].resource.valueQuantity.value', 'error'],
      ['Bundle.entry[3].resource.valueQuantity.code', 'error'],
      ['Bundle.entry[4].resource.status', 'warning'],
      ['Bundle.entry[5].resource.dataAbsentReason', 'warning'],
    ]);
  });

  it('answers a non-Bundle with one problem instead of throwing', () => {
    expect(readingsFromCgmBundle({ resourceType: 'Patient' }).problems).toEqual([
      { message: 'expected a FHIR Bundle', expression: 'Bundle', severity: 'error' },
    ]);
    expect(readingsFromCgmBundle(null).readings).toEqual([]);
    expect(readingsFromCgmBundle({ resourceType: 'Bundle', entry: {} }).problems[0]!.expression).toBe('Bundle.entry');
  });
});
