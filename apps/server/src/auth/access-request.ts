import {
  type AuditAction,
  classifyFhirRequest,
  type Interaction,
  isCompartmentType,
  type PatientTarget,
  patientCompartment,
  patientsOf,
  searchPatientScope,
} from '@vitaltwin/core';
import { interactionFor, type ProtectedPolicy, type RoutePolicy } from './route-policies.ts';

/**
 * What a request asks for, in the terms of the authorisation decision: resource type,
 * interactions, and the patient it concerns. When the patient can only be known from the database
 * (an instance URL), `lookup` says where; the hook looks it up only if the decision depends on it.
 */
export interface DraftAccess {
  readonly resourceType: string;
  readonly interactions: readonly Interaction[];
  readonly target: PatientTarget;
  readonly lookup?: {
    readonly table: 'fhir_resource' | 'alert';
    readonly type?: string;
    readonly id: string;
    /** Patients the query names beside the row (its family's list parameter): they must be the row's. */
    readonly alsoNamed?: readonly string[];
  };
  readonly params: Readonly<Record<string, string>>;
  readonly action: AuditAction;
  readonly entity: string;
  /** For restricting a list/search to one patient: how to rewrite the query. */
  readonly restrict?: { readonly param: string; readonly value: (patientId: string) => string };
  readonly fhirSearch?: boolean;
  readonly postSearch?: boolean;
}

export type Query = Record<string, string | string[] | undefined>;

const idPattern = /^[A-Za-z0-9\-.]{1,64}$/;

function firstValues(query: Query): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(query)) {
    const first = Array.isArray(v) ? v[0] : v;
    if (first !== undefined) out[k] = first;
  }
  return out;
}

function decodeSegments(path: string): string[] | undefined {
  try {
    return path.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return undefined;
  }
}

function actionOf(interactions: readonly Interaction[]): AuditAction {
  if (interactions.length > 1) return 'execute';
  const only: Interaction = interactions[0] ?? 's';
  switch (only) {
    case 'c':
      return 'create';
    case 'r':
      return 'read';
    case 'u':
      return 'update';
    case 'd':
      return 'delete';
    case 's':
      return 'search';
  }
}

/** Patient ids named by a query parameter (`p1`, `Patient/p1`, comma lists, repeats). */
function queryPatients(query: Query, param: string): string[] | undefined {
  const raw = query[param];
  if (raw === undefined) return undefined;
  return (Array.isArray(raw) ? raw : [raw]).flatMap((v) => v.split(',')).map((v) => v.trim().replace(/^Patient\//, ''));
}

export function targetOfNamed(patients: readonly (string | undefined)[] | undefined): PatientTarget {
  if (patients === undefined || patients.length === 0) return { kind: 'all' };
  const distinct = new Set(patients);
  const [only] = distinct;
  return distinct.size === 1 && only !== undefined && idPattern.test(only) ? { kind: 'patient', id: only } : { kind: 'unknown' };
}

function fhirAccess(method: string, path: string, query: Query, body: unknown): DraftAccess | 'public' {
  const segments = decodeSegments(path)?.slice(1);
  const params = firstValues(query);
  const info = segments === undefined ? undefined : classifyFhirRequest(method, segments);
  if (info?.kind === 'public') return 'public';
  if (info === undefined) {
    // Not a FHIR URL the classifier knows: only a wildcard scope reaches it (the router then 404s).
    return { resourceType: '*', interactions: ['r'], target: { kind: 'all' }, params, action: 'read', entity: path.slice(0, 200) };
  }
  const { resourceType, interactions } = info;
  const action: AuditAction = info.export ? 'export' : actionOf(interactions);
  const entity = info.id !== undefined ? `${resourceType}/${info.id}` : resourceType === '*' ? '/fhir' : resourceType;
  const base = { resourceType, interactions, params, action, entity };
  if (info.patientId !== undefined) return { ...base, target: { kind: 'patient', id: info.patientId } };
  if (info.id !== undefined) {
    return isCompartmentType(resourceType)
      ? { ...base, target: { kind: 'unknown' }, lookup: { table: 'fhir_resource', type: resourceType, id: info.id } }
      : { ...base, target: { kind: 'none' } };
  }
  if (resourceType === '*' || info.export) return { ...base, target: info.export ? { kind: 'none' } : { kind: 'all' } };
  if (interactions.includes('c') && body !== null && typeof body === 'object') {
    const patients = patientsOf(body as Record<string, unknown>);
    return { ...base, target: isCompartmentType(resourceType) ? targetOfNamed(patients) : { kind: 'none' } };
  }
  const scope = searchPatientScope(resourceType, query);
  const postSearch = method === 'POST' && interactions[0] === 's';
  switch (scope.kind) {
    case 'none':
      return { ...base, target: { kind: 'none' }, fhirSearch: true, postSearch };
    case 'named':
    case 'all': {
      // The compartment's own parameter (FHIR R4 CompartmentDefinition-patient), e.g. Observation `subject`.
      const param = patientCompartment[resourceType]?.param ?? 'patient';
      const value = resourceType === 'Patient' ? (id: string) => id : (id: string) => `Patient/${id}`;
      return {
        ...base,
        target: scope.kind === 'all' ? { kind: 'all' } : targetOfNamed(scope.patients),
        restrict: { param, value },
        fhirSearch: true,
        postSearch,
      };
    }
  }
}

function familyAccess(policy: ProtectedPolicy, method: string, path: string, query: Query): DraftAccess {
  const rest = (decodeSegments(path) ?? []).slice(policy.prefix.split('/').filter(Boolean).length);
  const interaction = interactionFor(policy, method, rest.length > 0) ?? 'r';
  const interactions = [interaction];
  const params = firstValues(query);
  const base = { resourceType: policy.resourceType, interactions, params, action: actionOf(interactions), entity: path.slice(0, 200) };
  const source = policy.patient;
  switch (source.from) {
    case 'none':
      return { ...base, target: { kind: 'none' } };
    case 'query':
      return { ...base, target: targetOfNamed(queryPatients(query, source.param)), restrict: { param: source.param, value: (id) => id } };
    case 'path': {
      const id = rest[source.segment];
      const list = source.listParam;
      if (id !== undefined) {
        if (!idPattern.test(id)) return { ...base, target: { kind: 'unknown' } };
        // The item's routes ignore the list parameter; one naming another patient beside the path
        // is refused all the same, so no route can ever act on a patient the path did not name.
        const named = list === undefined ? undefined : queryPatients(query, list);
        return { ...base, target: named === undefined ? { kind: 'patient', id } : targetOfNamed([id, ...named]) };
      }
      return list === undefined
        ? { ...base, target: { kind: 'all' } }
        : { ...base, target: targetOfNamed(queryPatients(query, list)), restrict: { param: list, value: (p) => p } };
    }
    case 'row': {
      const id = rest[0];
      if (id !== undefined) {
        const named = queryPatients(query, source.listParam);
        return { ...base, target: { kind: 'unknown' }, lookup: { table: source.table, id, ...(named ? { alsoNamed: named } : {}) } };
      }
      return {
        ...base,
        target: targetOfNamed(queryPatients(query, source.listParam)),
        restrict: { param: source.listParam, value: (p) => p },
      };
    }
    case 'fhir':
      return { ...base, target: { kind: 'all' } };
  }
}

/** The draft access of a request under its policy; 'public' when no authorisation is needed. */
export function draftAccess(
  policy: RoutePolicy,
  method: string,
  path: string,
  query: Query,
  body: unknown,
): DraftAccess | 'public' | 'full-access-only' {
  switch (policy.access) {
    case 'public':
      return 'public';
    case 'fhir':
      return fhirAccess(method, path, query, body);
    case 'protected':
      return familyAccess(policy, method, path, query);
    case 'full-access-only':
      return 'full-access-only';
  }
}
