import { readdir, readFile } from 'node:fs/promises';
import type { SqlClient } from './sql-client.ts';

const migrationsDir = new URL('./migrations/', import.meta.url);

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** Migrations are the files `NNN_name.sql` beside this module, applied in version order. */
export async function loadMigrations(): Promise<Migration[]> {
  const files = (await readdir(migrationsDir)).filter((f) => /^\d{3}_[\w-]+\.sql$/.test(f));
  const migrations = await Promise.all(
    files.map(async (file) => ({
      version: Number(file.slice(0, 3)),
      name: file.slice(4, -4),
      sql: await readFile(new URL(file, migrationsDir), 'utf8'),
    })),
  );
  return migrations.sort((a, b) => a.version - b.version);
}

// Arbitrary constant key for pg_advisory_xact_lock so two processes never migrate at once.
const migrationLockKey = 7_462_010;

export interface MigrationReport {
  readonly applied: readonly string[];
  readonly current: number;
}

/** Applies every pending migration, each in its own transaction (a failure leaves the last good version). */
export async function migrate(db: SqlClient): Promise<MigrationReport> {
  await db.query(
    `CREATE TABLE IF NOT EXISTS schema_migration (
       version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
  );
  const applied: string[] = [];
  for (const migration of await loadMigrations()) {
    const done = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [migrationLockKey]);
      const rows = await tx.query('SELECT 1 FROM schema_migration WHERE version = $1', [migration.version]);
      if (rows.length > 0) return false;
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO schema_migration (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      return true;
    });
    if (done) applied.push(`${String(migration.version).padStart(3, '0')}_${migration.name}`);
  }
  const rows = await db.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migration');
  return { applied, current: rows[0]?.v ?? 0 };
}
