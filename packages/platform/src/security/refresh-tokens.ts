import { randomBytes } from 'node:crypto';
import type { SqlClient, SqlQueryable } from '../store/sql-client.ts';
import { digestSecret, generateSecret, secretMatches } from './secret-hashing.ts';

/**
 * Refresh tokens `<id>.<secret>`: stored as a SHA-256 digest, single use, rotated on every use.
 * Every token from one login shares a family; presenting a token that was already used revokes the
 * whole family, since one of the two holders must be a thief (OAuth 2.0 Security BCP, RFC 9700
 * §4.14.2 "refresh token rotation").
 */
export type RefreshOutcome =
  | { readonly ok: true; readonly userId: string; readonly scope: string; readonly refreshToken: string }
  | { readonly ok: false; readonly reason: 'invalid' | 'expired' | 'reused' | 'revoked' };

interface TokenRow {
  id: string;
  family_id: string;
  token_hash: string;
  user_id: string;
  scope: string;
  expires_at: Date;
  used_at: Date | null;
  revoked_at: Date | null;
}

export class RefreshTokens {
  private readonly ttlMs: number;
  private readonly nowMs: () => number;

  constructor(
    private readonly db: SqlClient,
    options: { ttlSec?: number; nowMs?: () => number } = {},
  ) {
    this.ttlMs = (options.ttlSec ?? 30 * 86_400) * 1000;
    this.nowMs = options.nowMs ?? Date.now;
  }

  /** Issues a token for a fresh login (a new family) or, inside a rotation, for an existing family. */
  async issue(userId: string, scope: string, familyId?: string, tx: SqlQueryable = this.db): Promise<string> {
    const id = randomBytes(12).toString('base64url');
    const secret = generateSecret();
    const now = this.nowMs();
    await tx.query(
      `INSERT INTO refresh_token (id, family_id, token_hash, user_id, scope, issued_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        id,
        familyId ?? randomBytes(12).toString('base64url'),
        digestSecret(secret),
        userId,
        scope,
        new Date(now),
        new Date(now + this.ttlMs),
      ],
    );
    return `${id}.${secret}`;
  }

  /** Spends a token and returns its successor, or why it was refused. */
  async rotate(presented: string): Promise<RefreshOutcome> {
    const m = /^([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{43})$/.exec(presented);
    if (!m) return { ok: false, reason: 'invalid' };
    const [, id, secret] = m as unknown as [string, string, string];
    return this.db.transaction(async (tx) => {
      const rows = await tx.query<TokenRow>('SELECT * FROM refresh_token WHERE id = $1 FOR UPDATE', [id]);
      const row = rows[0];
      if (row === undefined || !secretMatches(secret, row.token_hash)) return { ok: false, reason: 'invalid' } as const;
      const now = new Date(this.nowMs());
      if (row.revoked_at !== null) return { ok: false, reason: 'revoked' } as const;
      if (row.used_at !== null) {
        await tx.query('UPDATE refresh_token SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL', [row.family_id, now]);
        return { ok: false, reason: 'reused' } as const;
      }
      if (row.expires_at.getTime() <= now.getTime()) return { ok: false, reason: 'expired' } as const;
      const users = await tx.query<{ disabled: boolean }>('SELECT disabled FROM app_user WHERE id = $1', [row.user_id]);
      if (users[0] === undefined || users[0].disabled) return { ok: false, reason: 'revoked' } as const;
      await tx.query('UPDATE refresh_token SET used_at = $2 WHERE id = $1', [id, now]);
      const refreshToken = await this.issue(row.user_id, row.scope, row.family_id, tx);
      return { ok: true, userId: row.user_id, scope: row.scope, refreshToken } as const;
    });
  }
}
