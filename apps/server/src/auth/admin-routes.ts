import { isRole, VitaltwinError } from '@vitaltwin/core';
import type { SecurityServices } from '@vitaltwin/platform';
import type { FastifyInstance } from 'fastify';

/**
 * Account administration over HTTP (the CLI does the same on a stopped or PostgreSQL store):
 *  GET /admin/users, POST /admin/users {username, password, role, patient?},
 *  PATCH /admin/users/{username} {disabled}, GET /admin/clients,
 *  POST /admin/clients {role, device?, patient?, scope?} → the secret, shown once,
 *  PATCH /admin/clients/{clientId} {disabled}.
 * Only scopes naming User reach these routes (admin), see route-policies.ts.
 */
function str(body: unknown, key: string): string | undefined {
  const v = body !== null && typeof body === 'object' ? (body as Record<string, unknown>)[key] : undefined;
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function disabledFlag(body: unknown): boolean {
  const v = body !== null && typeof body === 'object' ? (body as Record<string, unknown>).disabled : undefined;
  if (typeof v !== 'boolean') throw new VitaltwinError('VT_ERR_INVALID_INPUT', 'send {"disabled": true|false}');
  return v;
}

function role(body: unknown) {
  const r = str(body, 'role');
  if (!isRole(r)) throw new VitaltwinError('VT_ERR_INVALID_INPUT', 'role must be admin, clinician, patient, researcher or device');
  return r;
}

export async function adminRoutes(app: FastifyInstance, services: SecurityServices): Promise<void> {
  app.get('/admin/users', async () => ({ users: await services.users.list() }));
  app.post('/admin/users', async (request, reply) => {
    const username = str(request.body, 'username');
    const password = str(request.body, 'password');
    if (!username || !password) throw new VitaltwinError('VT_ERR_INVALID_INPUT', 'username and password are required');
    const patientId = str(request.body, 'patient');
    const user = await services.users.add({ username, password, role: role(request.body), ...(patientId ? { patientId } : {}) });
    return reply.code(201).send(user);
  });
  // Disabling ends the subject's access tokens at once (and the user's refresh tokens, UserStore).
  app.patch<{ Params: { username: string } }>('/admin/users/:username', async (request) => {
    const user = await services.users.setDisabled(request.params.username, disabledFlag(request.body));
    if (user.disabled) services.tokens.revokeSubject(`user:${user.id}`);
    return user;
  });
  app.get('/admin/clients', async () => ({ clients: await services.clients.list() }));
  app.post('/admin/clients', async (request, reply) => {
    const deviceId = str(request.body, 'device');
    const patientId = str(request.body, 'patient');
    const scope = str(request.body, 'scope');
    const { client, secret } = await services.clients.add({
      role: role(request.body),
      ...(deviceId ? { deviceId } : {}),
      ...(patientId ? { patientId } : {}),
      ...(scope ? { scope } : {}),
    });
    return reply.code(201).send({ ...client, clientSecret: secret });
  });
  app.patch<{ Params: { clientId: string } }>('/admin/clients/:clientId', async (request) => {
    const client = await services.clients.setDisabled(request.params.clientId, disabledFlag(request.body));
    if (client.disabled) {
      services.tokens.revokeSubject(`client:${client.clientId}`);
      if (client.deviceId !== undefined) services.tokens.revokeSubject(`device:${client.deviceId}`);
    }
    return client;
  });
}
