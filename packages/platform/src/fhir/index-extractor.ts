import { type FhirPathAtom, type TypedValue, toTypedValue } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import { parseDateRange, periodRange } from './date-range.ts';
import {
  type DateRow,
  type ExtractedIndex,
  emptyIndex,
  normalizeString,
  patientKey,
  type ReferenceRow,
  type TokenRow,
} from './index-rows.ts';
import { walksNeeded } from './index-walk-plan.ts';
import { parseReferenceString } from './reference-string.ts';
import type { CompositeComponent, IndexPath, ResourceSearchModel } from './search-parameter-registry.ts';
import { seriesRows, seriesSpec } from './series-index.ts';
import { canonicalQuantity, ucumSystemUrl } from './ucum-canonical.ts';

/**
 * Extracts the search index rows of one resource by evaluating each FHIRPath branch of its search
 * model, then turning the typed values into rows per the FHIR R4 search rules for each parameter
 * type (R4 search 3.1.1.4, "Search Parameter Types"). Simple branches run as compiled JSON walks
 * (compiled-index-path.ts), which select the same typed values as the @medplum/core evaluator; the
 * others, and the resources a walk does not model, are evaluated with it.
 */
type Json = Record<string, unknown>;

export interface ExtractOptions {
  /** false: evaluate every branch with the FHIRPath evaluator (the reference the walks are tested against). */
  readonly compiled?: boolean;
}

export function extractIndex(resource: Resource, model: ResourceSearchModel, options?: ExtractOptions): ExtractedIndex {
  const out = emptyIndex() as Mutable;
  const root = toTypedValue(resource);
  const context = { variables: { '%resource': root, '%rootResource': root } };
  const compiled = options?.compiled !== false;
  const needed = compiled ? walksNeeded(resource, root, model) : undefined;
  for (let i = 0; i < model.paths.length; i++) {
    const path = model.paths[i]!;
    if (needed && !needed[i]) continue;
    let values = compiled && path.walker ? path.walker(root) : undefined;
    if (values === undefined) {
      if (path.root !== undefined && !hasElement(resource, path.root)) continue;
      values = evaluate(path.atom, context, root);
    }
    for (const tv of values) addRows(out, path, tv, context, compiled);
  }
  if (resource.resourceType === 'Patient' && typeof resource.id === 'string' && resource.id !== '') {
    out.patientKey = patientKey(resource.id);
    out.patientId = resource.id;
  } else {
    const primary = patientsOf(out.reference, model.primaryPatient);
    out.patientKey = primary.length === 0 ? null : primary.length === 1 ? patientKey(primary[0]!) : 0;
    out.patientId = patientsOf(out.reference, model.compartment)[0] ?? null;
  }
  const series = seriesSpec(model);
  if (series) out.series = seriesRows(out, series);
  return out;
}

type Mutable = { -readonly [K in keyof ExtractedIndex]: ExtractedIndex[K] };
type Context = { variables: Record<string, TypedValue> };

/**
 * Whether the resource has the top-level element a branch starts from, or a choice of it
 * (valueQuantity for value): a branch whose element is absent can yield no values.
 */
function hasElement(resource: Resource, element: string): boolean {
  return Object.keys(resource).some(
    (k) => k === element || (k.startsWith(element) && k.length > element.length && k.charCodeAt(element.length) < 91),
  );
}

/** The distinct Patient ids referenced by the given branches, in branch order. */
function patientsOf(rows: readonly ReferenceRow[], branches: ResourceSearchModel['primaryPatient']): string[] {
  const ids: string[] = [];
  for (const b of branches) {
    for (const row of rows) {
      if (row.path === b.path && row.targetType === 'Patient' && !ids.includes(row.targetId)) ids.push(row.targetId);
    }
  }
  return ids;
}

/** The values of one FHIRPath branch; a branch the evaluator cannot apply to this resource's shape yields none. */
function evaluate(atom: FhirPathAtom, context: Context, input: TypedValue): TypedValue[] {
  try {
    return atom.eval(context, [input]);
  } catch {
    return [];
  }
}

/**
 * A primitive with an extension (`birthDate` beside `_birthDate`) is one element whose value is
 * the primitive (R4 json.html#primitive); the evaluator hands it over boxed (a String object
 * carrying the extension's fields), which is read here as the primitive.
 */
function unboxed(tv: TypedValue): TypedValue {
  const v = tv.value as unknown;
  return v instanceof String || v instanceof Number || v instanceof Boolean ? { type: tv.type, value: v.valueOf() } : tv;
}

function addRows(out: Mutable, path: IndexPath, boxed: TypedValue, context: Context, compiled: boolean): void {
  const tv = unboxed(boxed);
  switch (path.table) {
    case 'token':
      addTokens(out.token, path, tv);
      return;
    case 'string':
      for (const s of strings(tv)) out.string.push({ path, value: normalizeString(s), exact: s });
      return;
    case 'date':
      addDates(out.date, path, tv);
      return;
    case 'quantity': {
      const q = quantity(tv);
      if (q) {
        out.quantity.push({ path, value: q.value, system: q.system, code: q.code, canonValue: q.canonValue, canonCode: q.canonCode });
      }
      return;
    }
    case 'reference': {
      const r = reference(tv);
      if (r) out.reference.push({ path, targetType: r.targetType, targetId: r.targetId });
      return;
    }
    case 'number':
      if (typeof tv.value === 'number') out.number.push({ path, value: tv.value });
      return;
    case 'uri':
      if (typeof tv.value === 'string') out.uri.push({ path, value: tv.value });
      return;
    case 'composite':
      if (path.components) addComposite(out, path, tv, path.components, context, compiled);
      return;
  }
}

function addComposite(
  out: Mutable,
  path: IndexPath,
  item: TypedValue,
  parts: readonly [CompositeComponent, CompositeComponent],
  context: Context,
  compiled: boolean,
) {
  const firsts: TokenRow[] = [];
  for (const first of componentValues(path, item, parts, 0, context, compiled)) addTokens(firsts, path, unboxed(first));
  if (firsts.length === 0) return;
  for (const boxed of componentValues(path, item, parts, 1, context, compiled)) {
    const second = unboxed(boxed);
    if (parts[1].kind === 'token') {
      const seconds: TokenRow[] = [];
      addTokens(seconds, path, second);
      for (const t of seconds) {
        for (const f of firsts) {
          out.composite.push({
            path,
            system1: f.system,
            code1: f.code,
            system2: t.system,
            code2: t.code,
            value2: null,
            canonValue2: null,
            canonCode2: null,
          });
        }
      }
    } else {
      const q = quantity(second);
      if (!q) continue;
      for (const f of firsts) {
        out.composite.push({
          path,
          system1: f.system,
          code1: f.code,
          system2: q.system,
          code2: q.code,
          value2: q.value,
          canonValue2: q.canonValue,
          canonCode2: q.canonCode,
        });
      }
    }
  }
}

/** The values of composite component `i` on one item the branch selected. */
function componentValues(
  path: IndexPath,
  item: TypedValue,
  parts: readonly [CompositeComponent, CompositeComponent],
  i: 0 | 1,
  context: Context,
  compiled: boolean,
): TypedValue[] {
  const walker = compiled ? path.componentWalkers?.[i] : undefined;
  return walker?.(item) ?? evaluate(parts[i].atom, context, item);
}

// Types a token parameter never matches (FHIR R4 search 3.1.1.4.5 lists the token types).
const notTokens = new Set([
  'Quantity',
  'Age',
  'Count',
  'Distance',
  'Duration',
  'SimpleQuantity',
  'MoneyQuantity',
  'Money',
  'Range',
  'Ratio',
  'Period',
  'SampledData',
]);

/** Token rows of one value: codes and other primitives, Coding, CodeableConcept, Identifier, ContactPoint. */
function addTokens(into: TokenRow[], path: IndexPath, tv: TypedValue): void {
  const v = tv.value as unknown;
  if (v === null || v === undefined || notTokens.has(tv.type)) return;
  if (typeof v !== 'object') {
    into.push({ path, system: '', code: String(v) });
    return;
  }
  const o = v as Json;
  switch (tv.type) {
    case 'CodeableConcept': {
      const codings = o['coding'];
      if (Array.isArray(codings)) for (const c of codings) addCoding(into, path, c);
      return;
    }
    case 'Identifier':
      if (typeof o['value'] === 'string') into.push({ path, system: str(o['system']), code: o['value'] });
      return;
    case 'ContactPoint':
      if (typeof o['value'] === 'string') into.push({ path, system: '', code: o['value'] });
      return;
    default:
      addCoding(into, path, o);
  }
}

function addCoding(into: TokenRow[], path: IndexPath, c: unknown): void {
  // Array members may be anything in unvalidated input ([null] among them).
  if (typeof c !== 'object' || c === null) return;
  const code = (c as Json)['code'];
  if (typeof code === 'string') into.push({ path, system: str((c as Json)['system']), code });
}

// The parts of a HumanName or Address a string search matches (R4 search 3.1.1.4.8).
const humanNameParts = ['family', 'given', 'prefix', 'suffix', 'text'];
const addressParts = ['line', 'city', 'district', 'state', 'postalCode', 'country', 'text'];
const textOnly = ['text'];

function strings(tv: TypedValue): string[] {
  const v = tv.value as unknown;
  if (typeof v === 'string') return [v];
  if (typeof v !== 'object' || v === null) return [];
  const o = v as Json;
  const fields = tv.type === 'HumanName' ? humanNameParts : tv.type === 'Address' ? addressParts : textOnly;
  const result: string[] = [];
  for (const f of fields) {
    const x = o[f];
    if (typeof x === 'string') result.push(x);
    else if (Array.isArray(x)) for (const s of x) if (typeof s === 'string') result.push(s);
  }
  return result;
}

/** Date rows of one value: date/dateTime/instant strings, Period, Timing.event (R4 search 3.1.1.4.2). */
function addDates(into: DateRow[], path: IndexPath, tv: TypedValue): void {
  const v = tv.value as unknown;
  if (typeof v === 'string') {
    const r = parseDateRange(v);
    if (r) into.push({ path, loMs: r.loMs, hiMs: r.hiMs });
    return;
  }
  if (typeof v !== 'object' || v === null) return;
  const o = v as Json;
  if (tv.type === 'Period') {
    const r = periodRange(strOrUndefined(o['start']), strOrUndefined(o['end']));
    if (r) into.push({ path, loMs: r.loMs, hiMs: r.hiMs });
  } else if (tv.type === 'Timing' && Array.isArray(o['event'])) {
    for (const e of o['event'] as unknown[]) {
      const r = typeof e === 'string' ? parseDateRange(e) : undefined;
      if (r) into.push({ path, loMs: r.loMs, hiMs: r.hiMs });
    }
  }
}

function quantity(tv: TypedValue) {
  const o = tv.value as Json | null;
  if (typeof o !== 'object' || o === null || typeof o['value'] !== 'number') return undefined;
  const value = o['value'];
  if (tv.type === 'Money') {
    return { value, system: 'urn:iso:std:iso:4217', code: str(o['currency']), canonValue: null, canonCode: null };
  }
  const system = str(o['system']);
  const code = typeof o['code'] === 'string' ? o['code'] : str(o['unit']);
  const canonical = system === ucumSystemUrl && typeof o['code'] === 'string' ? canonicalQuantity(value, o['code']) : undefined;
  return { value, system, code, canonValue: canonical?.value ?? null, canonCode: canonical?.code ?? null };
}

function reference(tv: TypedValue) {
  const v = tv.value as unknown;
  if (typeof v === 'string') return { targetType: '', targetId: v };
  if (typeof v !== 'object' || v === null) return undefined;
  const ref = (v as Json)['reference'];
  return typeof ref === 'string' ? parseReferenceString(ref) : undefined;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const strOrUndefined = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
