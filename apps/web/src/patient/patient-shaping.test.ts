import { describe, expect, it } from 'vitest';
import type { FhirBundle } from '../api/api-types.ts';
import { conditions, demographics, medications } from './patient-record.ts';
import { alignSeries, breakGaps, glucoseWithForecast, seriesStats } from './series-shape.ts';
import { treatmentEvents } from './treatment-events.ts';

const bundle = (...resources: Record<string, unknown>[]): FhirBundle => ({
  resourceType: 'Bundle',
  entry: resources.map((r) => ({ resource: r as { resourceType: string } })),
});

describe('record panel from FHIR R4', () => {
  it('names the patient from the official name and lists identifiers', () => {
    const d = demographics({
      resourceType: 'Patient',
      id: 'p1',
      name: [
        { use: 'nickname', given: ['Ally'] },
        { use: 'official', family: 'Hickle134', given: ['Alfonzo975', 'J'] },
      ],
      gender: 'male',
      birthDate: '1961-04-02',
      identifier: [{ system: 'urn:x', value: '42' }, { system: 'urn:y' }],
    });
    expect(d).toEqual({
      id: 'p1',
      name: 'Alfonzo975 J Hickle134',
      gender: 'male',
      birthDate: '1961-04-02',
      identifiers: [{ system: 'urn:x', value: '42' }],
      deceased: false,
    });
  });

  it('orders conditions active first, newest onset first; takes text, display, then code', () => {
    const b = bundle(
      {
        resourceType: 'Condition',
        id: 'c1',
        code: { coding: [{ code: '44054006', display: 'Diabetes mellitus type 2' }] },
        clinicalStatus: { coding: [{ code: 'active' }] },
        onsetDateTime: '2001-01-01',
      },
      {
        resourceType: 'Condition',
        id: 'c2',
        code: { text: 'Viral sinusitis' },
        clinicalStatus: { coding: [{ code: 'resolved' }] },
        onsetDateTime: '2020-01-01',
      },
      {
        resourceType: 'Condition',
        id: 'c3',
        code: { coding: [{ code: '38341003' }] },
        clinicalStatus: { coding: [{ code: 'active' }] },
        onsetDateTime: '2010-05-01',
      },
      { resourceType: 'Observation', id: 'o1' },
    );
    expect(conditions(b).map((c) => [c.text, c.active])).toEqual([
      ['38341003', true],
      ['Diabetes mellitus type 2', true],
      ['Viral sinusitis', false],
    ]);
  });

  it('lists active medicines before stopped ones', () => {
    const b = bundle(
      {
        resourceType: 'MedicationRequest',
        id: 'm1',
        status: 'stopped',
        medicationCodeableConcept: { text: 'Amoxicillin' },
        authoredOn: '2022-01-01',
      },
      {
        resourceType: 'MedicationRequest',
        id: 'm2',
        status: 'active',
        medicationCodeableConcept: { coding: [{ display: 'Metformin 500 MG' }] },
        authoredOn: '2015-01-01',
      },
    );
    expect(medications(b).map((m) => m.text)).toEqual(['Metformin 500 MG', 'Amoxicillin']);
  });
});

describe('series shaping for uPlot', () => {
  it('aligns series on the union of their times (seconds), null where a series has no reading', () => {
    const a = { code: 'a', unit: '', timesMs: [1000, 3000], values: [1, 3], bucketReadings: 1 };
    const b = { code: 'b', unit: '', timesMs: [2000, 3000, 4000], values: [20, 30, 40], bucketReadings: 1 };
    expect(alignSeries([a, undefined, b])).toEqual([
      [1, 2, 3, 4],
      [1, null, 3, null],
      [null, null, null, null],
      [null, 20, 30, 40],
    ]);
  });

  it('aligns 14 days of 5-minute data for 6 series (24,192 points) exactly', () => {
    const n = 14 * 288;
    const s = (offset: number) => ({
      code: String(offset),
      unit: '',
      timesMs: Array.from({ length: n }, (_, i) => i * 300_000 + offset),
      values: Array.from({ length: n }, (_, i) => i),
      bucketReadings: 1,
    });
    const data = alignSeries([s(0), s(0), s(1000), s(0), s(0), s(1000)]);
    expect(data[0]).toHaveLength(2 * n);
    expect((data[1] as (number | null)[]).filter((v) => v !== null)).toHaveLength(n);
    expect(seriesStats(s(0))).toEqual({ min: 0, max: n - 1, latest: n - 1, latestMs: (n - 1) * 300_000 });
  });

  it('breaks the line in gaps longer than 3 sampling intervals (and 15 min), ignoring the break in stats', () => {
    const min = 60_000;
    const s = { code: 'x', unit: '', timesMs: [0, 5, 10, 15, 45, 50].map((m) => m * min), values: [1, 2, 3, 4, 5, 6], bucketReadings: 1 };
    const broken = breakGaps(s);
    expect(broken.timesMs).toEqual([0, 5, 10, 15, 30, 45, 50].map((m) => m * min));
    expect(broken.values.map((v) => (Number.isNaN(v) ? null : v))).toEqual([1, 2, 3, 4, null, 5, 6]);
    expect(alignSeries([broken])[1]).toEqual([1, 2, 3, 4, null, 5, 6]);
    expect(seriesStats(broken)).toEqual({ min: 1, max: 6, latest: 6, latestMs: 50 * min });
    const steady = { ...s, timesMs: [0, 5, 10, 15, 20, 25].map((m) => m * min) };
    expect(breakGaps(steady)).toBe(steady);
  });

  it('reports the unaveraged newest reading as latest when the server sends it', () => {
    const s = {
      code: 'hr',
      unit: '/min',
      timesMs: [0, 10_000],
      values: [80, 113],
      bucketReadings: 2,
      latest: { timeMs: 12_000, value: 138 },
    };
    expect(seriesStats(s)).toEqual({ min: 80, max: 138, latest: 138, latestMs: 12_000 });
  });

  it('starts the forecast fan at the last CGM reading and keeps x strictly increasing', () => {
    const cgm = { code: '99504-3', unit: 'mg/dL', timesMs: [0, 300_000, 600_000], values: [100, 110, 120], bucketReadings: 1 };
    const fc = {
      originMs: 600_000,
      originMgDl: 120,
      points: [
        {
          horizonMin: 30,
          time: new Date(2_400_000).toISOString(),
          meanMgDl: 150,
          medianMgDl: 148,
          interval80MgDl: [130, 170] as const,
          interval95MgDl: [120, 185] as const,
        },
      ],
    };
    const [x, c, median, lo95, hi95, lo80, hi80] = glucoseWithForecast(cgm, fc);
    expect(x).toEqual([0, 300, 600, 2400]);
    expect(c).toEqual([100, 110, 120, null]);
    expect(median).toEqual([null, null, 120, 148]);
    expect([lo95?.[3], hi95?.[3], lo80?.[3], hi80?.[3]]).toEqual([120, 185, 130, 170]);
  });
});

describe('insulin and meals from FHIR (as the glucose twin reads them)', () => {
  it('reads boluses, basal rates and carbohydrate intake; skips entered-in-error and other codes', () => {
    const b = bundle(
      {
        resourceType: 'MedicationAdministration',
        status: 'completed',
        effectiveDateTime: '2026-01-01T08:00:00Z',
        dosage: { dose: { value: 6, code: 'U' } },
      },
      {
        resourceType: 'MedicationAdministration',
        status: 'in-progress',
        effectivePeriod: { start: '2026-01-01T00:00:00Z' },
        dosage: { rateQuantity: { value: 0.9, code: 'U/h' } },
      },
      {
        resourceType: 'MedicationAdministration',
        status: 'entered-in-error',
        effectiveDateTime: '2026-01-01T09:00:00Z',
        dosage: { dose: { value: 9, code: 'U' } },
      },
      {
        resourceType: 'Observation',
        status: 'final',
        effectiveDateTime: '2026-01-01T07:55:00Z',
        code: { coding: [{ system: 'http://loinc.org', code: '9059-7' }] },
        valueQuantity: { value: 60, code: 'g' },
      },
      {
        resourceType: 'Observation',
        status: 'final',
        effectiveDateTime: '2026-01-01T07:00:00Z',
        code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
        valueQuantity: { value: 60, code: '/min' },
      },
    );
    expect(treatmentEvents([b]).map((e) => [e.kind, e.amount, e.unit])).toEqual([
      ['basal', 0.9, 'U/h'],
      ['meal', 60, 'g'],
      ['bolus', 6, 'U'],
    ]);
  });
});
