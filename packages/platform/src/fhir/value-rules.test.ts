import type { ProblemDetail } from '@vitaltwin/core';
import { VitaltwinError } from '@vitaltwin/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheaResources } from '../testing/synthea-resources.ts';
import { loadFhirDefinitions } from './fhir-definitions.ts';
import { validateFhirResource } from './resource-validation.ts';
import { ValidationPool } from './validation-pool.ts';
import { valueRuleProblems as requiredCodeProblems } from './value-rules.mjs';

/**
 * Value rules beside the medplum validator: required bindings (FHIR R4 terminologies.html#required)
 * and calendar dates (datatypes.html#date). The expected code lists are the R4
 * specification's published value sets (administrative-gender, observation-status, http-verb,
 * name-use, condition-clinical in R4 4.0.1), not derived from the code under test.
 */
beforeAll(() => {
  loadFhirDefinitions();
});

const codesIn = (problem: ProblemDetail | undefined) => /\(([^)]*)\)$/.exec(problem?.message ?? '')?.[1]?.split(', ');

describe('required code bindings', () => {
  it('rejects a code outside its value set, naming the element and the set', () => {
    const [problem, ...rest] = requiredCodeProblems({ resourceType: 'Patient', gender: 'nope' });
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({ expression: 'Patient.gender', issueCode: 'code-invalid' });
    expect(problem?.message).toContain('"nope"');
    expect(problem?.message).toContain('http://hl7.org/fhir/ValueSet/administrative-gender');
    expect(codesIn(problem)).toEqual(['male', 'female', 'other', 'unknown']);
    expect(requiredCodeProblems({ resourceType: 'Patient', gender: 'female' })).toEqual([]);
  });

  it('expands each value set to the codes R4 publishes', () => {
    const status = requiredCodeProblems({ resourceType: 'Observation', status: 'x', code: { text: 't' } })[0];
    expect(codesIn(status)).toEqual([
      'registered',
      'preliminary',
      'final',
      'amended',
      'corrected',
      'cancelled',
      'entered-in-error',
      'unknown',
    ]);
    const verb = requiredCodeProblems({ resourceType: 'Bundle', type: 'batch', entry: [{ request: { method: 'GETX', url: 'x' } }] })[0];
    expect(verb?.expression).toBe('Bundle.entry[0].request.method');
    expect(codesIn(verb)?.sort()).toEqual(['DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT']);
  });

  it('finds codes in data types, backbone elements and nested references, by array position', () => {
    const problems = requiredCodeProblems({
      resourceType: 'Patient',
      name: [{ family: 'A', use: 'official' }, { use: 'nick' }],
      contact: [{ gender: 'f' }],
      identifier: [{ value: '1', assigner: { identifier: { use: 'primary' } } }],
      telecom: [{ system: 'pager-ish', value: '1' }],
    });
    expect(problems.map((p) => p.expression).sort()).toEqual([
      'Patient.contact[0].gender',
      'Patient.identifier[0].assigner.identifier.use',
      'Patient.name[1].use',
      'Patient.telecom[0].system',
    ]);
    expect(codesIn(problems.find((p) => p.expression === 'Patient.name[1].use'))).toEqual([
      'usual',
      'official',
      'temp',
      'nickname',
      'anonymous',
      'old',
      'maiden',
    ]);
  });

  it('checks contained resources and Bundle entries with their own types', () => {
    const problems = requiredCodeProblems({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          resource: {
            resourceType: 'Observation',
            status: 'bogus',
            code: { text: 'x' },
            contained: [{ resourceType: 'Patient', gender: 'm' }],
          },
        },
      ],
    });
    expect(problems.map((p) => p.expression)).toEqual(['Bundle.entry[0].resource.status', 'Bundle.entry[0].resource.contained[0].gender']);
  });

  it('asks a Coding from the value set of a required CodeableConcept', () => {
    const condition = (clinicalStatus: unknown) => ({ resourceType: 'Condition', subject: { reference: 'Patient/p' }, clinicalStatus });
    const system = 'http://terminology.hl7.org/CodeSystem/condition-clinical';
    expect(requiredCodeProblems(condition({ coding: [{ system, code: 'active' }] }))).toEqual([]);
    // A translation beside a coding from the set is allowed.
    expect(
      requiredCodeProblems(
        condition({
          coding: [
            { system: 'http://snomed.info/sct', code: '55561003' },
            { system, code: 'active' },
          ],
        }),
      ),
    ).toEqual([]);
    for (const wrong of [{ text: 'active' }, { coding: [{ code: 'active' }] }, { coding: [{ system, code: 'ongoing' }] }]) {
      const [problem] = requiredCodeProblems(condition(wrong));
      expect(problem?.expression).toBe('Condition.clinicalStatus');
      expect(codesIn(problem)).toEqual(['active', 'recurrence', 'relapse', 'inactive', 'remission', 'resolved']);
    }
  });

  it('does not check a value set it cannot expand (BCP-13 mime types) nor values of the wrong shape', () => {
    expect(
      requiredCodeProblems({ resourceType: 'DocumentReference', status: 'current', content: [{ attachment: { contentType: 'x/y' } }] }),
    ).toEqual([]);
    expect(requiredCodeProblems({ resourceType: 'Patient', gender: 5, name: 'x', contact: [null] })).toEqual([]);
    expect(requiredCodeProblems(null)).toEqual([]);
  });

  it('rejects days the calendar does not have, in plain and choice elements, and accepts leap days', () => {
    const problems = requiredCodeProblems({
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'x' },
      effectiveDateTime: '2021-02-29T10:00:00Z',
      issued: '2021-04-31T10:00:00Z',
      effectivePeriod: { start: '2021-06-31' },
      note: [{ text: 'n', time: '1900-02-29' }],
    });
    expect(problems.map((p) => [p.expression, p.issueCode])).toEqual([
      ['Observation.effective[x]', 'value'],
      ['Observation.issued', 'value'],
      ['Observation.effectivePeriod.start', 'value'],
      ['Observation.note[0].time', 'value'],
    ]);
    expect(problems[0]?.message).toBe('Invalid date: 2021-02-29T10:00:00Z names a day the calendar does not have');
    const leap = {
      resourceType: 'Patient',
      birthDate: '2000-02-29',
      deceasedDateTime: '2024-02-29',
      meta: { lastUpdated: '2020-12-31T23:59:59Z' },
    };
    expect(requiredCodeProblems(leap)).toEqual([]);
    // Partial dates have no day to check; an out-of-range month is the R4 regular expression's to report.
    expect(requiredCodeProblems({ resourceType: 'Patient', birthDate: '2021-02' })).toEqual([]);
    expect(requiredCodeProblems({ resourceType: 'Patient', birthDate: '2021-13-01' })).toEqual([]);
  });

  it('accepts every resource of the 16 Synthea bundles', () => {
    const resources = syntheaResources();
    expect(resources.length).toBeGreaterThan(6000);
    expect(resources.flatMap((r) => requiredCodeProblems(r))).toEqual([]);
  });
});

describe('writes refuse codes outside required value sets and days the calendar lacks', () => {
  let pool: ValidationPool;
  beforeAll(() => {
    pool = new ValidationPool(1);
  });
  afterAll(async () => {
    await pool.close();
  });

  const bogus = { resourceType: 'Observation', status: 'bogus', code: { text: 'x' } };

  it('on the calling thread: 422 naming the element', () => {
    let error: unknown;
    try {
      validateFhirResource(bogus);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(VitaltwinError);
    expect((error as VitaltwinError).code).toBe('VT_ERR_VALIDATION');
    expect((error as VitaltwinError).problems).toMatchObject([{ expression: 'Observation.status', issueCode: 'code-invalid' }]);
  });

  it('in the validator worker threads', async () => {
    const [bad, good, badDay] = await pool.validate([
      bogus,
      { ...bogus, status: 'final' },
      { resourceType: 'Patient', birthDate: '2021-02-30' },
    ]);
    expect(bad).toMatchObject([{ expression: 'Observation.status', issueCode: 'code-invalid' }]);
    expect(good).toEqual([]);
    expect(badDay).toMatchObject([{ expression: 'Patient.birthDate', issueCode: 'value' }]);
  });
});
