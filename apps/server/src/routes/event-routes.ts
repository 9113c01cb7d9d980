import { VitaltwinError } from '@vitaltwin/core';
import type { EventFilter, SequencedEvent, TwinEventType } from '@vitaltwin/platform';
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../server-context.ts';
import { plainQuery } from './plain-query.ts';

const eventTypes: readonly TwinEventType[] = ['reading', 'score', 'alert', 'trial-progress', 'ingest'];
const heartbeatMs = 15_000;

function parseFilter(query: { patient?: string; types?: string }): EventFilter {
  const types = query.types
    ?.split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  const unknown = types?.filter((t) => !eventTypes.includes(t as TwinEventType)) ?? [];
  if (unknown.length > 0) {
    throw new VitaltwinError('VT_ERR_INVALID_INPUT', `unknown event type ${unknown.join(', ')}; use ${eventTypes.join(', ')}`);
  }
  const patientIds = query.patient
    ?.split(',')
    .map((p) => p.trim().replace(/^Patient\//, ''))
    .filter(Boolean);
  return {
    ...(types && types.length > 0 ? { types: types as TwinEventType[] } : {}),
    ...(patientIds && patientIds.length > 0 ? { patientIds } : {}),
  };
}

function frame(event: SequencedEvent): string {
  const { id, type, ...rest } = event;
  return `id: ${id}\nevent: ${type}\ndata: ${JSON.stringify({ type, ...rest })}\n\n`;
}

/**
 * `GET /events?patient=ID[,ID]&types=alert,score`: a Server-Sent Events stream (WHATWG HTML
 * "Server-sent events") of twin events. A client that reconnects with `Last-Event-ID` receives the
 * events it missed, as far back as the bus's replay buffer holds.
 */
export async function eventRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const open = new Set<() => void>();
  // End open streams when the server closes, or close() would wait for them forever.
  app.addHook('preClose', async () => {
    for (const end of open) end();
  });
  app.get('/events', (request, reply) => {
    const filter = parseFilter(plainQuery(request, ['patient', 'types']));
    const lastEventId = Number(request.headers['last-event-id'] ?? Number.NaN);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(': connected\n\n');
    if (Number.isInteger(lastEventId)) {
      for (const event of ctx.events.since(lastEventId, filter)) res.write(frame(event));
    }
    const unsubscribe = ctx.events.subscribe(filter, (event) => {
      res.write(frame(event));
    });
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), heartbeatMs);
    heartbeat.unref();
    const end = () => {
      clearInterval(heartbeat);
      unsubscribe();
      open.delete(end);
      res.end();
    };
    open.add(end);
    request.raw.on('close', end);
  });
}
