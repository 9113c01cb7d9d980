import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../server-context.ts';
import { eventRoutes } from './event-routes.ts';
import { healthRoutes } from './health-routes.ts';

/** Every route family registers here, one line each. */
export async function registerRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  await healthRoutes(app, ctx);
  await eventRoutes(app, ctx);
}
