import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseScopes, roleDefinitions } from '@vitaltwin/core';
import { SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessTokens, parseDurationSec } from './access-tokens.ts';
import { type KeyMaterial, loadKeyMaterial } from './key-material.ts';

describe('access tokens', () => {
  let dir: string;
  let keys: KeyMaterial;
  let now = Date.UTC(2025, 5, 1);
  const clock = () => now;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vt-keys-'));
    keys = await loadKeyMaterial({ dataDir: dir });
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('creates the key files once, readable by the owner only, and reuses them', async () => {
    const info = await stat(join(dir, 'keys', 'jwt-signing-ed25519.pem'));
    expect(info.mode & 0o077).toBe(0);
    expect((await stat(join(dir, 'keys'))).mode & 0o077).toBe(0);
    const again = await loadKeyMaterial({ dataDir: dir });
    expect(again.keyId).toBe(keys.keyId);
    expect(Buffer.from(again.deidentificationSecret).equals(Buffer.from(keys.deidentificationSecret))).toBe(true);
    expect(keys.jwks.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', kid: keys.keyId, alg: 'EdDSA' });
  });

  it('asks once per token whether its subject may still act, and again after revokeSubject', async () => {
    const active = new Map([['user:u7', true]]);
    let asked = 0;
    const tokens = new AccessTokens(keys, clock, {
      isSubjectActive: async (sub) => {
        asked += 1;
        return active.get(sub) ?? true;
      },
    });
    const { token } = await tokens.issue({ sub: 'user:u7', role: 'clinician', scopes: roleDefinitions.clinician.ceiling }, 60);
    expect((await tokens.verify(token)).ok).toBe(true);
    expect((await tokens.verify(token)).ok).toBe(true);
    expect(asked).toBe(1);
    active.set('user:u7', false);
    expect((await tokens.verify(token)).ok).toBe(true);
    tokens.revokeSubject('user:u7');
    expect(tokens.verifyCached(token)).toBeUndefined();
    expect(await tokens.verify(token)).toEqual({ ok: false, reason: 'invalid' });
    expect(asked).toBe(2);
  });

  it('issues a token that verifies to its subject, and expires it', async () => {
    const tokens = new AccessTokens(keys, clock);
    const { token, scope } = await tokens.issue(
      { sub: 'user:u1', role: 'patient', scopes: roleDefinitions.patient.ceiling, patientId: 'p1' },
      60,
    );
    expect(scope).toBe('patient/*.rs patient/Alert.rs patient/Twin.rs patient/Event.rs');
    const check = await tokens.verify(token);
    expect(check).toMatchObject({ ok: true, subject: { id: 'user:u1', role: 'patient', patientId: 'p1' } });
    now += 66_000;
    expect(await tokens.verify(token)).toEqual({ ok: false, reason: 'expired' });
    expect(await new AccessTokens(keys, clock).verify(token)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses tokens signed by another key, unsigned, altered, or of the wrong type', async () => {
    const tokens = new AccessTokens(keys, clock);
    const other = generateKeyPairSync('ed25519').privateKey;
    const payload = { role: 'admin', scope: 'system/*.cruds' };
    const iat = Math.floor(now / 1000);
    const forged = await new SignJWT(payload)
      .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt' })
      .setIssuer('vitaltwin')
      .setAudience('vitaltwin')
      .setSubject('x')
      .setIssuedAt(iat)
      .setExpirationTime(iat + 60)
      .sign(other);
    const unsigned = new UnsecuredJWT(payload)
      .setIssuer('vitaltwin')
      .setAudience('vitaltwin')
      .setSubject('x')
      .setIssuedAt(iat)
      .setExpirationTime(iat + 60)
      .encode();
    const wrongType = await new SignJWT(payload)
      .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT' })
      .setIssuer('vitaltwin')
      .setAudience('vitaltwin')
      .setSubject('x')
      .setIssuedAt(iat)
      .setExpirationTime(iat + 60)
      .sign(keys.signingKey);
    const { token } = await tokens.issue(
      { sub: 'user:u1', role: 'patient', scopes: parseScopes('patient/*.rs').scopes, patientId: 'p1' },
      60,
    );
    const [h, p, s] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    const elevated = `${h}.${Buffer.from(JSON.stringify({ ...claims, role: 'admin', patient: 'p2' })).toString('base64url')}.${s}`;
    for (const bad of [forged, unsigned, wrongType, elevated, '', 'abc', `${token}x`]) {
      expect(await tokens.verify(bad)).toEqual({ ok: false, reason: 'invalid' });
    }
  });

  it('refuses a token whose last character differs from the issued one only in its unused bits', async () => {
    const tokens = new AccessTokens(keys, clock);
    const { token } = await tokens.issue({ sub: 'user:u2', role: 'clinician', scopes: roleDefinitions.clinician.ceiling }, 60);
    // An Ed25519 signature is 64 bytes = 86 base64url characters; the last one carries 2 bits of
    // data and 4 pad bits (RFC 4648 §3.5), so 15 other characters decode to the same signature.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(token.at(-1) as string);
    const spellings = Array.from({ length: 16 }, (_, pad) => `${token.slice(0, -1)}${alphabet[(last & 0b110000) | pad]}`);
    const variants = spellings.filter((t) => t !== token);
    expect(variants).toHaveLength(15);
    for (const variant of variants) {
      expect(Buffer.from(variant.split('.')[2] as string, 'base64url')).toEqual(Buffer.from(token.split('.')[2] as string, 'base64url'));
      expect(await tokens.verify(variant)).toEqual({ ok: false, reason: 'invalid' });
    }
    expect((await tokens.verify(token)).ok).toBe(true);
  });

  it('reads durations', () => {
    expect(parseDurationSec('90')).toBe(90);
    expect(parseDurationSec('15m')).toBe(900);
    expect(parseDurationSec('1h')).toBe(3600);
    expect(parseDurationSec('7d')).toBe(604_800);
    expect(parseDurationSec('0')).toBeUndefined();
    expect(parseDurationSec('1y')).toBeUndefined();
  });
});
