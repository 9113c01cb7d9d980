import { isFhirId, VitaltwinError } from '@vitaltwin/core';
import {
  type FhirRepository,
  isFhirResourceType,
  observationLastN,
  parseValidateRequest,
  patientEverything,
  searchsetBundleText,
  submitCgmBundle,
  validateResourceOperation,
} from '@vitaltwin/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { fhirBaseUrl, ifMatchOf, JsonText, preferOf, queryOf, sendFhir } from './fhir-http.ts';

/**
 * FHIR operations: `Patient/{id}/$everything`, `Observation/$lastn`, `$validate` on every type and
 * instance, and the CGM IG's `$submit-cgm-bundle` at the base. They share the generic routes' paths (a `$` segment where a
 * type or id would be), so fhir-resource-routes.ts dispatches those segments here.
 */
export async function systemOperation(repo: FhirRepository, op: string, request: FastifyRequest, reply: FastifyReply) {
  if (op !== '$submit-cgm-bundle') throw new VitaltwinError('VT_ERR_NOT_FOUND', `unknown operation ${op}`);
  const result = await submitCgmBundle(repo.context, request.body, {
    baseUrl: fhirBaseUrl(request),
    representation: preferOf(request).return === 'representation',
  });
  return sendFhir(request, reply, 200, result.outcome);
}

export async function typeOperation(repo: FhirRepository, type: string, op: string, request: FastifyRequest, reply: FastifyReply) {
  if (op === '$validate') return validate(repo, type, undefined, request, reply);
  if (type !== 'Observation' || op !== '$lastn') throw new VitaltwinError('VT_ERR_NOT_FOUND', `unknown operation ${type}/${op}`);
  const q = queryOf(request);
  const result = await observationLastN(repo.context, q);
  return sendFhir(
    request,
    reply,
    200,
    new JsonText(searchsetBundleText(result, { baseUrl: fhirBaseUrl(request), query: q, path: `${type}/${op}` })),
  );
}

export async function instanceOperation(
  repo: FhirRepository,
  type: string,
  id: string,
  op: string,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  if (op === '$validate') return validate(repo, type, id, request, reply);
  if (type !== 'Patient' || op !== '$everything') throw new VitaltwinError('VT_ERR_NOT_FOUND', `unknown operation ${type}/${id}/${op}`);
  const q = queryOf(request);
  const result = await patientEverything(repo.context, id, q);
  return sendFhir(
    request,
    reply,
    200,
    new JsonText(searchsetBundleText(result, { baseUrl: fhirBaseUrl(request), query: q, path: `${type}/${id}/${op}` })),
  );
}

/** `$validate` (FHIR R4 operation-resource-validate.html): 200 with the verdict, valid or not. */
async function validate(repo: FhirRepository, type: string, id: string | undefined, request: FastifyRequest, reply: FastifyReply) {
  if (!isFhirResourceType(type)) throw new VitaltwinError('VT_ERR_NOT_FOUND', `unknown resource type ${type}`);
  if (id !== undefined && !isFhirId(id))
    throw new VitaltwinError('VT_ERR_NOT_FOUND', `${type}/${id.slice(0, 64)} not found: not a FHIR id`);
  const input = parseValidateRequest(type, request.body, queryOf(request));
  const ifMatch = ifMatchOf(request);
  const target = { type, ...(id !== undefined ? { id } : {}), ...(ifMatch !== undefined ? { ifMatch } : {}) };
  return sendFhir(request, reply, 200, await validateResourceOperation(repo, target, input));
}
