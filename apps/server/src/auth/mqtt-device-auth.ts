import type { AuditRecord } from '@vitaltwin/core';
import type { AuditLog, ClientStore, IngestBrokerHooks } from '@vitaltwin/platform';

/**
 * Device credentials on the embedded MQTT broker (aedes hooks): a device connects with
 * username = its device id and password = the secret of its device client (created with
 * `vitaltwin client add --role device --device ID`), and may then publish and subscribe only
 * under its own topics `{root}/devices/{deviceId}/#`. Connections are audited (login events);
 * refused publishes close the connection (MQTT 3.1.1 has no negative PUBACK, §3.3.5).
 */
type BrokerHooks = ReturnType<IngestBrokerHooks>;
type Authenticate = NonNullable<BrokerHooks['authenticate']>;
type AuthorizePublish = NonNullable<BrokerHooks['authorizePublish']>;
type AuthorizeSubscribe = NonNullable<BrokerHooks['authorizeSubscribe']>;
/** An aedes client connection (the broker's own type, reached through the platform's hook type). */
type Client = Parameters<Authenticate>[0];

export interface DeviceAuthOptions {
  readonly clients: Pick<ClientStore, 'authenticateDevice'>;
  readonly audit?: Pick<AuditLog, 'record'>;
  /** Topic root, default `vitaltwin`. */
  readonly topicRoot?: string;
}

// MQTT CONNACK return code 4 "bad user name or password" (MQTT 3.1.1 §3.2.2.3).
const badCredentials = 4;

export function deviceAuthenticate(options: DeviceAuthOptions, devices: WeakMap<Client, string>): Authenticate {
  return (client, username, password, done) => {
    const deviceId = typeof username === 'string' ? username : '';
    const secret = password === undefined ? '' : Buffer.from(password).toString('utf8');
    const source = (client.conn as { remoteAddress?: string } | undefined)?.remoteAddress;
    const audit = (outcome: AuditRecord['outcome'], detail?: string) =>
      options.audit
        ?.record({
          recordedMs: Date.now(),
          actor: outcome === 'success' ? `device:${deviceId}` : 'anonymous',
          role: 'device',
          action: 'login',
          entity: `mqtt:${deviceId.slice(0, 64)}`,
          outcome,
          ...(source ? { source } : {}),
          ...(detail ? { detail } : {}),
        })
        .catch(() => undefined);
    options.clients.authenticateDevice(deviceId, secret).then(
      (found) => {
        if (found?.deviceId === undefined) {
          void audit('denied', 'invalid device credentials');
          const error = Object.assign(new Error('bad device id or secret'), { returnCode: badCredentials });
          done(error as Parameters<typeof done>[0], false);
          return;
        }
        devices.set(client, found.deviceId);
        void audit('success');
        done(null, true);
      },
      () => {
        const error = Object.assign(new Error('authentication unavailable'), { returnCode: 3 });
        done(error as Parameters<typeof done>[0], false);
      },
    );
  };
}

/** Does `topic` lie under the device's own subtree? */
export function ownsTopic(deviceId: string, topic: string, root = 'vitaltwin'): boolean {
  // Wildcards inside the device's own subtree stay inside it; one in the device-id level fails here.
  return topic.startsWith(`${root}/devices/${deviceId}/`);
}

export function deviceAuthorizePublish(inner: AuthorizePublish, devices: WeakMap<Client, string>, root = 'vitaltwin'): AuthorizePublish {
  return (client, packet, callback) => {
    // client is null for messages the broker publishes itself (wills, $SYS).
    if (client !== null) {
      const deviceId = devices.get(client);
      if (deviceId === undefined || !ownsTopic(deviceId, packet.topic, root)) {
        callback(new Error('a device may only publish to its own topics'));
        return;
      }
    }
    inner(client, packet, callback);
  };
}

export function deviceAuthorizeSubscribe(devices: WeakMap<Client, string>, root = 'vitaltwin'): AuthorizeSubscribe {
  return (client, subscription, callback) => {
    const deviceId = devices.get(client);
    // A refused subscription is answered with SUBACK failure 0x80 (MQTT 3.1.1 §3.9.3).
    callback(null, deviceId !== undefined && ownsTopic(deviceId, subscription.topic, root) ? subscription : null);
  };
}

/**
 * The broker hooks for createIngestBroker (platform ingest): device authentication, and topic
 * authorisation in front of the ingest publish hook, which then stores what it lets through.
 */
export function deviceBrokerHooks(options: DeviceAuthOptions): IngestBrokerHooks {
  const devices = new WeakMap<Client, string>();
  const root = options.topicRoot ?? 'vitaltwin';
  return (ingest) => ({
    authenticate: deviceAuthenticate(options, devices),
    authorizePublish: deviceAuthorizePublish(ingest, devices, root),
    authorizeSubscribe: deviceAuthorizeSubscribe(devices, root),
  });
}
