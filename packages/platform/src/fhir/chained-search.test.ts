import { describe, expect, it } from 'vitest';
import { isChained, parseChainLink } from './chained-search.ts';
import { parseSearchRequest } from './search-request.ts';

const clauseOf = (query: string) => parseSearchRequest('Observation', new URLSearchParams(query)).clauses[0]!;

describe('chained parameter names (R4 search.html "Chained parameters", "Reverse Chaining")', () => {
  it.each([
    ['patient.identifier=x', { kind: 'forward', reference: 'patient', rest: { code: 'identifier' } }],
    ['subject:Patient.name=x', { kind: 'forward', reference: 'subject', targetType: 'Patient', rest: { code: 'name' } }],
    ['patient.name:exact=x', { kind: 'forward', reference: 'patient', rest: { code: 'name', modifier: 'exact' } }],
    ['patient.organization.name=x', { kind: 'forward', reference: 'patient', rest: { code: 'organization.name' } }],
    ['_has:Observation:patient:code=x', { kind: 'reverse', sourceType: 'Observation', reference: 'patient', rest: { code: 'code' } }],
    ['_has:Observation:patient:code:not=x', { kind: 'reverse', reference: 'patient', rest: { code: 'code', modifier: 'not' } }],
    [
      '_has:Patient:organization:_has:Observation:patient:code=x',
      { kind: 'reverse', sourceType: 'Patient', rest: { code: '_has', modifier: 'Observation:patient:code' } },
    ],
  ])('%s', (query, expected) => {
    const clause = clauseOf(query);
    expect(isChained(clause)).toBe(true);
    const link = parseChainLink(clause);
    expect(link).toMatchObject(expected);
    expect(typeof link !== 'string' && link.rest.values).toEqual(['x']);
  });

  it.each(['_has:Observation:patient=x', '_has:observation:patient:code=x', '_has=x', 'subject:patient.name=x', 'patient.=x', '.name=x'])(
    '%s is not a well-formed chain',
    (query) => {
      expect(typeof parseChainLink(clauseOf(query))).toBe('string');
    },
  );

  it('leaves plain parameters and modifiers alone', () => {
    for (const q of ['code=x', 'subject:Patient=x', 'value-quantity=5.4|http://unitsofmeasure.org|mmol/L', 'name:contains=a.b']) {
      expect(isChained(clauseOf(q))).toBe(false);
    }
  });
});
