import { capabilityStatement, type FhirRepository, parseHistoryRequest } from '@vitaltwin/platform';
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../server-context.ts';
import { fhirBaseUrl, preferOf, queryOf, sendFhir } from './fhir-http.ts';
import { fhirResourceRoutes } from './fhir-resource-routes.ts';

/**
 * The FHIR R4 REST API under `/fhir` (FHIR R4 http.html), on Vitaltwin's own storage: the
 * CapabilityStatement, batch/transaction Bundles and system history here; resource interactions
 * and search in fhir-resource-routes.ts; operations in fhir-operation-routes.ts. Errors become
 * OperationOutcomes through the shared error handler.
 */
export async function fhirRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const repo = ctx.fhir;
  const startedAt = new Date(ctx.startedAtMs).toISOString();
  await app.register(
    async (fhir) => {
      // FHIR JSON and JSON Patch bodies are JSON (application/json+fhir is the DSTU2 name older
      // clients still send); form posts carry search parameters (POST _search).
      // An empty body (a DELETE sent with a JSON content type) parses as no body.
      const json = fhir.getDefaultJsonParser('error', 'error');
      fhir.removeContentTypeParser('application/json');
      fhir.addContentTypeParser(
        ['application/json', 'application/fhir+json', 'application/json+fhir', 'application/json-patch+json'],
        { parseAs: 'string' },
        (request, body, done) => (body === '' ? done(null, undefined) : json(request, body as string, done)),
      );
      fhir.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, body));

      fhir.get('/metadata', async (request, reply) =>
        sendFhir(
          request,
          reply,
          200,
          capabilityStatement({ baseUrl: fhirBaseUrl(request), softwareVersion: ctx.version, date: startedAt }),
        ),
      );

      fhir.post('/', async (request, reply) => {
        const bundle = await repo.processBundle(request.body, {
          baseUrl: fhirBaseUrl(request),
          representation: preferOf(request).return === 'representation',
        });
        return sendFhir(request, reply, 200, bundle);
      });

      fhir.get('/_history', async (request, reply) => {
        const q = queryOf(request);
        return sendFhir(request, reply, 200, await historyBundle(repo, request, q));
      });

      await fhirResourceRoutes(fhir, repo);
    },
    { prefix: '/fhir' },
  );
}

/** A history Bundle (R4 http.html 3.1.0.4 "history"): newest first, deletions as DELETE entries. */
export async function historyBundle(
  repo: FhirRepository,
  request: Parameters<typeof fhirBaseUrl>[0],
  q: URLSearchParams,
  type?: string,
  id?: string,
): Promise<unknown> {
  const { count, offset, sinceMs } = parseHistoryRequest(q);
  const base = fhirBaseUrl(request);
  const { total, entries } = await repo.history({
    ...(type ? { type } : {}),
    ...(id ? { id } : {}),
    ...(sinceMs !== undefined ? { sinceMs } : {}),
    count,
    offset,
  });
  const path = [type, id, '_history'].filter((s) => s !== undefined).join('/');
  const link = (o: number) => {
    const p = new URLSearchParams(q);
    p.set('_count', String(count));
    p.set('_offset', String(o));
    return `${base}/${path}?${p.toString()}`;
  };
  return {
    resourceType: 'Bundle',
    type: 'history',
    total,
    link: [
      { relation: 'self', url: link(offset) },
      ...(count > 0 && offset + count < total ? [{ relation: 'next', url: link(offset + count) }] : []),
      ...(offset > 0 && count > 0 ? [{ relation: 'previous', url: link(Math.max(0, offset - count)) }] : []),
    ],
    entry: entries.map((e) => ({
      fullUrl: `${base}/${e.resourceType}/${e.id}`,
      ...(e.resource ? { resource: e.resource } : {}),
      request: { method: e.method, url: e.method === 'POST' ? e.resourceType : `${e.resourceType}/${e.id}` },
      response: {
        status: e.method === 'DELETE' ? '204' : e.versionId === 1 ? '201' : '200',
        etag: `W/"${e.versionId}"`,
        lastModified: e.lastUpdated,
      },
    })),
  };
}
