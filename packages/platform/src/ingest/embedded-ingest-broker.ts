import type { Logger } from '@vitaltwin/core';
import { Aedes, type AedesOptions } from 'aedes';
import type { IngestPipeline } from './ingest-pipeline.ts';

type AuthorizePublish = NonNullable<AedesOptions['authorizePublish']>;

/**
 * The publish hook that makes the embedded broker an at-least-once ingest: aedes calls
 * `authorizePublish` before it sends a QoS 1 PUBACK (QoS 2: PUBREC), so holding the callback until
 * the message's batch has committed means a device only gets its acknowledgement once the readings
 * are durable. A database failure answers with an error, which closes the device's connection
 * without an acknowledgement; the device resends after reconnecting (MQTT 3.1.1 §4.4).
 * Topics outside `{root}/devices/` pass through untouched; QoS 0 messages are stored but never held.
 */
export function ingestAuthorizePublish(pipeline: IngestPipeline, logger?: Logger): AuthorizePublish {
  return (_client, packet, callback) => {
    const stored = pipeline.ingestMqtt(packet.topic, packet.payload);
    if (stored === undefined) {
      callback(null);
      return;
    }
    if (packet.qos === 0) {
      stored.catch((error: unknown) => logger?.error({ err: error }, 'QoS 0 device message not stored'));
      callback(null);
      return;
    }
    stored.then(
      () => callback(null),
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
    );
  };
}

/** Hooks a deployment adds to the broker (device authentication, topic rules); they receive the ingest hook to wrap. */
export type IngestBrokerHooks = (
  ingest: AuthorizePublish,
) => Pick<AedesOptions, 'authenticate' | 'authorizePublish' | 'authorizeSubscribe' | 'preConnect'>;

/**
 * An aedes broker (in-memory sessions) wired to the ingest pipeline. The caller decides where it
 * listens (`net.createServer(broker.handle)`), since only apps open sockets. `hooks` may add
 * authentication; an `authorizePublish` it returns must call the ingest hook it was given for the
 * messages it lets through, or they are not stored.
 */
export async function createIngestBroker(
  pipeline: IngestPipeline,
  options: { logger?: Logger; hooks?: IngestBrokerHooks } = {},
): Promise<Aedes> {
  const ingest = ingestAuthorizePublish(pipeline, options.logger);
  return Aedes.createBroker({
    authorizePublish: ingest,
    ...(options.hooks?.(ingest) ?? {}),
    // A subscriber that stops reading must not stall delivery to everyone else (aedes docs, drainTimeout).
    drainTimeout: 30_000,
  });
}
