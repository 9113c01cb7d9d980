/**
 * SMART App Launch scopes (HL7 SMART App Launch 2.0, §"Scopes and Launch Context"): clinical scopes
 * `context/ResourceType.permissions[?query]` where context is patient, user or system, the
 * resource type is a FHIR type or `*`, and permissions are either SMART v1 `read`, `write`, `*`
 * or SMART v2 letters from `cruds` in that order (create, read, update, delete, search).
 * Other scopes (openid, fhirUser, launch/patient, offline_access) are kept as opaque text.
 */
export type ScopeContext = 'patient' | 'user' | 'system';

/** SMART v2 permission letters, which are also the FHIR RESTful interactions they allow. */
export type Interaction = 'c' | 'r' | 'u' | 'd' | 's';

export const interactionOrder: readonly Interaction[] = ['c', 'r', 'u', 'd', 's'];

/** Bit per interaction, so a scope's permissions are one small integer. */
export const interactionBit: Readonly<Record<Interaction, number>> = { c: 1, r: 2, u: 4, d: 8, s: 16 };
const allBits = 31;

export interface ResourceScope {
  readonly kind: 'resource';
  readonly context: ScopeContext;
  /** A FHIR resource type, a Vitaltwin resource type (see roles.ts), or `*`. */
  readonly resourceType: string;
  /** Bit set of allowed interactions (interactionBit). */
  readonly permissions: number;
  /** SMART v2 granular restriction `?param=value&...` (all must hold). */
  readonly filter?: Readonly<Record<string, string>>;
}

export interface OtherScope {
  readonly kind: 'other';
  readonly text: string;
}

export type Scope = ResourceScope | OtherScope;

const contexts: readonly ScopeContext[] = ['patient', 'user', 'system'];
const resourceScopePattern = /^(patient|user|system)\/(\*|[A-Z][A-Za-z]{0,63})\.([a-z*]+)(?:\?(.*))?$/;
const otherScopePattern = /^[\x21\x23-\x5B\x5D-\x7E]{1,128}$/;

function permissionBits(text: string): number | undefined {
  switch (text) {
    case 'read':
      return interactionBit.r | interactionBit.s;
    case 'write':
      return interactionBit.c | interactionBit.u | interactionBit.d;
    case '*':
      return allBits;
    default: {
      // v2: a non-empty subsequence of "cruds", letters in that order, none repeated.
      let bits = 0;
      let next = 0;
      for (const letter of text) {
        const at = interactionOrder.indexOf(letter as Interaction, next);
        if (at < 0) return undefined;
        bits |= interactionBit[interactionOrder[at] as Interaction];
        next = at + 1;
      }
      return bits === 0 ? undefined : bits;
    }
  }
}

function parseFilter(query: string): Record<string, string> | undefined {
  if (query === '') return undefined;
  const filter: Record<string, string> = {};
  for (const part of query.split('&')) {
    const eq = part.indexOf('=');
    if (eq <= 0 || eq === part.length - 1) return undefined;
    const key = part.slice(0, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_:.-]*$/.test(key) || Object.hasOwn(filter, key)) return undefined;
    filter[key] = part.slice(eq + 1);
  }
  return filter;
}

/** Parses one scope; undefined when it is malformed (a malformed clinical scope is never kept as opaque). */
export function parseScope(text: string): Scope | undefined {
  const m = resourceScopePattern.exec(text);
  if (m) {
    const permissions = permissionBits(m[3] as string);
    if (permissions === undefined) return undefined;
    if (m[4] === undefined) return { kind: 'resource', context: m[1] as ScopeContext, resourceType: m[2] as string, permissions };
    const filter = parseFilter(m[4]);
    if (filter === undefined) return undefined;
    return { kind: 'resource', context: m[1] as ScopeContext, resourceType: m[2] as string, permissions, filter };
  }
  // Anything shaped like a clinical scope but not parsed above is malformed, not opaque.
  if (/^(patient|user|system)\//.test(text) && text.includes('.')) return undefined;
  return otherScopePattern.test(text) ? { kind: 'other', text } : undefined;
}

/** Parses a space-separated scope string (RFC 6749 §3.3), separating malformed entries. */
export function parseScopes(text: string): { scopes: Scope[]; invalid: string[] } {
  const scopes: Scope[] = [];
  const invalid: string[] = [];
  for (const part of text.split(' ')) {
    if (part === '') continue;
    const scope = parseScope(part);
    if (scope) scopes.push(scope);
    else invalid.push(part);
  }
  return { scopes, invalid };
}

/** SMART v2 text of a scope (permissions as `cruds` letters). */
export function formatScope(scope: Scope): string {
  if (scope.kind === 'other') return scope.text;
  let letters = '';
  for (const i of interactionOrder) if (scope.permissions & interactionBit[i]) letters += i;
  const query = scope.filter
    ? `?${Object.entries(scope.filter)
        .map(([k, v]) => `${k}=${v}`)
        .join('&')}`
    : '';
  return `${scope.context}/${scope.resourceType}.${letters}${query}`;
}

export function contextRank(context: ScopeContext): number {
  return contexts.indexOf(context);
}

/** Does a filter (if any) hold for the request's search parameters? */
export function filterHolds(
  filter: Readonly<Record<string, string>> | undefined,
  params: Readonly<Record<string, string>> | undefined,
): boolean {
  if (filter === undefined) return true;
  if (params === undefined) return false;
  for (const [key, value] of Object.entries(filter)) if (params[key] !== value) return false;
  return true;
}
