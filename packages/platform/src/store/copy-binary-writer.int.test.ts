import { testEngines } from '@vitaltwin/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CopyBinaryWriter } from './copy-binary-writer.ts';
import type { SqlClient } from './sql-client.ts';

const engines = await testEngines('binary COPY');

// Values at the edges of each type's binary representation (PostgreSQL docs, COPY "Binary Format").
const rows = [
  { s: 'plain', x: 72, n: 1, tMs: Date.UTC(2026, 10, 21, 10, 0, 0, 123) },
  { s: '', x: -0.5, n: -2_147_483_648, tMs: Date.UTC(1999, 11, 31, 23, 59, 59, 999) },
  { s: 'quote " comma , newline \n tab \t backslash \\', x: 1e-300, n: 2_147_483_647, tMs: Date.UTC(2000, 0, 1) },
  { s: 'Ünïcödé — 血糖 🩸', x: 1.7976931348623157e308, n: 0, tMs: Date.UTC(1970, 0, 1) + 0.25 },
  // Past 2^53 microseconds since 2000 (the year 2255): the microseconds stay exact.
  { s: 'far future', x: 0, n: 7, tMs: Date.UTC(9999, 11, 31, 23, 59, 59, 999) },
];

describe.each(engines)('binary COPY input on $name', (engine) => {
  let db: SqlClient;
  let dispose: () => Promise<void>;

  beforeAll(async () => {
    ({ db, dispose } = await engine.open());
    await db.exec('CREATE TABLE copy_binary_check (s text, x double precision, n integer, t timestamptz)');
  });
  afterAll(async () => {
    await dispose();
  });

  it('stores text, double precision, integer and timestamptz exactly as written', async () => {
    // A small first buffer, so the writer must grow it several times.
    const writer = new CopyBinaryWriter(16);
    for (const r of rows) writer.row(4).text(r.s).float8(r.x).int4(r.n).timestamptzMs(r.tMs);
    await db.transaction((tx) => tx.copyFrom('copy_binary_check', ['s', 'x', 'n', 't'], writer.finish()));
    const stored = await db.query<{ s: string; x: number; n: number; us: string }>(
      `SELECT s, x, n, (extract(epoch FROM t) * 1000000)::bigint::text AS us FROM copy_binary_check ORDER BY n`,
    );
    const expected = [...rows].sort((a, b) => a.n - b.n);
    expect(stored.map((r) => r.s)).toEqual(expected.map((r) => r.s));
    expect(stored.map((r) => r.x)).toEqual(expected.map((r) => r.x));
    // Microseconds since 1970: the 0.25 ms fraction survives as 250 µs.
    expect(stored.map((r) => r.us)).toEqual(
      expected.map((r) => String(BigInt(Math.floor(r.tMs)) * 1000n + BigInt(Math.round((r.tMs - Math.floor(r.tMs)) * 1000)))),
    );
  });
});
