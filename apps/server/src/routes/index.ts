import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../server-context.ts';
import { alertRoutes } from './alert-routes.ts';
import { bulkExportRoutes } from './bulk-export-routes.ts';
import { eventRoutes } from './event-routes.ts';
import { fhirRoutes } from './fhir-routes.ts';
import { healthRoutes } from './health-routes.ts';
import { ingestRoutes } from './ingest-routes.ts';
import { metricsRoutes } from './metrics-routes.ts';
import { trialRoutes } from './trial-routes.ts';
import { twinRoutes } from './twin-routes.ts';
import { wardRoutes } from './ward-routes.ts';
import { webRoutes } from './web-routes.ts';

/** Every route family registers here, one line each. */
export async function registerRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  await healthRoutes(app, ctx);
  await fhirRoutes(app, ctx);
  await bulkExportRoutes(app, ctx);
  await ingestRoutes(app, ctx);
  await metricsRoutes(app, ctx);
  await eventRoutes(app, ctx);
  await alertRoutes(app, ctx);
  await trialRoutes(app, ctx);
  await twinRoutes(app, ctx);
  await wardRoutes(app, ctx);
  await webRoutes(app, ctx);
}
