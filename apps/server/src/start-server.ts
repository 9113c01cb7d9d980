import { VitaltwinError } from '@vitaltwin/core';
import {
  coreReadingCatalogue,
  createMonitoring,
  type DatabaseTarget,
  describeTarget,
  EventBus,
  FhirRepository,
  IngestPipeline,
  type MonitoringRuntime,
  openDatabase,
  publishReadings,
  repositorySink,
  withMonitoringCodes,
} from '@vitaltwin/platform';
import type { FastifyInstance } from 'fastify';
import { deviceBrokerHooks } from './auth/mqtt-device-auth.ts';
import { createServerSecurity, readTlsFiles, type ServerSecurity } from './auth/server-security.ts';
import { buildApp } from './build-app.ts';
import type { ServerConfig } from './config/server-config.ts';
import { createLogger } from './create-logger.ts';
import { startDemo } from './demo/start-demo.ts';
import { type RunningMqttIngest, startMqttIngest } from './mqtt/start-mqtt-ingest.ts';
import type { ServerContext } from './server-context.ts';

export const serverVersion = '0.1.0';

export interface RunningServer {
  readonly app: FastifyInstance;
  readonly context: ServerContext;
  /** The bound HTTP address, e.g. http://127.0.0.1:8080. */
  readonly url: string;
  /** Where devices publish: the embedded broker's address (mqtt://127.0.0.1:1883) or MQTT_URL. */
  readonly mqttUrl: string;
  /** Graceful stop: no new requests, in-flight ones finish, buffers flush, the database closes. */
  stop(): Promise<void>;
}

export function databaseTarget(config: ServerConfig): DatabaseTarget {
  return config.databaseUrl
    ? {
        kind: 'postgres',
        url: config.databaseUrl,
        ...(config.searchTimeoutMs !== undefined ? { statementTimeoutMs: config.searchTimeoutMs } : {}),
      }
    : { kind: 'pglite', dataDir: config.dataDir };
}

/** Composition root: opens storage, builds the app, listens. */
export async function startServer(config: ServerConfig): Promise<RunningServer> {
  const logger = createLogger(config);
  const target = databaseTarget(config);
  const db = await openDatabase(target);
  logger.info({ database: describeTarget(target) }, 'database ready');
  let security: ServerSecurity;
  let tls: { cert: Buffer; key: Buffer } | undefined;
  const events = new EventBus();
  let monitoring: MonitoringRuntime;
  let fhir: FhirRepository | undefined;
  try {
    security = await createServerSecurity(config, db, logger);
    tls = await readTlsFiles(config);
    // One FHIR repository (and one validator worker pool) for the REST API, monitoring and the demo.
    fhir = await FhirRepository.open(db);
    // Vital-sign monitoring: scores, alerts, sweeps and FHIR Subscription delivery (platform monitoring/).
    monitoring = createMonitoring({
      db,
      events,
      fhir: repositorySink(fhir),
      logger,
      ...(config.monitoring ? { config: config.monitoring } : {}),
    });
  } catch (error) {
    await fhir?.close().catch(() => undefined);
    await db.close().catch(() => undefined);
    throw error;
  }
  const repository = fhir;
  // The audit trail flushes last (hooks run in reverse order), just before the database closes; the
  // FHIR repository's validator workers stop just before it, after every user of the repository.
  const shutdownHooks: (() => Promise<void>)[] = [() => security.audit.close(), () => repository.close()];
  const context: ServerContext = {
    config,
    db,
    fhir: repository,
    events,
    ingest: new IngestPipeline({
      db,
      logger,
      catalogue: withMonitoringCodes(coreReadingCatalogue),
      ...(config.mqttTopicRoot ? { topicRoot: config.mqttTopicRoot } : {}),
    }),
    monitoring,
    security,
    version: serverVersion,
    startedAtMs: Date.now(),
    onShutdown: (hook) => shutdownHooks.push(hook),
  };
  // Every committed ingest batch goes to the monitor; it stops after ingest has flushed (hooks run in reverse).
  context.ingest.onReadingsStored((batch) => monitoring.monitor.enqueue(batch));
  // Live views (/events, the ward) see committed readings as `reading` events.
  context.ingest.onReadingsStored((batch) => publishReadings(events, batch.readings, Date.now()));
  shutdownHooks.push(() => monitoring.stop());
  let app: FastifyInstance;
  try {
    app = await buildApp(context, logger, tls ? { https: tls } : {});
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    await db.close().catch(() => undefined);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new VitaltwinError('VT_ERR_CONFIG', `port ${config.port} on ${config.host} is already in use; choose another with --port`);
    if (code === 'EADDRNOTAVAIL')
      throw new VitaltwinError('VT_ERR_CONFIG', `cannot bind to --host ${config.host}: no such address on this machine`);
    if (code === 'EACCES')
      throw new VitaltwinError('VT_ERR_CONFIG', `not allowed to bind ${config.host}:${config.port}; choose a port above 1023 with --port`);
    throw error;
  }
  let mqtt: RunningMqttIngest;
  try {
    await monitoring.start();
    const services = security.services;
    // With auth on, devices log in with their client credentials and publish to their own topics only.
    const brokerHooks = services
      ? deviceBrokerHooks({
          clients: services.clients,
          audit: security.audit,
          ...(config.mqttTopicRoot ? { topicRoot: config.mqttTopicRoot } : {}),
        })
      : undefined;
    mqtt = await startMqttIngest(config, context.ingest, logger, brokerHooks ? { brokerHooks } : {});
  } catch (error) {
    // Undo what started: HTTP, the route families' workers and buffers, then the database.
    await app.close().catch(() => undefined);
    for (const hook of [...shutdownHooks].reverse()) await hook().catch(() => undefined);
    await db.close().catch(() => undefined);
    throw error;
  }
  logger.info({ mqtt: mqtt.mode, url: mqtt.mode === 'embedded' ? mqtt.url : undefined }, 'MQTT ingest ready');
  // Registered last, so it runs first (hooks run in reverse): device intake stops and pending
  // batches commit (and reach onReadingsStored listeners) before downstream hooks and the database close.
  shutdownHooks.push(async () => {
    await mqtt.stop();
    await context.ingest.close();
  });
  if (config.demo) {
    // Registered after ingest, so it stops first on shutdown. A demo that fails to load is logged,
    // and the server keeps running without it.
    try {
      const demo = await startDemo(context, repository, logger, { nowMs: Date.now() });
      logger.info({ deteriorating: demo.deteriorating.length, glucosePatients: demo.glucosePatients.length }, 'demo streaming live vitals');
      shutdownHooks.push(async () => demo.stop());
    } catch (error) {
      logger.error({ err: error }, 'demo data could not be loaded');
    }
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `${tls ? 'https' : 'http'}://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      await app.close();
      for (const hook of shutdownHooks.reverse()) await hook();
      await db.close();
      logger.info('stopped');
    })();
    return stopping;
  };
  return { app, context, url, mqttUrl: mqtt.url, stop };
}
