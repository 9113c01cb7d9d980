import { type Logger, VitaltwinError } from '@vitaltwin/core';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { IngestPipeline, MessageResult } from './ingest-pipeline.ts';
import { ingestSubscription } from './topic-scheme.ts';

export interface MqttIngestConsumerOptions {
  /** Broker URL (`mqtt://host:1883`, `mqtts://`, `ws://`, `wss://`). */
  readonly url: string;
  /** Fixed client id: the broker keeps this session (subscription and queued messages) across restarts. */
  readonly clientId: string;
  /** MQTT 5 Session Expiry Interval: how long the broker keeps the session while the consumer is away (default 7 days). */
  readonly sessionExpirySeconds?: number;
  /** MQTT 5 shared-subscription group: several consumers with different client ids split the stream. */
  readonly sharedGroup?: string;
  readonly connectTimeoutMs?: number;
  readonly reconnectPeriodMs?: number;
  readonly logger?: Logger;
}

/** The part of mqtt.js's client this module reaches into: the method that writes PUBACKs. */
interface PacketSender {
  _sendPacket(packet: { cmd: string; messageId?: number }, cb?: (error?: Error) => void, cbStorePut?: unknown, noStore?: boolean): void;
}

interface PendingAck {
  readonly stored: Promise<MessageResult>;
  readonly generation: number;
}

/**
 * Ingest from an external broker (Mosquitto, EMQX) with at-least-once delivery: a persistent MQTT 5
 * session (clean start off, fixed client id, session expiry) subscribed at QoS 1, and each PUBACK
 * sent only after the message's batch has committed. Until then the broker keeps the message and
 * redelivers it after a reconnect; redeliveries are then duplicates, which the store suppresses.
 *
 * mqtt.js handles incoming packets one at a time and sends the PUBACK when its handler finishes, so
 * holding the handler until the commit would allow one message per commit. Instead the handler
 * returns at once and the PUBACK itself is held: the client's packet writer is wrapped, and a
 * PUBACK whose message is still being stored is written when that store settles — in arrival order,
 * because batches commit in order (MQTT 5.0 §4.6). PUBACKs belonging to an earlier connection are
 * dropped: the broker redelivers those messages on the new one.
 */
export class MqttIngestConsumer {
  private client: MqttClient | undefined;
  private generation = 0;
  private readonly pendingAcks = new Map<number, PendingAck>();

  constructor(
    private readonly pipeline: IngestPipeline,
    private readonly options: MqttIngestConsumerOptions,
  ) {}

  /** Connects, subscribes, and resolves once the first connection is up; fails clearly when the broker is unreachable. */
  async start(): Promise<void> {
    const { options } = this;
    const filter = ingestSubscription(this.pipeline.topicRoot);
    const topic = options.sharedGroup ? `$share/${options.sharedGroup}/${filter}` : filter;
    const clientOptions: IClientOptions = {
      protocolVersion: 5,
      clientId: options.clientId,
      clean: false,
      properties: { sessionExpiryInterval: options.sessionExpirySeconds ?? 7 * 24 * 3600 },
      reconnectPeriod: options.reconnectPeriodMs ?? 1000,
      connectTimeout: options.connectTimeoutMs ?? 5000,
      resubscribe: false,
      customHandleAcks: (t, message, packet: { qos?: number; messageId?: number }, done) => {
        const stored = this.pipeline.ingestMqtt(t, message);
        if (stored !== undefined && (packet.qos ?? 0) > 0 && packet.messageId !== undefined) {
          this.pendingAcks.set(packet.messageId, { stored, generation: this.generation });
        } else if (stored !== undefined) {
          stored.catch((error: unknown) => options.logger?.error({ err: error }, 'QoS 0 device message not stored'));
        }
        done(0);
      },
    };
    const client = mqtt.connect(options.url, clientOptions);
    this.client = client;
    this.holdPubacks(client);
    client.on('connect', () => {
      client.subscribe(topic, { qos: 1 }, (error) => {
        if (error) options.logger?.error({ err: error }, 'MQTT ingest subscription failed');
      });
    });
    client.on('close', () => {
      this.generation += 1;
      this.pendingAcks.clear();
    });
    client.on('error', (error) => options.logger?.warn({ err: error }, 'MQTT ingest connection error'));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error('timed out')), (options.connectTimeoutMs ?? 5000) + 500);
      const fail = (error: Error) => {
        clearTimeout(timer);
        client.removeListener('connect', ok);
        client.end(true);
        const reason = (error as NodeJS.ErrnoException).code ?? error.message;
        reject(
          new VitaltwinError(
            'VT_ERR_CONFIG',
            `cannot connect to the MQTT broker at ${redactUrl(options.url)} (${reason}); check MQTT_URL, or unset it to use the embedded broker on --mqtt-port`,
          ),
        );
      };
      const ok = () => {
        clearTimeout(timer);
        client.removeListener('error', fail);
        resolve();
      };
      client.once('connect', ok);
      client.once('error', fail);
    });
  }

  /**
   * Stops consuming. Graceful: the pipeline is flushed so stored messages are acknowledged, then the
   * client disconnects; the broker keeps the session. `force` drops the connection at once, as a
   * crash would (unacknowledged messages are redelivered to the next consumer with this client id).
   */
  async stop(options: { force?: boolean } = {}): Promise<void> {
    const client = this.client;
    if (client === undefined) return;
    this.client = undefined;
    if (options.force) {
      this.generation += 1;
      this.pendingAcks.clear();
      await client.endAsync(true);
      return;
    }
    await this.pipeline.flush();
    // Let the PUBACK writes that the flush released reach the socket before DISCONNECT.
    await new Promise((resolve) => setImmediate(resolve));
    await client.endAsync(false);
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  private holdPubacks(client: MqttClient): void {
    const sender = client as unknown as PacketSender;
    const send = sender._sendPacket.bind(client);
    sender._sendPacket = (packet, cb, cbStorePut, noStore) => {
      const pending = packet.cmd === 'puback' && packet.messageId !== undefined ? this.pendingAcks.get(packet.messageId) : undefined;
      if (pending === undefined) {
        send(packet, cb, cbStorePut, noStore);
        return;
      }
      this.pendingAcks.delete(packet.messageId as number);
      // Release mqtt.js's packet loop now; the PUBACK itself waits for the commit.
      cb?.();
      pending.stored.then(
        () => {
          if (pending.generation === this.generation && client.connected) send(packet);
        },
        (error: unknown) => this.storeFailed(client, pending.generation, error),
      );
    };
  }

  /** The database is unavailable: drop the connection so the broker redelivers everything unacknowledged later. */
  private storeFailed(client: MqttClient, generation: number, error: unknown): void {
    if (generation !== this.generation) return;
    this.options.logger?.error({ err: error }, 'device messages not stored; reconnecting so the broker redelivers them');
    this.generation += 1;
    this.pendingAcks.clear();
    client.stream?.destroy();
  }
}

/** The URL without user and password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return 'the configured URL';
  }
}
