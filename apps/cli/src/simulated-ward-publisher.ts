import { VitaltwinError } from '@vitaltwin/core';
import { type DeviceBindingSpec, ingestTopic, redactUrl, SimulatedWard, simulatedVitalCodes, vitalCount } from '@vitaltwin/platform';
import mqtt from 'mqtt';

export interface PublishPlan {
  readonly specs: readonly DeviceBindingSpec[];
  readonly rate: number;
  readonly durationS: number | undefined;
  readonly qos: 0 | 1;
  readonly mqttUrl: string;
  readonly topicRoot: string;
  readonly seed: number;
  readonly deteriorate: number;
  readonly deteriorateMinutes: number;
  /** Device MQTT logins (device id → client secret): one connection per device, as brokers with device authentication require. */
  readonly credentials?: Readonly<Record<string, string>>;
  readonly log: (line: string) => void;
}

export interface PublishSummary {
  readonly messages: number;
  readonly readings: number;
  readonly acknowledged: number;
  readonly seconds: number;
  readonly deteriorating: readonly string[];
}

// CONNACK return codes 4 and 5: bad user name or password, not authorised (MQTT 3.1.1 §3.2.2.3).
const refusedLogin = new Set([4, 5]);

async function connect(url: string, options: mqtt.IClientOptions): Promise<mqtt.MqttClient> {
  try {
    return await mqtt.connectAsync(url, { reconnectPeriod: 1000, connectTimeout: 5000, ...options }, false);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'number' && refusedLogin.has(code)) {
      throw new VitaltwinError(
        'VT_ERR_CONFIG',
        `the MQTT broker at ${redactUrl(url)} refused the device login (device authentication is on); pass --credentials with the device secrets`,
      );
    }
    throw new VitaltwinError(
      'VT_ERR_CONFIG',
      `cannot connect to the MQTT broker at ${redactUrl(url)} (${String(code ?? (error as Error).message)}); check --mqtt-url`,
    );
  }
}

/**
 * Publishes a simulated ward: one compact message (HR, RR, SpO2, systolic and diastolic BP,
 * temperature) per patient every 1/rate seconds, spread evenly, until the duration ends or
 * SIGINT/SIGTERM; then waits (up to 10 s) for outstanding QoS 1 acknowledgements.
 */
export async function publishSimulatedWard(plan: PublishPlan): Promise<PublishSummary> {
  const startMs = Date.now();
  const ward = new SimulatedWard({
    patients: plan.specs.length,
    seed: plan.seed,
    startMs,
    deterioratingFraction: plan.deteriorate,
    deteriorationMinutes: plan.deteriorateMinutes,
  });
  const clients: mqtt.MqttClient[] = [];
  const clientOf: mqtt.MqttClient[] = [];
  try {
    if (plan.credentials === undefined) {
      const shared = await connect(plan.mqttUrl, { clientId: `vitaltwin-sim-${process.pid}` });
      clients.push(shared);
      for (const _ of plan.specs) clientOf.push(shared);
    } else {
      for (const spec of plan.specs) {
        const password = plan.credentials[spec.deviceId];
        if (password === undefined) throw new VitaltwinError('VT_ERR_CONFIG', `--credentials has no secret for device ${spec.deviceId}`);
        const client = await connect(plan.mqttUrl, { clientId: `${spec.deviceId}-sim`.slice(0, 64), username: spec.deviceId, password });
        clients.push(client);
        clientOf.push(client);
      }
    }
    return await publishLoop(plan, ward, startMs, clientOf);
  } finally {
    await Promise.all(clients.map((c) => c.endAsync()));
  }
}

async function publishLoop(
  plan: PublishPlan,
  ward: SimulatedWard,
  startMs: number,
  clientOf: readonly mqtt.MqttClient[],
): Promise<PublishSummary> {
  const topics = plan.specs.map((s) => ingestTopic(s.deviceId, 'compact', plan.topicRoot));
  const intervalMs = 1000 / plan.rate;
  // Patient p sends at startMs + (k + p/N)·interval, so the load is spread evenly.
  const nextMs = Float64Array.from(plan.specs, (_, p) => startMs + (p / plan.specs.length) * intervalMs);
  const endMs = plan.durationS === undefined ? Number.POSITIVE_INFINITY : startMs + plan.durationS * 1000;
  const vitals = new Float64Array(vitalCount);
  let messages = 0;
  let acknowledged = 0;
  let lastReport = startMs;
  let stopping = false;
  const stop = () => {
    stopping = true;
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    while (!stopping) {
      const now = Date.now();
      if (now >= endMs) break;
      for (let p = 0; p < plan.specs.length; p++) {
        while ((nextMs[p] as number) <= now) {
          const t = nextMs[p] as number;
          nextMs[p] = t + intervalMs;
          ward.sample(p, t, vitals);
          const time = new Date(t).toISOString();
          const samples = simulatedVitalCodes.map((c, v) => ({ code: c.code, value: vitals[v], unit: c.unit, time }));
          messages += 1;
          (clientOf[p] as mqtt.MqttClient).publish(topics[p] as string, JSON.stringify({ samples }), { qos: plan.qos }, (error) => {
            if (!error) acknowledged += 1;
          });
        }
      }
      if (now - lastReport >= 5000) {
        lastReport = now;
        plan.log(`${Math.round((now - startMs) / 1000)} s: ${messages} messages published, ${acknowledged} acknowledged`);
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, Math.min(50, intervalMs / 4))));
    }
    const waitUntil = Date.now() + 10_000;
    while (acknowledged < messages && Date.now() < waitUntil) await new Promise((resolve) => setTimeout(resolve, 50));
  } finally {
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
  }
  return {
    messages,
    readings: messages * simulatedVitalCodes.length,
    acknowledged,
    seconds: Math.round((Date.now() - startMs) / 100) / 10,
    deteriorating: plan.specs.filter((_, p) => ward.isDeteriorating(p)).map((s) => s.patientId),
  };
}
