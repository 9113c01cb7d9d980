// Value rules the @medplum/core validator does not check, checked beside it on every resource:
//
// - Required bindings (FHIR R4 terminologies.html#required): an element of type code bound
//   "required" SHALL hold a code of its value set (Patient.gender, Observation.status,
//   HumanName.use, Quantity.comparator ...), and a CodeableConcept bound "required" SHALL have a
//   Coding from it (Condition.clinicalStatus). Without a terminology server the medplum validator
//   checks neither, so `"status": "bogus"` would be stored. Value sets: required-value-sets.mjs.
// - Calendar dates (FHIR R4 datatypes.html#date: "SHALL be valid dates"): date, dateTime and
//   instant values whose day does not exist (2021-02-30, 2021-04-31) match the R4 regular
//   expressions the medplum validator applies, and would be stored, then found by no date search.
//
// Plain JavaScript because the validator worker threads load it too (validation-worker.mjs).
import { capitalize, tryGetDataType } from '@medplum/core';
import { expansionOf } from './required-value-sets.mjs';

/** @typedef {import('./required-value-sets.mjs').Expansion} Expansion */
/** @typedef {{ kind: 'code' | 'concept', expansion: Expansion } | { kind: 'date', choice: string | undefined } | { kind: 'complex', type: string } | { kind: 'resource' }} Slot */

const dateTypes = new Set(['date', 'dateTime', 'instant']);

/** @type {WeakMap<object, Map<string, Slot & { isArray: boolean }>>} */
const allSlotsCache = new WeakMap();
/** @type {WeakMap<object, Map<string, Slot & { isArray: boolean }>>} */
const prunedCache = new WeakMap();
/** @type {Map<string, boolean>} type name -> whether any element at or below it is checked */
const relevance = new Map();

/**
 * The JSON keys of a type that are checked (bound codes, dates), or hold complex values (but
 * Extension) that may hold some. A choice element `effective[x]` has one key per type
 * (`effectiveDateTime`, `effectivePeriod`).
 */
function allSlots(schema) {
  let slots = allSlotsCache.get(schema);
  if (slots !== undefined) return slots;
  slots = new Map();
  for (const [key, element] of Object.entries(schema.elements)) {
    const types = element.type ?? [];
    if (key.includes('.') || types.length === 0) continue;
    const isArray = Boolean(element.isArray);
    if (key.endsWith('[x]')) {
      const base = key.slice(0, -3);
      for (const { code } of types) {
        const slot = valueSlot(code, undefined, isArray, key);
        if (slot !== undefined) slots.set(base + capitalize(code), slot);
      }
    } else if (types.length === 1) {
      const slot = valueSlot(types[0].code, element.binding, isArray, undefined);
      if (slot !== undefined) slots.set(key, slot);
    }
  }
  allSlotsCache.set(schema, slots);
  return slots;
}

/** The slot of one element type: checked, followed, or undefined (nothing to check below it). */
function valueSlot(type, binding, isArray, choice) {
  if (binding?.strength === 'required' && binding.valueSet && (type === 'code' || type === 'CodeableConcept')) {
    const expansion = expansionOf(binding.valueSet);
    if (expansion !== null) return { kind: type === 'code' ? 'code' : 'concept', expansion, isArray };
  }
  if (dateTypes.has(type)) return { kind: 'date', choice, isArray };
  if (type === 'Resource') return { kind: 'resource', isArray };
  if (/^[A-Z]/.test(type) && type !== 'Extension') return { kind: 'complex', type, isArray };
  return undefined;
}

/**
 * Whether each type reachable from `root` has a checked element at or below it: a least fixpoint
 * over the type graph, which has cycles (Reference -> Identifier -> Reference), so that a walk can
 * skip the values that cannot hold a checked value (Coding, CodeableConcept, Quantity ...).
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

/** The slots a walk follows: checked elements, resources, and complex values that may hold checked ones. */
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
 * Codes outside their required value sets and days the calendar lacks, in the validator's problem shape.
 * Values of the wrong JSON shape are skipped: the structure validator reports those.
 * @param {unknown} resource
 * @returns {{ message: string, expression: string, issueCode: string }[]}
 */
export function valueRuleProblems(resource) {
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
      } else if (slot.kind === 'date') {
        if (typeof value === 'string' && !isCalendarDay(value)) {
          problems.push({
            message: `Invalid date: ${value.slice(0, 40)} names a day the calendar does not have`,
            expression: slot.choice === undefined ? at : `${path}.${slot.choice}${Array.isArray(raw) ? `[${i}]` : ''}`,
            issueCode: 'value',
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

/** False only for a value whose year, month and day name a day that does not exist (2021-02-29). */
function isCalendarDay(value) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (m === null) return true;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12) return true; // the R4 regular expression reports it
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return day <= days;
}
