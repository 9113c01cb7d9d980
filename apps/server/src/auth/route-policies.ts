import type { Interaction } from '@vitaltwin/core';

/**
 * The route → policy table: the ONE place that says who may call which URL family. The auth hook
 * (auth-hooks.ts) applies it to every request, so route modules need no per-route security code.
 * A new URL family gets one line here; a path no line matches is refused unless the caller has
 * full access (admin or clinician), so forgetting a line fails closed.
 *
 * For each protected family: the resource type of the scope it needs (a FHIR type for /fhir, a
 * Vitaltwin type otherwise, see core roles.ts), the interaction each method needs, and where the
 * patient it concerns comes from (query parameter, path segment, database row, FHIR URL).
 */
export type PatientSource =
  /** Not patient data (trials, metrics, ingest: the device binding decides the patient). */
  | { readonly from: 'none' }
  /** `?patient=ID[,ID]`; absent means every patient (restricted to one for patient tokens). */
  | { readonly from: 'query'; readonly param: string }
  /** `/twins/{patientId}/...`: the given path segment below the family prefix (0 = the first). */
  | { readonly from: 'path'; readonly segment: number; readonly listParam?: string }
  /** `/alerts/{id}/...`: the row's patient_id; the list takes `?patient=`. */
  | { readonly from: 'row'; readonly table: 'alert'; readonly listParam: string }
  /** FHIR REST semantics: see core fhir-request.ts. */
  | { readonly from: 'fhir' };

export interface ProtectedPolicy {
  readonly family: string;
  readonly prefix: string;
  readonly access: 'protected';
  readonly resourceType: string;
  /** Interaction for GET on the family root (a list) and below it (one item). */
  readonly get: { readonly list: Interaction; readonly item: Interaction };
  /** Interaction for POST (default create). */
  readonly post?: Interaction;
  readonly patient: PatientSource;
  /** Device tokens may only send items whose `deviceId` is their own. */
  readonly deviceBound?: boolean;
  /** Responses are streams (Server-Sent Events): audited when the stream is authorised. */
  readonly streaming?: boolean;
  readonly maxBodyBytes?: number;
}

export interface PublicPolicy {
  readonly family: string;
  readonly prefix: string;
  readonly access: 'public';
  readonly maxBodyBytes?: number;
}

/** FHIR REST: classified per request by core classifyFhirRequest. */
export interface FhirPolicy {
  readonly family: 'fhir';
  readonly prefix: string;
  readonly access: 'fhir';
  readonly maxBodyBytes?: number;
}

/** Paths that match no line: full-access roles only (admin, clinician). */
export interface FallbackPolicy {
  readonly family: 'other';
  readonly prefix: '';
  readonly access: 'full-access-only';
  readonly maxBodyBytes?: number;
}

export type RoutePolicy = PublicPolicy | ProtectedPolicy | FhirPolicy | FallbackPolicy;

const kib = 1024;
const mib = 1024 * kib;
const listOrItem = (list: Interaction, item: Interaction) => ({ list, item });

/** Longest prefix wins; order does not matter. */
export const routePolicies: readonly RoutePolicy[] = [
  { family: 'health', prefix: '/healthz', access: 'public' },
  { family: 'auth', prefix: '/auth', access: 'public', maxBodyBytes: 16 * kib },
  { family: 'well-known', prefix: '/.well-known', access: 'public' },
  { family: 'docs', prefix: '/docs', access: 'public' },
  // The web app's shell and assets hold no patient data (its data calls carry the user's token).
  { family: 'web', prefix: '/app', access: 'public' },
  { family: 'web', prefix: '/', access: 'public' },
  { family: 'fhir', prefix: '/fhir', access: 'fhir', maxBodyBytes: 50 * mib },
  {
    family: 'ingest',
    prefix: '/ingest',
    access: 'protected',
    resourceType: 'DeviceReading',
    get: listOrItem('s', 'r'),
    patient: { from: 'none' },
    deviceBound: true,
    maxBodyBytes: 4 * mib,
  },
  {
    family: 'alerts',
    prefix: '/alerts',
    access: 'protected',
    resourceType: 'Alert',
    get: listOrItem('s', 'r'),
    // POST /alerts/{id}/acknowledge | /resolve change an alert's state.
    post: 'u',
    patient: { from: 'row', table: 'alert', listParam: 'patient' },
    maxBodyBytes: 64 * kib,
  },
  {
    family: 'twins',
    prefix: '/twins',
    access: 'protected',
    resourceType: 'Twin',
    get: listOrItem('s', 'r'),
    // POST /twins/{patientId}/forecast | /simulate ask questions of a twin; they change nothing.
    post: 'r',
    patient: { from: 'path', segment: 0, listParam: 'patient' },
    maxBodyBytes: 1 * mib,
  },
  {
    family: 'trials',
    prefix: '/trials',
    access: 'protected',
    resourceType: 'Trial',
    get: listOrItem('s', 'r'),
    patient: { from: 'none' },
    maxBodyBytes: 1 * mib,
  },
  {
    family: 'events',
    prefix: '/events',
    access: 'protected',
    resourceType: 'Event',
    get: listOrItem('s', 's'),
    patient: { from: 'query', param: 'patient' },
    streaming: true,
  },
  {
    family: 'audit',
    prefix: '/audit',
    access: 'protected',
    resourceType: 'AuditEvent',
    get: listOrItem('s', 'r'),
    patient: { from: 'none' },
  },
  {
    family: 'admin',
    prefix: '/admin',
    access: 'protected',
    resourceType: 'User',
    get: listOrItem('s', 'r'),
    patient: { from: 'none' },
    maxBodyBytes: 16 * kib,
  },
  {
    family: 'metrics',
    prefix: '/metrics',
    access: 'protected',
    resourceType: 'Metrics',
    get: listOrItem('r', 'r'),
    patient: { from: 'none' },
  },
];

const fallback: FallbackPolicy = { family: 'other', prefix: '', access: 'full-access-only' };

/** The policy for a path (no query string). */
export function policyFor(path: string): RoutePolicy {
  let best: RoutePolicy = fallback;
  for (const p of routePolicies) {
    const n = p.prefix.length;
    if (path.startsWith(p.prefix) && (path.length === n || path.charCodeAt(n) === 47) && n > best.prefix.length) best = p;
  }
  return best;
}

/** The interaction a method needs under a protected policy; `item` = the path goes below the family root. */
export function interactionFor(policy: ProtectedPolicy, method: string, item: boolean): Interaction | undefined {
  switch (method) {
    case 'GET':
    case 'HEAD':
      return item ? policy.get.item : policy.get.list;
    case 'POST':
      return policy.post ?? 'c';
    case 'PUT':
    case 'PATCH':
      return 'u';
    case 'DELETE':
      return 'd';
    default:
      return undefined;
  }
}
