import { contextRank, interactionBit, parseScope, type ResourceScope, type Scope } from './scope.ts';

export const roles = ['admin', 'clinician', 'patient', 'researcher', 'device'] as const;
export type Role = (typeof roles)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (roles as readonly string[]).includes(value);
}

/**
 * Vitaltwin's own resource types, used in scopes for endpoints that are not FHIR:
 * Alert (/alerts), Twin (/twins), Event (/events), Trial (/trials), DeviceReading (/ingest),
 * Export (bulk export), Metrics (/metrics), User (user administration).
 */
export const vitaltwinResourceTypes = ['Alert', 'Twin', 'Event', 'Trial', 'DeviceReading', 'Export', 'Metrics', 'User'] as const;

/**
 * Types a wildcard scope (`user/*.rs`) never covers: every Vitaltwin type and the FHIR AuditEvent
 * (the audit trail is about everybody's access, so reading it must be granted by name).
 */
const explicitOnly: ReadonlySet<string> = new Set<string>([...vitaltwinResourceTypes, 'AuditEvent']);

export function wildcardCovers(resourceType: string): boolean {
  return !explicitOnly.has(resourceType);
}

export interface RoleDefinition {
  readonly description: string;
  /** The most a token of this role can be granted; a token's scopes are cut down to these. */
  readonly ceiling: readonly ResourceScope[];
  /** Data leaves the server de-identified (HIPAA Safe Harbor, see deidentify-resource.ts). */
  readonly deidentify: boolean;
}

function scopes(...texts: string[]): ResourceScope[] {
  return texts.map((t) => {
    const s = parseScope(t);
    if (s?.kind !== 'resource') throw new Error(`bad built-in scope ${t}`);
    return s;
  });
}

/** Role → ceiling scopes. This table is the README's roles table. */
export const roleDefinitions: Readonly<Record<Role, RoleDefinition>> = {
  admin: {
    description: 'operates the platform: everything, including the audit trail, users and metrics',
    ceiling: scopes(
      'system/*.cruds',
      'system/Alert.cruds',
      'system/Twin.cruds',
      'system/Event.rs',
      'system/Trial.cruds',
      'system/DeviceReading.crs',
      'system/Export.rs',
      'system/Metrics.rs',
      'system/User.cruds',
      'system/AuditEvent.rs',
    ),
    deidentify: false,
  },
  clinician: {
    description: 'care team: reads and writes every patient record, alerts and twins, runs trials',
    ceiling: scopes('user/*.cruds', 'user/Alert.cruds', 'user/Twin.cruds', 'user/Event.rs', 'user/Trial.cruds'),
    deidentify: false,
  },
  patient: {
    description: 'one patient: reads their own record, alerts, twin and events only',
    ceiling: scopes('patient/*.rs', 'patient/Alert.rs', 'patient/Twin.rs', 'patient/Event.rs'),
    deidentify: false,
  },
  researcher: {
    description: 'searches and exports de-identified data, runs in-silico trials',
    ceiling: scopes('user/*.s', 'user/Export.rs', 'user/Trial.cruds'),
    deidentify: true,
  },
  device: {
    description: 'a device or gateway: sends readings for its own device id only',
    ceiling: scopes('system/DeviceReading.c'),
    deidentify: false,
  },
};

/** Does `outer` allow at least everything `inner` allows? */
export function scopeCovers(outer: ResourceScope, inner: ResourceScope): boolean {
  if (contextRank(inner.context) > contextRank(outer.context)) return false;
  if (outer.resourceType !== inner.resourceType) {
    if (outer.resourceType !== '*' || inner.resourceType === '*' || !wildcardCovers(inner.resourceType)) return false;
  }
  if ((inner.permissions & ~outer.permissions) !== 0) return false;
  // The outer filter must also restrict the inner scope: every outer condition appears in inner.
  if (outer.filter) {
    if (!inner.filter) return false;
    for (const [k, v] of Object.entries(outer.filter)) if (inner.filter[k] !== v) return false;
  }
  return true;
}

/** The token's clinical scopes that the role permits; others are dropped. */
export function effectiveScopes(role: Role, requested: readonly Scope[]): readonly ResourceScope[] {
  // A subject's scopes are one array for the life of its token (or of the server, for the local
  // administrator), and every request of it asks again: the answer is kept per array and role.
  let byRole = effectiveScopesMemo.get(requested);
  if (byRole === undefined) {
    byRole = new Map();
    effectiveScopesMemo.set(requested, byRole);
  }
  let kept = byRole.get(role);
  if (kept === undefined) {
    const ceiling = roleDefinitions[role].ceiling;
    kept = Object.freeze(requested.filter((s): s is ResourceScope => s.kind === 'resource' && ceiling.some((c) => scopeCovers(c, s))));
    byRole.set(role, kept);
  }
  return kept;
}

const effectiveScopesMemo = new WeakMap<readonly Scope[], Map<Role, readonly ResourceScope[]>>();

/** Does this scope permit `interaction` on `resourceType` (ignoring patient context)? */
export function scopePermits(scope: ResourceScope, resourceType: string, interaction: keyof typeof interactionBit): boolean {
  if ((scope.permissions & interactionBit[interaction]) === 0) return false;
  if (scope.resourceType === resourceType) return true;
  // `*` covers every FHIR type, and a request over all types (system search, transaction,
  // $everything: resourceType '*') needs a wildcard scope.
  return scope.resourceType === '*' && wildcardCovers(resourceType);
}
