import type { Resource } from '@medplum/fhirtypes';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { syntheaResources } from '../testing/synthea-resources.ts';
import { type ExtractOptions, extractIndex } from './index-extractor.ts';
import { fhirResourceTypes, searchModel } from './search-parameter-registry.ts';

/**
 * The compiled index walks (compiled-index-path.ts) must give exactly the rows of the FHIRPath
 * evaluator: checked on every resource of the 16 Synthea bundles of the shared data, and on many
 * random mutations of them that change the shapes the walks depend on (singletons and arrays
 * swapped, elements removed, values of the wrong type, extra elements, other choice variants,
 * primitive extensions).
 */
type Json = Record<string, unknown>;

/** The rows with each branch named by its id, in order; each run on its own copy (the evaluator may write to its input). */
function rows(resource: Json, options?: ExtractOptions) {
  const model = searchModel(resource['resourceType'] as string);
  if (!model) return undefined;
  const index = extractIndex(structuredClone(resource) as unknown as Resource, model, options);
  const named = <T extends { path: { id: string } }>(list: readonly T[]) => list.map((r) => ({ ...r, path: r.path.id }));
  return {
    token: named(index.token),
    string: named(index.string),
    date: named(index.date),
    quantity: named(index.quantity),
    reference: named(index.reference),
    number: named(index.number),
    uri: named(index.uri),
    composite: named(index.composite),
    patientKey: index.patientKey,
    patientId: index.patientId,
  };
}

function expectSameRows(resource: Json) {
  const reference = rows(resource, { compiled: false });
  expect(rows(resource), JSON.stringify(resource).slice(0, 400)).toStrictEqual(reference);
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
      if (k === 'resourceType') continue;
      out.push({ parent: value as Json, key: k });
      positions(v, out);
    }
  }
  return out;
}

/** Values of the wrong type or shape for wherever they land. */
const odd: unknown[] = [
  null,
  '',
  ' ',
  'final',
  0,
  7.25,
  true,
  false,
  {},
  [],
  [null],
  [[]],
  [''],
  { text: 'free text' },
  { coding: [{ system: 'http://loinc.org', code: '1234-5' }] },
  { system: 'http://unitsofmeasure.org', code: 'mg', value: 3 },
  { value: 12, unit: 'kg' },
  { reference: 'Patient/p9' },
  { start: '2020-01-01', end: '2020-02-01' },
  { family: 'Doe', given: ['J'] },
  '2021-03-04T05:06:07Z',
  { resourceType: 'Observation', id: 'nested' },
];
/** Choice-type suffixes to rename `valueQuantity` and the like to (R4 datatypes). */
const choiceTypes = [
  'Quantity',
  'CodeableConcept',
  'String',
  'Boolean',
  'Integer',
  'Range',
  'Ratio',
  'Period',
  'DateTime',
  'Reference',
  'Age',
  'SampledData',
  'Date',
  'Time',
  'Uri',
];
const choiceKey =
  /^([a-z]+)(Quantity|CodeableConcept|String|Boolean|Integer|Range|Ratio|Period|DateTime|Reference|Age|SampledData|Date|Time|Uri|Instant)$/;

type Mutation = { op: number; at: number; pick: number };

/** Applies one mutation at position `at` (modulo the positions of the current resource). */
function mutate(resource: Json, { op, at, pick }: Mutation): void {
  const all = positions(resource);
  if (all.length === 0) return;
  const { parent, key } = all[at % all.length]!;
  const container = parent as Record<string | number, unknown>;
  const value = container[key];
  switch (op) {
    case 0: // array <-> singleton
      if (Array.isArray(value)) container[key] = value.length > 0 ? value[pick % value.length] : value;
      else container[key] = [value];
      return;
    case 1: // missing element
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete container[key];
      return;
    case 2: // wrong type
      container[key] = structuredClone(odd[pick % odd.length]);
      return;
    case 3: // extra element beside this one (a known name from elsewhere in the resource, or an unknown one)
      if (!Array.isArray(parent)) {
        const names = all.filter((p) => typeof p.key === 'string').map((p) => p.key as string);
        const name = pick % 3 === 0 ? `extra${pick}` : names[pick % names.length]!;
        container[name] = structuredClone(odd[pick % odd.length]);
      } else {
        parent.push(structuredClone(parent[pick % parent.length]));
      }
      return;
    case 4: {
      // another choice variant: renamed, or added beside the present one
      if (typeof key !== 'string') return;
      const m = choiceKey.exec(key);
      const to = `${m ? m[1] : key}${choiceTypes[pick % choiceTypes.length]}`;
      if (pick % 2 === 0) delete container[key];
      container[to] = value;
      return;
    }
    case 5: // primitive extension `_field`, beside the value or instead of it
      if (typeof key !== 'string') return;
      container[`_${key}`] =
        pick % 4 === 3 ? 'not an object' : pick % 4 === 2 ? [{ id: 'e' }, null] : { extension: [{ url: 'http://x', valueString: 'e' }] };
      if (pick % 3 === 0) delete container[key];
      return;
    default: {
      // a resourceType inside an element, named like one of its children (which then selects the element itself)
      if (!value || typeof value !== 'object' || Array.isArray(value)) return;
      const children = Object.keys(value);
      (value as Json)['resourceType'] = children.length > 0 && pick % 4 !== 0 ? children[pick % children.length] : 'Patient';
    }
  }
}

describe('compiled index walks equal the FHIRPath evaluator', () => {
  let resources: Json[] = [];
  beforeAll(() => {
    resources = syntheaResources();
  });

  it('compiles all but the rare branches of the resource types Synthea writes', () => {
    const types = new Set(resources.map((r) => r['resourceType'] as string));
    const paths = [...types].flatMap((t) => searchModel(t)!.paths);
    const notCompiled = paths.filter((p) => !p.walker).map((p) => p.expression);
    expect(notCompiled).toEqual(['Patient.deceased.exists() and Patient.deceased != false']);
    for (const p of paths.filter((p) => p.components))
      expect(
        p.componentWalkers?.every((w) => w !== undefined),
        p.id,
      ).toBe(true);
    const all = fhirResourceTypes().flatMap((t) => searchModel(t)?.paths ?? []);
    expect(all.filter((p) => p.walker).length / all.length).toBeGreaterThan(0.99);
  });

  it('on every resource of the 16 Synthea bundles', () => {
    expect(resources.length).toBeGreaterThan(5000);
    for (const resource of resources) expectSameRows(resource);
  });

  it('on randomly mutated Synthea resources', () => {
    const mutation = fc.record({ op: fc.nat({ max: 6 }), at: fc.nat(), pick: fc.nat() });
    fc.assert(
      fc.property(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 6 }), (which, mutations) => {
        const resource = structuredClone(resources[which % resources.length]!);
        for (const m of mutations) mutate(resource, m);
        expectSameRows(resource);
      }),
      { numRuns: 8_000 },
    );
  });

  it('on mutations of every resource type, aimed at the elements its search parameters read', () => {
    // One resource per type, mutated only at positions under a top-level element some branch starts from.
    const byType = new Map<string, Json>();
    for (const r of resources) if (!byType.has(r['resourceType'] as string)) byType.set(r['resourceType'] as string, r);
    const samples = [...byType.values()];
    fc.assert(
      fc.property(
        fc.nat(),
        fc.array(fc.record({ op: fc.nat({ max: 6 }), pick: fc.nat(), root: fc.nat(), at: fc.nat() }), { minLength: 1, maxLength: 4 }),
        (which, mutations) => {
          const resource = structuredClone(samples[which % samples.length]!);
          const roots = [...new Set(searchModel(resource['resourceType'] as string)!.paths.flatMap((p) => (p.root ? [p.root] : [])))];
          for (const m of mutations) {
            const root = roots[m.root % roots.length]!;
            const key = Object.keys(resource).find((k) => k === root || (k.startsWith(root) && /^[A-Z]/.test(k.slice(root.length))));
            if (key === undefined) {
              resource[root] = structuredClone(odd[m.pick % odd.length]);
              continue;
            }
            const holder: Json = { [key]: resource[key] };
            mutate(holder, { op: m.op, at: m.at, pick: m.pick });
            delete resource[key];
            Object.assign(resource, holder);
          }
          expectSameRows(resource);
        },
      ),
      { numRuns: 8_000 },
    );
  });
});
