import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '@vitaltwin/platform';
import { createTemporaryPostgres, shouldRunPostgres } from '@vitaltwin/platform/testing';
import { loadServerConfig, type RunningServer, startServer } from '@vitaltwin/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../testing/run-cli.ts';

/**
 * `vitaltwin import` and `vitaltwin export` as a user runs them, on the 16 Synthea bundles of the
 * shared data folder. Expected counts come from the files themselves: one resource per distinct
 * type/id (two collection bundles share an Organization and a Practitioner), plus, with
 * `--unresolved=placeholder`, one placeholder per distinct conditional reference (the Synthea v3
 * bundles reference practitioners and organizations of files that are not in the folder).
 */
const synthea = fileURLToPath(new URL('../../../../../shared/data/synthea/', import.meta.url));
type Entry = { fullUrl?: string; resource: { resourceType: string; id: string } };
type Counts = Record<string, number>;

async function syntheaFiles(): Promise<string[]> {
  const out: string[] = [];
  for (const folder of ['pathling', 'smart-generated-sample-data']) {
    for (const f of (await readdir(join(synthea, folder))).filter((n) => n.endsWith('.json')).sort((a, b) => a.localeCompare(b)))
      out.push(join(synthea, folder, f));
  }
  return out;
}

/** Distinct resources per type in the files, and the placeholders their conditional references need. */
async function expectedCounts(files: readonly string[]): Promise<{ resources: Counts; withPlaceholders: Counts; entries: number }> {
  const keys = new Set<string>();
  const refs = new Set<string>();
  let entries = 0;
  for (const file of files) {
    const text = await readFile(file, 'utf8');
    const bundle = JSON.parse(text) as { entry: Entry[] };
    entries += bundle.entry.length;
    for (const e of bundle.entry) keys.add(`${e.resource.resourceType}/${e.resource.id}`);
    for (const m of text.matchAll(/"reference"\s*:\s*"([A-Z][A-Za-z]+)\?identifier=[^"]+"/g)) refs.add(m[0]);
  }
  const resources: Counts = {};
  for (const k of keys) resources[k.split('/')[0]!] = (resources[k.split('/')[0]!] ?? 0) + 1;
  const withPlaceholders = { ...resources };
  for (const r of refs) {
    const type = /"([A-Z][A-Za-z]+)\?/.exec(r)![1]!;
    withPlaceholders[type] = (withPlaceholders[type] ?? 0) + 1;
  }
  return { resources, withPlaceholders, entries };
}

async function storeCounts(
  target: { kind: 'pglite'; dataDir: string } | { kind: 'postgres'; url: string },
): Promise<{ live: Counts; versions: number }> {
  const db = await openDatabase(target);
  try {
    const rows = await db.query<{ resource_type: string; n: number }>(
      'SELECT resource_type, count(*)::int AS n FROM fhir_resource WHERE NOT deleted GROUP BY resource_type ORDER BY resource_type',
    );
    const versions = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM fhir_resource_version');
    return { live: Object.fromEntries(rows.map((r) => [r.resource_type, r.n])), versions: versions[0]!.n };
  } finally {
    await db.close();
  }
}

const sorted = (c: Counts) => Object.fromEntries(Object.entries(c).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

describe('vitaltwin import (Synthea bundles, embedded PGlite)', () => {
  let scratch: string;
  let files: string[];
  let expected: Awaited<ReturnType<typeof expectedCounts>>;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'vt-import-cli-'));
    files = await syntheaFiles();
    expected = await expectedCounts(files);
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('imports all 16 bundles: counts per type equal the files; a second import creates and writes nothing', async () => {
    expect(files).toHaveLength(16);
    const dataDir = join(scratch, 'all');
    const first = await runCli(['import', synthea, '--data-dir', dataDir, '--unresolved', 'placeholder', '--json']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const summary = JSON.parse(first.stdout);
    expect(summary.files).toBe(16);
    expect(summary.filesFailed).toEqual([]);
    const placeholders =
      Object.values(expected.withPlaceholders).reduce((a, b) => a + b, 0) - Object.values(expected.resources).reduce((a, b) => a + b, 0);
    expect(summary.placeholders).toEqual({ created: placeholders, filled: 0 });
    const stored = await storeCounts({ kind: 'pglite', dataDir });
    expect(sorted(stored.live)).toEqual(sorted(expected.withPlaceholders));

    const second = await runCli(['import', synthea, '--data-dir', dataDir, '--json']);
    expect(second.code).toBe(0);
    const again = JSON.parse(second.stdout);
    expect(again.resources).toEqual({ created: 0, updated: 0, unchanged: expected.entries, failed: 0 });
    const after = await storeCounts({ kind: 'pglite', dataDir });
    expect(after).toEqual(stored);
  }, 300_000);

  it('exports with --type-filter only the Observations a FHIR search selects, counted from the files', async () => {
    type Coded = { coding?: { system?: string; code?: string }[] };
    const selected = new Set<string>();
    for (const file of files) {
      const bundle = JSON.parse(await readFile(file, 'utf8')) as {
        entry: { resource: { resourceType: string; id: string; category?: Coded[]; code?: Coded } }[];
      };
      for (const { resource: r } of bundle.entry) {
        if (r.resourceType !== 'Observation') continue;
        const lab = (r.category ?? []).some((c) => (c.coding ?? []).some((x) => x.code === 'laboratory'));
        const heartRate = (r.code?.coding ?? []).some((x) => x.system === 'http://loinc.org' && x.code === '8867-4');
        if (lab || heartRate) selected.add(r.id);
      }
    }
    expect(selected.size).toBeGreaterThan(100);
    const out = join(scratch, 'export-filtered');
    const args = ['--type-filter', 'Observation?category=laboratory', '--type-filter', 'Observation?code=http://loinc.org|8867-4'];
    const result = await runCli(['export', '--data-dir', join(scratch, 'all'), '--out', out, '--type', 'Observation', ...args, '--json']);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout).files).toEqual([{ file: 'Observation.ndjson', count: selected.size }]);
    const ids = (await readFile(join(out, 'Observation.ndjson'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { id: string }).id);
    expect(new Set(ids)).toEqual(selected);
    const bad = await runCli(['export', '--data-dir', join(scratch, 'all'), '--out', out, '--type-filter', 'Observation?_sort=date']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--type-filter: Observation?_sort=date: _sort is not a search parameter');
  }, 120_000);

  it('by default fails a file whose conditional reference matches nothing, naming file, JSON path and reference', async () => {
    const bennett = files.find((f) => f.includes('Bennett146'))!;
    const result = await runCli(['import', bennett, '--data-dir', join(scratch, 'strict')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `${bennett}: entry[1].resource.participant[0].individual.reference: conditional reference Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|9999139196 matches no resource;`,
    );
    expect(result.stderr).toContain('--unresolved=placeholder');
    expect(result.stdout).toMatch(/^imported 0 resources from 0 of 1 files/);
  }, 120_000);

  it('reports a broken resource by file and JSON path and still imports the other files', async () => {
    const folder = join(scratch, 'broken');
    await mkdir(folder);
    const emery = files.find((f) => f.includes('Emery_Purdy'))!;
    const morris = files.find((f) => f.includes('Morris_Lockman'))!;
    const bundle = JSON.parse(await readFile(emery, 'utf8'));
    expect(bundle.entry[0].resource.resourceType).toBe('Patient');
    bundle.entry[0].resource.birthDate = '1970-13-45';
    await writeFile(join(folder, 'Emery-broken.json'), JSON.stringify(bundle));
    await copyFile(morris, join(folder, 'Morris.json'));
    const dataDir = join(scratch, 'broken-store');
    const result = await runCli(['import', folder, '--data-dir', dataDir, '--json']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(`^${folder.replaceAll('/', '\\/')}/Emery-broken\\.json: entry\\[0\\]\\.resource\\.birthDate: `, 'm'),
    );
    const summary = JSON.parse(result.stdout);
    expect(summary.filesFailed).toEqual([join(folder, 'Emery-broken.json')]);
    const morrisCounts = await expectedCounts([morris]);
    expect(sorted((await storeCounts({ kind: 'pglite', dataDir })).live)).toEqual(sorted(morrisCounts.resources));
  }, 120_000);

  it('streams NDJSON line by line: a bad line in the middle is reported by file and line, the rest imports', async () => {
    const folder = join(scratch, 'ndjson');
    await mkdir(folder);
    const lines: string[] = [JSON.stringify({ resourceType: 'Patient', id: 'nd-p', name: [{ family: 'Line' }] })];
    for (let i = 1; i < 3000; i++) {
      lines.push(
        JSON.stringify({
          resourceType: 'Observation',
          id: `nd-o${i}`,
          status: 'final',
          code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
          subject: { reference: 'Patient/nd-p' },
          effectiveDateTime: i === 2000 ? 'yesterday' : new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString(),
          valueQuantity: { value: 60 + (i % 40), unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
        }),
      );
    }
    lines[1499] = '{"resourceType":"Observation","id":"nd-bad",';
    await writeFile(join(folder, 'vitals.ndjson'), `${lines.join('\n')}\n`);
    const dataDir = join(scratch, 'ndjson-store');
    const result = await runCli(['import', join(folder, 'vitals.ndjson'), '--data-dir', dataDir, '--json']);
    expect(result.code).toBe(1);
    const name = join(folder, 'vitals.ndjson');
    expect(result.stderr).toContain(`${name}:1500: invalid JSON: `);
    expect(result.stderr).toContain(`${name}:2001: Observation.effectiveDateTime: Invalid dateTime format`);
    const summary = JSON.parse(result.stdout);
    expect(summary.resources).toMatchObject({ created: 2998, failed: 2 });
    expect((await storeCounts({ kind: 'pglite', dataDir })).live).toEqual({ Observation: 2997, Patient: 1 });
  }, 120_000);

  it('exits 2 on usage errors', async () => {
    const missing = await runCli(['import', join(scratch, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no such file or folder');
    const policy = await runCli(['import', files[0]!, '--unresolved', 'ignore']);
    expect(policy.code).toBe(2);
    expect(policy.stderr).toContain('--unresolved must be error or placeholder');
  });
});

describe('vitaltwin import and export against a running server', () => {
  let scratch: string;
  let dataDir: string;
  let server: RunningServer;
  let subset: string;
  let expected: Awaited<ReturnType<typeof expectedCounts>>;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'vt-import-server-'));
    dataDir = join(scratch, 'server-data');
    server = await startServer(loadServerConfig({ flags: { port: '0', mqttPort: '0', dataDir, logLevel: 'silent' }, env: {} }));
    // Three bundles: two transaction bundles (one Synthea v3 with conditional references) and a collection.
    subset = join(scratch, 'subset');
    await mkdir(subset);
    const all = await syntheaFiles();
    const chosen = all.filter((f) => /Dino214|Tuyet839|Morris_Lockman/.test(f));
    expect(chosen).toHaveLength(3);
    for (const f of chosen) await copyFile(f, join(subset, f.split('/').pop()!));
    expected = await expectedCounts(chosen);
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    await rm(scratch, { recursive: true, force: true });
  });

  const serverCounts = async (types: readonly string[]): Promise<Counts> => {
    const out: Counts = {};
    for (const type of types) {
      const bundle = (await (await fetch(`${server.url}/fhir/${type}?_summary=count`)).json()) as { total: number };
      out[type] = bundle.total;
    }
    return out;
  };

  it('refuses to open the data directory of the running server and says to use --server', async () => {
    const result = await runCli(['import', subset, '--data-dir', dataDir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--server');
  });

  it('imports through the FHIR API in transaction chunks; a second run sends nothing new', async () => {
    const first = await runCli(['import', subset, '--server', server.url, '--unresolved', 'placeholder', '--batch-size', '100', '--json']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(await serverCounts(Object.keys(expected.withPlaceholders))).toEqual(expected.withPlaceholders);
    const second = await runCli(['import', subset, '--server', server.url, '--json']);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout).resources).toEqual({ created: 0, updated: 0, unchanged: expected.entries, failed: 0 });
    const history = (await (await fetch(`${server.url}/fhir/_history?_count=1`)).json()) as { total: number };
    expect(history.total).toBe(Object.values(expected.withPlaceholders).reduce((a, b) => a + b, 0));
  }, 180_000);

  it('exports with --server through $export, and the files import into a fresh store with the same counts', async () => {
    const out = join(scratch, 'export-server');
    const exported = await runCli(['export', '--server', server.url, '--out', out, '--json']);
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    const files = JSON.parse(exported.stdout).files as { file: string; count: number }[];
    const byType = Object.fromEntries(files.map((f) => [f.file.replace(/\.ndjson$/, ''), f.count]));
    expect(sorted(byType)).toEqual(sorted(expected.withPlaceholders));
    const fresh = join(scratch, 'fresh');
    const imported = await runCli(['import', out, '--data-dir', fresh, '--json']);
    expect(imported.code).toBe(0);
    expect(sorted((await storeCounts({ kind: 'pglite', dataDir: fresh })).live)).toEqual(sorted(expected.withPlaceholders));
  }, 180_000);
});

describe('vitaltwin import and export --server with authentication on', () => {
  let dataDir: string;
  let server: RunningServer;
  let token: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'vt-import-auth-'));
    server = await startServer(loadServerConfig({ flags: { port: '0', mqttPort: '0', dataDir, logLevel: 'silent', auth: 'on' }, env: {} }));
    const login = await fetch(`${server.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: server.context.security!.bootstrap!.password }),
    });
    token = ((await login.json()) as { access_token: string }).access_token;
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('says a token is needed, and imports and exports with --token', async () => {
    const file = (await syntheaFiles()).find((f) => f.includes('Morris_Lockman'))!;
    const anonymous = await runCli(['import', file, '--server', server.url]);
    expect(anonymous.code).toBe(1);
    expect(anonymous.stderr).toContain('the server needs an access token (--token');
    const imported = await runCli(['import', file, '--server', server.url, '--token', token, '--json']);
    expect(imported.code).toBe(0);
    const expected = await expectedCounts([file]);
    expect(JSON.parse(imported.stdout).resources.created).toBe(expected.entries);
    const out = join(dataDir, 'out');
    const exported = await runCli(['export', '--server', server.url, '--out', out, '--type', 'Patient', '--json'], {
      env: { VITALTWIN_TOKEN: token },
    });
    expect(exported.code).toBe(0);
    expect(JSON.parse(exported.stdout).files).toEqual([{ file: 'Patient.ndjson', count: 1 }]);
  }, 120_000);
});

describe('vitaltwin export round trip on the store', () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'vt-export-cli-'));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('exports a store (all, and --type/--since) and re-imports it into a fresh store with the same counts', async () => {
    const files = (await syntheaFiles()).filter((f) => /smart-generated/.test(f));
    const source = join(scratch, 'source');
    expect((await runCli(['import', ...files, '--data-dir', source])).code).toBe(0);
    const counts = (await storeCounts({ kind: 'pglite', dataDir: source })).live;

    const all = join(scratch, 'all');
    expect((await runCli(['export', '--out', all, '--data-dir', source])).code).toBe(0);
    const copy = join(scratch, 'copy');
    const imported = await runCli(['import', all, '--data-dir', copy, '--json']);
    expect(imported.stderr).toBe('');
    expect((await storeCounts({ kind: 'pglite', dataDir: copy })).live).toEqual(counts);

    const some = join(scratch, 'some');
    const selected = await runCli([
      'export',
      '--out',
      some,
      '--data-dir',
      source,
      '--type',
      'Patient,Observation',
      '--since',
      '2000-01-01',
      '--json',
    ]);
    expect(selected.code).toBe(0);
    expect(JSON.parse(selected.stdout).files).toEqual([
      { file: 'Patient.ndjson', count: counts['Patient'] },
      { file: 'Observation.ndjson', count: counts['Observation'] },
    ]);
    const future = await runCli([
      'export',
      '--out',
      join(scratch, 'none'),
      '--data-dir',
      source,
      '--since',
      '2999-01-01T00:00:00Z',
      '--json',
    ]);
    expect(JSON.parse(future.stdout).files).toEqual([]);
    const bad = await runCli(['export', '--out', some, '--data-dir', source, '--type', 'Bogus']);
    expect(bad.code).toBe(2);
  }, 240_000);
});

const engines = (await shouldRunPostgres('vitaltwin import on PostgreSQL')) ? ['postgres'] : [];

describe.each(engines)('vitaltwin import on %s (DATABASE_URL)', () => {
  it('imports all 16 bundles with the same counts as the files', async () => {
    const temp = await createTemporaryPostgres();
    try {
      const expected = await expectedCounts(await syntheaFiles());
      const result = await runCli(['import', synthea, '--unresolved', 'placeholder', '--json'], { env: { DATABASE_URL: temp.url } });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(sorted((await storeCounts({ kind: 'postgres', url: temp.url })).live)).toEqual(sorted(expected.withPlaceholders));
      const again = await runCli(['import', synthea, '--json'], { env: { DATABASE_URL: temp.url } });
      expect(JSON.parse(again.stdout).resources.unchanged).toBe(expected.entries);
    } finally {
      await temp.drop();
    }
  }, 300_000);
});
