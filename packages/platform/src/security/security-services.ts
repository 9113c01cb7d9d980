import { randomBytes } from 'node:crypto';
import { createPseudonymizer, type Logger, type Pseudonymizer } from '@vitaltwin/core';
import type { SqlClient } from '../store/sql-client.ts';
import { AccessTokens } from './access-tokens.ts';
import { AuditLog } from './audit-log.ts';
import { ClientStore } from './client-store.ts';
import type { KeyMaterial } from './key-material.ts';
import { nodeHmacSha256 } from './node-keyed-hash.ts';
import { RefreshTokens } from './refresh-tokens.ts';
import { UserStore } from './user-store.ts';

/** Everything the server's security layer uses, built once from the database and the key material. */
export interface SecurityServices {
  readonly keys: KeyMaterial;
  readonly tokens: AccessTokens;
  readonly users: UserStore;
  readonly clients: ClientStore;
  readonly refreshTokens: RefreshTokens;
  readonly audit: AuditLog;
  readonly pseudonymizer: Pseudonymizer;
}

export function createSecurityServices(
  db: SqlClient,
  keys: KeyMaterial,
  options: { logger?: Logger; nowMs?: () => number } = {},
): SecurityServices {
  const nowMs = options.nowMs ?? Date.now;
  const users = new UserStore(db);
  const clients = new ClientStore(db);
  return {
    keys,
    tokens: new AccessTokens(keys, nowMs, { isSubjectActive: (sub) => subjectTokensAllowed(sub, users, clients) }),
    users,
    clients,
    refreshTokens: new RefreshTokens(db, { nowMs }),
    audit: new AuditLog(db, options.logger ? { logger: options.logger } : {}),
    pseudonymizer: createPseudonymizer(nodeHmacSha256(keys.deidentificationSecret)),
  };
}

/**
 * On a store with no users, creates `admin` with a random password and returns it (to be shown
 * once); otherwise returns undefined. Only the argon2id hash is stored.
 */
export async function bootstrapAdmin(users: UserStore): Promise<{ username: string; password: string } | undefined> {
  if ((await users.count()) > 0) return undefined;
  const password = randomBytes(18).toString('base64url');
  try {
    await users.add({ username: 'admin', password, role: 'admin' });
  } catch (error) {
    // Another server process on the same database created it first.
    if ((await users.count()) > 0) return undefined;
    throw error;
  }
  return { username: 'admin', password };
}

/**
 * Whether an access token's subject may still act: `user:<id>` unless that user is disabled,
 * `client:<id>` / `device:<id>` unless that client (every client of the device) is disabled. Subjects
 * with no stored record (tokens an operator minted with `vitaltwin token`) are allowed.
 */
export async function subjectTokensAllowed(sub: string, users: UserStore, clients: ClientStore): Promise<boolean> {
  const colon = sub.indexOf(':');
  const kind = sub.slice(0, colon);
  const id = sub.slice(colon + 1);
  if (colon <= 0 || id === '') return true;
  if (kind === 'user') return (await users.byId(id))?.disabled !== true;
  if (kind === 'client' || kind === 'device') return clients.tokensAllowed(kind, id);
  return true;
}
