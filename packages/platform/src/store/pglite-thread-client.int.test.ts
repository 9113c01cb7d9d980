import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

  it('passes the SQLSTATE of a failed statement to the caller', async () => {
    await db.query("INSERT INTO kv VALUES ('dup', 1)");
    await expect(db.query("INSERT INTO kv VALUES ('dup', 2)")).rejects.toMatchObject({ code: '23505' });
  });

  it('loads CSV with COPY and rolls a failed transaction back', async () => {
    await db.transaction((tx) => tx.copyCsv('kv', ['k', 'n'], 'a,1\nb,2\n'));
    await expect(
      db.transaction(async (tx) => {
        await tx.copyCsv('kv', ['k', 'n'], 'c,3\n');
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    const rows = await db.query<{ k: string }>("SELECT k FROM kv WHERE k IN ('a', 'b', 'c') ORDER BY k");
    expect(rows.map((r) => r.k)).toEqual(['a', 'b']);
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
