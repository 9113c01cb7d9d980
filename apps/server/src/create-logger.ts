import { type Logger, pino } from 'pino';
import type { ServerConfig } from './config/server-config.ts';

/**
 * Structured JSON logs on stdout. Request logs carry method, route and status only: bodies,
 * query strings with identifiers and authorisation headers are redacted so no PHI reaches the log.
 */
export function createLogger(config: Pick<ServerConfig, 'logLevel'>): Logger {
  return pino({
    level: config.logLevel,
    redact: ['req.headers.authorization', 'req.headers.cookie', 'req.query', 'req.body'],
    serializers: {
      req: (req: { method: string; routeOptions?: { url?: string }; url: string }) => ({
        method: req.method,
        route: req.routeOptions?.url ?? req.url.split('?')[0],
      }),
    },
  });
}
