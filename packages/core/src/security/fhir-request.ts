import { isCompartmentType, patientCompartment, patientIdFromReference } from './patient-compartment.ts';
import type { Interaction } from './scope.ts';

/**
 * What a FHIR REST request (FHIR R4 http.html) asks to do, read from its method and path below the
 * FHIR base: the resource type ('*' for whole-system interactions), the interactions it needs, and
 * the patient it concerns when the URL alone says so.
 */
export type FhirRequestInfo =
  | { readonly kind: 'public' }
  | {
      readonly kind: 'access';
      readonly resourceType: string;
      readonly interactions: readonly Interaction[];
      /** Logical id for instance-level interactions. */
      readonly id?: string;
      /** The patient named by the URL: `Patient/x`, `Patient/x/Observation`, `Patient/x/$everything`. */
      readonly patientId?: string;
      /** Bulk Data export (`$export` at system, type or instance level, and its status URLs). */
      readonly export?: boolean;
      readonly search?: boolean;
    };

const typePattern = /^[A-Z][A-Za-z]{1,63}$/;
const idPattern = /^[A-Za-z0-9\-.]{1,64}$/;

function methodInteraction(method: string): Interaction | undefined {
  switch (method) {
    case 'GET':
    case 'HEAD':
      return 'r';
    case 'POST':
      return 'c';
    case 'PUT':
    case 'PATCH':
      return 'u';
    case 'DELETE':
      return 'd';
    default:
      return undefined;
  }
}

const access = (
  resourceType: string,
  interactions: readonly Interaction[],
  extra: { id?: string; patientId?: string; export?: boolean; search?: boolean } = {},
): FhirRequestInfo => ({ kind: 'access', resourceType, interactions, ...extra });

/** Classifies a FHIR request; undefined when the path is not a FHIR REST URL (the router answers 404). */
export function classifyFhirRequest(method: string, segments: readonly string[]): FhirRequestInfo | undefined {
  const m = methodInteraction(method);
  if (m === undefined) return undefined;
  if (segments.some((s) => s.startsWith('$export'))) {
    const patientId = segments[0] === 'Patient' && segments[1] && idPattern.test(segments[1]) ? segments[1] : undefined;
    return access('Export', ['r'], { export: true, ...(patientId ? { patientId } : {}) });
  }
  const [first, second, third, fourth] = segments;
  if (first === undefined) {
    // GET [base]?... is a whole-system search; POST [base] is a batch or transaction (any write).
    return m === 'r' ? access('*', ['s'], { search: true }) : m === 'c' ? access('*', ['c', 'r', 'u', 'd']) : undefined;
  }
  if (segments.length === 1 && first === 'metadata' && m === 'r') return { kind: 'public' };
  if (first === '.well-known' && second === 'smart-configuration' && segments.length === 2) return { kind: 'public' };
  if (first === '_history' && segments.length === 1) return access('*', ['s'], { search: true });
  // A system-level operation posted (the CGM IG's $submit-cgm-bundle) writes what its Bundle holds, like a batch.
  if (first.startsWith('$')) return segments.length === 1 ? access('*', m === 'r' ? ['r'] : ['c', 'r', 'u', 'd']) : undefined;
  if (!typePattern.test(first)) return undefined;
  const type = first;
  if (second === undefined) {
    // Type level: search, create, conditional update / delete.
    return m === 'r' ? access(type, ['s'], { search: true }) : access(type, [m], { search: m !== 'c' });
  }
  if (segments.length === 2 && (second === '_search' || second === '_history')) return access(type, ['s'], { search: true });
  // $validate asks whether a write would be accepted: only who may write may ask (it reads nothing stored).
  if (segments.length === 2 && second === '$validate') return access(type, ['c']);
  if (segments.length === 2 && second.startsWith('$')) return access(type, ['s'], { search: true });
  if (!idPattern.test(second)) return undefined;
  const id = second;
  const patientId = type === 'Patient' ? id : undefined;
  const withPatient = patientId ? { patientId } : {};
  if (third === undefined) return m === 'c' ? undefined : access(type, [m], { id, ...withPatient });
  if (third === '_history' && (fourth === undefined || segments.length === 4)) return access(type, ['r'], { id, ...withPatient });
  if (segments.length === 3 && third === '$everything') return access('*', ['r'], { id, ...withPatient });
  // An instance's $validate (modes update and delete) asks about a write to it.
  if (segments.length === 3 && third === '$validate') return access(type, ['u'], { id, ...withPatient });
  if (segments.length === 3 && third.startsWith('$')) return access(type, ['r'], { id, ...withPatient });
  if (segments.length === 3 && typePattern.test(third)) {
    // Compartment search [base]/Patient/x/Observation (FHIR R4 http.html#vsearch).
    return access(third, ['s'], { search: true, ...withPatient });
  }
  return undefined;
}

/**
 * Search parameters that may name the patient for this type: the compartment parameter plus the
 * common `patient` / `subject` spellings, each also with the `:Patient` type modifier. Reading more
 * names than a type supports is harmless: the names are only used to find patients a search asks for.
 */
export function patientSearchParams(resourceType: string): string[] {
  const entry = patientCompartment[resourceType];
  if (!entry) return [];
  const names = resourceType === 'Patient' ? ['_id'] : [...new Set([entry.param, 'patient', 'subject'])];
  return names.flatMap((n) => (n === '_id' ? [n] : [n, `${n}:Patient`]));
}

/** Patient id named by one search value: `Patient/x`, `x` (with a patient param) or a full URL. */
export function patientFromSearchValue(value: string, param: string): string | undefined {
  if (param === '_id') return idPattern.test(value) ? value : undefined;
  const fromRef = patientIdFromReference(value);
  if (fromRef !== undefined) return fromRef;
  return (param.endsWith(':Patient') || param.startsWith('patient')) && idPattern.test(value) ? value : undefined;
}

export type SearchPatientScope =
  /** The search names patients through its parameters (values are the ids, `undefined` = not a patient id). */
  | { readonly kind: 'named'; readonly patients: readonly (string | undefined)[] }
  /** The type is in the compartment but no patient is named: the search spans every patient. */
  | { readonly kind: 'all'; readonly param: string }
  /** The type is not in the patient compartment. */
  | { readonly kind: 'none' };

/** Which patients a type-level search concerns, from its query parameters. */
export function searchPatientScope(
  resourceType: string,
  query: Readonly<Record<string, string | readonly string[] | undefined>>,
): SearchPatientScope {
  if (!isCompartmentType(resourceType)) return { kind: 'none' };
  const params = patientSearchParams(resourceType);
  const patients: (string | undefined)[] = [];
  for (const param of params) {
    const raw = query[param];
    if (raw === undefined) continue;
    for (const v of Array.isArray(raw) ? raw : [raw as string]) {
      for (const one of v.split(',')) patients.push(patientFromSearchValue(one, param));
    }
  }
  const entry = patientCompartment[resourceType] as { param: string };
  return patients.length > 0 ? { kind: 'named', patients } : { kind: 'all', param: entry.param };
}
