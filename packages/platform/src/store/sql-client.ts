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
   * Flow", Extended Query). One name per SQL text; never for text assembled per request, since
   * every name stays prepared for the life of the connection. Engines without it ignore it.
   */
  readonly name?: string;
}

export interface SqlQueryable {
  /** Runs one parameterised statement ($1, $2, ...) and returns its rows. */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[], options?: QueryOptions): Promise<Row[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * Bulk-loads CSV text (RFC 4180, no header) into `table (columns)` with COPY, the fastest write
   * path on both engines.
   */
  copyCsv(table: string, columns: readonly string[], csv: string): Promise<void>;
}

export interface SqlClient extends SqlQueryable {
  readonly engine: DatabaseEngine;
  /** Runs `work` in one transaction: it commits when `work` resolves and rolls back when it throws. */
  transaction<T>(work: (tx: SqlQueryable) => Promise<T>): Promise<T>;
  /** Server version string, e.g. "PostgreSQL 15.19". */
  serverVersion(): Promise<string>;
  close(): Promise<void>;
}

export function copyStatement(table: string, columns: readonly string[], source: string): string {
  return `COPY ${table} (${columns.join(', ')}) FROM ${source} WITH (FORMAT csv)`;
}
