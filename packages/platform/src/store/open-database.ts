import { resolve } from 'node:path';
import { VitaltwinError } from '@vitaltwin/core';
import { lockDataDir } from './data-dir-lock.ts';
import { migrate } from './migrations.ts';
import { openPgliteClient } from './pglite-client.ts';
import { openPgliteThreadClient } from './pglite-thread-client.ts';
import { openPostgresClient } from './postgres-client.ts';
import type { SqlClient } from './sql-client.ts';

export type DatabaseTarget =
  | { readonly kind: 'pglite'; readonly dataDir: string }
  | { readonly kind: 'pglite-memory' }
  | { readonly kind: 'postgres'; readonly url: string; readonly maxConnections?: number; readonly statementTimeoutMs?: number };

/** Describes a target for humans and logs without its password. */
export function describeTarget(target: DatabaseTarget): string {
  switch (target.kind) {
    case 'pglite':
      return `PGlite in ${target.dataDir}`;
    case 'pglite-memory':
      return 'PGlite in memory';
    case 'postgres': {
      try {
        const url = new URL(target.url);
        return `PostgreSQL at ${url.hostname || 'localhost'}${url.port ? `:${url.port}` : ''}${url.pathname}`;
      } catch {
        return 'PostgreSQL';
      }
    }
  }
}

/**
 * Opens the database, applies pending migrations and returns a ready client. Connection failures
 * become one clear VT_ERR_STORAGE message naming what to fix.
 */
export async function openDatabase(target: DatabaseTarget, options: { migrate?: boolean } = {}): Promise<SqlClient> {
  const client = await connect(target);
  if (options.migrate !== false) {
    try {
      await migrate(client);
    } catch (error) {
      await client.close().catch(() => undefined);
      throw error;
    }
  }
  return client;
}

async function connect(target: DatabaseTarget): Promise<SqlClient> {
  switch (target.kind) {
    case 'pglite-memory':
      return openPgliteClient();
    case 'pglite': {
      const dataDir = resolve(target.dataDir);
      const lock = await lockDataDir(dataDir);
      try {
        const client = await openPgliteThreadClient(`${dataDir}/pgdata`);
        return {
          ...client,
          async close() {
            await client.close();
            await lock.release();
          },
        };
      } catch (error) {
        await lock.release();
        throw new VitaltwinError('VT_ERR_STORAGE', `cannot open PGlite data in ${dataDir}: ${(error as Error).message}`);
      }
    }
    case 'postgres':
      try {
        return await openPostgresClient({
          connectionString: target.url,
          ...(target.maxConnections ? { maxConnections: target.maxConnections } : {}),
          ...(target.statementTimeoutMs !== undefined ? { statementTimeoutMs: target.statementTimeoutMs } : {}),
        });
      } catch (error) {
        const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
        throw new VitaltwinError(
          'VT_ERR_STORAGE',
          `cannot connect to ${describeTarget(target)} (${reason}); check DATABASE_URL or unset it to use embedded PGlite`,
        );
      }
  }
}
