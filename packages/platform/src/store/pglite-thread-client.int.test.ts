import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binaryArray } from './binary-array-param.ts';
import { openPgliteThreadClient } from './pglite-thread-client.ts';
import type { SqlClient } from './sql-client.ts';

describe('PGlite on a worker thread', () => {
  let dataDir: string;
  let db: SqlClient;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'vt-pglite-thread-'));
    db = await openPgliteThreadClient(dataDir);
    await db.exec('CREATE TABLE kv (k text PRIMARY KEY, n integer NOT NULL)');
  });
  afterAll(async () => {
    await db.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('returns rows with the types PGlite parses', async () => {
    const rows = await db.query<{ t: Date; d: number; j: { a: number[] }; b: Uint8Array; s: string[] }>(
      `SELECT $1::timestamptz AS t, 0.5::float8 AS d, '{"a":[1,2]}'::jsonb AS j, '\\x0102'::bytea AS b, $2::text[] AS s`,
      [new Date(Date.UTC(2026, 10, 21, 10)), ['x', 'y']],
    );
    expect(rows[0]?.t).toBeInstanceOf(Date);
    expect(rows[0]?.t.getTime()).toBe(Date.UTC(2026, 10, 21, 10));
    expect(rows[0]?.d).toBe(0.5);
    expect(rows[0]?.j).toEqual({ a: [1, 2] });
    expect([...(rows[0]?.b ?? [])]).toEqual([1, 2]);
    expect(rows[0]?.s).toEqual(['x', 'y']);
  });

  describe('named statements (prepared once, then bound and executed)', () => {
    const typed = `SELECT $1::timestamptz AS t, $2::float8 AS d, $3::jsonb AS j, $4::text[] AS s, $5::bigint AS n, $6::text AS maybe,
                          '\\x0102'::bytea AS b, (SELECT count(*) FROM unnest($7::text[])) AS c`;
    const params = () => [
      new Date(Date.UTC(2026, 10, 21, 10)),
      0.25,
      { a: [1, 'two'] },
      ['x', 'y,z', 'q"uote'],
      9_007_199_254_740_991n,
      null,
      binaryArray('text', ['a', 'b', 'c']),
    ];

    it('returns what an unnamed statement returns, call after call', async () => {
      const plain = await db.query(typed, params());
      for (let i = 0; i < 8; i++) expect(await db.query(typed, params(), { name: 'vt_test_typed' })).toEqual(plain);
      expect(plain[0]).toMatchObject({ d: 0.25, j: { a: [1, 'two'] }, s: ['x', 'y,z', 'q"uote'], maybe: null });
      const prepared = await db.query<{ name: string }>("SELECT name FROM pg_prepared_statements WHERE name = 'vt_test_typed'");
      expect(prepared).toEqual([{ name: 'vt_test_typed' }]);
    });

    it('passes a failure on with its SQLSTATE and stays usable', async () => {
      await db.query("INSERT INTO kv VALUES ('named', 1)");
      const insert = 'INSERT INTO kv VALUES ($1, $2) RETURNING k';
      await expect(db.query(insert, ['named', 2], { name: 'vt_test_insert' })).rejects.toMatchObject({ code: '23505' });
      expect(await db.query(insert, ['named-2', 2], { name: 'vt_test_insert' })).toEqual([{ k: 'named-2' }]);
      await expect(db.query('SELECT * FROM no_such_table', [], { name: 'vt_test_missing' })).rejects.toMatchObject({ code: '42P01' });
      await db.exec('CREATE TABLE no_such_table (x int)');
      expect(await db.query('SELECT * FROM no_such_table', [], { name: 'vt_test_missing' })).toEqual([]);
    });

    it('prepares a name again when its text changes, and runs inside transactions', async () => {
      expect(await db.query('SELECT 1 AS v', [], { name: 'vt_test_reused' })).toEqual([{ v: 1 }]);
      expect(await db.query('SELECT 2 AS v', [], { name: 'vt_test_reused' })).toEqual([{ v: 2 }]);
      await expect(
        db.transaction(async (tx) => {
          await tx.query('INSERT INTO kv VALUES ($1, $2)', ['in-tx', 3], { name: 'vt_test_tx_insert' });
          expect(await tx.query('SELECT n FROM kv WHERE k = $1', ['in-tx'], { name: 'vt_test_tx_read' })).toEqual([{ n: 3 }]);
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      expect(await db.query('SELECT n FROM kv WHERE k = $1', ['in-tx'], { name: 'vt_test_tx_read' })).toEqual([]);
    });
  });

  it('passes the SQLSTATE of a failed statement to the caller', async () => {
    await db.query("INSERT INTO kv VALUES ('dup', 1)");
    await expect(db.query("INSERT INTO kv VALUES ('dup', 2)")).rejects.toMatchObject({ code: '23505' });
  });

  it('loads CSV with COPY and rolls a failed transaction back', async () => {
    await db.transaction((tx) => tx.copyFrom('kv', ['k', 'n'], 'a,1\nb,2\n'));
    await expect(
      db.transaction(async (tx) => {
        await tx.copyFrom('kv', ['k', 'n'], 'c,3\n');
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    const rows = await db.query<{ k: string }>("SELECT k FROM kv WHERE k IN ('a', 'b', 'c') ORDER BY k");
    expect(rows.map((r) => r.k)).toEqual(['a', 'b']);
  });

  it('runs a transaction script as one unit: results per step, all or nothing, the next script queued behind it', async () => {
    const [inserted, , counted] = await db.transactionScript([
      { sql: "INSERT INTO kv VALUES ('s1', 1) RETURNING k" },
      { copy: { table: 'kv', columns: ['k', 'n'], data: 's2,2\n' } },
      { sql: "SELECT count(*)::int AS n FROM kv WHERE k LIKE 's_'" },
    ]);
    expect(inserted).toEqual([{ k: 's1' }]);
    expect(counted).toEqual([{ n: 2 }]);
    // The second script fails at its last step (duplicate key): its first step is undone, and a
    // script and a statement sent right behind it run normally.
    const failing = db.transactionScript([
      { sql: "INSERT INTO kv VALUES ('s3', 3)" },
      { copy: { table: 'kv', columns: ['k', 'n'], data: 's1,9\n' } },
    ]);
    const next = db.transactionScript([{ sql: "INSERT INTO kv VALUES ('s4', 4)" }]);
    await expect(failing).rejects.toMatchObject({ code: '23505' });
    await next;
    const after = await db.query<{ k: string }>("SELECT k FROM kv WHERE k LIKE 's_' ORDER BY k");
    expect(after.map((r) => r.k)).toEqual(['s1', 's2', 's4']);
  });

  it('runs a query sent while bulk scripts are queued before those not yet started', async () => {
    await db.exec('CREATE TABLE bulk_rows (n integer)');
    const finished: string[] = [];
    const script = (name: string) =>
      db.transactionScript([{ sql: 'INSERT INTO bulk_rows SELECT generate_series(1, 200000)' }]).then(() => finished.push(name));
    const scripts = [script('script 1'), script('script 2'), script('script 3')];
    const query = db.query<{ one: number }>('SELECT 1 AS one').then(() => finished.push('query'));
    await Promise.all([...scripts, query]);
    // The first script may have started before the query arrived; the last cannot have.
    expect(finished.indexOf('query')).toBeLessThan(finished.indexOf('script 3'));
    expect(finished.filter((f) => f.startsWith('script'))).toEqual(['script 1', 'script 2', 'script 3']);
    expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM bulk_rows'))[0]?.n).toBe(600000);
  });

  it('keeps statements from outside a transaction out of it until it ends', async () => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tx = db.transaction(async (t) => {
      await t.query("INSERT INTO kv VALUES ('in-tx', 1)");
      await gate;
      throw new Error('rolled back');
    });
    // Issued while the transaction is open: it must not see, or join, the transaction's insert.
    const outside = db.query<{ n: number }>("SELECT count(*)::int AS n FROM kv WHERE k = 'in-tx'");
    release();
    await expect(tx).rejects.toThrow('rolled back');
    expect((await outside)[0]?.n).toBe(0);
  });

  it('reports a failed savepoint statement, sent without waiting, at the next statement of its transaction', async () => {
    const outcome = db.transaction(async (tx) => {
      await tx.query("INSERT INTO kv VALUES ('before-release', 1)");
      await tx.query('RELEASE SAVEPOINT never_made');
      await tx.query("INSERT INTO kv VALUES ('after-release', 1)");
    });
    // SQLSTATE 3B001 invalid_savepoint_specification (PostgreSQL Appendix A).
    await expect(outcome).rejects.toMatchObject({ code: '3B001' });
    const rows = await db.query<{ k: string }>("SELECT k FROM kv WHERE k LIKE '%-release'");
    expect(rows).toEqual([]);
    expect(await db.transaction((tx) => tx.query<{ one: number }>('SELECT 1 AS one'))).toEqual([{ one: 1 }]);
  });
});
