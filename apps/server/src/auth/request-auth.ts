import type { AccessDecision, AuditAction, Interaction, Subject } from '@vitaltwin/core';
import type { FastifyRequest } from 'fastify';
import type { RoutePolicy } from './route-policies.ts';

/** What the auth hook learned about a request; route handlers read it with `authOf(request)`. */
export interface RequestAuth {
  readonly policy: RoutePolicy;
  /** The authenticated caller (the local administrator when auth is off). */
  subject?: Subject;
  /** Set once the request is authorised. */
  decision?: Extract<AccessDecision, { allow: true }>;
  /**
   * The patient the caller may see: set for patient-context tokens. Lists and searches have
   * already been restricted to this patient (query parameters rewritten) before the handler runs.
   */
  patientId?: string;
  /** What the audit record will say; absent for requests that are not audited. */
  audit?: { action: AuditAction; entity: string; patientId?: string; interactions: readonly Interaction[]; detail?: string };
  /** The audit record was already written (streams, auth routes). */
  audited?: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    vtAuth?: RequestAuth;
  }
}

/** The auth state of a request (undefined on routes the hook does not cover). */
export function authOf(request: FastifyRequest): RequestAuth | undefined {
  return request.vtAuth;
}
