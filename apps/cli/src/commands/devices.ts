import { chmod, readFile, writeFile } from 'node:fs/promises';
import { VitaltwinError } from '@vitaltwin/core';
import {
  ClientStore,
  type DeviceBindingSpec,
  defaultTopicRoot,
  describeTarget,
  registerDeviceBindings,
  simulatedDevice,
  simulatedPatient,
} from '@vitaltwin/platform';
import { databaseTarget } from '@vitaltwin/server';
import type { Command } from 'commander';
import { UsageError } from '../exit-codes.ts';
import { withSecurityStore } from '../security-store.ts';
import { publishSimulatedWard } from '../simulated-ward-publisher.ts';

interface SimulateOptions {
  patients: string;
  rate: string;
  mqttUrl?: string;
  duration?: string;
  register: string;
  fhirUrl: string;
  token?: string;
  dataDir?: string;
  credentials?: string;
  topicRoot?: string;
  prefix: string;
  seed: string;
  deteriorate: string;
  deteriorateMinutes: string;
  qos: string;
  json?: boolean;
  quiet?: boolean;
}

function positive(name: string, text: string, integer: boolean, allowZero = false): number {
  const n = Number(text);
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < 0 || (!allowZero && n === 0)) {
    throw new UsageError(`${name} must be a ${integer ? 'whole ' : ''}number ${allowZero ? '≥ 0' : '> 0'}, got "${text}"`);
  }
  return n;
}

/** `vitaltwin devices simulate`: a simulated ward publishing bedside vitals over MQTT (demo and load source). */
export function registerDevicesCommand(program: Command): void {
  const devices = program.command('devices').description('device streams: simulators and tools');
  devices
    .command('simulate')
    .description('publish realistic vitals (HR, RR, SpO2, BP, temperature) for N simulated patients over MQTT; some deteriorate')
    .option('--patients <n>', 'number of simulated patients (one device each)', '10')
    .option('--rate <r>', 'messages per second per patient (each message: one snapshot of 6 readings)', '1')
    .option('--mqtt-url <url>', 'broker to publish to (env MQTT_URL; default mqtt://127.0.0.1:1883)')
    .option('--duration <seconds>', 'stop after this many seconds (default: until Ctrl-C; 0: register only, publish nothing)')
    .option(
      '--register <how>',
      'create Patient/Device bindings: fhir (PUT to --fhir-url), db (write to the database directly), none',
      'fhir',
    )
    .option('--fhir-url <url>', 'FHIR base URL for --register fhir', 'http://127.0.0.1:8080/fhir')
    .option('--token <bearer>', 'access token for --register fhir when the server requires one (env VITALTWIN_TOKEN)')
    .option('--data-dir <dir>', 'embedded PGlite data directory for --register db (or DATABASE_URL); the server must not be running on it')
    .option(
      '--credentials <file>',
      'device MQTT logins as JSON {deviceId: secret}: with --register db, device clients are created and their secrets written here; otherwise read from here (needed when device authentication is on)',
    )
    .option('--topic-root <root>', `MQTT topic root (env MQTT_TOPIC_ROOT; default ${defaultTopicRoot})`)
    .option('--prefix <prefix>', 'id prefix: patients <prefix>-p001.., devices <prefix>-d001..', 'sim')
    .option('--seed <n>', 'random seed (same seed, same ward)', '1')
    .option('--deteriorate <fraction>', 'share of patients who deteriorate', '0.2')
    .option('--deteriorate-minutes <m>', 'minutes from onset to full deterioration', '10')
    .option('--qos <0|1>', 'MQTT QoS', '1')
    .option('--json', 'print a JSON summary at the end')
    .option('--quiet', 'no progress lines')
    .addHelpText(
      'after',
      '\nTopics: {root}/devices/{deviceId}/readings with {"samples":[{"code","value","unit","time"}]} (docs/ingest.md).\nExample (server stopped first, for the PGlite directory):\n  vitaltwin devices simulate --patients 20 --register db --credentials sim.json --duration 0\n  vitaltwin serve --mqtt-port 1884 &\n  vitaltwin devices simulate --patients 20 --register none --credentials sim.json --mqtt-url mqtt://127.0.0.1:1884',
    )
    .action(async (options: SimulateOptions) => {
      const patients = positive('--patients', options.patients, true);
      const rate = positive('--rate', options.rate, false);
      const durationS = options.duration === undefined ? undefined : positive('--duration', options.duration, false, true);
      const deteriorate = Number(options.deteriorate);
      if (!(deteriorate >= 0 && deteriorate <= 1))
        throw new UsageError(`--deteriorate must be between 0 and 1, got "${options.deteriorate}"`);
      const deteriorateMinutes = positive('--deteriorate-minutes', options.deteriorateMinutes, false);
      const seed = positive('--seed', options.seed, true, true);
      if (options.qos !== '0' && options.qos !== '1') throw new UsageError(`--qos must be 0 or 1, got "${options.qos}"`);
      const qos = Number(options.qos) as 0 | 1;
      if (!/^[A-Za-z0-9-]{1,40}$/.test(options.prefix)) throw new UsageError('--prefix must be 1-40 of A-Z a-z 0-9 -');
      const mqttUrl = options.mqttUrl ?? process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883';
      const topicRoot = options.topicRoot ?? process.env.MQTT_TOPIC_ROOT ?? defaultTopicRoot;
      const pad = Math.max(3, String(patients).length);
      const specs: DeviceBindingSpec[] = Array.from({ length: patients }, (_, i) => ({
        patientId: `${options.prefix}-p${String(i + 1).padStart(pad, '0')}`,
        deviceId: `${options.prefix}-d${String(i + 1).padStart(pad, '0')}`,
        patientLabel: `Simulated patient ${i + 1}`,
      }));
      const created = await register(options, specs);
      const credentials = created ?? (options.credentials === undefined ? undefined : await readCredentials(options.credentials));
      if (durationS === 0) return;
      const log = (line: string) => {
        if (!options.quiet) process.stderr.write(`${line}\n`);
      };
      const summary = await publishSimulatedWard({
        specs,
        rate,
        durationS,
        qos,
        mqttUrl,
        topicRoot,
        seed,
        deteriorate,
        deteriorateMinutes,
        ...(credentials ? { credentials } : {}),
        log,
      });
      if (options.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
      else
        process.stdout.write(
          `published ${summary.messages} messages (${summary.readings} readings) for ${patients} patients in ${summary.seconds} s; acknowledged ${summary.acknowledged}; deteriorating: ${summary.deteriorating.join(', ') || 'none'}\n`,
        );
    });
}

/** Creates the bindings as asked; with --register db and --credentials, also device clients, whose secrets it returns. */
async function register(options: SimulateOptions, specs: readonly DeviceBindingSpec[]): Promise<Record<string, string> | undefined> {
  switch (options.register) {
    case 'none':
      return undefined;
    case 'db':
      return withSecurityStore(options.dataDir, async (store) => {
        await registerDeviceBindings(store.db, specs);
        await store.audit({
          action: 'create',
          entity: 'Device',
          outcome: 'success',
          detail: `${specs.length} simulated Patient/Device pairs`,
        });
        process.stderr.write(`registered ${specs.length} Patient/Device pairs in ${describeTarget(databaseTarget(store.config))}\n`);
        if (options.credentials === undefined) return undefined;
        const clients = new ClientStore(store.db);
        const secrets: Record<string, string> = {};
        for (const spec of specs) secrets[spec.deviceId] = (await clients.add({ role: 'device', deviceId: spec.deviceId })).secret;
        await store.audit({ action: 'create', entity: 'Client', outcome: 'success', detail: `${specs.length} simulated device clients` });
        await writeFile(options.credentials, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
        await chmod(options.credentials, 0o600);
        process.stderr.write(`created ${specs.length} device clients; their MQTT secrets are in ${options.credentials}\n`);
        return secrets;
      });
    case 'fhir': {
      const base = options.fhirUrl.replace(/\/$/, '');
      const token = options.token ?? process.env.VITALTWIN_TOKEN;
      const headers: Record<string, string> = {
        'content-type': 'application/fhir+json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      };
      for (const spec of specs) {
        for (const resource of [simulatedPatient(spec), simulatedDevice(spec)]) {
          const url = `${base}/${resource.resourceType as string}/${resource.id as string}`;
          let response: Response;
          try {
            response = await fetch(url, { method: 'PUT', headers, body: JSON.stringify(resource) });
          } catch (error) {
            throw new VitaltwinError(
              'VT_ERR_CONFIG',
              `cannot reach the FHIR API at ${base} (${(error as Error).message}); start the server, set --fhir-url, or use --register db|none`,
            );
          }
          if (!response.ok) {
            const hint = response.status === 401 || response.status === 403 ? 'pass --token' : 'check --fhir-url';
            throw new VitaltwinError(
              'VT_ERR_CONFIG',
              `FHIR API at ${base} answered ${response.status} to PUT ${resource.resourceType as string}; ${hint}, or use --register db|none`,
            );
          }
        }
      }
      process.stderr.write(`registered ${specs.length} Patient/Device pairs through ${base}\n`);
      return undefined;
    }
    default:
      throw new UsageError(`--register must be fhir, db or none, got "${options.register}"`);
  }
}

async function readCredentials(file: string): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `cannot read --credentials ${file} (${(error as NodeJS.ErrnoException).code ?? 'read error'}); create it with --register db --credentials ${file}`,
    );
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed === 'object' && parsed !== null && Object.values(parsed).every((v) => typeof v === 'string'))
      return parsed as Record<string, string>;
  } catch {
    // reported below
  }
  throw new UsageError(`--credentials ${file} must be a JSON object of device id to secret`);
}
