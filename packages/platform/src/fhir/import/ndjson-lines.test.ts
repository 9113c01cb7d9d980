import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ndjsonLines } from './ndjson-lines.ts';

describe('ndjsonLines', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vt-ndjson-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const collect = async (path: string) => {
    const out: [number, string][] = [];
    for await (const l of ndjsonLines(path)) out.push([l.line, l.text]);
    return out;
  };

  it('numbers every line from 1, skips blank ones and handles CRLF and a missing final newline', async () => {
    const path = join(dir, 'a.ndjson');
    await writeFile(path, '{"a":1}\r\n\n{"b":2}\n   \n{"c":3}');
    expect(await collect(path)).toEqual([
      [1, '{"a":1}'],
      [3, '{"b":2}'],
      [5, '{"c":3}'],
    ]);
  });

  it('decompresses .gz on the fly and streams many lines', async () => {
    const path = join(dir, 'b.ndjson.gz');
    const lines = Array.from({ length: 50_000 }, (_, i) => JSON.stringify({ i }));
    await writeFile(path, gzipSync(`${lines.join('\n')}\n`));
    const got = await collect(path);
    expect(got).toHaveLength(50_000);
    expect(got[49_999]).toEqual([50_000, '{"i":49999}']);
  });

  it('fails with the read error instead of hanging', async () => {
    await expect(collect(join(dir, 'missing.ndjson'))).rejects.toThrow(/ENOENT/);
    const bad = join(dir, 'bad.ndjson.gz');
    await writeFile(bad, 'not gzip');
    await expect(collect(bad)).rejects.toThrow();
  });
});
