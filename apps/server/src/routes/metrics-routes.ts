import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../server-context.ts';

/** `GET /metrics`: Prometheus text exposition format 0.0.4 (ingest counters; other families add theirs here). */
export async function metricsRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.get('/metrics', async (_request, reply) => {
    reply.type('text/plain; version=0.0.4; charset=utf-8');
    return ctx.ingest.metrics.renderPrometheus();
  });
}
