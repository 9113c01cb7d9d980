// Embedded PGlite on its own thread (see pglite-thread-client.ts, which starts it). Plain JavaScript
// on purpose: a worker thread does not inherit the TypeScript loader that `tsx/esm/api` register()
// installs on the main thread (Node docs, module.register: hooks run per thread), nor vitest's.
//
// Requests arrive in order and run one at a time: {id, op, ...} → {id, rows} or {id, error}.
// Transactions are BEGIN/COMMIT statements sent by the client, which serialises them. A `quiet`
// request (BEGIN, SAVEPOINT, RELEASE inside a transaction) gets no answer, which saves a round trip
// between the threads; if it fails, the next request of the transaction fails with its error instead
// of running — except ROLLBACK, which always runs.
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

/** The fields of a PostgreSQL error callers inspect (SQLSTATE `code` above all). */
const errorFields = ['code', 'severity', 'detail', 'hint', 'schema', 'table', 'column', 'constraint', 'where'];

function describeError(error) {
  const out = { message: error instanceof Error ? error.message : String(error), name: error?.name ?? 'Error' };
  for (const field of errorFields) if (typeof error?.[field] === 'string') out[field] = error[field];
  return out;
}

const port = parentPort;
const dataDir = workerData?.dataDir;
const opening = (dataDir === undefined ? PGlite.create() : PGlite.create({ dataDir })).then(async (db) => {
  // A new 16 MB WAL segment is then created by writing its last byte instead of zero-filling it
  // (PostgreSQL docs, wal_init_zero), which stalled the commit that crossed into it by 40–50 ms
  // every few seconds under device load; WAL contents and crash recovery are unaffected.
  await db.exec('SET wal_init_zero = off');
  return db;
});
let queue = Promise.resolve();
/** The error of a quiet request, for the next request. */
let deferred;

async function handle(request) {
  const db = await opening;
  switch (request.op) {
    case 'open':
      return [];
    case 'query':
      return (await db.query(request.sql, request.params)).rows;
    case 'exec':
      await db.exec(request.sql);
      return [];
    case 'copy':
      // PGlite reads COPY input from the virtual file /dev/blob (PGlite docs, "COPY TO/FROM").
      await db.query(request.sql, [], { blob: new Blob([request.data]) });
      return [];
    case 'script':
      // A whole transaction in one request (pglite-thread-client.ts, transactionScript).
      await db.query('BEGIN');
      try {
        const results = [];
        for (const step of request.steps) {
          if (step.data === undefined) results.push((await db.query(step.sql, step.params ?? [])).rows);
          else {
            await db.query(step.sql, [], { blob: new Blob([step.data]) });
            results.push([]);
          }
        }
        await db.query('COMMIT');
        return results;
      } catch (error) {
        await db.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    case 'close':
      await db.close();
      return [];
    default:
      throw new Error(`unknown request ${request.op}`);
  }
}

async function answer(request) {
  if (request.quiet) {
    if (deferred !== undefined) return;
    try {
      await handle(request);
    } catch (error) {
      deferred = error;
    }
    return;
  }
  const rollback = request.op === 'query' && /^\s*ROLLBACK\b/i.test(request.sql);
  if (deferred !== undefined && !rollback) {
    port.postMessage({ id: request.id, error: describeError(deferred) });
    deferred = undefined;
    return;
  }
  deferred = undefined;
  try {
    port.postMessage({ id: request.id, rows: await handle(request) });
  } catch (error) {
    port.postMessage({ id: request.id, error: describeError(error) });
  }
}

port.on('message', (request) => {
  queue = queue.then(() => answer(request));
});
