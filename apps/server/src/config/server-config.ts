import { type ProblemDetail, VitaltwinError } from '@vitaltwin/core';
import { z } from 'zod';

/** Everything the server needs, validated once at start and frozen. */
export interface ServerConfig {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  /** PostgreSQL URL; when absent, embedded PGlite in `dataDir` is used. */
  readonly databaseUrl?: string;
  readonly mqttPort: number;
  /** External MQTT broker URL; when absent, the embedded broker listens on `mqttPort`. */
  readonly mqttUrl?: string;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

/** Raw values as given on the command line (strings) or by the environment. */
export interface ConfigSources {
  readonly flags: Readonly<Record<string, string | undefined>>;
  readonly env: Readonly<Record<string, string | undefined>>;
}

const port = (name: string) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .min(0, `${name} must be between 0 and 65535`)
    .max(65535, `${name} must be between 0 and 65535`);

const url = (name: string, protocols: readonly string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { error: `${name} must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}` },
  );

const schema = z.object({
  host: z.string().min(1, '--host must not be empty'),
  port: port('--port'),
  dataDir: z.string().min(1, '--data-dir must not be empty'),
  databaseUrl: url('DATABASE_URL', ['postgres:', 'postgresql:']).optional(),
  mqttPort: port('--mqtt-port'),
  mqttUrl: url('MQTT_URL', ['mqtt:', 'mqtts:', 'tcp:', 'ws:', 'wss:']).optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    error: 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
  }),
});

const nonEmpty = (v: string | undefined) => (v === undefined || v === '' ? undefined : v);

/**
 * Builds the server configuration from flags (first) and environment (second) and defaults.
 * Every invalid value is reported at once, each with its flag or variable name.
 */
export function loadServerConfig({ flags, env }: ConfigSources): ServerConfig {
  const raw = {
    host: flags.host ?? env.VITALTWIN_HOST ?? '127.0.0.1',
    port: flags.port ?? env.PORT ?? '8080',
    dataDir: flags.dataDir ?? env.VITALTWIN_DATA_DIR ?? './.vitaltwin',
    databaseUrl: nonEmpty(flags.databaseUrl ?? env.DATABASE_URL),
    mqttPort: flags.mqttPort ?? env.MQTT_PORT ?? '1883',
    mqttUrl: nonEmpty(flags.mqttUrl ?? env.MQTT_URL),
    logLevel: flags.logLevel ?? env.LOG_LEVEL ?? 'info',
  };
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const problems: ProblemDetail[] = parsed.error.issues.map((issue) => ({ message: issue.message }));
    throw new VitaltwinError('VT_ERR_CONFIG', `invalid configuration: ${problems.map((p) => p.message).join('; ')}`);
  }
  const { databaseUrl, mqttUrl, ...rest } = parsed.data;
  return Object.freeze({ ...rest, ...(databaseUrl ? { databaseUrl } : {}), ...(mqttUrl ? { mqttUrl } : {}) });
}
