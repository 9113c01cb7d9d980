import { type ProblemDetail, VitaltwinError } from '@vitaltwin/core';
import type { MonitoringConfig } from '@vitaltwin/platform';
import { z } from 'zod';
import { loadMonitoringConfig } from './monitoring-config.ts';

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
  /** Device-ingest topic root, `{root}/devices/{deviceId}/...` (MQTT_TOPIC_ROOT); `vitaltwin` when absent. */
  readonly mqttTopicRoot?: string;
  /** Client id (persistent session) of the ingest consumer on MQTT_URL (MQTT_CLIENT_ID); `vitaltwin-ingest` when absent. */
  readonly mqttClientId?: string;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Security settings (apps/server/src/auth/). */
  readonly security: SecurityConfig;
  /** Load the demo data set and stream live demo vitals (`--demo`, VITALTWIN_DEMO=1; `npm start`). */
  readonly demo: boolean;
  /** Monitoring settings (monitoring-config.ts, VITALTWIN_MONITOR_* and friends); runtime defaults when absent. */
  readonly monitoring?: MonitoringConfig;
  /** PostgreSQL: a FHIR search is stopped after this many ms (VITALTWIN_SEARCH_TIMEOUT_MS, default 30000; 0: no limit). */
  readonly searchTimeoutMs?: number;
}

/**
 * `auth: 'on'`: every non-public route needs a bearer token. `'off'`: requests run as the local
 * administrator (still audited); allowed only on a loopback address. `loadServerConfig` defaults to
 * `off` (embedding and tests); the `vitaltwin serve` command defaults to `on`.
 */
export interface SecurityConfig {
  readonly auth: 'on' | 'off';
  /** PEM files for HTTPS (--tls-cert / --tls-key); HSTS is sent when set. */
  readonly tlsCertFile?: string;
  readonly tlsKeyFile?: string;
  /** Browser origins allowed by CORS (--cors-origin, comma-separated); none by default. */
  readonly corsOrigins: readonly string[];
  /** Lifetime of access tokens in seconds (VITALTWIN_TOKEN_TTL, default 900 = 15 min). */
  readonly accessTokenTtlSec: number;
  /** Ed25519 PKCS#8 PEM signing key (VITALTWIN_JWT_SIGNING_KEY); else `<dataDir>/keys/`. */
  readonly signingKeyPem?: string;
  /** Hex secret keying de-identification pseudonyms (VITALTWIN_DEID_SECRET); else `<dataDir>/keys/`. */
  readonly deidentificationSecretHex?: string;
}

/** Addresses only this machine can reach: 127.0.0.0/8, ::1, localhost. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** Raw values as given on the command line (strings) or by the environment. */
export interface ConfigSources {
  readonly flags: Readonly<Record<string, string | undefined>>;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Defaults that differ by entry point (e.g. `vitaltwin serve` sets `auth: 'on'`). */
  readonly defaults?: Readonly<Record<string, string | undefined>>;
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
  // A topic root holds no wildcards and does not start with `$` (MQTT 5.0 §4.7.1, §4.7.2).
  mqttTopicRoot: z
    .string()
    .regex(/^[^$#+/][^#+]*$/, 'MQTT_TOPIC_ROOT must be a topic without wildcards (+, #), not starting with $ or /')
    .refine((v) => !v.endsWith('/'), 'MQTT_TOPIC_ROOT must not end with /')
    .optional(),
  mqttClientId: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'MQTT_CLIENT_ID must be 1-64 of A-Z a-z 0-9 _ . -')
    .optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    error: 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
  }),
  auth: z.enum(['on', 'off'], { error: '--auth (VITALTWIN_AUTH) must be on or off' }),
  tlsCertFile: z.string().min(1).optional(),
  tlsKeyFile: z.string().min(1).optional(),
  corsOrigins: z.array(
    z
      .string()
      .refine((o) => /^https?:\/\/[^/\s]+$/.test(o), { error: '--cors-origin entries must be origins like https://app.example.org' }),
  ),
  demo: z.enum(['true', 'false', '1', '0'], { error: 'VITALTWIN_DEMO must be 1 or 0' }).transform((v) => v === 'true' || v === '1'),
  searchTimeoutMs: z.coerce
    .number({ error: 'VITALTWIN_SEARCH_TIMEOUT_MS must be a number of milliseconds' })
    .int('VITALTWIN_SEARCH_TIMEOUT_MS must be a whole number of milliseconds')
    .min(0, 'VITALTWIN_SEARCH_TIMEOUT_MS must be between 0 (no limit) and 3600000')
    .max(3_600_000, 'VITALTWIN_SEARCH_TIMEOUT_MS must be between 0 (no limit) and 3600000'),
  accessTokenTtlSec: z.coerce
    .number({ error: 'VITALTWIN_TOKEN_TTL must be a number of seconds' })
    .int('VITALTWIN_TOKEN_TTL must be a whole number of seconds')
    .min(60, 'VITALTWIN_TOKEN_TTL must be between 60 and 86400 seconds')
    .max(86_400, 'VITALTWIN_TOKEN_TTL must be between 60 and 86400 seconds'),
});

const nonEmpty = (v: string | undefined) => (v === undefined || v === '' ? undefined : v);

/**
 * Builds the server configuration from flags (first) and environment (second) and defaults.
 * Every invalid value is reported at once, each with its flag or variable name.
 */
export function loadServerConfig({ flags, env, defaults }: ConfigSources): ServerConfig {
  const raw = {
    host: flags.host ?? env.VITALTWIN_HOST ?? '127.0.0.1',
    port: flags.port ?? env.PORT ?? '8080',
    dataDir: flags.dataDir ?? env.VITALTWIN_DATA_DIR ?? './.vitaltwin',
    databaseUrl: nonEmpty(flags.databaseUrl ?? env.DATABASE_URL),
    mqttPort: flags.mqttPort ?? env.MQTT_PORT ?? '1883',
    mqttUrl: nonEmpty(flags.mqttUrl ?? env.MQTT_URL),
    mqttTopicRoot: nonEmpty(flags.mqttTopicRoot ?? env.MQTT_TOPIC_ROOT),
    mqttClientId: nonEmpty(flags.mqttClientId ?? env.MQTT_CLIENT_ID),
    logLevel: flags.logLevel ?? env.LOG_LEVEL ?? 'info',
    auth: flags.auth ?? nonEmpty(env.VITALTWIN_AUTH) ?? defaults?.auth ?? 'off',
    tlsCertFile: nonEmpty(flags.tlsCert ?? env.VITALTWIN_TLS_CERT),
    tlsKeyFile: nonEmpty(flags.tlsKey ?? env.VITALTWIN_TLS_KEY),
    corsOrigins: (nonEmpty(flags.corsOrigin ?? env.VITALTWIN_CORS_ORIGINS) ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    accessTokenTtlSec: nonEmpty(env.VITALTWIN_TOKEN_TTL) ?? '900',
    searchTimeoutMs: nonEmpty(env.VITALTWIN_SEARCH_TIMEOUT_MS) ?? '30000',
    demo: flags.demo ?? nonEmpty(env.VITALTWIN_DEMO) ?? 'false',
  };
  const parsed = schema
    .refine((c) => c.auth === 'on' || isLoopbackHost(c.host), {
      error: '--auth off is only allowed on a loopback address (127.0.0.1, ::1, localhost): bind elsewhere only with --auth on',
    })
    .refine((c) => (c.tlsCertFile === undefined) === (c.tlsKeyFile === undefined), {
      error: '--tls-cert and --tls-key must be given together',
    })
    .safeParse(raw);
  if (!parsed.success) {
    const problems: ProblemDetail[] = parsed.error.issues.map((issue) => ({ message: issue.message }));
    throw new VitaltwinError('VT_ERR_CONFIG', `invalid configuration: ${problems.map((p) => p.message).join('; ')}`);
  }
  const { databaseUrl, mqttUrl, mqttTopicRoot, mqttClientId, auth, tlsCertFile, tlsKeyFile, corsOrigins, accessTokenTtlSec, ...rest } =
    parsed.data;
  const monitoring = loadMonitoringConfig(env);
  const signingKeyPem = nonEmpty(env.VITALTWIN_JWT_SIGNING_KEY);
  const deidentificationSecretHex = nonEmpty(env.VITALTWIN_DEID_SECRET);
  const security: SecurityConfig = Object.freeze({
    auth,
    ...(tlsCertFile ? { tlsCertFile } : {}),
    ...(tlsKeyFile ? { tlsKeyFile } : {}),
    corsOrigins: Object.freeze([...corsOrigins]),
    accessTokenTtlSec,
    ...(signingKeyPem ? { signingKeyPem } : {}),
    ...(deidentificationSecretHex ? { deidentificationSecretHex } : {}),
  });
  return Object.freeze({
    ...rest,
    security,
    ...(databaseUrl ? { databaseUrl } : {}),
    ...(mqttUrl ? { mqttUrl } : {}),
    ...(mqttTopicRoot ? { mqttTopicRoot } : {}),
    ...(mqttClientId ? { mqttClientId } : {}),
    ...(monitoring ? { monitoring } : {}),
  });
}
