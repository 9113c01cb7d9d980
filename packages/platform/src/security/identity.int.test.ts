import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlClient } from '../store/sql-client.ts';
import { testEngines } from '../testing/test-databases.ts';
import { ClientStore } from './client-store.ts';
import { RefreshTokens } from './refresh-tokens.ts';
import { bootstrapAdmin } from './security-services.ts';
import { UserStore } from './user-store.ts';

const engines = await testEngines('users, clients and refresh tokens');

describe.each(engines)('identity store on $name', (engine) => {
  let db: SqlClient;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ db, dispose } = await engine.open());
  });
  afterAll(async () => dispose());

  it('bootstraps one admin on an empty store and never again', async () => {
    const users = new UserStore(db);
    const first = await bootstrapAdmin(users);
    expect(first?.username).toBe('admin');
    expect(first?.password.length).toBeGreaterThanOrEqual(20);
    expect(await bootstrapAdmin(users)).toBeUndefined();
    const stored = await db.query<{ password_hash: string }>("SELECT password_hash FROM app_user WHERE username = 'admin'");
    expect(stored[0]?.password_hash).toMatch(/^\$argon2id\$/);
    expect(stored[0]?.password_hash).not.toContain(first?.password);
    expect(await users.authenticate('ADMIN', first?.password as string)).toMatchObject({ role: 'admin' });
  });

  it('adds, authenticates, lists and disables users', async () => {
    const users = new UserStore(db);
    await users.add({ username: 'pat', password: 'correct horse battery', role: 'patient', patientId: 'p1' });
    await expect(users.add({ username: 'Pat', password: 'correct horse battery', role: 'clinician' })).rejects.toThrow(/already exists/);
    await expect(users.add({ username: 'short', password: 'too short', role: 'clinician' })).rejects.toThrow(/at least 12/);
    await expect(users.add({ username: 'nopatient', password: 'long enough password', role: 'patient' })).rejects.toThrow(/--patient/);
    expect(await users.authenticate('pat', 'correct horse battery')).toMatchObject({ role: 'patient', patientId: 'p1' });
    expect(await users.authenticate('pat', 'wrong password!!')).toBeUndefined();
    expect(await users.authenticate('nobody', 'correct horse battery')).toBeUndefined();
    expect((await users.list()).map((u) => u.username)).toEqual(['admin', 'pat']);
    await users.setDisabled('pat', true);
    expect(await users.authenticate('pat', 'correct horse battery')).toBeUndefined();
    await users.setDisabled('pat', false);
  });

  it('rotates refresh tokens and revokes the family when a spent token comes back', async () => {
    const users = new UserStore(db);
    const user = await users.add({ username: 'clin', password: 'a long clinician password', role: 'clinician' });
    const refresh = new RefreshTokens(db);
    const t0 = await refresh.issue(user.id, 'user/*.cruds');
    const r1 = await refresh.rotate(t0);
    expect(r1).toMatchObject({ ok: true, userId: user.id, scope: 'user/*.cruds' });
    const t1 = (r1 as { refreshToken: string }).refreshToken;
    expect(await refresh.rotate(t0)).toEqual({ ok: false, reason: 'reused' });
    // The thief's replay also killed the legitimate successor.
    expect(await refresh.rotate(t1)).toEqual({ ok: false, reason: 'revoked' });
    expect(await refresh.rotate('garbage')).toEqual({ ok: false, reason: 'invalid' });
    const t2 = await refresh.issue(user.id, 'user/*.cruds');
    expect(await refresh.rotate(`${t2.slice(0, -1)}${t2.endsWith('A') ? 'B' : 'A'}`)).toEqual({ ok: false, reason: 'invalid' });
    await users.setDisabled('clin', true);
    expect(await refresh.rotate(t2)).toEqual({ ok: false, reason: 'revoked' });
    const expired = new RefreshTokens(db, { ttlSec: 1, nowMs: () => Date.now() + 5000 });
    await users.setDisabled('clin', false);
    const t3 = await new RefreshTokens(db, { ttlSec: 1 }).issue(user.id, 'user/*.cruds');
    expect(await expired.rotate(t3)).toEqual({ ok: false, reason: 'expired' });
  });

  it('creates device clients bound to one device, with scopes cut to the role', async () => {
    const clients = new ClientStore(db);
    const { client, secret } = await clients.add({ role: 'device', deviceId: 'cgm-1' });
    expect(client).toMatchObject({ role: 'device', deviceId: 'cgm-1', scope: 'system/DeviceReading.c' });
    await expect(clients.add({ role: 'device', deviceId: 'cgm-1' })).rejects.toThrow(/already has a client/);
    await expect(clients.add({ role: 'device' })).rejects.toThrow(/--device/);
    await expect(clients.add({ role: 'clinician', scope: 'system/AuditEvent.rs' })).rejects.toThrow(/none of the requested scopes/);
    expect(await clients.authenticate(client.clientId, secret)).toMatchObject({ deviceId: 'cgm-1' });
    expect(await clients.authenticate(client.clientId, `${secret}x`)).toBeUndefined();
    expect(await clients.authenticateDevice('cgm-1', secret)).toMatchObject({ clientId: client.clientId });
    expect(await clients.authenticateDevice('cgm-2', secret)).toBeUndefined();
    await clients.setDisabled(client.clientId, true);
    expect(await clients.authenticateDevice('cgm-1', secret)).toBeUndefined();
    const stored = await db.query<{ secret_hash: string }>('SELECT secret_hash FROM oauth_client');
    expect(JSON.stringify(stored)).not.toContain(secret);
  });
});
