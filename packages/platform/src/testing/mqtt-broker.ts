import { connect } from 'node:net';
import { servicesRequired } from './test-databases.ts';

/**
 * Test support: the external MQTT broker (Mosquitto) used by service-backed ingest tests, at
 * VITALTWIN_TEST_MQTT_URL (default mqtt://127.0.0.1:1883). When it is unreachable those tests skip
 * with a printed reason, unless VITALTWIN_REQUIRE_SERVICES=1, where they fail.
 */
export const testMqttUrl = process.env.VITALTWIN_TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';

let reachable: Promise<string | undefined> | undefined;

/** Resolves to undefined when a TCP connection to the broker succeeds, else to the reason. */
export function mqttBrokerUnavailableReason(): Promise<string | undefined> {
  reachable ??= new Promise((resolve) => {
    const url = new URL(testMqttUrl);
    const socket = connect({ host: url.hostname, port: Number(url.port || 1883), timeout: 2000 });
    const done = (reason: string | undefined) => {
      socket.destroy();
      resolve(reason);
    };
    socket.once('connect', () => done(undefined));
    socket.once('timeout', () => done(`MQTT broker not reachable at ${testMqttUrl} (timeout)`));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      done(`MQTT broker not reachable at ${testMqttUrl} (${error.code ?? error.message})`),
    );
  });
  return reachable;
}

/** Whether a broker-backed test should run; prints why not, or throws when services are required. */
export async function shouldRunMqttBroker(suite: string): Promise<boolean> {
  const reason = await mqttBrokerUnavailableReason();
  if (reason === undefined) return true;
  if (servicesRequired) throw new Error(`${suite}: ${reason}, and VITALTWIN_REQUIRE_SERVICES=1`);
  process.stdout.write(`SKIPPED ${suite}: ${reason}\n`);
  return false;
}
