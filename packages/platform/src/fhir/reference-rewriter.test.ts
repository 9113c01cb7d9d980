import { describe, expect, it } from 'vitest';
import { conditionalReferences, ReferenceRewriter, rewriteReferences } from './reference-rewriter.ts';
import { parseReferenceString } from './reference-string.ts';

// Oracle: FHIR R4 http.html 3.1.0.11.2 (transaction processing: references to fullUrls and
// conditional references are replaced, also in narrative) and bundle.html (resolving references).
describe('rewriteReferences', () => {
  const map = new Map([
    ['urn:uuid:11111111-1111-4111-8111-111111111111', 'Patient/p1'],
    ['Organization?identifier=urn:x|7', 'Organization/o7'],
  ]);

  it('replaces references to fullUrls and conditional references at any depth', () => {
    const claim = {
      resourceType: 'Claim',
      patient: { reference: 'urn:uuid:11111111-1111-4111-8111-111111111111' },
      provider: { reference: 'Organization?identifier=urn:x|7' },
      item: [{ encounter: [{ reference: 'urn:uuid:11111111-1111-4111-8111-111111111111', display: 'x' }] }],
      insurance: [{ coverage: { reference: '#coverage' } }],
    };
    const out = rewriteReferences(claim, map);
    expect(out.patient.reference).toBe('Patient/p1');
    expect(out.provider.reference).toBe('Organization/o7');
    expect(out.item[0]!.encounter[0]).toEqual({ reference: 'Patient/p1', display: 'x' });
    expect(out.insurance[0]!.coverage.reference).toBe('#coverage');
    expect(claim.patient.reference).toBe('urn:uuid:11111111-1111-4111-8111-111111111111');
  });

  it('rewrites fullUrls in narrative but leaves other strings (identifier values) alone', () => {
    const patient = {
      resourceType: 'Patient',
      text: { status: 'generated', div: '<div>see urn:uuid:11111111-1111-4111-8111-111111111111</div>' },
      identifier: [{ system: 'urn:ietf:rfc:3986', value: 'urn:uuid:11111111-1111-4111-8111-111111111111' }],
    };
    const out = rewriteReferences(patient, map);
    expect(out.text.div).toBe('<div>see Patient/p1</div>');
    expect(out.identifier[0]!.value).toBe('urn:uuid:11111111-1111-4111-8111-111111111111');
  });

  it('rewrites every fullUrl in narrative, the longest key where keys overlap, and leaves unknown urns', () => {
    const urns = new Map([
      ['urn:uuid:1', 'Patient/short'],
      ['urn:uuid:12', 'Patient/long'],
      ['urn:oid:1.2.3', 'Organization/o'],
    ]);
    const div = '<div>urn:uuid:12 and urn:uuid:1, urn:uuid:9 urn:oid:1.2.3urn:uuid:1</div>';
    const out = rewriteReferences({ resourceType: 'Patient', text: { status: 'generated', div } }, urns);
    expect(out.text.div).toBe('<div>Patient/long and Patient/short, urn:uuid:9 Organization/oPatient/short</div>');
  });

  it('shares what it does not change and never changes its input', () => {
    const rewriter = new ReferenceRewriter(map);
    const unchanged = { resourceType: 'Observation', code: { text: 'x' }, subject: { reference: 'Patient/other' } };
    expect(rewriter.rewrite(unchanged)).toBe(unchanged);
    const input = {
      resourceType: 'Observation',
      code: { coding: [{ code: '1' }] },
      performer: [{ reference: 'Practitioner/a' }, { reference: 'Organization?identifier=urn:x|7' }],
    };
    const snapshot = structuredClone(input);
    const out = rewriter.rewrite(input);
    expect(out.code).toBe(input.code);
    expect(out.performer[0]).toBe(input.performer[0]);
    expect(out.performer[1]).toEqual({ reference: 'Organization/o7' });
    expect(input).toEqual(snapshot);
  });

  it('lists conditional references once each', () => {
    const bundleResources = [
      { a: { reference: 'Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|9999' } },
      { b: [{ reference: 'Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|9999' }, { reference: 'Patient/1' }] },
    ];
    expect(conditionalReferences(bundleResources)).toEqual(['Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|9999']);
  });
});

describe('parseReferenceString', () => {
  it.each([
    ['Patient/123', { targetType: 'Patient', targetId: '123' }],
    ['Patient/123/_history/4', { targetType: 'Patient', targetId: '123' }],
    ['http://example.org/fhir/Patient/123', { targetType: '', targetId: 'http://example.org/fhir/Patient/123' }],
    ['urn:uuid:abc', { targetType: '', targetId: 'urn:uuid:abc' }],
    ['#contained', undefined],
    ['Patient?identifier=x', undefined],
    ['patient/123', undefined],
    ['Patient/bad id', undefined],
  ])('%s', (text, expected) => {
    expect(parseReferenceString(text)).toEqual(expected);
  });
});
