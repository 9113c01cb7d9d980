import { VitaltwinError } from '@vitaltwin/core';
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../server-context.ts';
import { adminRoutes } from './admin-routes.ts';
import { auditRoutes } from './audit-routes.ts';
import { installAuthHooks } from './auth-hooks.ts';
import { authRoutes } from './auth-routes.ts';
import { securityHeaders } from './security-headers.ts';

/**
 * Wires security into the app, before any route family registers: headers and CORS, the
 * enforcement hooks, and the routes this module owns (/auth, /.well-known, /audit, /admin).
 */
export async function installSecurity(app: FastifyInstance, ctx: Pick<ServerContext, 'config' | 'db' | 'security'>): Promise<void> {
  const security = ctx.security;
  if (security === undefined) {
    if (ctx.config.security.auth === 'on')
      throw new VitaltwinError('VT_ERR_CONFIG', 'auth is on but the server context has no security services');
    return;
  }
  const headers = securityHeaders({ tls: ctx.config.security.tlsCertFile !== undefined, corsOrigins: ctx.config.security.corsOrigins });
  installAuthHooks(app, ctx.db, security, headers);
  await auditRoutes(app, ctx);
  if (security.services !== undefined) {
    await authRoutes(app, security, security.services);
    await adminRoutes(app, security.services);
  }
}
