// A fast first pass in front of the @medplum/core validator: it walks a resource by the keys it
// has (the medplum validator walks every element the type defines, present or not, which costs
// most of its time) and answers true only when the medplum validator would report no error.
// Anything it is unsure about answers false, and the caller runs the medplum validator, whose
// verdict and messages then stand; so validation is never weaker than medplum's, only faster for
// resources that pass.
//
// It mirrors @medplum/core 4.5.2 src/typeschema/validation.ts (ResourceValidator) over the same
// definitions (getDataType): unknown elements, array versus single values, cardinality, JSON types
// and the R4 primitive formats (validationRegexes), integer ranges, empty and null values, and
// every error-severity invariant of each element present (and of the resource root) evaluated by
// the same FHIRPath engine with the same variables. Primitive extensions (`_name`), profiles with
// slices, fixed or pattern values, and choice elements given twice are left to the medplum validator.
//
// Plain JavaScript because the validator worker threads load it too (validation-worker.mjs).
import {
  capitalize,
  fhirTypeToJsType,
  PropertyType,
  parseFhirPath,
  toTypedValue,
  tryGetDataType,
  UCUM,
  validationRegexes,
} from '@medplum/core';

// Invariants the medplum validator does not evaluate (validation.ts, skippedConstraintKeys).
const skippedConstraintKeys = new Set(['ele-1', 'dom-3', 'org-1', 'sdf-19']);
const ucum = toTypedValue(UCUM);
const maxStringLength = 1024 * 1024;

/**
 * Invariants whose verdict is certain without evaluating them when the value lacks some elements:
 * for each expression (as the R4 definitions give it, compared exactly), alternatives of element
 * names; when every name of one alternative is absent, the expression is true. Each holds because
 * a path from an absent element is empty, `empty()` of it is true, and `A or B` is true when A is
 * (the other operand of these always yields one boolean). Evaluating them took about half of the
 * fast path's time on Synthea data, for resources that have no `contained` at all (dom-2/4/5).
 * validator-fast-path.test.ts evaluates each one on values without those elements.
 */
export const holdsWithout = new Map([
  ['contained.contained.empty()', [['contained']]],
  ['contained.meta.versionId.empty() and contained.meta.lastUpdated.empty()', [['contained']]],
  ['contained.meta.security.empty()', [['contained']]],
  ['dataAbsentReason.empty() or value.empty()', [['dataAbsentReason'], ['value']]],
  ['value.empty() or component.code.where(coding.intersect(%resource.code.coding).exists()).empty()', [['value'], ['component']]],
  [
    "abatement.empty() or clinicalStatus.coding.where(system='http://terminology.hl7.org/CodeSystem/condition-clinical' and (code='resolved' or code='remission' or code='inactive')).exists()",
    [['abatement']],
  ],
  [
    "verificationStatus.coding.where(system='http://terminology.hl7.org/CodeSystem/condition-ver-status' and code='entered-in-error').empty() or clinicalStatus.empty()",
    [['verificationStatus'], ['clinicalStatus']],
  ],
]);

/**
 * Whether `object` has no element `name`: no key `name`, `_name` (a primitive's extensions) or
 * `name` followed by a type (a choice element, `valueQuantity`).
 * @param {Record<string, unknown>} object
 * @param {string} name
 */
export function lacksElement(object, name) {
  for (const key of Object.keys(object)) {
    const start = key.charCodeAt(0) === 95 ? 1 : 0;
    if (!key.startsWith(name, start)) continue;
    const next = key.charCodeAt(start + name.length);
    if (Number.isNaN(next) || (next >= 65 && next <= 90)) return false;
  }
  return true;
}

/** @type {WeakMap<object, CompiledType | null>} */
const compiledTypes = new WeakMap();
/** @type {Map<string, { expression: any, without: string[][] | undefined }>} parsed FHIRPath expressions, one per distinct invariant */
const parsedExpressions = new Map();

/**
 * @typedef {{ key: string, element: any, type: string, invariants: any[], isArray: boolean, min: number, max: number }} Slot
 * @typedef {{ byKey: Map<string, Slot>, required: Slot[] }} CompiledType
 */

/**
 * True when the @medplum/core validator is certain to accept `resource` (no error issues).
 * @param {unknown} resource
 * @returns {boolean}
 */
export function passesFastPath(resource) {
  if (!isResourceObject(resource)) return false;
  const schema = tryGetDataType(resource.resourceType);
  if (!schema) return false;
  const root = toTypedValue(resource);
  // One evaluation context per resource (and per contained resource); '%context' is set before
  // each invariant, as medplum's validator sets it (evaluation is synchronous).
  const context = { variables: { '%context': root, '%ucum': ucum, '%resource': toTypedValue(resource), '%rootResource': root } };
  try {
    if (!invariantsHold(rootInvariants(schema), root, context)) return false;
    return objectPasses(resource, schema, true, context);
  } catch {
    return false;
  }
}

function isResourceObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof value.resourceType === 'string';
}

const rootInvariantCache = new WeakMap();
function rootInvariants(schema) {
  let list = rootInvariantCache.get(schema);
  if (list === undefined) {
    list = compileInvariants(schema.constraints);
    rootInvariantCache.set(schema, list);
  }
  return list;
}

function compileInvariants(constraints) {
  const out = [];
  for (const c of constraints ?? []) {
    if (c.severity !== 'error' || skippedConstraintKeys.has(c.key)) continue;
    let atom = parsedExpressions.get(c.expression);
    if (atom === undefined) {
      atom = { expression: parseFhirPath(c.expression), without: holdsWithout.get(c.expression) };
      parsedExpressions.set(c.expression, atom);
    }
    out.push(atom);
  }
  return out;
}

/** The JSON keys a type allows, each with its element and (for choice elements) its type. */
function compileType(schema) {
  const cached = compiledTypes.get(schema);
  if (cached !== undefined) return cached;
  /** @type {CompiledType | null} */
  let compiled = { byKey: new Map(), required: [] };
  for (const [key, element] of Object.entries(schema.elements)) {
    const types = element.type ?? [];
    const lastSegment = element.path.slice(element.path.lastIndexOf('.') + 1);
    const choice = lastSegment.endsWith('[x]');
    if (key.includes('.') || element.slicing || element.pattern || element.fixed || types.length === 0) compiled = null;
    else if (!choice && (types.length !== 1 || lastSegment !== key)) compiled = null;
    if (compiled === null) break;
    const invariants = compileInvariants(element.constraints);
    let first;
    for (const t of types) {
      const name = choice ? lastSegment.replace('[x]', capitalize(t.code)) : lastSegment;
      // As medplum resolves BackboneElement and Element (getTypedPropertyValueWithSchema).
      const type = t.code === 'Element' || t.code === 'BackboneElement' ? types[0].code : t.code;
      const slot = { key, element, type, invariants, isArray: Boolean(element.isArray), min: element.min, max: element.max };
      first ??= slot;
      compiled.byKey.set(name, slot);
    }
    if (element.min > 0) compiled.required.push(first);
  }
  compiledTypes.set(schema, compiled);
  return compiled;
}

function objectPasses(value, schema, isResource, context) {
  const compiled = compileType(schema);
  if (compiled === null) return false;
  const seen = new Set();
  for (const jsonKey of Object.keys(value)) {
    if (jsonKey === 'resourceType' && isResource) continue;
    const slot = compiled.byKey.get(jsonKey);
    if (slot === undefined) return false;
    // Two choices of one element (valueString and valueQuantity): medplum decides.
    if (seen.has(slot.key)) return false;
    seen.add(slot.key);
    if (!slotPasses(slot, value[jsonKey], context)) return false;
  }
  for (const slot of compiled.required) if (!seen.has(slot.key)) return false;
  return true;
}

function slotPasses(slot, raw, context) {
  if (Array.isArray(raw) !== slot.isArray) return false;
  const values = slot.isArray ? raw : [raw];
  if (values.length === 0 || values.length < slot.min || values.length > slot.max) return false;
  for (const v of values) {
    if (v === null || v === undefined) return false;
    let type = slot.type;
    const jsType = fhirTypeToJsType[type];
    if (jsType !== undefined) {
      if (!primitivePasses(v, type, jsType)) return false;
      if (slot.invariants.length > 0 && !invariantsHold(slot.invariants, { type, value: v }, context)) return false;
      continue;
    }
    if (typeof v !== 'object' || Array.isArray(v) || Object.keys(v).length === 0) return false;
    let inner = context;
    if (type === 'Resource') {
      if (!isResourceObject(v)) return false;
      type = v.resourceType;
      inner = { variables: { ...context.variables, '%resource': toTypedValue(v) } };
    }
    const schema = tryGetDataType(type);
    if (!schema) return false;
    if (slot.invariants.length > 0 && !invariantsHold(slot.invariants, { type, value: v }, context)) return false;
    if (!objectPasses(v, schema, inner !== context, inner)) return false;
  }
  return true;
}

function primitivePasses(v, type, jsType) {
  if (typeof v !== jsType) return false;
  if (jsType === 'string') {
    if (v.length > maxStringLength || v.trim() === '') return false;
    const regex = validationRegexes[type];
    return regex === undefined || regex.test(v);
  }
  if (jsType === 'number') {
    if (!Number.isFinite(v)) return false;
    const integer = type === PropertyType.integer || type === PropertyType.positiveInt || type === PropertyType.unsignedInt;
    if (integer && !Number.isInteger(v)) return false;
    if (type === PropertyType.positiveInt && v <= 0) return false;
    if (type === PropertyType.unsignedInt && v < 0) return false;
  }
  return true;
}

function invariantsHold(atoms, value, context) {
  context.variables['%context'] = value;
  const object = typeof value.value === 'object' && value.value !== null ? value.value : undefined;
  for (const atom of atoms) {
    if (object !== undefined && atom.without?.some((names) => names.every((n) => lacksElement(object, n)))) continue;
    const result = atom.expression.eval(context, [value]);
    if (result.length !== 1 || result[0].value?.valueOf() !== true) return false;
  }
  return true;
}
