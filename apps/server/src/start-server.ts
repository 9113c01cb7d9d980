import { VitaltwinError } from '@vitaltwin/core';
import { type DatabaseTarget, describeTarget, EventBus, openDatabase } from '@vitaltwin/platform';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './build-app.ts';
import type { ServerConfig } from './config/server-config.ts';
import { createLogger } from './create-logger.ts';
import type { ServerContext } from './server-context.ts';

export const serverVersion = '0.1.0';

export interface RunningServer {
  readonly app: FastifyInstance;
  readonly context: ServerContext;
  /** The bound HTTP address, e.g. http://127.0.0.1:8080. */
  readonly url: string;
  /** Graceful stop: no new requests, in-flight ones finish, buffers flush, the database closes. */
  stop(): Promise<void>;
}

export function databaseTarget(config: ServerConfig): DatabaseTarget {
  return config.databaseUrl ? { kind: 'postgres', url: config.databaseUrl } : { kind: 'pglite', dataDir: config.dataDir };
}

/** Composition root: opens storage, builds the app, listens. */
export async function startServer(config: ServerConfig): Promise<RunningServer> {
  const logger = createLogger(config);
  const target = databaseTarget(config);
  const db = await openDatabase(target);
  logger.info({ database: describeTarget(target) }, 'database ready');
  const shutdownHooks: (() => Promise<void>)[] = [];
  const context: ServerContext = {
    config,
    db,
    events: new EventBus(),
    version: serverVersion,
    startedAtMs: Date.now(),
    onShutdown: (hook) => shutdownHooks.push(hook),
  };
  let app: FastifyInstance;
  try {
    app = await buildApp(context, logger);
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
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
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
  return { app, context, url, stop };
}
