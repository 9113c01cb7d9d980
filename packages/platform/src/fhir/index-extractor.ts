import { type TypedValue, toTypedValue } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import { parseDateRange, periodRange } from './date-range.ts';
import { type ExtractedIndex, emptyIndex, normalizeString, patientKey, type TokenRow } from './index-rows.ts';
import { parseReferenceString } from './reference-string.ts';
import type { CompositeComponent, IndexPath, ResourceSearchModel } from './search-parameter-registry.ts';
import { canonicalQuantity, ucumSystemUrl } from './ucum-canonical.ts';

/**
 * Extracts the search index rows of one resource by evaluating each FHIRPath branch of its search
 * model with the @medplum/core evaluator, then turning the typed values into rows per the FHIR R4
 * search rules for each parameter type (R4 search 3.1.1.4, "Search Parameter Types").
 */
type Json = Record<string, unknown>;

export function extractIndex(resource: Resource, model: ResourceSearchModel): ExtractedIndex {
  const out = emptyIndex() as { -readonly [K in keyof ExtractedIndex]: ExtractedIndex[K] };
  const root = toTypedValue(resource);
  const context = { variables: { '%resource': root, '%rootResource': root } };
  const keys = Object.keys(resource);
  // A branch can only yield values if the resource has its top-level element (or a choice of it, valueQuantity for value).
  const present = (root: string) =>
    keys.some((k) => k === root || (k.startsWith(root) && k.length > root.length && k.charCodeAt(root.length) < 91));
  for (const path of model.paths) {
    if (path.root !== undefined && !present(path.root)) continue;
    let values: TypedValue[];
    try {
      values = path.atom.eval(context, [root]);
    } catch {
      // A branch the evaluator cannot apply to this resource's shape yields no rows.
      continue;
    }
    for (const tv of values) addRows(out, path, tv, context);
  }
  const patients = (branches: ResourceSearchModel['primaryPatient']) => {
    const ids: string[] = [];
    for (const b of branches) {
      for (const row of out.reference) {
        if (row.path === b.path && row.targetType === 'Patient' && !ids.includes(row.targetId)) ids.push(row.targetId);
      }
    }
    return ids;
  };
  if (resource.resourceType === 'Patient' && resource.id) {
    out.patientKey = patientKey(resource.id);
    out.patientId = resource.id;
  } else {
    const primary = patients(model.primaryPatient);
    out.patientKey = primary.length === 0 ? null : primary.length === 1 ? patientKey(primary[0]!) : 0;
    out.patientId = patients(model.compartment)[0] ?? null;
  }
  return out;
}

type Mutable = { -readonly [K in keyof ExtractedIndex]: ExtractedIndex[K] };
type Context = { variables: Record<string, TypedValue> };

function addRows(out: Mutable, path: IndexPath, tv: TypedValue, context: Context): void {
  switch (path.table) {
    case 'token':
      for (const t of tokens(tv)) out.token.push({ path, ...t });
      return;
    case 'string':
      for (const s of strings(tv)) out.string.push({ path, value: normalizeString(s), exact: s });
      return;
    case 'date':
      for (const r of dates(tv)) out.date.push({ path, ...r });
      return;
    case 'quantity': {
      const q = quantity(tv);
      if (q) out.quantity.push({ path, ...q });
      return;
    }
    case 'reference': {
      const r = reference(tv);
      if (r) out.reference.push({ path, ...r });
      return;
    }
    case 'number':
      if (typeof tv.value === 'number') out.number.push({ path, value: tv.value });
      return;
    case 'uri':
      if (typeof tv.value === 'string') out.uri.push({ path, value: tv.value });
      return;
    case 'composite':
      if (path.components) addComposite(out, path, tv, path.components, context);
      return;
  }
}

function addComposite(
  out: Mutable,
  path: IndexPath,
  item: TypedValue,
  parts: readonly [CompositeComponent, CompositeComponent],
  context: Context,
) {
  const evalPart = (part: CompositeComponent) => {
    try {
      return part.atom.eval(context, [item]);
    } catch {
      return [];
    }
  };
  const firsts = evalPart(parts[0]).flatMap(tokens);
  if (firsts.length === 0) return;
  for (const second of evalPart(parts[1])) {
    if (parts[1].kind === 'token') {
      for (const t of tokens(second)) {
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

function tokens(tv: TypedValue): Omit<TokenRow, 'path'>[] {
  const v = tv.value as unknown;
  if (v === null || v === undefined || notTokens.has(tv.type)) return [];
  if (typeof v !== 'object') return [{ system: '', code: String(v) }];
  const o = v as Json;
  switch (tv.type) {
    case 'CodeableConcept':
      return Array.isArray(o['coding']) ? (o['coding'] as Json[]).flatMap((c) => coding(c)) : [];
    case 'Identifier':
      return typeof o['value'] === 'string' ? [{ system: str(o['system']), code: o['value'] }] : [];
    case 'ContactPoint':
      return typeof o['value'] === 'string' ? [{ system: '', code: o['value'] }] : [];
    default:
      return coding(o);
  }
}

function coding(c: Json): Omit<TokenRow, 'path'>[] {
  return typeof c['code'] === 'string' ? [{ system: str(c['system']), code: c['code'] }] : [];
}

function strings(tv: TypedValue): string[] {
  const v = tv.value as unknown;
  if (typeof v === 'string') return [v];
  if (typeof v !== 'object' || v === null) return [];
  const o = v as Json;
  const fields =
    tv.type === 'HumanName'
      ? ['family', 'given', 'prefix', 'suffix', 'text']
      : tv.type === 'Address'
        ? ['line', 'city', 'district', 'state', 'postalCode', 'country', 'text']
        : ['text'];
  const result: string[] = [];
  for (const f of fields) {
    const x = o[f];
    if (typeof x === 'string') result.push(x);
    else if (Array.isArray(x)) for (const s of x) if (typeof s === 'string') result.push(s);
  }
  return result;
}

function dates(tv: TypedValue): { loMs: number; hiMs: number }[] {
  const v = tv.value as unknown;
  if (typeof v === 'string') {
    const r = parseDateRange(v);
    return r ? [r] : [];
  }
  if (typeof v !== 'object' || v === null) return [];
  const o = v as Json;
  if (tv.type === 'Period') {
    const r = periodRange(strOrUndefined(o['start']), strOrUndefined(o['end']));
    return r ? [r] : [];
  }
  if (tv.type === 'Timing' && Array.isArray(o['event'])) {
    return (o['event'] as unknown[]).flatMap((e) => (typeof e === 'string' && parseDateRange(e) ? [parseDateRange(e)!] : []));
  }
  return [];
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
