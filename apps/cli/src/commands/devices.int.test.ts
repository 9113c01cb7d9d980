import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadServerConfig, type RunningServer, startServer } from '@vitaltwin/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../testing/run-cli.ts';

describe('vitaltwin devices simulate', () => {
  let dataDir: string;
  let server: RunningServer;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'vt-sim-'));
  });
  afterAll(async () => {
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('registers bindings (--register db), then publishes vitals that a running server stores', async () => {
    // Bindings are written while no server holds the PGlite directory; --duration 0 only registers.
    const register = await runCli([
      'devices',
      'simulate',
      '--patients',
      '3',
      '--register',
      'db',
      '--data-dir',
      dataDir,
      '--duration',
      '0',
      '--quiet',
    ]);
    expect(register.stderr).toContain('registered 3 Patient/Device pairs');
    expect(register.code).toBe(0);

    server = await startServer(loadServerConfig({ flags: { port: '0', mqttPort: '0', dataDir, logLevel: 'silent' }, env: {} }));
    const unreachable = await runCli([
      'devices',
      'simulate',
      '--patients',
      '3',
      '--register',
      'none',
      '--mqtt-url',
      'mqtt://127.0.0.1:1',
      '--duration',
      '1',
    ]);
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr.trim()).toBe(
      'vitaltwin: cannot connect to the MQTT broker at mqtt://127.0.0.1:1 (ECONNREFUSED); check --mqtt-url',
    );
    const result = await runCli([
      'devices',
      'simulate',
      ...[
        '--patients',
        '3',
        '--rate',
        '4',
        '--duration',
        '2',
        '--register',
        'none',
        '--mqtt-url',
        server.mqttUrl,
        '--deteriorate',
        '1',
        '--json',
        '--quiet',
      ],
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as { messages: number; readings: number; acknowledged: number; deteriorating: string[] };
    expect(summary.messages).toBeGreaterThanOrEqual(18);
    expect(summary.acknowledged).toBe(summary.messages);
    expect(summary.readings).toBe(summary.messages * 6);
    expect(summary.deteriorating).toEqual(['sim-p001', 'sim-p002', 'sim-p003']);
    await server.context.ingest.flush();
    const rows = await server.context.db.query<{ n: number; patients: number }>(
      "SELECT count(*)::int AS n, count(DISTINCT patient_id)::int AS patients FROM device_reading WHERE patient_id LIKE 'sim-%'",
    );
    expect(rows[0]).toEqual({ n: summary.readings, patients: 3 });
    expect(server.context.ingest.metrics.deadLettersTotal()).toBe(0);
  });

  it('registers bindings through the FHIR API (--register fhir) of the running server', async () => {
    const result = await runCli([
      'devices',
      'simulate',
      ...['--patients', '2', '--rate', '2', '--duration', '1', '--prefix', 'fx', '--json', '--quiet'],
      ...['--register', 'fhir', '--fhir-url', `${server.url}/fhir`, '--mqtt-url', server.mqttUrl],
    ]);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as { readings: number };
    await server.context.ingest.flush();
    const rows = await server.context.db.query<{ n: number }>("SELECT count(*)::int AS n FROM device_reading WHERE patient_id LIKE 'fx-%'");
    expect(rows[0]?.n).toBe(summary.readings);
    const device = await (await fetch(`${server.url}/fhir/Device/fx-d001`)).json();
    expect(device).toMatchObject({ resourceType: 'Device', patient: { reference: 'Patient/fx-p001' } });
  });

  it('logs each device in with its own secret when device authentication is on (--credentials)', async () => {
    const authDir = await mkdtemp(join(tmpdir(), 'vt-sim-auth-'));
    const credentials = join(authDir, 'sim.json');
    try {
      const register = await runCli([
        'devices',
        'simulate',
        ...[
          '--patients',
          '2',
          '--prefix',
          'au',
          '--register',
          'db',
          '--data-dir',
          authDir,
          '--credentials',
          credentials,
          '--duration',
          '0',
          '--quiet',
        ],
      ]);
      expect(register.code).toBe(0);
      expect(register.stderr).toContain(`created 2 device clients; their MQTT secrets are in ${credentials}`);
      const secured = await startServer(
        loadServerConfig({ flags: { port: '0', mqttPort: '0', dataDir: authDir, logLevel: 'silent', auth: 'on' }, env: {} }),
      );
      try {
        const anonymous = await runCli([
          'devices',
          'simulate',
          '--patients',
          '2',
          '--prefix',
          'au',
          '--register',
          'none',
          '--mqtt-url',
          secured.mqttUrl,
          '--duration',
          '1',
        ]);
        expect(anonymous.code).toBe(2);
        expect(anonymous.stderr).toContain('refused the device login (device authentication is on); pass --credentials');
        const result = await runCli([
          'devices',
          'simulate',
          ...['--patients', '2', '--prefix', 'au', '--rate', '4', '--duration', '1', '--register', 'none', '--json', '--quiet'],
          ...['--credentials', credentials, '--mqtt-url', secured.mqttUrl],
        ]);
        expect(result.code).toBe(0);
        const summary = JSON.parse(result.stdout) as { readings: number; acknowledged: number; messages: number };
        expect(summary.acknowledged).toBe(summary.messages);
        await secured.context.ingest.flush();
        const rows = await secured.context.db.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM device_reading WHERE device_id LIKE 'au-%'",
        );
        expect(rows[0]?.n).toBe(summary.readings);
      } finally {
        await secured.stop();
      }
    } finally {
      await rm(authDir, { recursive: true, force: true });
    }
  });

  it('exits 2 on bad usage', async () => {
    for (const args of [
      ['--patients', '0', '--register', 'none'],
      ['--rate', 'fast', '--register', 'none'],
      ['--register', 'magic'],
      ['--deteriorate', '2', '--register', 'none'],
    ]) {
      const result = await runCli(['devices', 'simulate', ...args]);
      expect(result.code).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('lists devices among the commands', async () => {
    const result = await runCli(['devices', 'simulate', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--patients');
    expect(result.stdout).toContain('{root}/devices/{deviceId}/readings');
  });
});
