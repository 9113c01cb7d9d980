import { readFile } from 'node:fs/promises';
import { type Logger, roleDefinitions, type Subject, VitaltwinError } from '@vitaltwin/core';
import {
  AuditLog,
  bootstrapAdmin,
  createSecurityServices,
  loadKeyMaterial,
  type SecurityServices,
  type SqlClient,
} from '@vitaltwin/platform';
import { isLoopbackHost, type ServerConfig } from '../config/server-config.ts';

/** The server's security state, built once at start (start-server.ts) and shared through the context. */
export interface ServerSecurity {
  readonly mode: 'on' | 'off';
  readonly audit: AuditLog;
  /** Tokens, users, clients, pseudonyms: present when auth is on. */
  readonly services?: SecurityServices;
  readonly config: ServerConfig['security'];
  /** The first-start administrator credentials, to be shown once (auth on, empty user table). */
  readonly bootstrap?: { readonly username: string; readonly password: string };
}

/** With auth off every request runs as this subject (bound to loopback only; still audited). */
export const localAdministrator: Subject = { id: 'local', role: 'admin', scopes: roleDefinitions.admin.ceiling };

export async function createServerSecurity(config: ServerConfig, db: SqlClient, logger: Logger): Promise<ServerSecurity> {
  const audit = new AuditLog(db, { logger });
  if (config.security.auth === 'off') {
    // loadServerConfig refuses this too; a configuration built by hand must not slip past it.
    if (!isLoopbackHost(config.host)) {
      throw new VitaltwinError('VT_ERR_CONFIG', `auth is off: refusing to serve on ${config.host}; bind to 127.0.0.1 or use --auth on`);
    }
    return { mode: 'off', audit, config: config.security };
  }
  const keys = await loadKeyMaterial({
    dataDir: config.dataDir,
    ...(config.security.signingKeyPem ? { signingKeyPem: config.security.signingKeyPem } : {}),
    ...(config.security.deidentificationSecretHex ? { deidentificationSecretHex: config.security.deidentificationSecretHex } : {}),
  });
  const services = createSecurityServices(db, keys, { logger });
  const bootstrap = await bootstrapAdmin(services.users);
  return { mode: 'on', audit: services.audit, services, config: config.security, ...(bootstrap ? { bootstrap } : {}) };
}

/** Reads the TLS certificate and key named by --tls-cert / --tls-key, or undefined for plain HTTP. */
export async function readTlsFiles(config: ServerConfig): Promise<{ cert: Buffer; key: Buffer } | undefined> {
  const { tlsCertFile, tlsKeyFile } = config.security;
  if (tlsCertFile === undefined || tlsKeyFile === undefined) return undefined;
  const read = async (file: string, flag: string) => {
    try {
      return await readFile(file);
    } catch (error) {
      throw new VitaltwinError('VT_ERR_CONFIG', `cannot read ${flag} ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  };
  return { cert: await read(tlsCertFile, '--tls-cert'), key: await read(tlsKeyFile, '--tls-key') };
}
