import { createServer, type Server, type Socket } from 'node:net';
import { type Logger, VitaltwinError } from '@vitaltwin/core';
import { createIngestBroker, type IngestBrokerHooks, type IngestPipeline, MqttIngestConsumer, redactUrl } from '@vitaltwin/platform';
import type { ServerConfig } from '../config/server-config.ts';

export interface RunningMqttIngest {
  /** `embedded`: aedes in this process; `external`: a consumer of MQTT_URL. */
  readonly mode: 'embedded' | 'external';
  /** Where devices publish, e.g. mqtt://127.0.0.1:1883 (without credentials). */
  readonly url: string;
  /** Stops taking messages, acknowledges what is stored, disconnects. The pipeline is flushed. */
  stop(): Promise<void>;
}

export const defaultIngestClientId = 'vitaltwin-ingest';

/**
 * Starts MQTT ingest: the embedded aedes broker on --mqtt-port (0 = any free port), or, with
 * MQTT_URL, a persistent-session consumer of an external broker. Port and connection problems
 * become one VT_ERR_CONFIG line naming --mqtt-port and MQTT_URL.
 */
export async function startMqttIngest(
  config: ServerConfig,
  pipeline: IngestPipeline,
  logger: Logger,
  options: { brokerHooks?: IngestBrokerHooks } = {},
): Promise<RunningMqttIngest> {
  if (config.mqttUrl !== undefined) {
    const consumer = new MqttIngestConsumer(pipeline, {
      url: config.mqttUrl,
      clientId: config.mqttClientId ?? defaultIngestClientId,
      logger,
    });
    await consumer.start();
    return { mode: 'external', url: redactUrl(config.mqttUrl), stop: () => consumer.stop() };
  }
  const broker = await createIngestBroker(pipeline, { logger, ...(options.brokerHooks ? { hooks: options.brokerHooks } : {}) });
  const server = mqttSocketServer(broker.handle);
  try {
    await listen(server, config.host, config.mqttPort);
  } catch (error) {
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    const code = (error as NodeJS.ErrnoException).code;
    const where = `${config.host}:${config.mqttPort}`;
    if (code === 'EADDRINUSE') {
      throw new VitaltwinError(
        'VT_ERR_CONFIG',
        `MQTT port ${where} is already in use (another broker?); choose another with --mqtt-port (0 = any free port), or set MQTT_URL to use that broker`,
      );
    }
    if (code === 'EACCES') {
      throw new VitaltwinError(
        'VT_ERR_CONFIG',
        `not allowed to bind MQTT port ${where}; choose a port above 1023 with --mqtt-port, or set MQTT_URL`,
      );
    }
    throw error;
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.mqttPort;
  const url = `mqtt://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  return {
    mode: 'embedded',
    url,
    async stop() {
      // No new device connections; messages already received are committed and acknowledged
      // before the broker disconnects the devices.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await pipeline.flush();
      await new Promise<void>((resolve) => setImmediate(resolve));
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await closed;
    },
  };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
}

/**
 * Bytes a device connection's socket buffers while the broker is busy with what it read before.
 * aedes reads a connection's next chunk only once every packet of the current one is handled, and
 * the ingest hook holds a QoS 1 packet until its batch has committed, so one connection has at most
 * one socket read of messages in flight. With Node's default (16 KiB) a read carries what one or two
 * 64 KiB socket reads brought, about 80 messages of 10 readings, so a gateway or multiplexing
 * publisher waited on one commit per 80 messages. 256 KiB lets a read carry about 300 (ingest of
 * 10-reading messages in bench/ingest-mqtt.bench.ts: 4,400–5,200 → 8,000–8,200 msg/s on the same
 * machine); 512 KiB was no faster and doubled the main thread's longest stalls (one read is handled
 * in one turn of the event loop), which delayed alerts. Idle connections buffer nothing.
 */
export const mqttSocketHighWaterMark = 256 * 1024;

/** The TCP server for MQTT connections, handing each socket to `handle` (the broker). */
export function mqttSocketServer(handle: (socket: Socket) => void): Server {
  return createServer({ highWaterMark: mqttSocketHighWaterMark }, handle);
}
