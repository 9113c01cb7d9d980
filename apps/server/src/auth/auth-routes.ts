import {
  type AuditRecord,
  effectiveScopes,
  parseScopes,
  type ResourceScope,
  type Role,
  roleDefinitions,
  type Scope,
  scopeCovers,
} from '@vitaltwin/core';
import type { SecurityServices } from '@vitaltwin/platform';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ServerSecurity } from './server-security.ts';
import { TokenBucketLimiter } from './token-bucket.ts';

/**
 * Getting tokens (OAuth 2.0, RFC 6749):
 *  POST /auth/login    {username, password[, scope]} → access + refresh token (people)
 *  POST /auth/token    grant_type=client_credentials (client_secret_basic or _post, §4.4)
 *                      grant_type=refresh_token (§6)
 *  POST /auth/refresh  {refresh_token} → rotated pair
 *  GET  /.well-known/jwks.json, /.well-known/smart-configuration
 * Bodies may be JSON or application/x-www-form-urlencoded. Errors use the OAuth error format
 * (§5.2), responses carry Cache-Control: no-store (§5.1). Attempts are rate-limited per client
 * address and per username / client id, and every attempt is audited.
 */
type Fields = Record<string, string>;

function fields(body: unknown): Fields {
  const out: Fields = {};
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return out;
  for (const [k, v] of Object.entries(body)) if (typeof v === 'string') out[k] = v;
  return out;
}

function oauthError(reply: FastifyReply, status: number, error: string, description: string): FastifyReply {
  return reply.code(status).header('Cache-Control', 'no-store').send({ error, error_description: description });
}

/** client_secret_basic: `Basic base64(urlencode(id):urlencode(secret))` (RFC 6749 §2.3.1). */
function basicCredentials(request: FastifyRequest): { id: string; secret: string } | undefined {
  const m = /^Basic +([A-Za-z0-9+/]+=*)$/i.exec(request.headers.authorization ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  try {
    return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}

export async function authRoutes(app: FastifyInstance, security: ServerSecurity, services: SecurityServices): Promise<void> {
  const perAddress = new TokenBucketLimiter({ capacity: 20, refillPerSec: 1 / 3 });
  const perAccount = new TokenBucketLimiter({ capacity: 5, refillPerSec: 1 / 30 });
  const ttl = security.config.accessTokenTtlSec;

  const audit = (request: FastifyRequest, record: Omit<AuditRecord, 'recordedMs' | 'source'>) =>
    security.audit.record({ ...record, recordedMs: Date.now(), source: request.ip }).catch((error: unknown) => {
      request.log.error({ err: error }, 'audit write failed');
    });

  const limited = (reply: FastifyReply, request: FastifyRequest, account: string): FastifyReply | undefined => {
    const wait = Math.max(perAddress.take(request.ip), perAccount.take(account.toLowerCase().slice(0, 128)));
    if (wait === 0) return undefined;
    reply.header('Retry-After', String(wait));
    return oauthError(reply, 429, 'slow_down', `too many attempts; retry in ${wait} s`);
  };

  /** Requested scopes (all allowed ones when none are asked for), cut to the role and to what is allowed. */
  const grant = (role: Role, requested: string | undefined, allowed: readonly ResourceScope[]): Scope[] | undefined => {
    const wanted = requested === undefined || requested.trim() === '' ? allowed : parseScopes(requested).scopes;
    const kept = effectiveScopes(role, wanted).filter((s) => allowed.some((a) => scopeCovers(a, s)));
    return kept.length > 0 ? kept : undefined;
  };

  const tokenResponse = (reply: FastifyReply, body: Record<string, unknown>) =>
    reply.header('Cache-Control', 'no-store').header('Pragma', 'no-cache').send(body);

  await app.register(async (scope) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    });

    scope.post('/auth/login', async (request, reply) => {
      const { username, password, scope: requested } = fields(request.body);
      if (!username || !password) return oauthError(reply, 400, 'invalid_request', 'username and password are required');
      const slow = limited(reply, request, `user:${username}`);
      if (slow) return slow;
      const user = await services.users.authenticate(username, password);
      if (user === undefined) {
        await audit(request, {
          actor: 'anonymous',
          action: 'login',
          entity: `username:${username.slice(0, 64)}`,
          outcome: 'denied',
          detail: 'invalid credentials',
        });
        return oauthError(reply, 401, 'invalid_grant', 'invalid username or password');
      }
      const scopes = grant(user.role, requested, roleDefinitions[user.role].ceiling);
      const actor = `user:${user.id}`;
      if (scopes === undefined) {
        await audit(request, { actor, role: user.role, action: 'login', outcome: 'denied', detail: 'no requested scope allowed' });
        return oauthError(reply, 400, 'invalid_scope', `none of the requested scopes is allowed for role ${user.role}`);
      }
      const access = await services.tokens.issue(
        { sub: actor, role: user.role, scopes, ...(user.patientId ? { patientId: user.patientId } : {}) },
        ttl,
      );
      const refreshToken = await services.refreshTokens.issue(user.id, access.scope);
      await audit(request, {
        actor,
        role: user.role,
        action: 'login',
        outcome: 'success',
        ...(user.patientId ? { patientId: user.patientId } : {}),
      });
      return tokenResponse(reply, {
        access_token: access.token,
        token_type: 'Bearer',
        expires_in: access.expiresInSec,
        refresh_token: refreshToken,
        scope: access.scope,
        ...(user.patientId ? { patient: user.patientId } : {}),
      });
    });

    const refresh = async (request: FastifyRequest, reply: FastifyReply, presented: string | undefined) => {
      if (!presented) return oauthError(reply, 400, 'invalid_request', 'refresh_token is required');
      const slow = limited(reply, request, `refresh:${presented.slice(0, 16)}`);
      if (slow) return slow;
      const outcome = await services.refreshTokens.rotate(presented);
      const user = outcome.ok ? await services.users.byId(outcome.userId) : undefined;
      if (!outcome.ok || user === undefined || user.disabled) {
        await audit(request, {
          actor: 'anonymous',
          action: 'token',
          outcome: 'denied',
          detail: `refresh token ${outcome.ok ? 'revoked' : outcome.reason}`,
        });
        return oauthError(reply, 400, 'invalid_grant', 'the refresh token is invalid, expired or revoked');
      }
      const scopes = effectiveScopes(user.role, parseScopes(outcome.scope).scopes);
      const actor = `user:${user.id}`;
      const access = await services.tokens.issue(
        { sub: actor, role: user.role, scopes, ...(user.patientId ? { patientId: user.patientId } : {}) },
        ttl,
      );
      await audit(request, { actor, role: user.role, action: 'token', outcome: 'success', detail: 'refresh' });
      return tokenResponse(reply, {
        access_token: access.token,
        token_type: 'Bearer',
        expires_in: access.expiresInSec,
        refresh_token: outcome.refreshToken,
        scope: access.scope,
        ...(user.patientId ? { patient: user.patientId } : {}),
      });
    };

    scope.post('/auth/refresh', async (request, reply) => refresh(request, reply, fields(request.body).refresh_token));

    scope.post('/auth/token', async (request, reply) => {
      const body = fields(request.body);
      if (body.grant_type === 'refresh_token') return refresh(request, reply, body.refresh_token);
      if (body.grant_type !== 'client_credentials') {
        return oauthError(reply, 400, 'unsupported_grant_type', 'grant_type must be client_credentials or refresh_token');
      }
      const basic = basicCredentials(request);
      const id = basic?.id ?? body.client_id;
      const secret = basic?.secret ?? body.client_secret;
      if (!id || !secret) return oauthError(reply, 401, 'invalid_client', 'client authentication is required');
      const slow = limited(reply, request, `client:${id}`);
      if (slow) return slow;
      const client = await services.clients.authenticate(id, secret);
      if (client === undefined) {
        await audit(request, {
          actor: 'anonymous',
          action: 'token',
          entity: `client:${id.slice(0, 64)}`,
          outcome: 'denied',
          detail: 'invalid client',
        });
        if (basic) reply.header('WWW-Authenticate', 'Basic realm="vitaltwin"');
        return oauthError(reply, 401, 'invalid_client', 'unknown client or wrong secret');
      }
      const scopes = grant(client.role, body.scope, effectiveScopes(client.role, parseScopes(client.scope).scopes));
      const actor = client.deviceId !== undefined ? `device:${client.deviceId}` : `client:${client.clientId}`;
      if (scopes === undefined) {
        await audit(request, { actor, role: client.role, action: 'token', outcome: 'denied', detail: 'no requested scope allowed' });
        return oauthError(reply, 400, 'invalid_scope', 'none of the requested scopes is granted to this client');
      }
      const access = await services.tokens.issue(
        {
          sub: actor,
          role: client.role,
          scopes,
          ...(client.patientId ? { patientId: client.patientId } : {}),
          ...(client.deviceId ? { deviceId: client.deviceId } : {}),
        },
        ttl,
      );
      await audit(request, { actor, role: client.role, action: 'token', outcome: 'success' });
      return tokenResponse(reply, {
        access_token: access.token,
        token_type: 'Bearer',
        expires_in: access.expiresInSec,
        scope: access.scope,
      });
    });
  });

  app.get('/.well-known/jwks.json', async (_request, reply) =>
    reply.header('Cache-Control', 'public, max-age=300').send(services.keys.jwks),
  );
  // SMART App Launch 2.0 §"Conformance": what this server supports.
  app.get('/.well-known/smart-configuration', async () => ({
    token_endpoint: '/auth/token',
    grant_types_supported: ['client_credentials', 'refresh_token'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    scopes_supported: ['patient/*.rs', 'user/*.cruds', 'system/*.cruds', 'offline_access'],
    capabilities: ['client-confidential-symmetric', 'permission-v1', 'permission-v2', 'context-standalone-patient'],
    jwks_uri: '/.well-known/jwks.json',
  }));
}
