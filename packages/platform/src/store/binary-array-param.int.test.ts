import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testEngines } from '@vitaltwin/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binaryArray } from './binary-array-param.ts';
import { openPgliteThreadClient } from './pglite-thread-client.ts';
import type { SqlClient } from './sql-client.ts';

// Values at the edges of each element type, and text the array text format would have to escape.
const texts = ['plain', '', 'quote " comma , braces {} backslash \\ NULL', 'Ünïcödé — 血糖 🩸', null, 'x'.repeat(100_000)];
const int8s = [0, 1, -1, 2 ** 53 - 1, -(2 ** 53 - 1), 4_294_967_296, null];
const int4s = [0, -2_147_483_648, 2_147_483_647, null];
const float8s = [0, -0.5, 1e-300, 1.7976931348623157e308, Number.POSITIVE_INFINITY, null];
const bools = [true, false, null];
const times = [
  Date.UTC(2026, 10, 21, 10, 0, 0, 123),
  Date.parse('0001-01-01T00:00:00Z'),
  Date.parse('9999-12-31T23:59:59.999Z'),
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  null,
];

const engines = [
  ...(await testEngines('binary array parameters')),
  {
    name: 'pglite-thread' as const,
    async open() {
      const dir = await mkdtemp(join(tmpdir(), 'vt-binary-array-'));
      const db = await openPgliteThreadClient(dir);
      return {
        db,
        async dispose() {
          await db.close();
          await rm(dir, { recursive: true, force: true });
        },
      };
    },
  },
];

describe.each(engines)('binary array parameters on $name', (engine) => {
  let db: SqlClient;
  let dispose: () => Promise<void>;

  beforeAll(async () => {
    ({ db, dispose } = await engine.open());
  });
  afterAll(async () => {
    await dispose();
  });

  it('arrive as the arrays that were encoded', async () => {
    const rows = await db.query<Record<string, string | null>>(
      `SELECT array_to_json($1::text[])::text AS t, array_to_json($2::bigint[])::text AS i8, array_to_json($3::int[])::text AS i4,
              array_to_json($4::float8[])::text AS f8, array_to_json($5::boolean[])::text AS b,
              (SELECT json_agg(CASE WHEN isfinite(x) THEN (extract(epoch FROM x) * 1000000)::bigint::text ELSE x::text END)::text
                 FROM unnest($6::timestamptz[]) AS x) AS ts`,
      [
        binaryArray('text', texts),
        binaryArray('int8', int8s),
        binaryArray('int4', int4s),
        binaryArray('float8', float8s),
        binaryArray('bool', bools),
        binaryArray('timestamptz', times),
      ],
    );
    const row = rows[0]!;
    expect(JSON.parse(row['t']!)).toEqual(texts);
    expect(JSON.parse(row['i8']!)).toEqual(int8s);
    expect(JSON.parse(row['i4']!)).toEqual(int4s);
    // JSON has no infinity: array_to_json writes it as the string PostgreSQL prints.
    expect(JSON.parse(row['f8']!)).toEqual([0, -0.5, 1e-300, 1.7976931348623157e308, 'Infinity', null]);
    expect(JSON.parse(row['b']!)).toEqual(bools);
    // Microseconds since 1970.
    expect(JSON.parse(row['ts']!)).toEqual(
      times.map((ms) => (ms === null ? null : Number.isFinite(ms) ? String(BigInt(ms) * 1000n) : ms > 0 ? 'infinity' : '-infinity')),
    );
  });

  it('arrive empty as empty arrays', async () => {
    const rows = await db.query<{ n: number | null; e: boolean }>(
      `SELECT cardinality($1::text[]) AS n, $2::bigint[] = '{}'::bigint[] AS e`,
      [binaryArray('text', []), binaryArray('int8', [])],
    );
    expect(rows[0]).toEqual({ n: 0, e: true });
  });

  it('zip into rows with unnest', async () => {
    const rows = await db.query<{ id: number; name: string | null }>(
      'SELECT id::int AS id, name FROM unnest($1::bigint[], $2::text[]) AS u(id, name) ORDER BY id',
      [binaryArray('int8', [2, 1, 3]), binaryArray('text', ['b', 'a', null])],
    );
    expect(rows).toEqual([
      { id: 1, name: 'a' },
      { id: 2, name: 'b' },
      { id: 3, name: null },
    ]);
  });
});
