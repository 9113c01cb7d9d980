import { VitaltwinError } from '@vitaltwin/core';
import { deadLetterReasons, ingestHttpItems, isDeadLetterReason, ndjsonLines } from '@vitaltwin/platform';
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../server-context.ts';
import { plainQuery } from './plain-query.ts';

const ndjsonTypes = ['application/x-ndjson', 'application/ndjson', 'application/jsonl'];

/**
 * Device ingest over HTTP (docs/ingest.md):
 * - `POST /ingest`: NDJSON (one item a line) or a JSON array of items; 200 with one result per item
 *   (stored / duplicate / partial / dead-lettered) once everything is durable; 503 when the
 *   database is unavailable (retrying the same body is safe: stored readings come back as duplicates).
 * - `GET /ingest/dead-letters?limit=&reason=&device=&before=`: newest dead letters first.
 * - `GET /ingest/dead-letters/summary`: stored dead letters per reason.
 */
export async function ingestRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  for (const type of ndjsonTypes) {
    if (!app.hasContentTypeParser(type)) app.addContentTypeParser(type, { parseAs: 'string' }, (_request, body, done) => done(null, body));
  }

  // A Device written through the FHIR API may change a binding: forget it (a whole Bundle or a
  // conditional write: forget all), so the next message is bound from the stored Device.
  app.addHook('onResponse', async (request, reply) => {
    if (reply.statusCode >= 300 || request.method === 'GET' || request.method === 'HEAD') return;
    const path = request.url.split('?')[0] ?? '';
    const device = /^\/fhir\/Device(?:\/([A-Za-z0-9\-.]{1,64}))?\/?$/.exec(path);
    if (device) ctx.ingest.bindings.invalidate(device[1]);
    else if (path === '/fhir' || path === '/fhir/') ctx.ingest.bindings.invalidate();
  });

  app.post('/ingest', async (request) => {
    const body = request.body;
    let items: unknown[];
    if (typeof body === 'string') items = ndjsonLines(body);
    else if (Array.isArray(body)) items = body;
    else if (typeof body === 'object' && body !== null) items = [body];
    else throw new VitaltwinError('VT_ERR_INVALID_INPUT', 'send NDJSON (application/x-ndjson) or a JSON array of items');
    if (items.length === 0) throw new VitaltwinError('VT_ERR_INVALID_INPUT', 'the body holds no items');
    try {
      return await ingestHttpItems(ctx.ingest, items, Date.now());
    } catch (error) {
      request.log.error({ err: error }, 'device ingest could not store');
      throw new VitaltwinError('VT_ERR_STORAGE', 'device readings could not be stored; retry later (the same body may be sent again)');
    }
  });

  app.get('/ingest/dead-letters', async (request) => {
    const query = plainQuery(request, ['limit', 'reason', 'device', 'before']);
    const limit = query.limit === undefined ? 100 : Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      throw new VitaltwinError('VT_ERR_INVALID_INPUT', 'limit must be a whole number from 1 to 1000');
    if (query.reason !== undefined && !isDeadLetterReason(query.reason)) {
      throw new VitaltwinError('VT_ERR_INVALID_INPUT', `unknown reason; use one of ${deadLetterReasons.join(', ')}`);
    }
    const before = query.before === undefined ? undefined : Number(query.before);
    if (before !== undefined && !(Number.isInteger(before) && before > 0))
      throw new VitaltwinError('VT_ERR_INVALID_INPUT', 'before must be a dead-letter id');
    const letters = await ctx.ingest.deadLetters.list({
      limit,
      ...(query.reason !== undefined && isDeadLetterReason(query.reason) ? { reason: query.reason } : {}),
      ...(query.device !== undefined ? { deviceId: query.device } : {}),
      ...(before !== undefined ? { beforeId: before } : {}),
    });
    const last = letters.at(-1);
    return {
      deadLetters: letters.map((l) => ({
        id: l.id,
        receivedAt: new Date(l.receivedAtMs).toISOString(),
        transport: l.transport,
        topic: l.topic,
        deviceId: l.deviceId,
        reason: l.reason,
        detail: l.detail,
        sample: l.sampleIndex,
        payload: l.payload,
      })),
      ...(letters.length === limit && last !== undefined
        ? { next: `/ingest/dead-letters?limit=${limit}&before=${last.id}${query.reason ? `&reason=${query.reason}` : ''}` }
        : {}),
    };
  });

  app.get('/ingest/dead-letters/summary', async () => ({ byReason: await ctx.ingest.deadLetters.countByReason() }));
}
