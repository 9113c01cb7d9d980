import { parseFhirPath, type TypedValue, toTypedValue } from '@medplum/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileIndexPath } from './compiled-index-path.ts';
import { loadFhirDefinitions } from './fhir-definitions.ts';
import { asOperatorForm } from './fhirpath-branches.ts';

/**
 * Each compiled form on hand-made resources. Oracle: the FHIRPath N1 and FHIR R4 rules quoted in
 * compiled-index-path.ts, written out per case; every case is also checked against the
 * @medplum/core evaluator, which the walks must match exactly (same values, types and order).
 */
type Json = Record<string, unknown>;

beforeAll(() => {
  loadFhirDefinitions();
});

function walk(expression: string, resource: Json, inputType = resource['resourceType'] as string) {
  const atom = parseFhirPath(asOperatorForm(expression));
  const compiled = compileIndexPath(atom, [inputType]);
  if (!compiled) throw new Error(`not compiled: ${expression}`);
  const input = toTypedValue(resource);
  const expected = atom.eval({ variables: {} }, [input]);
  const result = compiled.evaluate(input);
  return { result, expected, outputTypes: compiled.outputTypes };
}

/** The compiled values, after checking they equal the evaluator's. */
function values(expression: string, resource: Json): TypedValue[] {
  const { result, expected } = walk(expression, resource);
  expect(result).toEqual(expected);
  return result!;
}

const pairs = (tvs: TypedValue[]) => tvs.map((tv) => [tv.type, tv.value]);

describe('compileIndexPath: member navigation', () => {
  const patient = {
    resourceType: 'Patient',
    name: [{ family: 'Ng', given: ['Ana', 'Bo'] }, { given: ['Cy'] }, { family: '' }],
    birthDate: '1970-02-03',
  };

  it('selects a single element with its schema type', () => {
    expect(pairs(values('Patient.birthDate', patient))).toEqual([['date', '1970-02-03']]);
  });

  it('flattens arrays at every step, keeping document order', () => {
    expect(pairs(values('Patient.name.given', patient))).toEqual([
      ['string', 'Ana'],
      ['string', 'Bo'],
      ['string', 'Cy'],
    ]);
    expect(values('Patient.name', patient).map((tv) => tv.type)).toEqual(['HumanName', 'HumanName', 'HumanName']);
  });

  it('selects nothing for a missing element, an empty string, object or array', () => {
    expect(values('Patient.gender', patient)).toEqual([]);
    // The third name's family is '': no value (medplum isEmpty); the first name's is kept.
    expect(pairs(values('Patient.name.family', patient))).toEqual([['string', 'Ng']]);
    expect(values('Patient.telecom', { resourceType: 'Patient', telecom: [] })).toEqual([]);
    expect(values('Patient.maritalStatus', { resourceType: 'Patient', maritalStatus: {} })).toEqual([]);
  });

  it('keeps the members of a non-empty array as they are, but primitives have no children', () => {
    expect(pairs(values('Patient.name.given', { resourceType: 'Patient', name: [{ given: ['', 'X'] }] }))).toEqual([
      ['string', ''],
      ['string', 'X'],
    ]);
    expect(values('Patient.name.given', { resourceType: 'Patient', name: ['Smith', 3, true] })).toEqual([]);
  });

  it('names backbone elements by their generated type, as the evaluator types them', () => {
    const obs = { resourceType: 'Observation', component: [{ code: { text: 'a' } }] };
    expect(values('Observation.component', obs).map((tv) => tv.type)).toEqual(['ObservationComponent']);
    expect(pairs(values('Observation.component.code', obs))).toEqual([['CodeableConcept', { text: 'a' }]]);
  });

  it('gives up on an object of a type without the next element (the evaluator then types by shape)', () => {
    const odd = { resourceType: 'Observation', valueString: { text: 'x' } };
    const { result, expected } = walk('Observation.value.text', odd);
    expect(result).toBeUndefined();
    expect(expected).toHaveLength(1);
  });
});

describe('compileIndexPath: choice types [x]', () => {
  it('selects whichever typed variant is present and types it by the suffix', () => {
    const obs = { resourceType: 'Observation', effectivePeriod: { start: '2020-01-01' }, valueQuantity: { value: 5, unit: 'mg' } };
    expect(pairs(values('Observation.effective', obs))).toEqual([['Period', { start: '2020-01-01' }]]);
    expect(pairs(values('Observation.value', obs))).toEqual([['Quantity', { value: 5, unit: 'mg' }]]);
  });

  it('takes the first variant in the element type order when several are present', () => {
    // Observation.value[x] lists Quantity before string.
    const obs = { resourceType: 'Observation', valueString: 'high', valueQuantity: { value: 5 } };
    expect(pairs(values('Observation.value', obs))).toEqual([['Quantity', { value: 5 }]]);
    expect(values('(Observation.value as string)', obs)).toEqual([]);
  });
});

describe('compileIndexPath: type filters', () => {
  const coded = { resourceType: 'Observation', valueCodeableConcept: { text: 'positive', coding: [{ code: 'P' }] } };
  const measured = { resourceType: 'Observation', valueQuantity: { value: 7.1, unit: '%' } };

  it('(X as T) keeps only values of type T', () => {
    expect(pairs(values('(Observation.value as Quantity)', measured))).toEqual([['Quantity', { value: 7.1, unit: '%' }]]);
    expect(values('(Observation.value as Quantity)', coded)).toEqual([]);
  });

  it('X.as(T), rewritten to the operator form, and X.ofType(T) do the same', () => {
    expect(pairs(values('Observation.value.as(CodeableConcept)', coded))).toEqual([['CodeableConcept', coded.valueCodeableConcept]]);
    expect(values('Observation.value.ofType(CodeableConcept)', measured)).toEqual([]);
    expect(pairs(values('Observation.value.ofType(Quantity)', measured))).toEqual([['Quantity', measured.valueQuantity]]);
  });

  it('navigates on from the filtered values', () => {
    expect(pairs(values('(Observation.value as CodeableConcept).text', coded))).toEqual([['string', 'positive']]);
    expect(values('(Observation.value as CodeableConcept).text', measured)).toEqual([]);
  });

  it('filters primitives by their FHIR type name (dateTime, not Date)', () => {
    const condition = { resourceType: 'Condition', onsetDateTime: '2011-05-01', abatementString: 'resolved' };
    expect(pairs(values('Condition.onset.as(dateTime)', condition))).toEqual([['dateTime', '2011-05-01']]);
    expect(values('Condition.onset.as(Period)', condition)).toEqual([]);
    expect(pairs(values('Condition.abatement.as(string)', condition))).toEqual([['string', 'resolved']]);
  });
});

describe('compileIndexPath: where(field = literal)', () => {
  it('keeps items whose field is exactly one value equal to the literal', () => {
    const patient = {
      resourceType: 'Patient',
      telecom: [
        { system: 'phone', value: '555-1' },
        { system: 'email', value: 'a@b.c' },
        { system: ['phone'], value: '555-2' },
        { system: ['phone', 'phone'], value: '555-3' },
        { value: '555-4' },
        { system: 'phone', value: '555-5' },
      ],
    };
    expect(values("Patient.telecom.where(system='phone')", patient).map((tv) => (tv.value as Json)['value'])).toEqual([
      '555-1',
      '555-2',
      '555-5',
    ]);
    expect(pairs(values("Patient.telecom.where(system='phone').value", patient))).toEqual([
      ['string', '555-1'],
      ['string', '555-2'],
      ['string', '555-5'],
    ]);
  });

  it('works on other elements (RelatedArtifact.type)', () => {
    const plan = {
      resourceType: 'PlanDefinition',
      relatedArtifact: [
        { type: 'depends-on', resource: 'http://x/Library/a' },
        { type: 'successor', resource: 'http://x/PlanDefinition/b' },
      ],
    };
    expect(pairs(values("PlanDefinition.relatedArtifact.where(type='successor').resource", plan))).toEqual([
      ['canonical', 'http://x/PlanDefinition/b'],
    ]);
  });
});

describe('compileIndexPath: primitive extensions and resources', () => {
  it('gives up when a primitive has an extension `_field`, so the evaluator decides', () => {
    const withExtension = { resourceType: 'Patient', birthDate: '1970', _birthDate: { extension: [{ url: 'u', valueString: 'x' }] } };
    expect(walk('Patient.birthDate', withExtension).result).toBeUndefined();
    expect(walk('Patient.birthDate', { resourceType: 'Patient', _birthDate: { id: 'b' } }).result).toBeUndefined();
    // An extension on another element does not matter.
    expect(pairs(values('Patient.birthDate', { resourceType: 'Patient', birthDate: '1970', _gender: { id: 'g' } }))).toEqual([
      ['date', '1970'],
    ]);
  });

  it('gives up on a choice whose extension comes first in the type order', () => {
    const obs = { resourceType: 'Observation', _valueString: { id: 'v' }, valueInteger: 3 };
    expect(walk('Observation.value', obs).result).toBeUndefined();
  });

  it('starts from the resource named by the first step, and gives up on a resource of another type', () => {
    expect(values('Observation', { resourceType: 'Observation', id: 'o' })).toHaveLength(1);
    expect(walk('Observation.status', { resourceType: 'Patient', status: 'final' }, 'Observation').result).toBeUndefined();
  });

  it('compiles only the recognised forms', () => {
    for (const expression of [
      'Bundle.entry[0].resource',
      'Bundle.entry.resource',
      'Patient.deceased.exists() and Patient.deceased != false',
      'Patient.name | Patient.address',
      'Patient.name.first()',
      "Patient.telecom.where(system != 'phone')",
      'Observation.value.as(Quantity) | Observation.value.as(Range)',
    ]) {
      expect(compileIndexPath(parseFhirPath(asOperatorForm(expression)), [expression.split('.')[0]!]), expression).toBeUndefined();
    }
  });

  it('names the top-level keys without which a branch R.x... selects nothing', () => {
    const keys = (expression: string, type: string) => compileIndexPath(parseFhirPath(asOperatorForm(expression)), [type])?.topLevelKeys;
    expect(keys('Observation.code.coding', 'Observation')).toEqual(['code', '_code']);
    expect(keys('(Patient.deceased as dateTime)', 'Patient')).toEqual([
      'deceasedBoolean',
      '_deceasedBoolean',
      'deceasedDateTime',
      '_deceasedDateTime',
    ]);
    expect(keys("Patient.telecom.where(system='phone')", 'Patient')).toEqual(['telecom', '_telecom']);
    // The branch selecting the resource itself, and components evaluated on items, have none.
    expect(keys('Observation', 'Observation')).toBeUndefined();
    expect(keys('code', 'ObservationComponent')).toBeUndefined();
  });

  it('reports the types it selects, for compiling composite components', () => {
    const compiled = compileIndexPath(parseFhirPath('Observation.component'), ['Observation'])!;
    expect(compiled.outputTypes).toEqual(['ObservationComponent']);
    const value = compileIndexPath(parseFhirPath('(value as Quantity)'), compiled.outputTypes)!;
    const component = { code: { text: 'c' }, valueQuantity: { value: 1 } };
    expect(pairs(value.evaluate({ type: 'ObservationComponent', value: component })!)).toEqual([['Quantity', { value: 1 }]]);
  });
});
