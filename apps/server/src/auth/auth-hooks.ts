import {
  type AccessDecision,
  type AuditRecord,
  authorize,
  classifyFhirRequest,
  patientsOf,
  type Subject,
  toOperationOutcome,
  VitaltwinError,
} from '@vitaltwin/core';
import type { SqlClient } from '@vitaltwin/platform';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type DraftAccess, draftAccess, type Query, targetOfNamed } from './access-request.ts';
import type { RequestAuth } from './request-auth.ts';
import { compartmentFilterPayload, deidentifyPayload, patientInPayload } from './response-guards.ts';
import { policyFor } from './route-policies.ts';
import type { SecurityHeaders } from './security-headers.ts';
import { localAdministrator, type ServerSecurity } from './server-security.ts';

/**
 * The enforcement hook: every request passes here, whatever route serves it.
 *  onRequest  — who is calling: bearer token (RFC 6750) → subject; 401 + WWW-Authenticate when a
 *               protected route gets no valid token (before the body is read).
 *  preHandler — may they: route → policy (route-policies.ts) → core `authorize`; 403 / 404;
 *               patient tokens get their searches restricted to their own patient.
 *  onSend     — what leaves: de-identification for researchers, compartment filter for patient
 *               tokens, and the audit record (awaited for writes, so it is durable first).
 */
const realm = 'vitaltwin';

function challenge(error?: 'invalid_token' | 'insufficient_scope', description?: string): string {
  return `Bearer realm="${realm}"${error ? `, error="${error}"` : ''}${description ? `, error_description="${description}"` : ''}`;
}

function denyReply(reply: FastifyReply, status: 401 | 403 | 404, message: string, header?: string): FastifyReply {
  const code = status === 401 ? 'VT_ERR_UNAUTHENTICATED' : status === 403 ? 'VT_ERR_FORBIDDEN' : 'VT_ERR_NOT_FOUND';
  const { outcome } = toOperationOutcome(new VitaltwinError(code, message));
  if (header !== undefined) reply.header('WWW-Authenticate', header);
  return reply.code(status).type('application/fhir+json').send(outcome);
}

function methodAction(method: string): 'read' | 'create' | 'update' | 'delete' {
  return method === 'POST' ? 'create' : method === 'PUT' || method === 'PATCH' ? 'update' : method === 'DELETE' ? 'delete' : 'read';
}

const pathOf = (request: FastifyRequest) => request.url.split('?')[0] ?? '/';

/** The CapabilityStatement and SMART configuration are readable without a token (FHIR R4 http.html#capabilities). */
function isPublicFhir(method: string, path: string): boolean {
  return classifyFhirRequest(method, path.split('/').filter(Boolean).slice(1))?.kind === 'public';
}

function bearerToken(request: FastifyRequest): string | undefined | null {
  const header = request.headers.authorization;
  if (header === undefined) return undefined;
  const m = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
  return m ? (m[1] as string) : null;
}

async function lookupPatient(db: SqlClient, lookup: NonNullable<DraftAccess['lookup']>): Promise<string | undefined> {
  if (lookup.table === 'alert') {
    const rows = await db
      .query<{ patient_id: string }>('SELECT patient_id FROM alert WHERE id = $1', [lookup.id], { name: 'vt_auth_alert_patient' })
      .catch(() => []);
    return rows[0]?.patient_id;
  }
  const rows = await db.query<{ patient_id: string | null; content: unknown }>(
    `SELECT patient_id, CASE WHEN patient_id IS NULL THEN content END AS content
       FROM fhir_resource WHERE resource_type = $1 AND id = $2 AND NOT deleted`,
    [lookup.type, lookup.id],
    // Asked before every read of a patient token: prepared once (per connection, or by PGlite).
    { name: 'vt_auth_resource_patient' },
  );
  const row = rows[0];
  if (row === undefined) return undefined;
  if (row.patient_id !== null) return row.patient_id;
  const content = typeof row.content === 'string' ? JSON.parse(row.content) : row.content;
  return content && typeof content === 'object' ? patientsOf(content as Record<string, unknown>)[0] : undefined;
}

/** Search features that could reach other patients' data from a patient token. */
function patientTokenSearchProblem(query: Query): string | undefined {
  for (const key of Object.keys(query)) {
    if (key === '_revinclude' || key.startsWith('_revinclude:')) return '_revinclude is not available to patient tokens';
    if (key.startsWith('_has')) return '_has is not available to patient tokens';
    if (key === '_include:iterate') return '_include:iterate is not available to patient tokens';
    if (key === '_type' || key === '_filter' || key === '_query') return `${key} is not available to patient tokens`;
    if (key.includes('.')) return 'chained search parameters are not available to patient tokens';
  }
  return undefined;
}

/** Sets one query parameter, both in the parsed query and in the raw URL routers may read. */
function setQueryParam(request: FastifyRequest, param: string, value: string): void {
  const query = { ...(request.query as Query), [param]: value };
  request.query = query;
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v]) search.append(k, one);
  }
  request.raw.url = `${pathOf(request)}?${search.toString()}`;
}

function deviceItemsProblem(body: unknown, deviceId: string | undefined): string | undefined {
  if (deviceId === undefined) return 'a device token without a device id cannot send readings';
  let items: unknown[];
  if (typeof body === 'string') {
    try {
      items = body
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as unknown);
    } catch {
      return 'device tokens must send well-formed items';
    }
  } else items = Array.isArray(body) ? body : [body];
  if (items.length === 0) return 'a device token must send at least one item';
  for (const item of items) {
    const id = item !== null && typeof item === 'object' ? (item as { deviceId?: unknown }).deviceId : undefined;
    if (id !== deviceId) return `a device token may only send readings for device ${deviceId}`;
  }
  return undefined;
}

function outcomeOf(status: number): AuditRecord['outcome'] {
  return status >= 500 ? 'failed' : status >= 400 ? 'denied' : 'success';
}

export function installAuthHooks(app: FastifyInstance, db: SqlClient, security: ServerSecurity, headers: SecurityHeaders): void {
  const tokens = security.services?.tokens;

  app.addHook('onRoute', (route) => {
    const limit = policyFor(route.url).maxBodyBytes;
    if (route.bodyLimit === undefined && limit !== undefined) route.bodyLimit = limit;
  });

  const audited = (auth: RequestAuth, request: FastifyRequest, status: number, subject: Subject | undefined): AuditRecord | undefined => {
    const a = auth.audit;
    if (a === undefined) return undefined;
    return {
      recordedMs: Date.now(),
      actor: subject?.id ?? 'anonymous',
      ...(subject ? { role: subject.role } : {}),
      action: a.action,
      entity: a.entity,
      ...(a.patientId !== undefined ? { patientId: a.patientId } : {}),
      outcome: outcomeOf(status),
      httpStatus: status,
      source: request.ip,
      method: request.method,
      ...(a.detail !== undefined ? { detail: a.detail } : {}),
    };
  };

  app.addHook('onRequest', async (request, reply) => {
    if (headers.onRequest(request, reply)) return reply;
    const path = pathOf(request);
    const auth: RequestAuth = { policy: policyFor(path) };
    request.vtAuth = auth;
    if (security.mode === 'off' || tokens === undefined) {
      auth.subject = localAdministrator;
      return;
    }
    const token = bearerToken(request);
    const check = typeof token === 'string' ? (tokens.verifyCached(token) ?? (await tokens.verify(token))) : undefined;
    if (check?.ok) auth.subject = check.subject;
    if (auth.policy.access === 'public' || (auth.policy.access === 'fhir' && isPublicFhir(request.method, path))) return;
    if (check?.ok) return;
    auth.audit = { action: methodAction(request.method), entity: path.slice(0, 200), interactions: [], detail: 'no valid access token' };
    if (token === undefined)
      return denyReply(reply, 401, 'authentication required: send Authorization: Bearer <access token>', challenge());
    const expired = check?.ok === false && check.reason === 'expired';
    const description = expired ? 'the access token expired' : 'the access token is invalid';
    return denyReply(reply, 401, description, challenge('invalid_token', description));
  });

  app.addHook('preHandler', async (request, reply) => {
    const auth = request.vtAuth;
    if (auth === undefined || reply.sent || auth.policy.access === 'public') return;
    const subject = auth.subject as Subject;
    const path = pathOf(request);
    const query = (request.query ?? {}) as Query;
    const draft = draftAccess(auth.policy, request.method, path, query, request.body);
    if (draft === 'public') return;
    if (draft === 'full-access-only') {
      auth.audit = { action: methodAction(request.method), entity: path.slice(0, 200), interactions: [] };
      if (subject.role === 'admin' || subject.role === 'clinician') return;
      return denyReply(reply, 403, 'not permitted', challenge('insufficient_scope'));
    }
    const ask = (patient: DraftAccess['target']): AccessDecision =>
      authorize(subject, { resourceType: draft.resourceType, interactions: draft.interactions, patient, params: draft.params });
    let target = draft.target;
    let decision = ask(draft.lookup ? { kind: 'all' } : target);
    // The database is asked only when the answer depends on the row's patient (patient tokens).
    if (decision.allow && decision.restrictToPatient !== undefined && draft.lookup) {
      const patientId = await lookupPatient(db, draft.lookup);
      target = patientId === undefined ? { kind: 'unknown' } : targetOfNamed([patientId, ...(draft.lookup.alsoNamed ?? [])]);
      decision = ask(target);
    }
    auth.audit = {
      action: draft.action,
      entity: draft.entity,
      interactions: draft.interactions,
      ...(target.kind === 'patient' ? { patientId: target.id } : {}),
    };
    if (!decision.allow) {
      auth.audit.detail = decision.reason;
      return denyReply(reply, decision.status, decision.reason, decision.status === 403 ? challenge('insufficient_scope') : undefined);
    }
    auth.decision = decision;
    const own = decision.restrictToPatient;
    if (own !== undefined) {
      auth.patientId = own;
      auth.audit.patientId ??= own;
      if (draft.postSearch) return denyReply(reply, 403, 'patient tokens search with GET', challenge('insufficient_scope'));
      const problem = draft.fhirSearch ? patientTokenSearchProblem(query) : undefined;
      if (problem !== undefined) return denyReply(reply, 403, problem, challenge('insufficient_scope'));
      if (draft.restrict !== undefined && (target.kind === 'all' || target.kind === 'patient'))
        setQueryParam(request, draft.restrict.param, draft.restrict.value(own));
    }
    if (decision.deidentify && draft.postSearch)
      return denyReply(reply, 403, 'de-identified searches use GET', challenge('insufficient_scope'));
    if (auth.policy.access === 'protected' && auth.policy.deviceBound && subject.role === 'device' && request.method === 'POST') {
      const problem = deviceItemsProblem(request.body, subject.deviceId);
      if (problem !== undefined) return denyReply(reply, 403, problem, challenge('insufficient_scope'));
    }
    if (auth.policy.access === 'protected' && auth.policy.streaming) {
      // Streams bypass onSend: record the access when it is granted.
      const record = audited(auth, request, 200, subject);
      auth.audited = true;
      if (record) security.audit.record(record).catch((error: unknown) => request.log.error({ err: error }, 'audit write failed'));
    }
  });

  app.addHook('onSend', async (request, reply, payload) => {
    headers.onSend(reply);
    const auth = request.vtAuth;
    if (auth === undefined) return payload;
    let out = payload;
    const decision = auth.decision;
    const fhir = auth.policy.access === 'fhir';
    if (decision !== undefined && fhir && reply.statusCode < 300 && (decision.deidentify || decision.restrictToPatient !== undefined)) {
      const type = String(reply.getHeader('content-type') ?? '');
      const text = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : undefined;
      if (decision.deidentify) {
        const pseudonymizer = security.services?.pseudonymizer;
        const deid =
          text !== undefined && pseudonymizer ? deidentifyPayload(text, type, pseudonymizer, new Date().getUTCFullYear()) : undefined;
        if (deid === undefined) {
          reply.code(500).type('application/fhir+json');
          out = JSON.stringify(toOperationOutcome(new VitaltwinError('VT_ERR_INTERNAL', 'this response cannot be de-identified')).outcome);
        } else out = deid;
      } else if (text !== undefined && decision.restrictToPatient !== undefined) {
        const filtered = compartmentFilterPayload(text, type, decision.restrictToPatient);
        if (filtered === 'not-found') {
          reply.code(404).type('application/fhir+json');
          out = JSON.stringify(toOperationOutcome(new VitaltwinError('VT_ERR_NOT_FOUND', 'not found')).outcome);
        } else if (filtered !== undefined) {
          if (filtered.dropped > 0) request.log.warn({ dropped: filtered.dropped }, 'removed entries outside the patient compartment');
          out = filtered.text;
        }
      }
    }
    if (auth.audit !== undefined && !auth.audited) {
      if (auth.audit.patientId === undefined && fhir && typeof out === 'string' && reply.statusCode < 300) {
        const patientId = patientInPayload(out);
        if (patientId !== undefined) auth.audit.patientId = patientId;
      }
      const record = audited(auth, request, reply.statusCode, auth.subject);
      auth.audited = true;
      if (record !== undefined) {
        const durable = auth.audit.interactions.some((i) => i !== 'r' && i !== 's') || record.action === 'export';
        const written = security.audit.record(record, { durable });
        if (!durable) written.catch((error: unknown) => request.log.error({ err: error }, 'audit write failed'));
        else {
          try {
            await written;
          } catch (error) {
            request.log.error({ err: error }, 'audit write failed');
            reply.code(503).type('application/fhir+json');
            return JSON.stringify(
              toOperationOutcome(new VitaltwinError('VT_ERR_STORAGE', 'the audit trail is unavailable; retry later')).outcome,
            );
          }
        }
      }
    }
    return out;
  });
}
