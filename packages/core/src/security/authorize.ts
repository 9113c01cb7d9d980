import { effectiveScopes, type Role, roleDefinitions, scopePermits } from './roles.ts';
import { filterHolds, type Interaction, type Scope } from './scope.ts';

/** Who is asking: an authenticated person, service or device, with the scopes of its token. */
export interface Subject {
  /** Audit identity: `user:<id>`, `client:<id>`, `device:<id>`, `cli:<name>` or `local`. */
  readonly id: string;
  readonly role: Role;
  readonly scopes: readonly Scope[];
  /** SMART launch context `patient`: the Patient a patient-context token is bound to. */
  readonly patientId?: string;
  /** The device a device token may send readings for. */
  readonly deviceId?: string;
}

/** The patient a request concerns, as far as it is known before the request runs. */
export type PatientTarget =
  /** Not patient data (Practitioner, Trial, metrics, ingest). */
  | { readonly kind: 'none' }
  /** Exactly this patient. */
  | { readonly kind: 'patient'; readonly id: string }
  /** A list or search over every patient; may be restricted to one. */
  | { readonly kind: 'all' }
  /** An instance whose patient is not known here (it may not exist): never disclosed to a patient. */
  | { readonly kind: 'unknown' };

export interface AccessRequest {
  readonly resourceType: string;
  /** Every interaction the request needs (a transaction needs c, r, u and d). */
  readonly interactions: readonly Interaction[];
  readonly patient: PatientTarget;
  /** Search parameters (first value of each), for SMART v2 granular scopes and research limits. */
  readonly params?: Readonly<Record<string, string>>;
}

export type AccessDecision =
  | {
      readonly allow: true;
      /** Responses must be de-identified before they leave the server. */
      readonly deidentify: boolean;
      /**
       * Granted through a patient-context scope: lists and searches must be restricted to this
       * patient, and nothing about another patient may be returned.
       */
      readonly restrictToPatient?: string;
    }
  | { readonly allow: false; readonly status: 401 | 403 | 404; readonly reason: string };

/**
 * Search parameters a de-identified subject may not use: searching by them would confirm who is in
 * the data (45 CFR 164.514(b)(2)(i): names, addresses below state, dates, phone, e-mail, record
 * numbers and other identifiers), or reach one patient by a real id.
 */
const identifyingParams: ReadonlySet<string> = new Set([
  '_id',
  '_text',
  '_content',
  '_has',
  '_filter',
  '_list',
  'identifier',
  'name',
  'family',
  'given',
  'phonetic',
  'address',
  'address-city',
  'address-postalcode',
  'address-use',
  'telecom',
  'phone',
  'email',
  'birthdate',
  'death-date',
  'patient',
  'subject',
  'link',
  'general-practitioner',
]);

function paramBase(param: string): string {
  return param.split(/[.:]/)[0] as string;
}

export function usesIdentifyingParams(params: Readonly<Record<string, string>> | undefined): string | undefined {
  if (params === undefined) return undefined;
  for (const key of Object.keys(params)) if (identifyingParams.has(paramBase(key)) || key.includes('.')) return paramBase(key);
  return undefined;
}

const deny = (status: 401 | 403 | 404, reason: string): AccessDecision => ({ allow: false, status, reason });

/**
 * The authorisation decision: 401 without a subject, 403 when no granted scope permits the
 * interaction, 404 when a patient-context token asks about another patient or a resource whose
 * patient is unknown (so a patient cannot learn whether other patients' data exists).
 */
export function authorize(subject: Subject | undefined, request: AccessRequest): AccessDecision {
  if (subject === undefined) return deny(401, 'authentication required');
  const role = roleDefinitions[subject.role];
  const granted = effectiveScopes(subject.role, subject.scopes);
  let patientOnly = false;
  for (const interaction of request.interactions) {
    let broad = false;
    let narrow = false;
    for (const scope of granted) {
      if (!scopePermits(scope, request.resourceType, interaction) || !filterHolds(scope.filter, request.params)) continue;
      if (scope.context === 'patient') narrow = true;
      else broad = true;
    }
    if (!broad && !narrow) return deny(403, `not permitted: ${interaction} on ${request.resourceType}`);
    if (!broad) patientOnly = true;
  }
  if (role.deidentify) {
    const param = usesIdentifyingParams(request.params);
    if (param !== undefined) return deny(403, `de-identified access may not search by ${param}`);
  }
  if (!patientOnly) return { allow: true, deidentify: role.deidentify };

  const own = subject.patientId;
  if (own === undefined) return deny(403, 'patient scope without a patient context');
  const target = request.patient;
  const allowOwn: AccessDecision = { allow: true, deidentify: role.deidentify, restrictToPatient: own };
  switch (target.kind) {
    case 'none':
      // Shared, non-patient data (Practitioner, Organization, Medication) may be read.
      return request.interactions.every((i) => i === 'r' || i === 's')
        ? allowOwn
        : deny(403, `not permitted: write on ${request.resourceType}`);
    case 'patient':
      return target.id === own ? allowOwn : deny(404, 'not found');
    case 'all':
      if (request.resourceType === '*') return deny(403, 'a patient scope cannot search every type');
      return allowOwn;
    case 'unknown':
      return deny(404, 'not found');
  }
}
