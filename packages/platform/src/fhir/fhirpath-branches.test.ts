import { describe, expect, it } from 'vitest';
import { asOperatorForm, branchesFor, splitUnion } from './fhirpath-branches.ts';

describe('FHIRPath union branches', () => {
  it('splits on top-level | only', () => {
    expect(splitUnion("A.b | (C.d as Quantity) | E.f.where(system='x|y') | G.h.where(a | b)")).toEqual([
      'A.b',
      '(C.d as Quantity)',
      "E.f.where(system='x|y')",
      'G.h.where(a | b)',
    ]);
  });

  it('keeps the branches of one type and turns where(resolve() is T) into a target filter', () => {
    const expr =
      'AllergyIntolerance.patient | CarePlan.subject.where(resolve() is Patient) | (Observation.value as Quantity) | Observation.subject.where(resolve() is Patient)';
    expect(branchesFor(expr, 'Observation')).toEqual([
      { expression: '(Observation.value as Quantity)' },
      { expression: 'Observation.subject', targetType: 'Patient' },
    ]);
    expect(branchesFor(expr, 'Obs')).toEqual([]);
  });

  it('rewrites a trailing .as(T) into the operator form', () => {
    expect(asOperatorForm('value.as(Quantity)')).toBe('(value as Quantity)');
    expect(asOperatorForm('Observation.code')).toBe('Observation.code');
  });
});
