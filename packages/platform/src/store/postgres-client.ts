import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { copyStatement, type QueryOptions, runScriptIn, type SqlClient, type SqlQueryable } from './sql-client.ts';

// Return timestamptz and bigint as strings, int8 counts as numbers where safe, like PGlite does.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.TIMESTAMPTZ, (v) => new Date(v));

function queryable(run: pg.Pool | pg.PoolClient, connect: () => Promise<pg.PoolClient>, bounded?: () => pg.Pool): SqlQueryable {
  return {
    async query<Row>(sql: string, params: readonly unknown[] = [], options: QueryOptions = {}): Promise<Row[]> {
      const on = options.bounded && bounded ? bounded() : run;
      const result = await (options.name === undefined
        ? on.query(sql, params as unknown[])
        : on.query({ name: options.name, text: sql, values: params as unknown[] }));
      return result.rows as Row[];
    },
    async exec(sql) {
      // Without parameters node-postgres uses the simple query protocol, which allows several statements.
      await run.query(sql);
    },
    async copyFrom(table, columns, data) {
      const client = run instanceof pg.Pool ? await connect() : run;
      try {
        const stream = client.query(copyFrom(copyStatement(table, columns, 'STDIN', data)));
        await pipeline(
          Readable.from([typeof data === 'string' ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength)]),
          stream,
        );
      } finally {
        if (run instanceof pg.Pool) client.release();
      }
    },
  };
}

export interface PostgresOptions {
  readonly connectionString: string;
  readonly maxConnections?: number;
  /**
   * The time limit of `bounded` statements (searches), in ms: they run on a second pool whose
   * connections have `statement_timeout` set (PostgreSQL docs, "Client Connection Defaults"), so
   * writes, imports and exports keep no limit. Default 30 s; 0 turns it off.
   */
  readonly statementTimeoutMs?: number;
}

export const defaultStatementTimeoutMs = 30_000;

/** Connects to a PostgreSQL server and checks the connection once, so a wrong URL fails at start. */
export async function openPostgresClient(options: PostgresOptions): Promise<SqlClient> {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: 5000,
  });
  // An idle client losing its server connection must not crash the process.
  pool.on('error', () => undefined);
  const probe = await pool.connect();
  probe.release();
  const connect = () => pool.connect();
  const timeoutMs = options.statementTimeoutMs ?? defaultStatementTimeoutMs;
  // Opened on first use: a process that never searches holds no second set of connections.
  let boundedPool: pg.Pool | undefined;
  const bounded = () => {
    if (!boundedPool) {
      boundedPool = new pg.Pool({
        connectionString: options.connectionString,
        max: options.maxConnections ?? 10,
        connectionTimeoutMillis: 5000,
        statement_timeout: timeoutMs,
      });
      boundedPool.on('error', () => undefined);
    }
    return boundedPool;
  };
  const base = queryable(pool, connect, timeoutMs > 0 ? bounded : undefined);
  const sqlClient: SqlClient = {
    engine: 'postgres',
    ...base,
    transactionScript: (steps) => sqlClient.transaction((tx) => runScriptIn(tx, steps)),
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work(queryable(client, connect));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async serverVersion() {
      const rows = await base.query<{ v: string }>("SELECT current_setting('server_version') AS v");
      return `PostgreSQL ${rows[0]?.v ?? 'unknown'}`;
    },
    close: async () => {
      await Promise.all([pool.end(), boundedPool?.end()]);
    },
  };
  return sqlClient;
}
