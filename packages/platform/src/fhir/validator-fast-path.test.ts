import { evalFhirPathTyped, toTypedValue, tryGetDataType, validateResource } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { syntheaResources } from '../testing/synthea-resources.ts';
import { loadFhirDefinitions } from './fhir-definitions.ts';
import { holdsWithout, lacksElement, passesFastPath } from './validator-fast-path.mjs';

/**
 * The fast path may only vouch for resources the @medplum/core validator accepts. Checked on the
 * 16 Synthea bundles of the shared data as they are, and on many random corruptions of them: the
 * property is "fast path passes => medplum reports no error".
 */
type Json = Record<string, unknown>;

function medplumAccepts(resource: unknown): boolean {
  try {
    validateResource(resource as Resource);
    return true;
  } catch {
    // An OperationOutcomeError, or an error of the validator itself on malformed input.
    return false;
  }
}

/** Every (container, key) position in a JSON value, depth first. */
function positions(value: unknown, out: { parent: Json | unknown[]; key: string | number }[] = []) {
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      out.push({ parent: value, key: i });
      positions(v, out);
    });
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      out.push({ parent: value as Json, key: k });
      positions(v, out);
    }
  }
  return out;
}

const replacements: unknown[] = [
  null,
  '',
  ' ',
  [],
  {},
  0,
  -1,
  1.5,
  true,
  'x y  z',
  '2020-13-45',
  '2020-01-01T25:00:00Z',
  'urn:uuid:not-a-uuid',
  { foo: 'bar' },
  [null],
  [{}],
  'a'.repeat(70),
  { reference: 'Patient/1' },
  { system: 'http://loinc.org', code: '1234-5' },
  { value: 1, unit: 'mg', code: 'mg' },
];

type Mutation =
  | { kind: 'delete'; at: number }
  | { kind: 'replace'; at: number; with: number }
  | { kind: 'addKey'; at: number; name: string; with: number }
  | { kind: 'wrap'; at: number }
  | { kind: 'unwrap'; at: number }
  | { kind: 'rename'; at: number; suffix: string };

function mutate(resource: Json, m: Mutation): Json {
  const copy = structuredClone(resource);
  const all = positions(copy);
  if (all.length === 0) return copy;
  const { parent, key } = all[m.at % all.length]!;
  const target = parent as Record<string | number, unknown>;
  switch (m.kind) {
    case 'delete':
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete target[key];
      break;
    case 'replace':
      target[key] = structuredClone(replacements[m.with % replacements.length]);
      break;
    case 'addKey': {
      const host = target[key];
      const into = typeof host === 'object' && host !== null && !Array.isArray(host) ? (host as Json) : copy;
      into[m.name] = structuredClone(replacements[m.with % replacements.length]);
      break;
    }
    case 'wrap':
      target[key] = [target[key]];
      break;
    case 'unwrap':
      if (Array.isArray(target[key])) target[key] = (target[key] as unknown[])[0];
      break;
    case 'rename':
      if (!Array.isArray(parent)) {
        target[`${String(key)}${m.suffix}`] = target[key];
        delete target[key];
      }
      break;
  }
  return copy;
}

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), with: fc.nat() }),
  fc.record({
    kind: fc.constant('addKey' as const),
    at: fc.nat(),
    name: fc.constantFrom('foo', '_status', 'valueString', 'valueQuantity', 'resourceType', 'id', 'extension', 'text', 'status'),
    with: fc.nat(),
  }),
  fc.record({ kind: fc.constant('wrap' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('unwrap' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('rename' as const), at: fc.nat(), suffix: fc.constantFrom('Quantity', 'String', 'x', 'Foo', 'DateTime') }),
);

/** A valid heart-rate Observation, the base of the hand-made cases below. */
const obs = {
  resourceType: 'Observation',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
  valueQuantity: { value: 72, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
};

describe('validator fast path', () => {
  let resources: Json[] = [];
  beforeAll(() => {
    loadFhirDefinitions();
    resources = syntheaResources();
  });

  it('vouches for the Synthea resources, which the medplum validator accepts', () => {
    expect(resources.length).toBeGreaterThan(6000);
    const sample = resources.filter((_, i) => i % 7 === 0);
    for (const r of sample) expect(medplumAccepts(r)).toBe(true);
    const vouched = resources.filter((r) => passesFastPath(r)).length;
    expect(vouched).toBe(resources.length);
  });

  it('never vouches for a resource the medplum validator rejects (random corruptions)', () => {
    let rejected = 0;
    fc.assert(
      fc.property(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 3 }), (pick, ms) => {
        let r = resources[pick % resources.length]!;
        for (const m of ms) r = mutate(r, m);
        const medplum = medplumAccepts(r);
        if (!medplum) rejected++;
        if (passesFastPath(r)) expect(medplum).toBe(true);
      }),
      { numRuns: 3000, seed: 20261121 },
    );
    // The corruptions must actually exercise rejections, or the property says nothing.
    expect(rejected).toBeGreaterThan(1000);
  });

  it('leaves each kind of problem to the medplum validator', () => {
    expect(passesFastPath(obs)).toBe(true);
    const broken: Json[] = [
      { ...obs, status: undefined },
      { ...obs, status: 'fin al  x' },
      { ...obs, unknown: 1 },
      { ...obs, code: [obs.code] },
      { ...obs, effectiveDateTime: '2020-02-30T99:00:00Z' },
      { ...obs, valueQuantity: { value: 'seventy' } },
      { ...obs, valueString: 'also' },
      { ...obs, _status: { extension: [] } },
      { ...obs, note: null },
      { ...obs, note: [] },
      { ...obs, subject: {} },
      { ...obs, component: [{ valueQuantity: { value: 1 } }] },
      { ...obs, referenceRange: [{ text: '' }] },
      { resourceType: 'Patient', multipleBirthInteger: -1.5 },
      { resourceType: 'Patient', contact: [{ gender: 'male' }] },
    ];
    for (const r of broken) expect(passesFastPath(r), JSON.stringify(r)).toBe(false);
  });

  it('walks contained resources with their own type', () => {
    const request = (medication: Json) => ({
      resourceType: 'MedicationRequest',
      status: 'active',
      intent: 'order',
      subject: { reference: 'Patient/p1' },
      medicationReference: { reference: '#med' },
      contained: [medication],
    });
    const valid = request({ resourceType: 'Medication', id: 'med', code: { text: 'metformin 500 mg' } });
    expect(medplumAccepts(valid)).toBe(true);
    expect(passesFastPath(valid)).toBe(true);
    for (const medication of [
      { resourceType: 'Medication', id: 'med', dosage: 'unknown element' },
      { resourceType: 'Medication', id: 'med', status: 'not a code ' },
      { resourceType: 'NoSuchType', id: 'med' },
      { id: 'med', code: { text: 'no resourceType' } },
    ]) {
      expect(medplumAccepts(request(medication))).toBe(false);
      expect(passesFastPath(request(medication))).toBe(false);
    }
  });

  it('takes an invariant as holding without its elements only where the R4 definitions have it so', () => {
    // Every expression of the table is an error invariant of the definitions loaded (else it is stale).
    const defined = new Set<string>();
    for (const r of resources) {
      for (const c of tryGetDataType(r.resourceType as string)?.constraints ?? []) if (c.severity === 'error') defined.add(c.expression);
    }
    for (const expression of holdsWithout.keys()) expect(defined, expression).toContain(expression);
    // Evaluated by the FHIRPath engine on each Synthea resource that carries it, with the elements of
    // one alternative taken away, every expression is true.
    let evaluated = 0;
    for (const r of resources.filter((_, i) => i % 3 === 0)) {
      const constraints = tryGetDataType(r.resourceType as string)?.constraints ?? [];
      for (const c of constraints) {
        for (const names of holdsWithout.get(c.expression) ?? []) {
          const without: Json = {};
          for (const [k, v] of Object.entries(r)) if (names.every((n) => lacksElement({ [k]: v }, n))) without[k] = v;
          expect(names.every((n) => lacksElement(without, n))).toBe(true);
          const root = toTypedValue(without);
          const result = evalFhirPathTyped(c.expression, [root], { '%context': root, '%resource': root, '%rootResource': root });
          expect(
            result.map((v) => v.value),
            `${c.key} on ${r.resourceType} without ${names}`,
          ).toEqual([true]);
          evaluated++;
        }
      }
    }
    expect(evaluated).toBeGreaterThan(5000);
  });

  it('names an element present by its key, its primitive extensions or its choice of type', () => {
    expect(lacksElement({ status: 'final' }, 'value')).toBe(true);
    expect(lacksElement({ valueQuantity: {} }, 'value')).toBe(false);
    expect(lacksElement({ _valueString: {} }, 'value')).toBe(false);
    expect(lacksElement({ value: 1 }, 'value')).toBe(false);
    expect(lacksElement({ valuex: 1, values: 2 }, 'value')).toBe(true);
    expect(lacksElement({ _contained: {} }, 'contained')).toBe(false);
  });

  it('still finds a broken invariant whose elements are there', () => {
    const broken: Json[] = [
      // obs-6: a value and a reason for its absence.
      { ...obs, dataAbsentReason: { text: 'asked' } },
      // obs-7: a component with the Observation's own code.
      { ...obs, component: [{ code: obs.code, valueQuantity: obs.valueQuantity }] },
      // dom-2 and dom-4: a contained resource with contained resources of its own, or a version.
      { ...obs, contained: [{ resourceType: 'Patient', id: 'p', contained: [{ resourceType: 'Patient', id: 'q' }] }] },
      { ...obs, contained: [{ resourceType: 'Patient', id: 'p', meta: { versionId: '1' } }] },
      // con-4: abated, yet clinically active.
      {
        resourceType: 'Condition',
        subject: { reference: 'Patient/p' },
        abatementDateTime: '2020-01-01',
        clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
      },
    ];
    for (const r of broken) {
      expect(medplumAccepts(r), JSON.stringify(r)).toBe(false);
      expect(passesFastPath(r), JSON.stringify(r)).toBe(false);
    }
  });
});
