import { randomBytes } from 'node:crypto';
import {
  effectiveScopes,
  fhirIdPattern,
  formatScope,
  isRole,
  parseScopes,
  type Role,
  roleDefinitions,
  VitaltwinError,
} from '@vitaltwin/core';
import type { SqlQueryable } from '../store/sql-client.ts';
import { digestSecret, generateSecret, secretMatches } from './secret-hashing.ts';

/**
 * OAuth2 confidential clients (RFC 6749 §2.1) for the client_credentials grant: services, and
 * devices (role `device`, bound to one device id; their secret is also their MQTT password).
 */
export interface OAuthClient {
  readonly clientId: string;
  readonly role: Role;
  readonly scope: string;
  readonly patientId?: string;
  readonly deviceId?: string;
  readonly disabled: boolean;
  readonly createdAt: Date;
}

interface ClientRow {
  client_id: string;
  secret_hash: string;
  role: string;
  scope: string;
  patient_id: string | null;
  device_id: string | null;
  disabled: boolean;
  created_at: Date;
}

function fromRow(r: ClientRow): OAuthClient {
  if (!isRole(r.role)) throw new VitaltwinError('VT_ERR_STORAGE', 'client row with an unknown role');
  return {
    clientId: r.client_id,
    role: r.role,
    scope: r.scope,
    ...(r.patient_id !== null ? { patientId: r.patient_id } : {}),
    ...(r.device_id !== null ? { deviceId: r.device_id } : {}),
    disabled: r.disabled,
    createdAt: r.created_at,
  };
}

export interface NewClient {
  readonly role: Role;
  readonly patientId?: string;
  readonly deviceId?: string;
  /** Requested scopes (cut down to the role); the role's ceiling when omitted. */
  readonly scope?: string;
}

export class ClientStore {
  constructor(private readonly db: SqlQueryable) {}

  /** Creates a client and returns it with its secret, which is shown once and never stored. */
  async add(client: NewClient): Promise<{ client: OAuthClient; secret: string }> {
    if (client.role === 'device' && (client.deviceId === undefined || !fhirIdPattern.test(client.deviceId))) {
      throw new VitaltwinError('VT_ERR_INVALID_INPUT', 'a device client needs --device ID (a FHIR id)');
    }
    if (client.role === 'patient' && (client.patientId === undefined || !fhirIdPattern.test(client.patientId))) {
      throw new VitaltwinError('VT_ERR_INVALID_INPUT', 'a patient client needs --patient ID (a FHIR id)');
    }
    const requested = client.scope === undefined ? [...roleDefinitions[client.role].ceiling] : parseScopes(client.scope).scopes;
    const granted = effectiveScopes(client.role, requested);
    if (granted.length === 0)
      throw new VitaltwinError('VT_ERR_INVALID_INPUT', `none of the requested scopes is allowed for role ${client.role}`);
    if (client.deviceId !== undefined) {
      const taken = await this.db.query('SELECT 1 FROM oauth_client WHERE device_id = $1', [client.deviceId]);
      if (taken.length > 0) throw new VitaltwinError('VT_ERR_CONFLICT', `device ${client.deviceId} already has a client`);
    }
    const clientId = `vtc_${randomBytes(9).toString('base64url')}`;
    const secret = generateSecret();
    const rows = await this.db.query<ClientRow>(
      `INSERT INTO oauth_client (client_id, secret_hash, role, scope, patient_id, device_id, disabled, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, false, $7) RETURNING *`,
      [
        clientId,
        digestSecret(secret),
        client.role,
        granted.map(formatScope).join(' '),
        client.patientId ?? null,
        client.deviceId ?? null,
        new Date(),
      ],
    );
    return { client: fromRow(rows[0] as ClientRow), secret };
  }

  async list(): Promise<OAuthClient[]> {
    return (await this.db.query<ClientRow>('SELECT * FROM oauth_client ORDER BY client_id')).map(fromRow);
  }

  /**
   * Whether tokens issued to `client:<clientId>` or `device:<deviceId>` may still be used: false once
   * the client (or every client of the device) is disabled; true when no such client is stored.
   */
  async tokensAllowed(kind: 'client' | 'device', id: string): Promise<boolean> {
    const rows = await this.db.query<{ disabled: boolean }>(
      kind === 'client'
        ? 'SELECT disabled FROM oauth_client WHERE client_id = $1'
        : 'SELECT disabled FROM oauth_client WHERE device_id = $1',
      [id],
    );
    return rows.length === 0 || rows.some((r) => !r.disabled);
  }

  async setDisabled(clientId: string, disabled: boolean): Promise<OAuthClient> {
    const rows = await this.db.query<ClientRow>('UPDATE oauth_client SET disabled = $2 WHERE client_id = $1 RETURNING *', [
      clientId,
      disabled,
    ]);
    if (rows[0] === undefined) throw new VitaltwinError('VT_ERR_NOT_FOUND', `no client ${clientId}`);
    return fromRow(rows[0]);
  }

  /** The enabled client with this id and secret, or undefined. */
  async authenticate(clientId: string, secret: string): Promise<OAuthClient | undefined> {
    if (clientId.length > 128 || secret.length > 256) return undefined;
    const rows = await this.db.query<ClientRow>('SELECT * FROM oauth_client WHERE client_id = $1', [clientId]);
    const row = rows[0];
    const ok = secretMatches(secret, row?.secret_hash ?? '0'.repeat(64));
    return ok && row !== undefined && !row.disabled ? fromRow(row) : undefined;
  }

  /** The enabled device client for a device id whose secret matches (MQTT CONNECT). */
  async authenticateDevice(deviceId: string, secret: string): Promise<OAuthClient | undefined> {
    if (!fhirIdPattern.test(deviceId) || secret.length > 256) return undefined;
    const rows = await this.db.query<ClientRow>("SELECT * FROM oauth_client WHERE device_id = $1 AND role = 'device'", [deviceId]);
    const row = rows[0];
    const ok = secretMatches(secret, row?.secret_hash ?? '0'.repeat(64));
    return ok && row !== undefined && !row.disabled ? fromRow(row) : undefined;
  }
}
