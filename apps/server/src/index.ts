export { buildApp } from './build-app.ts';
export type { ConfigSources, ServerConfig } from './config/server-config.ts';
export { loadServerConfig } from './config/server-config.ts';
export { createLogger } from './create-logger.ts';
export type { ServerContext } from './server-context.ts';
export type { RunningServer } from './start-server.ts';
export { databaseTarget, serverVersion, startServer } from './start-server.ts';
