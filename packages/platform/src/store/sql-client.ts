/**
 * The one data-access seam: every store module speaks SQL through this interface, and the same SQL
 * runs on embedded PGlite (PostgreSQL 18 in WebAssembly) and on a PostgreSQL server (15+).
 * Only connection handling and COPY transport differ between the two engines.
 */
export type DatabaseEngine = 'pglite' | 'postgres';

export interface QueryOptions {
  /**
   * Names a hot statement of fixed text so PostgreSQL parses it once per connection and keeps its
   * plan (a named prepared statement of the extended query protocol; PostgreSQL docs, "Message
   * Flow", Extended Query). One name per SQL text; for text assembled per request only through a
   * bound on the names handed out (statement-names.ts), since every name stays prepared for the
   * life of the connection. Engines without it ignore it.
   */
  readonly name?: string;
  /**
   * A read a client's request may make expensive (a search): the engine stops it after its
   * statement time limit (SQLSTATE 57014) instead of letting it hold a connection and a core.
   * PostgreSQL runs it on connections with `statement_timeout` set; PGlite has no timer and runs
   * it as any other statement.
   */
  readonly bounded?: boolean;
}

export interface SqlQueryable {
  /** Runs one parameterised statement ($1, $2, ...) and returns its rows. */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[], options?: QueryOptions): Promise<Row[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * Bulk-loads rows into `table (columns)` with COPY, the fastest write path on both engines: CSV
   * text (RFC 4180, no header) when `data` is a string, PostgreSQL's binary COPY format (see
   * copy-binary-writer.ts) when it is bytes.
   */
  copyFrom(table: string, columns: readonly string[], data: CopyData): Promise<void>;
}

/** One statement of a transaction script: a parameterised query, or a bulk load (see `copyFrom`). */
export type ScriptStep =
  | { readonly sql: string; readonly params?: readonly unknown[] }
  | { readonly copy: { readonly table: string; readonly columns: readonly string[]; readonly data: CopyData } };

export interface SqlClient extends SqlQueryable {
  readonly engine: DatabaseEngine;
  /** Runs `work` in one transaction: it commits when `work` resolves and rolls back when it throws. */
  transaction<T>(work: (tx: SqlQueryable) => Promise<T>): Promise<T>;
  /**
   * Runs fixed steps as one transaction (all or nothing; rejects with the first step's error) and
   * resolves with each step's rows. Unlike `transaction`, the whole script is handed over at once,
   * so an engine on another thread runs it without a round trip per statement and queues the next
   * script behind it while the caller goes on (hot write paths: device ingest batches).
   */
  transactionScript(steps: readonly ScriptStep[]): Promise<unknown[][]>;
  /** Server version string, e.g. "PostgreSQL 15.19". */
  serverVersion(): Promise<string>;
  close(): Promise<void>;
}

/** COPY input: CSV text, or bytes in PostgreSQL's binary COPY format. */
export type CopyData = string | Uint8Array<ArrayBuffer>;

export function copyStatement(table: string, columns: readonly string[], source: string, data: CopyData): string {
  return `COPY ${table} (${columns.join(', ')}) FROM ${source} WITH (FORMAT ${typeof data === 'string' ? 'csv' : 'binary'})`;
}

/** `transactionScript` for engines that run statements one round trip at a time anyway. */
export async function runScriptIn(tx: SqlQueryable, steps: readonly ScriptStep[]): Promise<unknown[][]> {
  const results: unknown[][] = [];
  for (const step of steps) {
    if ('copy' in step) {
      await tx.copyFrom(step.copy.table, step.copy.columns, step.copy.data);
      results.push([]);
    } else results.push(await tx.query(step.sql, step.params ?? []));
  }
  return results;
}
