import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../server-context.ts';

/** `GET /healthz`: liveness plus the facts an operator checks first. */
export async function healthRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.get('/healthz', async (_request, reply) => {
    let database: { engine: string; version?: string; ok: boolean };
    try {
      database = { engine: ctx.db.engine, version: await ctx.db.serverVersion(), ok: true };
    } catch {
      database = { engine: ctx.db.engine, ok: false };
    }
    reply.code(database.ok ? 200 : 503);
    return {
      status: database.ok ? 'ok' : 'degraded',
      version: ctx.version,
      database,
      uptimeSeconds: Math.round((Date.now() - ctx.startedAtMs) / 1000),
    };
  });
}
