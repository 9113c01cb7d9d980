import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AccessTokens, loadKeyMaterial, openDatabase } from '@vitaltwin/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../testing/run-cli.ts';

const synthea = fileURLToPath(new URL('../../../../../shared/data/synthea/pathling/', import.meta.url));

/** The security commands as an operator runs them, on an embedded data directory. */
describe('vitaltwin token, user, client, export and audit', () => {
  let scratch: string;
  let dataDir: string;
  const identifying: string[] = [];

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'vt-sec-cli-'));
    dataDir = join(scratch, 'data');
    // A store holding two Synthea patients, as the FHIR API would have stored them.
    const db = await openDatabase({ kind: 'pglite', dataDir });
    const files = (await readdir(synthea))
      .filter((f) => f.endsWith('.json'))
      .sort((a, b) => a.localeCompare(b))
      .slice(0, 2);
    for (const file of files) {
      const bundle = JSON.parse(await readFile(join(synthea, file), 'utf8')) as { entry: { resource: Record<string, unknown> }[] };
      const patient = bundle.entry.find((e) => e.resource.resourceType === 'Patient')?.resource as Record<string, unknown>;
      const name = (patient.name as { family: string; given: string[] }[])[0];
      identifying.push(
        patient.id as string,
        name?.family as string,
        ...(name?.given ?? []),
        (patient.telecom as { value: string }[])[0]?.value ?? 'x',
      );
      for (const { resource } of bundle.entry) {
        await db.query(
          `INSERT INTO fhir_resource (resource_type, id, version_id, last_updated, deleted, patient_id, content)
           VALUES ($1, $2, 1, now(), false, $3, $4) ON CONFLICT DO NOTHING`,
          [resource.resourceType, resource.id, patient.id, JSON.stringify(resource).replaceAll('urn:uuid:', 'Patient/')],
        );
      }
    }
    await db.close();
  });
  afterAll(async () => rm(scratch, { recursive: true, force: true }));

  it('prints a token the server key verifies, bound to the patient', async () => {
    const result = await runCli(['token', '--role', 'patient', '--patient', 'p1', '--expires', '15m', '--data-dir', dataDir, '--json']);
    expect(result.code).toBe(0);
    const {
      access_token: token,
      expires_in: expiresIn,
      scope,
    } = JSON.parse(result.stdout) as { access_token: string; expires_in: number; scope: string };
    expect(expiresIn).toBe(900);
    expect(scope).toBe('patient/*.rs patient/Alert.rs patient/Twin.rs patient/Event.rs');
    const check = await new AccessTokens(await loadKeyMaterial({ dataDir })).verify(token);
    expect(check).toMatchObject({ ok: true, subject: { role: 'patient', patientId: 'p1' } });
  });

  it('refuses bad token requests with exit code 2', async () => {
    expect((await runCli(['token', '--role', 'patient', '--data-dir', dataDir])).code).toBe(2);
    expect((await runCli(['token', '--role', 'wizard', '--data-dir', dataDir])).code).toBe(2);
    const bad = await runCli(['token', '--role', 'clinician', '--expires', 'forever', '--data-dir', dataDir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--expires must be a duration');
  });

  it('adds, lists and disables users', async () => {
    const added = await runCli(['user', 'add', 'nurse', '--role', 'clinician', '--password-stdin', '--data-dir', dataDir], {
      input: 'a long nurse password\n',
    });
    expect(added.code).toBe(0);
    expect(added.stdout).toBe('added clinician nurse\n');
    const generated = await runCli(['user', 'add', 'pat', '--role', 'patient', '--patient', 'p1', '--data-dir', dataDir]);
    expect(generated.stdout).toMatch(/^added patient pat with password \S{20} \(shown once\)\n$/);
    expect(
      (await runCli(['user', 'add', 'short', '--role', 'clinician', '--password-stdin', '--data-dir', dataDir], { input: 'short' })).code,
    ).toBe(2);
    expect((await runCli(['user', 'disable', 'nurse', '--data-dir', dataDir])).code).toBe(0);
    const list = JSON.parse((await runCli(['user', 'list', '--json', '--data-dir', dataDir])).stdout) as {
      username: string;
      disabled: boolean;
    }[];
    expect(list.map((u) => [u.username, u.disabled])).toEqual([
      ['nurse', true],
      ['pat', false],
    ]);
  });

  it('creates a device client with its MQTT login', async () => {
    const result = await runCli(['client', 'add', '--role', 'device', '--device', 'cgm-7', '--data-dir', dataDir]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/client_secret \S{43}/);
    expect(result.stdout).toContain('MQTT login    username cgm-7');
  });

  it('exports the store plain and de-identified, with a report, and audits both', async () => {
    const plain = join(scratch, 'plain');
    const deid = join(scratch, 'deid');
    expect((await runCli(['export', '--out', plain, '--data-dir', dataDir])).code).toBe(0);
    const result = await runCli(['export', '--deidentify', '--out', deid, '--data-dir', dataDir, '--json']);
    expect(result.code).toBe(0);
    const files = (await readdir(deid)).sort((a, b) => a.localeCompare(b));
    expect(files).toContain('Patient.ndjson');
    expect(files).toContain('Observation.ndjson');
    expect(files).toContain('deidentification-report.json');
    const plainPatients = (await readFile(join(plain, 'Patient.ndjson'), 'utf8')).trim().split('\n');
    expect(plainPatients).toHaveLength(2);
    let all = '';
    for (const f of files) all += await readFile(join(deid, f), 'utf8');
    for (const s of identifying) expect(all, s).not.toContain(s);
    const report = JSON.parse(await readFile(join(deid, 'deidentification-report.json'), 'utf8')) as {
      removedOrReplaced: Record<string, number>;
    };
    expect(report.removedOrReplaced.name).toBeGreaterThanOrEqual(2);
    expect(report.removedOrReplaced.identifier).toBeGreaterThanOrEqual(10);
    expect(report.removedOrReplaced.date).toBeGreaterThan(100);
  });

  it('verifies the audit chain and names the first broken link after tampering', async () => {
    const intact = await runCli(['audit', 'verify', '--data-dir', dataDir]);
    expect(intact.code).toBe(0);
    expect(intact.stdout).toMatch(/^audit chain intact: \d+ events; head seq \d+ hash [0-9a-f]{64}/);
    const db = await openDatabase({ kind: 'pglite', dataDir });
    const target = (await db.query<{ seq: number }>("SELECT seq FROM audit_event WHERE action = 'export' ORDER BY seq LIMIT 1"))[0]?.seq;
    await db.exec('ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_change');
    await db.query("UPDATE audit_event SET entity = 'nothing to see' WHERE seq = $1", [target]);
    await db.close();
    const broken = await runCli(['audit', 'verify', '--data-dir', dataDir]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain(`vitaltwin: audit chain broken at seq ${target} (content-changed)`);
  });
});
