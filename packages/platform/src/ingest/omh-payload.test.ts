import { omhUnitToUcum } from '@vitaltwin/core';
import { describe, expect, it } from 'vitest';
import { decodeOmh } from './omh-payload.ts';

const header = (name: string) => ({
  id: '243c773b-8936-407e-9c23-270d0ea49cc4',
  creation_date_time: '2026-11-21T10:00:05Z',
  schema_id: { namespace: 'omh', name, version: '2.0' },
  acquisition_provenance: { source_name: 'Acme wearable', modality: 'sensed' },
});
const at = { effective_time_frame: { date_time: '2026-11-21T10:00:00Z' } };
const t = Date.UTC(2026, 10, 21, 10);

describe('Open mHealth decoder (IEEE 1752.1 header/body)', () => {
  it('maps each supported schema to LOINC codes and OMH units to UCUM', () => {
    const points = [
      { header: header('heart-rate'), body: { ...at, heart_rate: { value: 61, unit: 'beats/min' } } },
      { header: header('respiratory-rate'), body: { ...at, respiratory_rate: { value: 14, unit: 'breaths/min' } } },
      { header: header('oxygen-saturation'), body: { ...at, oxygen_saturation: { value: 97, unit: '%' } } },
      { header: header('body-temperature'), body: { ...at, body_temperature: { value: 98.6, unit: 'F' } } },
      {
        header: header('blood-pressure'),
        body: { ...at, systolic_blood_pressure: { value: 121, unit: 'mmHg' }, diastolic_blood_pressure: { value: 79, unit: 'mmHg' } },
      },
      { header: header('blood-glucose'), body: { ...at, blood_glucose: { value: 5.5, unit: 'mmol/L' } } },
    ];
    const out = decodeOmh(points, omhUnitToUcum);
    expect(out.rejections).toEqual([]);
    expect(out.samples.map(({ index, code, value, unit, timeMs }) => ({ index, code, value, unit, timeMs }))).toEqual([
      { index: 0, code: '8867-4', value: 61, unit: '/min', timeMs: t },
      { index: 1, code: '9279-1', value: 14, unit: '/min', timeMs: t },
      { index: 2, code: '2708-6', value: 97, unit: '%', timeMs: t },
      { index: 3, code: '8310-5', value: 98.6, unit: '[degF]', timeMs: t },
      { index: 4, code: '8480-6', value: 121, unit: 'mm[Hg]', timeMs: t },
      { index: 4, code: '8462-4', value: 79, unit: 'mm[Hg]', timeMs: t },
      { index: 5, code: '2339-0', value: 5.5, unit: 'mmol/L', timeMs: t },
    ]);
  });

  it('accepts a single data point and stores a time interval at its end (else its start)', () => {
    const body = { heart_rate: { value: 70, unit: 'beats/min' } };
    const interval = decodeOmh(
      {
        header: header('heart-rate'),
        body: {
          ...body,
          effective_time_frame: { time_interval: { start_date_time: '2026-11-21T09:59:00Z', end_date_time: '2026-11-21T10:00:00Z' } },
        },
      },
      omhUnitToUcum,
    );
    expect(interval.samples[0]?.timeMs).toBe(t);
    const startOnly = decodeOmh(
      {
        header: header('heart-rate'),
        body: { ...body, effective_time_frame: { time_interval: { start_date_time: '2026-11-21T10:00:00Z' } } },
      },
      omhUnitToUcum,
    );
    expect(startOnly.samples[0]?.timeMs).toBe(t);
  });

  it('passes an unknown OMH unit through unchanged (the catalogue then rejects it as wrong-unit)', () => {
    const out = decodeOmh({ header: header('heart-rate'), body: { ...at, heart_rate: { value: 1.2, unit: 'Hz' } } }, omhUnitToUcum);
    expect(out.samples[0]?.unit).toBe('Hz');
  });

  it('rejects bad data points one by one, with the data point index', () => {
    const good = { header: header('heart-rate'), body: { ...at, heart_rate: { value: 61, unit: 'beats/min' } } };
    const out = decodeOmh(
      [
        good,
        { header: header('step-count'), body: { ...at, step_count: { value: 10, unit: 'steps' } } },
        { header: header('heart-rate'), body: { heart_rate: { value: 61, unit: 'beats/min' } } },
        { header: header('blood-pressure'), body: { ...at, systolic_blood_pressure: { value: 120, unit: 'mmHg' } } },
        { body: good.body },
        {
          header: header('heart-rate'),
          body: { effective_time_frame: { time_interval: {} }, heart_rate: { value: 61, unit: 'beats/min' } },
        },
      ],
      omhUnitToUcum,
    );
    expect(out.samples.map((s) => s.index)).toEqual([0]);
    expect(out.rejections.map((r) => [r.index, r.reason])).toEqual([
      [1, 'unknown-code'],
      [2, 'schema'],
      [3, 'schema'],
      [4, 'schema'],
      [5, 'schema'],
    ]);
    expect(out.rejections[2]?.detail).toContain('diastolic_blood_pressure');
  });

  it('rejects an empty array as a whole', () => {
    expect(decodeOmh([], omhUnitToUcum).rejections).toEqual([{ index: null, reason: 'schema', detail: expect.any(String) }]);
  });
});
