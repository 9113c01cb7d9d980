// Named prepared statements on PGlite (the extended query protocol; PostgreSQL docs, "Message Flow",
// Extended Query). PGlite's own query() parses and plans every statement anew (an unnamed statement);
// a hot statement of fixed text (QueryOptions.name in sql-client.ts) is here parsed once, its
// parameter types described once, and each call only binds and executes it, so PostgreSQL can keep
// its plan (a generic plan after five executions, as for any prepared statement). Values are
// serialised and rows parsed exactly as PGlite's query() does (its exported serializers, protocol
// serializer and parseResults). Plain JavaScript: the PGlite worker thread loads it
// (pglite-worker-thread.mjs).
import { parse, protocol } from '@electric-sql/pglite';

const { serialize } = protocol;
const quiet = { syncToFs: false };

/**
 * Runs `sql` with `params` as the prepared statement `name` on `db` (a PGlite instance) and resolves
 * with its rows. `statements` remembers, per name, the text and parameter types prepared on this
 * database; a name must always carry the same text (a different text is prepared again under it).
 * @param {import('@electric-sql/pglite').PGlite} db
 * @param {Map<string, { sql: string, types: number[] }>} statements
 * @param {string} name
 * @param {string} sql
 * @param {readonly unknown[]} params
 */
export function namedQuery(db, statements, name, sql, params) {
  return db.runExclusive(async () => {
    const messages = [];
    let failure;
    try {
      let prepared = statements.get(name);
      if (prepared !== undefined && prepared.sql !== sql) {
        statements.delete(name);
        await db.execProtocolStream(serialize.close({ type: 'S', name }), quiet);
        prepared = undefined;
      }
      if (prepared === undefined) {
        await db.execProtocolStream(serialize.parse({ name, text: sql }), quiet);
        const described = await db.execProtocolStream(serialize.describe({ type: 'S', name }), quiet);
        prepared = { sql, types: parse.parseDescribeStatementResults(described) };
        statements.set(name, prepared);
      }
      const types = prepared.types;
      const values = params.map((value, i) => {
        if (value === null || value === undefined) return null;
        const serializer = db.serializers[types[i]];
        return serializer ? serializer(value) : value.toString();
      });
      messages.push(...(await db.execProtocolStream(serialize.bind({ statement: name, values }), quiet)));
      messages.push(...(await db.execProtocolStream(serialize.describe({ type: 'P' }), quiet)));
      messages.push(...(await db.execProtocolStream(serialize.execute({}), quiet)));
    } catch (error) {
      failure = error;
    } finally {
      // Sync ends the extended-query exchange, after an error too (the backend skips to it).
      await db.execProtocolStream(serialize.sync(), quiet);
    }
    // As PGlite's query() does after each statement run outside its own transaction() helper.
    await db.syncToFs();
    // A statement that failed to prepare was not remembered, so the next call prepares it again.
    if (failure !== undefined) throw failure;
    return parse.parseResults(messages, db.parsers)[0]?.rows ?? [];
  });
}
