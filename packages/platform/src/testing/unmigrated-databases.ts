import { loadMigrations } from '../store/migrations.ts';
import { openPgliteClient } from '../store/pglite-client.ts';
import { openPostgresClient } from '../store/postgres-client.ts';
import type { SqlClient } from '../store/sql-client.ts';
import { createTemporaryPostgres, shouldRunPostgres } from './test-databases.ts';

/**
 * Test support for migrations over older data: empty databases without any migration applied, and
 * a way to bring one to the version just before the migration under test, so the test can store
 * data in the older layout and then let `migrate` carry it over.
 */
export interface UnmigratedEngine {
  readonly name: 'pglite' | 'postgres';
  open(): Promise<{ db: SqlClient; dispose(): Promise<void> }>;
}

/** PGlite always, PostgreSQL when reachable (see shouldRunPostgres). */
export async function unmigratedEngines(suite: string): Promise<UnmigratedEngine[]> {
  const engines: UnmigratedEngine[] = [
    {
      name: 'pglite',
      async open() {
        const db = await openPgliteClient();
        return { db, dispose: () => db.close() };
      },
    },
  ];
  if (await shouldRunPostgres(suite)) {
    engines.push({
      name: 'postgres',
      async open() {
        const temp = await createTemporaryPostgres();
        const db = await openPostgresClient({ connectionString: temp.url });
        return {
          db,
          async dispose() {
            await db.close();
            await temp.drop();
          },
        };
      },
    });
  }
  return engines;
}

/** Applies every migration older than `version`, as `migrate` would have in an older release. */
export async function migrateBefore(db: SqlClient, version: number): Promise<void> {
  await db.query(
    `CREATE TABLE IF NOT EXISTS schema_migration (
       version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
  );
  for (const m of (await loadMigrations()).filter((m) => m.version < version)) {
    await db.transaction(async (tx) => {
      await tx.exec(m.sql);
      await tx.query('INSERT INTO schema_migration (version, name) VALUES ($1, $2)', [m.version, m.name]);
    });
  }
}
