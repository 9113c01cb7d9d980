import { VitaltwinError } from '@vitaltwin/core';
import { type FhirRepository, isFhirResourceType, searchsetBundleText } from '@vitaltwin/platform';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { notModified } from './conditional-read.ts';
import { fhirBaseUrl, ifMatchOf, informational, JsonText, preferOf, queryOf, sendFhir, sendWritten, versionHeaders } from './fhir-http.ts';
import { instanceOperation, systemOperation, typeOperation } from './fhir-operation-routes.ts';
import { historyBundle } from './fhir-routes.ts';

/**
 * Resource interactions (FHIR R4 http.html): read, vread, create (also conditional, If-None-Exist),
 * update (create-on-update, If-Match, conditional), patch (JSON Patch), delete (also conditional),
 * instance and type history, and search by GET or POST `_search`. Path segments starting with `$`
 * are operations and go to fhir-operation-routes.ts.
 */
type Params = { type: string; id?: string; vid?: string; op?: string };

export async function fhirResourceRoutes(app: FastifyInstance, repo: FhirRepository): Promise<void> {
  app.get<{ Params: Params }>('/:type', async (request, reply) => {
    const { type } = request.params;
    requireType(type);
    return search(repo, request, reply, type, queryOf(request));
  });

  app.post<{ Params: Params }>('/:type/_search', async (request, reply) => {
    const { type } = request.params;
    requireType(type);
    const form = typeof request.body === 'string' ? new URLSearchParams(request.body) : new URLSearchParams();
    const q = queryOf(request);
    for (const [k, v] of form) q.append(k, v);
    return search(repo, request, reply, type, q);
  });

  app.post<{ Params: Params }>('/:type', async (request, reply) => {
    const { type } = request.params;
    if (type.startsWith('$')) return systemOperation(repo, type, request, reply);
    requireType(type);
    const ifNoneExist = request.headers['if-none-exist'];
    const { result, written } = await repo.create(type, request.body, typeof ifNoneExist === 'string' ? ifNoneExist : undefined);
    const resource = result.resource;
    if (resource) versionHeaders(reply, resource);
    reply.header('location', `${fhirBaseUrl(request)}/${type}/${result.id}/_history/${result.versionId}`);
    return sendWritten(
      request,
      reply,
      written ? 201 : 200,
      resource,
      written ? `created ${type}/${result.id}` : `${type}/${result.id} already exists`,
    );
  });

  app.put<{ Params: Params }>('/:type', async (request, reply) => {
    const { type } = request.params;
    requireType(type);
    const criteria = queryOf(request).toString();
    if (criteria === '') throw new VitaltwinError('VT_ERR_INVALID_INPUT', 'PUT on a type needs search criteria (conditional update)');
    const { result } = await repo.conditionalUpdate(type, criteria, request.body);
    return written(request, reply, result.outcome === 'created' ? 201 : 200, result.resource);
  });

  app.delete<{ Params: Params }>('/:type', async (request, reply) => {
    const { type } = request.params;
    requireType(type);
    const criteria = queryOf(request).toString();
    if (criteria === '') throw new VitaltwinError('VT_ERR_INVALID_INPUT', 'DELETE on a type needs search criteria (conditional delete)');
    const result = await repo.conditionalDelete(type, criteria);
    return sendFhir(request, reply, 200, informational(result ? `deleted ${type}/${result.id}` : 'no resource matched; nothing deleted'));
  });

  app.get<{ Params: Params }>('/:type/_history', async (request, reply) => {
    requireType(request.params.type);
    return sendFhir(request, reply, 200, await historyBundle(repo, request, queryOf(request), request.params.type));
  });

  app.get<{ Params: Params }>('/:type/:id', async (request, reply) => {
    const { type, id = '' } = request.params;
    if (id.startsWith('$')) return typeOperation(repo, type, id, request, reply);
    requireType(type);
    const { json, meta } = await repo.readJson(type, id);
    versionHeaders(reply, { meta });
    if (notModified(request, meta)) return reply.code(304).send();
    return sendFhir(request, reply, 200, new JsonText(json.text));
  });

  app.post<{ Params: Params }>('/:type/:id', async (request, reply) => {
    const { type, id = '' } = request.params;
    if (id.startsWith('$')) return typeOperation(repo, type, id, request, reply);
    throw new VitaltwinError('VT_ERR_INVALID_INPUT', 'POST to a resource id is not an interaction; use PUT to update');
  });

  app.put<{ Params: Params }>('/:type/:id', async (request, reply) => {
    const { type, id = '' } = request.params;
    requireType(type);
    const { result } = await repo.update(type, id, request.body, ifMatchOf(request));
    if (result.outcome === 'created') reply.header('location', `${fhirBaseUrl(request)}/${type}/${id}/_history/${result.versionId}`);
    return written(request, reply, result.outcome === 'created' ? 201 : 200, result.resource);
  });

  app.patch<{ Params: Params }>('/:type/:id', async (request, reply) => {
    const { type, id = '' } = request.params;
    requireType(type);
    const contentType = request.headers['content-type'] ?? '';
    if (!contentType.includes('json-patch+json')) {
      throw new VitaltwinError('VT_ERR_NOT_SUPPORTED', 'PATCH accepts application/json-patch+json (RFC 6902) only');
    }
    const { result } = await repo.patch(type, id, request.body, ifMatchOf(request));
    return written(request, reply, 200, result.resource);
  });

  app.delete<{ Params: Params }>('/:type/:id', async (request, reply) => {
    const { type, id = '' } = request.params;
    requireType(type);
    const result = await repo.delete(type, id, ifMatchOf(request));
    if (result.versionId > 0) reply.header('etag', `W/"${result.versionId}"`);
    return sendFhir(
      request,
      reply,
      200,
      informational(result.outcome === 'deleted' ? `deleted ${type}/${id}` : `${type}/${id} did not exist`),
    );
  });

  app.get<{ Params: Params }>('/:type/:id/_history', async (request, reply) => {
    const { type, id = '' } = request.params;
    requireType(type);
    return sendFhir(request, reply, 200, await historyBundle(repo, request, queryOf(request), type, id));
  });

  app.get<{ Params: Params }>('/:type/:id/_history/:vid', async (request, reply) => {
    const { type, id = '', vid = '' } = request.params;
    requireType(type);
    const resource = await repo.vread(type, id, vid);
    versionHeaders(reply, resource);
    return sendFhir(request, reply, 200, resource);
  });

  const instanceOp = async (request: FastifyRequest<{ Params: Params }>, reply: FastifyReply) => {
    const { type, id = '', op = '' } = request.params;
    if (!op.startsWith('$')) throw new VitaltwinError('VT_ERR_NOT_FOUND', `no route for ${request.method} ${request.url.split('?')[0]}`);
    return instanceOperation(repo, type, id, op, request, reply);
  };
  app.get<{ Params: Params }>('/:type/:id/:op', instanceOp);
  app.post<{ Params: Params }>('/:type/:id/:op', instanceOp);
}

async function search(repo: FhirRepository, request: FastifyRequest, reply: FastifyReply, type: string, q: URLSearchParams) {
  const baseUrl = fhirBaseUrl(request);
  const result = await repo.search(type, q, { baseUrl, strict: preferOf(request).handling === 'strict' });
  return sendFhir(request, reply, 200, new JsonText(searchsetBundleText(result, { baseUrl, query: q, path: type })));
}

function written(request: FastifyRequest, reply: FastifyReply, status: number, resource: Parameters<typeof versionHeaders>[1] | undefined) {
  if (resource) versionHeaders(reply, resource);
  return sendWritten(request, reply, status, resource as Parameters<typeof sendWritten>[3], status === 201 ? 'created' : 'updated');
}

function requireType(type: string): void {
  if (!isFhirResourceType(type)) throw new VitaltwinError('VT_ERR_NOT_FOUND', `unknown resource type ${type}`);
}
