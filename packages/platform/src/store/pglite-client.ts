import { PGlite, type Transaction } from '@electric-sql/pglite';
import { copyStatement, runScriptIn, type SqlClient, type SqlQueryable } from './sql-client.ts';

type PgliteQueryable = Pick<PGlite, 'query' | 'exec'> | Transaction;

function queryable(db: PgliteQueryable): SqlQueryable {
  return {
    async query<Row>(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
      const result = await db.query<Row>(sql, params as unknown[]);
      return result.rows;
    },
    async exec(sql) {
      await db.exec(sql);
    },
    async copyFrom(table, columns, data) {
      // PGlite reads COPY input from the virtual file /dev/blob (PGlite docs, "COPY TO/FROM").
      await db.query(copyStatement(table, columns, "'/dev/blob'", data), [], { blob: new Blob([data]) });
    },
  };
}

/** Opens embedded PGlite with its data in `dataDir` (a directory), or in memory when omitted. */
export async function openPgliteClient(dataDir?: string): Promise<SqlClient> {
  const db = dataDir === undefined ? await PGlite.create() : await PGlite.create({ dataDir });
  const base = queryable(db);
  return {
    engine: 'pglite',
    ...base,
    transaction: (work) => db.transaction((tx) => work(queryable(tx))),
    transactionScript: (steps) => db.transaction((tx) => runScriptIn(queryable(tx), steps)),
    async serverVersion() {
      const rows = await base.query<{ v: string }>("SELECT current_setting('server_version') AS v");
      return `PostgreSQL ${rows[0]?.v ?? 'unknown'} (PGlite)`;
    },
    close: () => db.close(),
  };
}
