import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { installSecurity } from './auth/install-security.ts';
import { installErrorHandler } from './error-handler.ts';
import { registerRoutes } from './routes/index.ts';
import type { ServerContext } from './server-context.ts';

/** Builds the HTTP application without listening, so tests can drive it with inject() or a port. */
export async function buildApp(
  ctx: ServerContext,
  logger: Logger,
  options: { https?: { cert: Buffer; key: Buffer } } = {},
): Promise<FastifyInstance> {
  const app = Fastify({
    ...(options.https ? { https: options.https } : {}),
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: 50 * 1024 * 1024,
    // Request ids are generated, never taken from the client, and logs carry no bodies (no PHI).
    genReqId: (() => {
      let n = 0;
      return () => `req-${(++n).toString(36)}`;
    })(),
  });
  installErrorHandler(app);
  await installSecurity(app, ctx);
  await registerRoutes(app, ctx);
  return app;
}
