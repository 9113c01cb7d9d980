import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hmacSha256Keyed, utf8Bytes } from '../sha256.ts';
import { emptyReport } from './deidentification-report.ts';
import { deidentifyBundle } from './deidentify-bundle.ts';
import { ageGroupExtensionUrl, deidentifyResource } from './deidentify-resource.ts';
import { createPseudonymizer } from './pseudonymizer.ts';

const pseudonymizer = createPseudonymizer(hmacSha256Keyed(utf8Bytes('test secret')));
const options = { pseudonymizer, referenceYear: 2025 };

const patient = {
  resourceType: 'Patient',
  id: 'pat-1',
  meta: { lastUpdated: '2024-01-02T03:04:05Z', source: 'https://ehr.example.org/feed' },
  text: { status: 'generated', div: '<div>Jane Roe, 12 Elm St</div>' },
  extension: [
    { url: 'http://hl7.org/fhir/StructureDefinition/patient-mothersMaidenName', valueString: 'Maidenly' },
    {
      url: 'http://hl7.org/fhir/StructureDefinition/patient-birthPlace',
      valueAddress: { city: 'Springfield', state: 'MA', country: 'US' },
    },
  ],
  identifier: [
    { system: 'http://hl7.org/fhir/sid/us-ssn', value: '999-12-3456' },
    { type: { text: 'Medical Record Number' }, system: 'http://hospital.example', value: 'MRN-777' },
  ],
  name: [{ family: 'Roe', given: ['Jane', 'Q'], prefix: ['Ms.'] }],
  telecom: [
    { system: 'phone', value: '555-123-4567' },
    { system: 'email', value: 'jane@example.org' },
    { system: 'url', value: 'https://jane.example' },
  ],
  gender: 'female',
  birthDate: '1980-06-15',
  address: [
    {
      extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/geolocation', extension: [{ url: 'latitude', valueDecimal: 42.1 }] }],
      line: ['12 Elm St'],
      city: 'Springfield',
      district: 'Hampden',
      state: 'MA',
      postalCode: '01105',
      country: 'US',
    },
  ],
  photo: [{ contentType: 'image/png', data: 'aGVsbG8=' }],
  contact: [{ name: { family: 'Roe', given: ['John'] }, telecom: [{ system: 'phone', value: '555-999-0000' }] }],
  managingOrganization: { reference: 'Organization/org-1', display: 'Springfield General' },
};

const observation = {
  resourceType: 'Observation',
  id: 'obs-1',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '2339-0', display: 'Glucose' }] },
  subject: { reference: 'Patient/pat-1', display: 'Jane Roe' },
  effectiveDateTime: '2024-03-01T08:30:00-05:00',
  issued: '2024-03-01T09:00:00.000-05:00',
  valueQuantity: { value: 142, unit: 'mg/dL', system: 'http://unitsofmeasure.org', code: 'mg/dL' },
  note: [{ text: 'Jane says she ate cake' }],
};

describe('HIPAA Safe Harbor de-identification of a resource', () => {
  it('removes or replaces every identifier and reports what it did', () => {
    const report = emptyReport();
    const out = deidentifyResource(patient, options, report);
    const text = JSON.stringify(out);
    for (const identifying of [
      'Jane',
      'Roe',
      'Maidenly',
      'Springfield',
      'Hampden',
      'Elm',
      '01105',
      '555-',
      'jane@',
      'jane.example',
      '999-12-3456',
      'MRN-777',
      'pat-1',
      '1980-06-15',
      'aGVsbG8=',
      'ehr.example.org',
      '42.1',
      'org-1',
    ]) {
      expect(text, identifying).not.toContain(identifying);
    }
    expect(out.address).toEqual([{ state: 'MA', postalCode: '011', country: 'US' }]);
    expect(out.birthDate).toMatch(/^19(79|80|81)$/);
    expect(out.gender).toBe('female');
    expect(report).toMatchObject({
      name: 3,
      telecom: 4,
      identifier: 2,
      address: 2,
      postalCode: 1,
      geolocation: 1,
      photo: 1,
      narrative: 1,
      birthDate: 1,
      resourceId: 1,
      metaSource: 1,
      referenceDisplay: 1,
    });
    expect((out.meta as { security: { code: string }[] }).security[0]?.code).toBe('PSEUDED');
  });

  it('gives the same pseudonyms and the same date shift to every resource of a patient', () => {
    const report = emptyReport();
    const p = deidentifyResource(patient, options, report);
    const o = deidentifyResource(observation, options, report);
    expect((o.subject as { reference: string }).reference).toBe(`Patient/${p.id}`);
    expect(o.subject).toEqual({ reference: `Patient/${p.id}` });
    expect(o.note).toBeUndefined();
    const shiftMs = Date.parse(o.effectiveDateTime as string) - Date.parse(observation.effectiveDateTime);
    expect(Date.parse(o.issued as string) - Date.parse(observation.issued)).toBe(shiftMs);
    expect(shiftMs).not.toBe(0);
    expect(Math.abs(shiftMs)).toBeLessThanOrEqual(365 * 86_400_000);
    // The lastUpdated of the patient moves by the same number of days.
    expect(Date.parse((p.meta as { lastUpdated: string }).lastUpdated) - Date.parse(patient.meta.lastUpdated)).toBe(shiftMs);
    expect(o.valueQuantity).toEqual(observation.valueQuantity);
  });

  it('groups ages over 89 (Safe Harbor (C)) and keeps the birth year otherwise', () => {
    const old = deidentifyResource({ ...patient, birthDate: '1930-01-01' }, options, emptyReport());
    expect(old.birthDate).toBeUndefined();
    expect(old.extension).toContainEqual({ url: ageGroupExtensionUrl, valueString: '90 or older' });
    const diedYoung = deidentifyResource({ ...patient, birthDate: '1930-01-01', deceasedDateTime: '1990-05-05' }, options, emptyReport());
    expect(diedYoung.birthDate).toMatch(/^19(29|30|31)$/);
    const onsetAge = deidentifyResource({ resourceType: 'Condition', onsetAge: { value: 93, unit: 'a' } }, options, emptyReport());
    expect(onsetAge.onsetAge).toEqual({ value: 90, unit: 'a', comparator: '>=' });
  });

  it('turns restricted 3-digit ZIP areas into 000', () => {
    const out = deidentifyResource({ resourceType: 'Patient', address: [{ postalCode: '05901', state: 'VT' }] }, options, emptyReport());
    expect(out.address).toEqual([{ state: 'VT', postalCode: '000' }]);
  });

  it('pseudonymises conditional references consistently with the identifiers they name', () => {
    const practitioner = deidentifyResource(
      {
        resourceType: 'Practitioner',
        id: 'pr1',
        identifier: [{ system: 'http://hl7.org/fhir/sid/us-npi', value: '9999913599' }],
        name: [{ family: 'Who' }],
      },
      options,
      emptyReport(),
    );
    const encounter = deidentifyResource(
      {
        resourceType: 'Encounter',
        participant: [
          { individual: { reference: 'Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|9999913599', display: 'Dr. Who' } },
        ],
      },
      options,
      emptyReport(),
    );
    const npi = (practitioner.identifier as { value: string }[])[0]?.value;
    expect(JSON.stringify(encounter)).toBe(
      JSON.stringify({
        resourceType: 'Encounter',
        participant: [{ individual: { reference: `Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|${npi}` } }],
        meta: {
          security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'PSEUDED', display: 'pseudonymized' }],
        },
      }),
    );
  });

  it('never lets an arbitrary name, phone or identifier through (property)', () => {
    const token = fc.string({ minLength: 6, maxLength: 20 }).filter((s) => /^[A-Za-z0-9]+$/.test(s) && !/^\d{4}/.test(s));
    fc.assert(
      fc.property(token, token, token, token, (family, phone, ssn, city) => {
        const resource = {
          resourceType: 'Patient',
          id: 'p',
          name: [{ family, given: [family] }],
          telecom: [{ system: 'phone', value: phone }],
          identifier: [{ system: 'http://hl7.org/fhir/sid/us-ssn', value: ssn }],
          address: [{ city, line: [city], state: 'CA' }],
          contact: [{ name: { text: family } }],
        };
        const text = JSON.stringify(deidentifyResource(resource, options, emptyReport()));
        for (const secret of [family, phone, ssn, city]) expect(text).not.toContain(secret);
      }),
      { numRuns: 200 },
    );
  });
});

describe('de-identification of a transaction bundle', () => {
  it('rewrites urn:uuid full URLs and references consistently and shifts each patient by its own offset', () => {
    const bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          fullUrl: 'urn:uuid:11111111-1111-1111-1111-111111111111',
          resource: { ...patient, id: '11111111-1111-1111-1111-111111111111' },
          request: { method: 'POST', url: 'Patient' },
        },
        {
          fullUrl: 'urn:uuid:22222222-2222-2222-2222-222222222222',
          resource: {
            ...observation,
            id: '22222222-2222-2222-2222-222222222222',
            subject: { reference: 'urn:uuid:11111111-1111-1111-1111-111111111111' },
          },
          request: { method: 'POST', url: 'Observation' },
        },
      ],
    };
    const out = deidentifyBundle(bundle, options, emptyReport()) as { entry: { fullUrl: string; resource: Record<string, unknown> }[] };
    const p = out.entry[0]!;
    const o = out.entry[1]!;
    expect(p.fullUrl).toBe(`urn:uuid:${p.resource.id}`);
    expect((o.resource.subject as { reference: string }).reference).toBe(p.fullUrl);
    // Same offset as de-identifying the observation alone with that patient's key.
    const alone = deidentifyResource(observation, { ...options, patientKey: '11111111-1111-1111-1111-111111111111' }, emptyReport());
    expect(o.resource.effectiveDateTime).toBe(alone.effectiveDateTime);
  });
});
