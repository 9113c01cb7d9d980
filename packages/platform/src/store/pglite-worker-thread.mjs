// Embedded PGlite on its own thread (see pglite-thread-client.ts, which starts it). Plain JavaScript
// on purpose: a worker thread does not inherit the TypeScript loader that `tsx/esm/api` register()
// installs on the main thread (Node docs, module.register: hooks run per thread), nor vitest's.
//
// Requests run one at a time, in two lanes (below): {id, op, ...} → {id, rows} or {id, error}.
// Transactions are BEGIN/COMMIT statements sent by the client, which serialises them. A `quiet`
// request (BEGIN, SAVEPOINT, RELEASE inside a transaction) gets no answer, which saves a round trip
// between the threads; if it fails, the next request of the transaction fails with its error instead
// of running — except ROLLBACK, which always runs.
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { namedQuery } from './pglite-named-statements.mjs';

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
/** The error of a quiet request, for the next request. */
let deferred;
/** Statements prepared by name on this database (pglite-named-statements.mjs). */
const prepared = new Map();

async function handle(request) {
  const db = await opening;
  switch (request.op) {
    case 'open':
      return [];
    case 'query':
      if (request.name !== undefined) return namedQuery(db, prepared, request.name, request.sql, request.params ?? []);
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

// Two lanes. Bulk writes (transaction scripts and COPY: device batches, import units) wait while
// interactive requests (queries and statements) run first: a monitoring or FHIR query then waits
// for at most the bulk request already running, not for every batch queued before it
// (publish→alert latency under device load). Requests keep their order within a lane. While an
// interactive transaction is open, only its own requests run, in the order they arrived: the
// client posts nothing else while a transaction holds the connection, so those are the requests
// that arrived after its BEGIN (a COPY inside it included). After `interactiveBurst` interactive
// requests in a row, a waiting bulk request runs, so neither lane starves the other.
const interactive = [];
const bulk = [];
const interactiveBurst = 8;
let arrivals = 0;
/** Arrival number of the BEGIN of the open interactive transaction, or undefined. */
let transactionFrom;
let burst = 0;
let pumping = false;

const isBulk = (request) => request.op === 'script' || request.op === 'copy' || request.op === 'close';

function nextRequest() {
  if (transactionFrom !== undefined) {
    const at = bulk.findIndex((r) => r.arrival > transactionFrom);
    if (at >= 0 && (interactive.length === 0 || bulk[at].arrival < interactive[0].arrival)) return bulk.splice(at, 1)[0];
    return interactive.shift();
  }
  if (bulk.length > 0 && (interactive.length === 0 || burst >= interactiveBurst)) {
    burst = 0;
    return bulk.shift();
  }
  if (interactive.length === 0) return undefined;
  if (bulk.length > 0) burst++;
  return interactive.shift();
}

async function pump() {
  if (pumping) return;
  pumping = true;
  try {
    for (;;) {
      // Let the messages that arrived while the last request ran join their lanes first (a
      // request runs without yielding to the event loop, which delivers them).
      await new Promise((resolve) => setImmediate(resolve));
      const request = nextRequest();
      if (request === undefined) break;
      if (request.op === 'query' && /^\s*BEGIN\b/i.test(request.sql)) transactionFrom = request.arrival;
      else if (request.op === 'query' && /^\s*(?:COMMIT|ROLLBACK|END)\b/i.test(request.sql)) transactionFrom = undefined;
      await answer(request);
    }
  } finally {
    pumping = false;
  }
}

port.on('message', (request) => {
  request.arrival = ++arrivals;
  (isBulk(request) ? bulk : interactive).push(request);
  void pump();
});
