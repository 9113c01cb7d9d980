import { describe, expect, it } from 'vitest';
import type { DecodedSample } from './decoded-sample.ts';
import { defaultTimeWindow, normaliseSamples } from './normalise-samples.ts';
import { patientIdOf } from './patient-reference.ts';
import { coreReadingCatalogue } from './reading-catalogue.ts';

const receivedAtMs = Date.UTC(2026, 10, 21, 10);
const ctx = { catalogue: coreReadingCatalogue, receivedAtMs, window: defaultTimeWindow, patientId: 'p1' };
const sample = (over: Partial<DecodedSample>): DecodedSample => ({
  index: 0,
  code: '8867-4',
  value: 72,
  unit: '/min',
  timeMs: receivedAtMs,
  source: {},
  ...over,
});

describe('sample normalisation', () => {
  it('converts to the stored form and keeps the sample index', () => {
    const out = normaliseSamples([sample({ index: 3, code: '8310-5', value: 98.6, unit: '[degF]' })], ctx);
    expect(out.rejections).toEqual([]);
    expect(out.readings[0]).toMatchObject({ index: 3, code: '8310-5', unit: 'Cel', timeMs: receivedAtMs });
  });

  it('accepts times from 2000-01-01 up to 10 minutes after receipt, and dead-letters the rest as implausible', () => {
    const times = [
      Date.UTC(2000, 0, 1),
      receivedAtMs + 10 * 60_000,
      Date.UTC(1999, 11, 31, 23, 59, 59),
      receivedAtMs + 10 * 60_000 + 1,
      Number.NaN,
    ];
    const out = normaliseSamples(
      times.map((timeMs, index) => sample({ index, timeMs })),
      ctx,
    );
    expect(out.readings.map((r) => r.index)).toEqual([0, 1]);
    expect(out.rejections.map((r) => [r.index, r.reason])).toEqual([
      [2, 'implausible'],
      [3, 'implausible'],
      [4, 'implausible'],
    ]);
  });

  it('rejects a FHIR subject that is not the bound patient (patient-mismatch), accepts the right one', () => {
    const out = normaliseSamples(
      [
        sample({ index: 0, subjectReference: 'Patient/p1' }),
        sample({ index: 1, subjectReference: 'Patient/p2' }),
        sample({ index: 2, subjectReference: 'urn:uuid:1' }),
      ],
      ctx,
    );
    expect(out.readings.map((r) => r.index)).toEqual([0]);
    expect(out.rejections.map((r) => r.reason)).toEqual(['patient-mismatch', 'patient-mismatch']);
  });

  it('passes catalogue verdicts through with the sample JSON for the dead letter', () => {
    const out = normaliseSamples([sample({ code: '8867-4', value: 500, source: { value: 500 } })], ctx);
    expect(out.rejections).toEqual([
      { index: 0, reason: 'implausible', detail: expect.stringContaining('outside the plausible range'), sampleText: '{"value":500}' },
    ]);
  });
});

describe('patient references', () => {
  it('reads relative, absolute and versioned Patient references', () => {
    expect(patientIdOf('Patient/123')).toBe('123');
    expect(patientIdOf('https://fhir.example.org/r4/Patient/abc-1')).toBe('abc-1');
    expect(patientIdOf('Patient/abc/_history/2')).toBe('abc');
    expect(patientIdOf('Group/1')).toBeUndefined();
    expect(patientIdOf('urn:uuid:0e2a')).toBeUndefined();
  });
});
