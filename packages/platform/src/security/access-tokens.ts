import { randomBytes } from 'node:crypto';
import { formatScope, isRole, parseScopes, type Role, type Scope, type Subject } from '@vitaltwin/core';
import { errors, jwtVerify, SignJWT } from 'jose';
import type { KeyMaterial } from './key-material.ts';

/**
 * Short-lived access tokens: JWTs (RFC 7519) signed with EdDSA/Ed25519 (RFC 8037), typed
 * `at+jwt` (RFC 9068). Claims: sub (the audit identity), role, scope (SMART, space-separated),
 * patient (SMART launch context) and device (for device tokens). Verification checks signature,
 * algorithm, type, issuer, audience and expiry; a verified token is remembered until it expires, so
 * the hot path of a request is one map lookup.
 */
export const tokenIssuer = 'vitaltwin';
export const tokenAudience = 'vitaltwin';
const clockToleranceSec = 5;

export interface TokenClaims {
  readonly sub: string;
  readonly role: Role;
  readonly scopes: readonly Scope[];
  readonly patientId?: string;
  readonly deviceId?: string;
}

export interface IssuedToken {
  readonly token: string;
  readonly expiresInSec: number;
  readonly scope: string;
}

export type TokenCheck = { readonly ok: true; readonly subject: Subject } | { readonly ok: false; readonly reason: 'invalid' | 'expired' };

interface CacheEntry {
  readonly subject: Subject;
  readonly expMs: number;
}

export class AccessTokens {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly maxCache: number;

  private readonly isSubjectActive: ((sub: string) => Promise<boolean>) | undefined;

  /**
   * `isSubjectActive` is asked once per token (on its first verification in this process) whether
   * the subject may still act, e.g. that the user or client has not been disabled; together with
   * `revokeSubject` this ends a disabled subject's tokens before they expire.
   */
  constructor(
    private readonly keys: KeyMaterial,
    private readonly nowMs: () => number = Date.now,
    options: { maxCache?: number; isSubjectActive?: (sub: string) => Promise<boolean> } = {},
  ) {
    this.maxCache = options.maxCache ?? 10_000;
    this.isSubjectActive = options.isSubjectActive;
  }

  /** Forgets every verified token of `sub`, so its next use is verified (and refused) again. */
  revokeSubject(sub: string): void {
    for (const [token, entry] of this.cache) if (entry.subject.id === sub) this.cache.delete(token);
  }

  async issue(claims: TokenClaims, ttlSec: number): Promise<IssuedToken> {
    const scope = claims.scopes.map(formatScope).join(' ');
    const iat = Math.floor(this.nowMs() / 1000);
    const token = await new SignJWT({
      role: claims.role,
      scope,
      ...(claims.patientId !== undefined ? { patient: claims.patientId } : {}),
      ...(claims.deviceId !== undefined ? { device: claims.deviceId } : {}),
    })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: this.keys.keyId })
      .setIssuer(tokenIssuer)
      .setAudience(tokenAudience)
      .setSubject(claims.sub)
      .setIssuedAt(iat)
      .setExpirationTime(iat + ttlSec)
      .setJti(randomBytes(12).toString('base64url'))
      .sign(this.keys.signingKey);
    return { token, expiresInSec: ttlSec, scope };
  }

  /** The answer for a token verified before (synchronous fast path), or undefined. */
  verifyCached(token: string): TokenCheck | undefined {
    const hit = this.cache.get(token);
    if (hit === undefined) return undefined;
    if (hit.expMs + clockToleranceSec * 1000 > this.nowMs()) return { ok: true, subject: hit.subject };
    this.cache.delete(token);
    return { ok: false, reason: 'expired' };
  }

  async verify(token: string): Promise<TokenCheck> {
    const now = this.nowMs();
    const cached = this.verifyCached(token);
    if (cached !== undefined) return cached;
    // A JWT is three base64url parts; anything else is refused before any parsing.
    if (token.length > 8192 || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token)) return { ok: false, reason: 'invalid' };
    if (!token.split('.').every(isCanonicalBase64url)) return { ok: false, reason: 'invalid' };
    try {
      const { payload } = await jwtVerify(token, this.keys.verifyKey, {
        algorithms: ['EdDSA', 'Ed25519'],
        issuer: tokenIssuer,
        audience: tokenAudience,
        typ: 'at+jwt',
        clockTolerance: clockToleranceSec,
        currentDate: new Date(now),
        requiredClaims: ['sub', 'exp', 'iat'],
      });
      const { sub, role, scope, patient, device, exp } = payload as Record<string, unknown>;
      if (typeof sub !== 'string' || !isRole(role) || typeof scope !== 'string' || typeof exp !== 'number')
        return { ok: false, reason: 'invalid' };
      if (patient !== undefined && typeof patient !== 'string') return { ok: false, reason: 'invalid' };
      if (device !== undefined && typeof device !== 'string') return { ok: false, reason: 'invalid' };
      const subject: Subject = {
        id: sub,
        role,
        scopes: parseScopes(scope).scopes,
        ...(typeof patient === 'string' ? { patientId: patient } : {}),
        ...(typeof device === 'string' ? { deviceId: device } : {}),
      };
      if (this.isSubjectActive && !(await this.isSubjectActive(sub))) return { ok: false, reason: 'invalid' };
      if (this.cache.size >= this.maxCache) this.cache.clear();
      this.cache.set(token, { subject, expMs: exp * 1000 });
      return { ok: true, subject };
    } catch (error) {
      return { ok: false, reason: error instanceof errors.JWTExpired ? 'expired' : 'invalid' };
    }
  }
}

/**
 * Whether `segment` is the one base64url spelling of its bytes. RFC 4648 §3.5: an encoder sets the
 * pad bits of the last character to zero, and a decoder may reject data whose pad bits are not.
 * Decoders (jose's among them) ignore those bits, so without this check one signed token has up to
 * 16 spellings that all verify; refusing them means a token is exactly the string that was issued.
 */
export function isCanonicalBase64url(segment: string): boolean {
  return Buffer.from(segment, 'base64url').toString('base64url') === segment;
}

/** Parses a duration such as `90s`, `15m`, `1h`, `7d` (or plain seconds) into seconds. */
export function parseDurationSec(text: string): number | undefined {
  const m = /^(\d{1,7})\s*(s|m|h|d)?$/.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  const sec = unit === 's' ? n : unit === 'm' ? n * 60 : unit === 'h' ? n * 3600 : n * 86_400;
  return sec > 0 ? sec : undefined;
}
