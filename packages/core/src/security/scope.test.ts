import { describe, expect, it } from 'vitest';
import { formatScope, interactionBit, parseScope, parseScopes } from './scope.ts';

const bits = (letters: string) => [...letters].reduce((b, l) => b | interactionBit[l as 'c'], 0);

describe('SMART scope parsing', () => {
  it('reads SMART v1 read, write and * permissions', () => {
    expect(parseScope('patient/*.read')).toEqual({ kind: 'resource', context: 'patient', resourceType: '*', permissions: bits('rs') });
    expect(parseScope('user/Observation.write')).toEqual({
      kind: 'resource',
      context: 'user',
      resourceType: 'Observation',
      permissions: bits('cud'),
    });
    expect(parseScope('system/*.*')).toEqual({ kind: 'resource', context: 'system', resourceType: '*', permissions: bits('cruds') });
  });

  it('reads SMART v2 cruds letters in order and granular filters', () => {
    expect(parseScope('patient/Observation.rs')).toMatchObject({ permissions: bits('rs') });
    expect(parseScope('user/Patient.cruds')).toMatchObject({ permissions: bits('cruds') });
    expect(parseScope('patient/Observation.rs?category=laboratory')).toMatchObject({ filter: { category: 'laboratory' } });
  });

  it('rejects letters out of order, repeated, unknown, and malformed clinical scopes', () => {
    for (const bad of [
      'patient/Observation.sr',
      'user/*.rr',
      'user/*.x',
      'user/*.',
      'user/observation.read',
      'user/*.read?',
      'user/*.rs?=x',
      'user/*.rs?a=1&a=2',
    ]) {
      expect(parseScope(bad), bad).toBeUndefined();
    }
  });

  it('keeps non-clinical scopes as opaque text', () => {
    expect(parseScope('openid')).toEqual({ kind: 'other', text: 'openid' });
    expect(parseScope('launch/patient')).toEqual({ kind: 'other', text: 'launch/patient' });
    // An unknown context is not a clinical scope: it is kept as text and grants nothing.
    expect(parseScope('nobody/*.read')).toEqual({ kind: 'other', text: 'nobody/*.read' });
  });

  it('splits a scope string and formats scopes back in v2 syntax', () => {
    const { scopes, invalid } = parseScopes('  patient/*.read  offline_access user/x.y ');
    expect(invalid).toEqual(['user/x.y']);
    expect(scopes.map(formatScope)).toEqual(['patient/*.rs', 'offline_access']);
    expect(formatScope(parseScope('user/Observation.rs?category=vital-signs')!)).toBe('user/Observation.rs?category=vital-signs');
  });
});
