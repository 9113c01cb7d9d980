import { describe, expect, it } from 'vitest';
import { identifierCriteria } from './identifier-criteria.ts';

describe('identifierCriteria', () => {
  it('reads identifier=system|value as Synthea writes it, and the no-system and any-system forms', () => {
    expect(identifierCriteria('identifier=http://hl7.org/fhir/sid/us-npi|9999139196')).toEqual({
      system: 'http://hl7.org/fhir/sid/us-npi',
      value: '9999139196',
    });
    expect(identifierCriteria('identifier=%7C42')).toEqual({ system: '', value: '42' });
    expect(identifierCriteria('identifier=42')).toEqual({ system: undefined, value: '42' });
    expect(identifierCriteria('identifier=a\\|b|c')).toEqual({ system: 'a|b', value: 'c' });
  });

  it('declines other criteria (they go to the store search)', () => {
    expect(identifierCriteria('name=Smith')).toBeUndefined();
    expect(identifierCriteria('identifier=a|1&active=true')).toBeUndefined();
    expect(identifierCriteria('identifier=a|1,b|2')).toBeUndefined();
    expect(identifierCriteria('identifier:not=a|1')).toBeUndefined();
    expect(identifierCriteria('identifier=a|')).toBeUndefined();
  });
});
