import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SimulatedWard, simulatedVitalCodes, vitalCount } from '@vitaltwin/platform';
import { loadServerConfig, type RunningServer, startServer } from '@vitaltwin/server';
import { build } from 'vite';

/**
 * What the browser tests run against: the web app built with Vite's build API into apps/web/dist
 * (where the server serves it), and a real server — auth on, embedded PGlite in a temporary
 * directory, the embedded MQTT broker and HTTP both on port 0 — loaded with the demo data set that
 * `npm start` shows (`--demo`: Synthea patients, bedside monitors, 14 days of CGM with insulin and
 * meals, live deterioration), plus extra monitored beds posted through the public API up to a
 * 200-patient ward.
 */
export const webRoot = fileURLToPath(new URL('..', import.meta.url));

export async function buildWebApp(): Promise<number> {
  const t0 = performance.now();
  await build({ configFile: join(webRoot, 'vite.config.ts'), root: webRoot, logLevel: 'error' });
  return performance.now() - t0;
}

export interface E2eServer {
  readonly server: RunningServer;
  readonly url: string;
  readonly mqttUrl: string;
  readonly admin: { readonly username: string; readonly password: string };
  readonly token: string;
  api<T>(path: string, init?: { method?: string; body?: unknown; contentType?: string }): Promise<T>;
  stop(): Promise<void>;
}

export async function startE2eServer(): Promise<E2eServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'vt-web-e2e-'));
  const config = loadServerConfig({
    flags: { host: '127.0.0.1', port: '0', mqttPort: '0', dataDir, logLevel: 'silent', auth: 'on', demo: 'true' },
    env: {},
  });
  const server = await startServer(config);
  const admin = server.context.security?.bootstrap;
  if (!admin) throw new Error('e2e: the server created no first administrator');
  const login = await fetch(`${server.url}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(admin),
  });
  const { access_token: token } = (await login.json()) as { access_token: string };
  const api = async <T>(path: string, init: { method?: string; body?: unknown; contentType?: string } = {}): Promise<T> => {
    const res = await fetch(`${server.url}${path}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/json',
        ...(init.body !== undefined ? { 'content-type': init.contentType ?? 'application/json' } : {}),
      },
      ...(init.body !== undefined ? { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) } : {}),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path} → ${res.status}: ${text.slice(0, 500)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  return {
    server,
    url: server.url,
    mqttUrl: server.mqttUrl,
    admin,
    token,
    api,
    stop: async () => {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

const given = ['Abel', 'Bea', 'Cyrus', 'Dora', 'Emil', 'Fay', 'Gus', 'Hana', 'Ivo', 'Juno', 'Kurt', 'Lena'];
const family = ['Alder', 'Birch', 'Cedar', 'Elm', 'Fir', 'Hazel', 'Larch', 'Maple', 'Oak', 'Pine', 'Rowan', 'Yew'];

export const extraBedId = (i: number) => `e2e-bed-${String(i + 1).padStart(3, '0')}`;
export const extraDeviceId = (i: number) => `e2e-mon-${String(i + 1).padStart(3, '0')}`;
export const extraBedName = (i: number) => `${given[i % given.length]}${300 + i} ${family[(i * 7) % family.length]}${500 + i}`;

/**
 * `count` more beds through the public API: Patient and Device (Device.patient binds the monitor)
 * in one FHIR transaction, then `hours` of 5-minute vitals history from the simulated-ward model,
 * posted to /ingest as NDJSON (one item per bed).
 */
export async function addMonitoredBeds(e2e: E2eServer, count: number, hours: number, nowMs: number): Promise<void> {
  const entry = Array.from({ length: count }, (_, i) => {
    const [first, last] = extraBedName(i).split(' ') as [string, string];
    const patient = {
      resourceType: 'Patient',
      id: extraBedId(i),
      name: [{ use: 'official', family: last, given: [first] }],
      gender: i % 2 ? 'male' : 'female',
      birthDate: `${1940 + (i % 50)}-0${1 + (i % 9)}-15`,
    };
    const device = { resourceType: 'Device', id: extraDeviceId(i), status: 'active', patient: { reference: `Patient/${extraBedId(i)}` } };
    return [
      { resource: patient, request: { method: 'PUT', url: `Patient/${patient.id}` } },
      { resource: device, request: { method: 'PUT', url: `Device/${device.id}` } },
    ];
  }).flat();
  await e2e.api('/fhir', { body: { resourceType: 'Bundle', type: 'transaction', entry }, contentType: 'application/fhir+json' });
  const stepMs = 5 * 60_000;
  const startMs = nowMs - hours * 3_600_000;
  const ward = new SimulatedWard({ patients: count, seed: 99, startMs, deterioratingFraction: 0 });
  const snapshot = new Float64Array(vitalCount);
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const samples: { code: string; value: number; unit: string; time: string }[] = [];
    for (let t = startMs + stepMs; t <= nowMs; t += stepMs) {
      ward.sample(i, t, snapshot);
      const time = new Date(t).toISOString();
      simulatedVitalCodes.forEach((c, v) => {
        samples.push({ code: c.code, value: snapshot[v] as number, unit: c.unit, time });
      });
    }
    lines.push(JSON.stringify({ deviceId: extraDeviceId(i), samples }));
  }
  for (let i = 0; i < lines.length; i += 50) {
    await e2e.api('/ingest', { body: lines.slice(i, i + 50).join('\n'), contentType: 'application/x-ndjson' });
  }
}
