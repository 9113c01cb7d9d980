import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase } from '../store/open-database.ts';
import type { SqlClient } from '../store/sql-client.ts';

/**
 * Test support: the engines a storage behaviour suite runs against. PGlite (in memory) always;
 * PostgreSQL when reachable at VITALTWIN_TEST_DATABASE_URL (default the local server), in a fresh
 * database per call so parallel test files never collide. When PostgreSQL is unreachable the suite
 * is skipped with a printed reason, unless VITALTWIN_REQUIRE_SERVICES=1 (CI), where it fails.
 */
export const postgresAdminUrl = process.env.VITALTWIN_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const servicesRequired = process.env.VITALTWIN_REQUIRE_SERVICES === '1';

let reachable: Promise<string | undefined> | undefined;

/** Resolves to undefined when PostgreSQL answers, or to the reason it does not. */
export function postgresUnavailableReason(): Promise<string | undefined> {
  reachable ??= (async () => {
    const client = new pg.Client({ connectionString: postgresAdminUrl, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return undefined;
    } catch (error) {
      return `PostgreSQL not reachable at ${postgresAdminUrl} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return reachable;
}

/**
 * Returns whether a PostgreSQL-backed test should run, printing why not when it should not, and
 * throwing when services are required.
 */
export async function shouldRunPostgres(suite: string): Promise<boolean> {
  const reason = await postgresUnavailableReason();
  if (reason === undefined) return true;
  if (servicesRequired) throw new Error(`${suite}: ${reason}, and VITALTWIN_REQUIRE_SERVICES=1`);
  process.stdout.write(`SKIPPED ${suite} on PostgreSQL: ${reason}\n`);
  return false;
}

export interface TemporaryPostgres {
  readonly url: string;
  drop(): Promise<void>;
}

/** Creates an empty database on the test server; `drop()` removes it. */
export async function createTemporaryPostgres(): Promise<TemporaryPostgres> {
  const name = `vt_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresAdminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(postgresAdminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: postgresAdminUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

export interface TestEngine {
  readonly name: 'pglite' | 'postgres';
  /** Opens a migrated, empty database of this engine; close it with the returned `dispose`. */
  open(): Promise<{ db: SqlClient; url?: string; dispose(): Promise<void> }>;
}

export const pgliteEngine: TestEngine = {
  name: 'pglite',
  async open() {
    const db = await openDatabase({ kind: 'pglite-memory' });
    return { db, dispose: () => db.close() };
  },
};

export const postgresEngine: TestEngine = {
  name: 'postgres',
  async open() {
    const temp = await createTemporaryPostgres();
    const db = await openDatabase({ kind: 'postgres', url: temp.url });
    return {
      db,
      url: temp.url,
      async dispose() {
        await db.close();
        await temp.drop();
      },
    };
  },
};

/** The engines to run a behaviour suite on: PGlite always, PostgreSQL when reachable (see above). */
export async function testEngines(suite: string): Promise<TestEngine[]> {
  return (await shouldRunPostgres(suite)) ? [pgliteEngine, postgresEngine] : [pgliteEngine];
}
