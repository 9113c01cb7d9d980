import { beforeAll, describe, expect, it } from 'vitest';
import { loadFhirDefinitions } from '../fhir-definitions.ts';
import { parseValidateRequest, type StoredVersions, validateResourceOperation } from './resource-validate.ts';

/**
 * `$validate` inputs (R4 OperationDefinition Resource-validate: resource 0..1, mode 0..1 from
 * ResourceValidationMode, profile 0..1) and its verdicts against a stub of the stored versions.
 */
beforeAll(() => {
  loadFhirDefinitions();
});

const q = (text = '') => new URLSearchParams(text);
const patient = { resourceType: 'Patient', id: 'p1' };

describe('$validate inputs', () => {
  it('takes the resource as the body, with mode and profile in the URL', () => {
    expect(parseValidateRequest('Patient', patient, q('mode=update'))).toEqual({ resource: patient, mode: 'update' });
    expect(parseValidateRequest('Patient', patient, q())).toEqual({ resource: patient, mode: 'general' });
    expect(parseValidateRequest('Patient', undefined, q('mode=delete'))).toEqual({ mode: 'delete' });
  });

  it('takes a Parameters envelope, and a Parameters resource as itself when it wraps no resource', () => {
    const envelope = {
      resourceType: 'Parameters',
      parameter: [
        { name: 'resource', resource: patient },
        { name: 'mode', valueCode: 'create' },
        { name: 'profile', valueCanonical: 'http://hl7.org/fhir/StructureDefinition/Patient' },
      ],
    };
    expect(parseValidateRequest('Patient', envelope, q())).toEqual({
      resource: patient,
      mode: 'create',
      profile: 'http://hl7.org/fhir/StructureDefinition/Patient',
    });
    const plain = { resourceType: 'Parameters', parameter: [{ name: 'x', valueString: 'y' }] };
    expect(parseValidateRequest('Parameters', plain, q())).toEqual({ resource: plain, mode: 'general' });
  });

  it.each([
    ['an unknown mode', patient, 'mode=merge'],
    ['a repeated mode', patient, 'mode=create&mode=update'],
    ['the URL and body disagreeing', { resourceType: 'Parameters', parameter: [{ name: 'mode', valueCode: 'create' }] }, 'mode=update'],
    ['an unknown parameter', { resourceType: 'Parameters', parameter: [{ name: 'usage', valueCode: 'x' }] }, ''],
    [
      'a parameter given twice',
      {
        resourceType: 'Parameters',
        parameter: [
          { name: 'mode', valueCode: 'create' },
          { name: 'mode', valueCode: 'create' },
        ],
      },
      '',
    ],
    ['a resource parameter without a resource', { resourceType: 'Parameters', parameter: [{ name: 'resource', valueString: 'x' }] }, ''],
    ['a mode without a value', { resourceType: 'Parameters', parameter: [{ name: 'mode' }] }, ''],
    ['a parameter list that is not a list', { resourceType: 'Parameters', parameter: {} }, ''],
  ])('refuses %s with a 400', (_name, body, query) => {
    expect(() => parseValidateRequest('Patient', body, q(query))).toThrow(expect.objectContaining({ code: 'VT_ERR_INVALID_INPUT' }));
  });
});

describe('$validate verdicts', () => {
  const stored: StoredVersions = { currentVersion: async (_type, id) => (id === 'p1' ? 3 : undefined) };
  const run = (
    target: { type: string; id?: string; ifMatch?: number },
    resource: unknown,
    mode: 'general' | 'create' | 'update' | 'delete',
  ) => validateResourceOperation(stored, target, { resource, mode });
  const severities = async (p: ReturnType<typeof run>) => (await p).issue.map((i) => [i.severity, i.diagnostics]);

  it('is All OK for a valid resource, naming what was checked', async () => {
    expect(await severities(run({ type: 'Patient' }, { resourceType: 'Patient' }, 'general'))).toEqual([
      ['information', 'All OK: Patient is valid R4'],
    ]);
  });

  it('reports the write path checks of an update: id, version', async () => {
    expect(await severities(run({ type: 'Patient', id: 'p1', ifMatch: 3 }, patient, 'update'))).toEqual([
      ['information', 'All OK: Patient is acceptable as an update'],
    ]);
    expect(await severities(run({ type: 'Patient', id: 'p1', ifMatch: 2 }, patient, 'update'))).toEqual([
      ['error', 'Patient/p1 is at version 3, not 2 (If-Match)'],
    ]);
    expect(await severities(run({ type: 'Patient', id: 'p1' }, { resourceType: 'Patient' }, 'update'))).toEqual([
      ['error', 'an update must carry the resource id'],
    ]);
  });

  it('reports a delete of a missing resource, or of a changed version', async () => {
    expect(await severities(run({ type: 'Patient', id: 'gone' }, undefined, 'delete'))).toEqual([
      ['information', 'All OK: Patient/gone may be deleted'],
      ['information', 'Patient/gone does not exist: a delete would change nothing'],
    ]);
    expect((await severities(run({ type: 'Patient', id: 'p1', ifMatch: 1 }, undefined, 'delete')))[0]?.[0]).toBe('error');
  });

  it('puts precheck failures (wrong type, not an object) in the verdict', async () => {
    expect(await severities(run({ type: 'Patient' }, { resourceType: 'Observation' }, 'general'))).toEqual([
      ['error', 'expected a Patient'],
    ]);
    expect(await severities(run({ type: 'Patient' }, [1], 'general'))).toEqual([['error', 'expected a JSON object with a resourceType']]);
  });
});
