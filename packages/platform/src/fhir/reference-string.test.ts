import { describe, expect, it } from 'vitest';
import { parseReferenceString } from './reference-string.ts';

// Oracle: FHIR R4 3.3.2 "Literal references" (Type/id, with or without _history, absolute URLs,
// urn:uuid / urn:oid, #contained) and R4 3.1.0.11.1 conditional references (Type?search).
describe('parseReferenceString', () => {
  it('reads Type/id, also with a version', () => {
    expect(parseReferenceString('Patient/p-1.a')).toEqual({ targetType: 'Patient', targetId: 'p-1.a' });
    expect(parseReferenceString('Observation/o1/_history/3')).toEqual({ targetType: 'Observation', targetId: 'o1' });
  });

  it('keeps absolute URLs and URNs whole, without their version', () => {
    expect(parseReferenceString('http://x.org/fhir/Patient/1/_history/2')).toEqual({
      targetType: '',
      targetId: 'http://x.org/fhir/Patient/1',
    });
    expect(parseReferenceString('urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e0')).toEqual({
      targetType: '',
      targetId: 'urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e0',
    });
  });

  it('rejects contained, conditional and malformed references', () => {
    for (const reference of [
      '',
      '#med1',
      'Practitioner?identifier=x|1',
      'patient/1',
      'Patient/',
      'Patient/a b',
      `Patient/${'a'.repeat(65)}`,
      'Patient/1/2',
      'P/1',
    ]) {
      expect(parseReferenceString(reference), reference).toBeUndefined();
    }
    expect(parseReferenceString(`Patient/${'a'.repeat(64)}`)).toEqual({ targetType: 'Patient', targetId: 'a'.repeat(64) });
  });
});
