import { Worker } from 'node:worker_threads';
import { type CopyData, copyStatement, type QueryOptions, type SqlClient, type SqlQueryable } from './sql-client.ts';

type Request =
  | { readonly op: 'open' | 'close' }
  | { readonly op: 'query'; readonly sql: string; readonly params: readonly unknown[]; readonly quiet: true }
  | { readonly op: 'query'; readonly sql: string; readonly params: readonly unknown[]; readonly name?: string }
  | { readonly op: 'exec'; readonly sql: string }
  | { readonly op: 'copy'; readonly sql: string; readonly data: CopyData }
  | {
      readonly op: 'script';
      readonly steps: readonly { readonly sql: string; readonly params?: readonly unknown[]; readonly data?: CopyData }[];
    };

interface Reply {
  readonly id: number;
  readonly rows?: unknown[];
  readonly error?: { message: string; name: string } & Record<string, string>;
}

/**
 * Embedded PGlite running on a worker thread, so the database (most of the CPU time of device
 * ingest) and the application — HTTP, MQTT broker, decoding, monitoring — each get a core.
 * PGlite has one connection; as in PGlite itself, a transaction holds it until it ends, and other
 * statements wait for it. Rows cross the thread boundary by structured clone, which keeps the
 * types PGlite parsed (Date, number, bigint, object, Uint8Array).
 */
export async function openPgliteThreadClient(dataDir?: string): Promise<SqlClient> {
  const worker = new Worker(new URL('./pglite-worker-thread.mjs', import.meta.url), {
    workerData: { dataDir },
  });
  const waiting = new Map<number, { resolve: (rows: unknown[]) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  let failure: Error | undefined;
  const failAll = (error: Error) => {
    failure = error;
    for (const w of waiting.values()) w.reject(error);
    waiting.clear();
  };
  worker.on('message', (reply: Reply) => {
    const w = waiting.get(reply.id);
    if (w === undefined) return;
    waiting.delete(reply.id);
    // An idle database thread must not keep the process alive (as in-thread PGlite does not).
    if (waiting.size === 0) worker.unref();
    if (reply.error === undefined) w.resolve(reply.rows ?? []);
    else w.reject(Object.assign(new Error(reply.error.message), reply.error));
  });
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`the PGlite thread exited (code ${code})`)));

  /** A request whose outcome arrives with the next one (see pglite-worker-thread.mjs). */
  const sendQuietly = (sql: string) => {
    if (failure === undefined) worker.postMessage({ id: -1, op: 'query', sql, params: [], quiet: true });
  };

  const send = (request: Request): Promise<unknown[]> => {
    if (failure !== undefined) return Promise.reject(failure);
    const id = nextId++;
    if (waiting.size === 0) worker.ref();
    return new Promise((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      worker.postMessage({ id, ...request });
    });
  };

  // The connection: a transaction holds it from BEGIN to COMMIT/ROLLBACK; lone statements take it briefly.
  let held: Promise<void> = Promise.resolve();
  const exclusive = async <T>(work: () => Promise<T>): Promise<T> => {
    const previous = held;
    let release = () => {};
    held = new Promise((resolve) => {
      release = resolve;
    });
    await previous;
    try {
      return await work();
    } finally {
      release();
    }
  };

  const direct: SqlQueryable = {
    async query<Row>(sql: string, params: readonly unknown[] = [], options?: QueryOptions) {
      const name = options?.name;
      return (await send({ op: 'query', sql, params, ...(name !== undefined ? { name } : {}) })) as Row[];
    },
    exec: (sql) => send({ op: 'exec', sql }).then(() => undefined),
    copyFrom: (table, columns, data) =>
      send({ op: 'copy', sql: copyStatement(table, columns, "'/dev/blob'", data), data }).then(() => undefined),
  };
  // Inside a transaction, statements that return nothing and only fail in a broken transaction are
  // sent without waiting: a failure surfaces at the transaction's next statement, or its COMMIT.
  const quietStatement = /^(?:SAVEPOINT \w+|RELEASE SAVEPOINT \w+)$/;
  const inTransaction: SqlQueryable = {
    ...direct,
    async query<Row>(sql: string, params: readonly unknown[] = [], options?: QueryOptions) {
      if (params.length === 0 && quietStatement.test(sql)) {
        sendQuietly(sql);
        return [] as Row[];
      }
      return direct.query<Row>(sql, params, options);
    },
  };

  try {
    await send({ op: 'open' });
  } catch (error) {
    await worker.terminate();
    throw error;
  }
  worker.unref();
  const client: SqlClient = {
    engine: 'pglite',
    query: (sql, params, options) => exclusive(() => direct.query(sql, params, options)),
    exec: (sql) => exclusive(() => direct.exec(sql)),
    copyFrom: (table, columns, data) => exclusive(() => direct.copyFrom(table, columns, data)),
    async transactionScript(steps) {
      // The connection is held only while the script is posted: the thread runs requests in order,
      // so the script is atomic there, and the next script queues behind it at once.
      const posted = steps.map((step) =>
        'copy' in step
          ? { sql: copyStatement(step.copy.table, step.copy.columns, "'/dev/blob'", step.copy.data), data: step.copy.data }
          : step,
      );
      const reply = await exclusive(async () => ({ done: send({ op: 'script', steps: posted }) }));
      return (await reply.done) as unknown[][];
    },
    transaction: (work) =>
      exclusive(async () => {
        sendQuietly('BEGIN');
        try {
          const result = await work(inTransaction);
          await direct.query('COMMIT');
          return result;
        } catch (error) {
          // After a lost connection there is nothing left to roll back.
          await direct.query('ROLLBACK').catch(() => undefined);
          throw error;
        }
      }),
    async serverVersion() {
      const rows = await client.query<{ v: string }>("SELECT current_setting('server_version') AS v");
      return `PostgreSQL ${rows[0]?.v ?? 'unknown'} (PGlite)`;
    },
    async close() {
      await exclusive(() => send({ op: 'close' })).catch(() => undefined);
      await worker.terminate();
    },
  };
  return client;
}
