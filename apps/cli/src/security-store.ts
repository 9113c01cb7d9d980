import { userInfo } from 'node:os';
import type { AuditRecord } from '@vitaltwin/core';
import { AuditLog, openDatabase, type SqlClient } from '@vitaltwin/platform';
import { databaseTarget, loadServerConfig, type ServerConfig } from '@vitaltwin/server';

/**
 * For the security commands (user, client, audit, export): opens the store the server uses
 * (DATABASE_URL, or embedded PGlite in --data-dir) and an audit log, so administrative actions
 * done from the command line land in the same audit trail as those done over HTTP.
 */
export interface SecurityStore {
  readonly config: ServerConfig;
  readonly db: SqlClient;
  /** Records an administrative action by the operating-system user running the command. */
  audit(record: Omit<AuditRecord, 'recordedMs' | 'actor' | 'source'>): Promise<void>;
}

function operator(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli:unknown';
  }
}

export async function withSecurityStore<T>(dataDir: string | undefined, work: (store: SecurityStore) => Promise<T>): Promise<T> {
  const config = loadServerConfig({ flags: { dataDir }, env: process.env });
  const db = await openDatabase(databaseTarget(config));
  const log = new AuditLog(db, { flushIntervalMs: 1 });
  const actor = operator();
  try {
    return await work({
      config,
      db,
      audit: (record) => log.record({ ...record, recordedMs: Date.now(), actor, source: 'command line' }),
    });
  } finally {
    await log.close();
    await db.close();
  }
}
