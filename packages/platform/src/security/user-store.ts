import { randomBytes } from 'node:crypto';
import { fhirIdPattern, isRole, type Role, VitaltwinError } from '@vitaltwin/core';
import type { SqlQueryable } from '../store/sql-client.ts';
import { hashPassword, passwordProblem, verifyPassword } from './secret-hashing.ts';

/** A person who logs in with a username and password. */
export interface User {
  readonly id: string;
  readonly username: string;
  readonly role: Role;
  readonly patientId?: string;
  readonly disabled: boolean;
  readonly createdAt: Date;
}

interface UserRow {
  id: string;
  username: string;
  password_hash: string;
  role: string;
  patient_id: string | null;
  disabled: boolean;
  created_at: Date;
}

const usernamePattern = /^[A-Za-z0-9._@-]{1,64}$/;

function fromRow(r: UserRow): User {
  if (!isRole(r.role)) throw new VitaltwinError('VT_ERR_STORAGE', 'user row with an unknown role');
  return {
    id: r.id,
    username: r.username,
    role: r.role,
    ...(r.patient_id !== null ? { patientId: r.patient_id } : {}),
    disabled: r.disabled,
    createdAt: r.created_at,
  };
}

export interface NewUser {
  readonly username: string;
  readonly password: string;
  readonly role: Role;
  readonly patientId?: string;
}

/** Users in the `app_user` table (migration 004). Usernames are unique without regard to case. */
export class UserStore {
  constructor(private readonly db: SqlQueryable) {}

  async add(user: NewUser): Promise<User> {
    if (!usernamePattern.test(user.username)) {
      throw new VitaltwinError('VT_ERR_INVALID_INPUT', 'username must be 1-64 of letters, digits and . _ @ -');
    }
    const problem = passwordProblem(user.password);
    if (problem) throw new VitaltwinError('VT_ERR_INVALID_INPUT', problem);
    if (user.role === 'patient' && user.patientId === undefined)
      throw new VitaltwinError('VT_ERR_INVALID_INPUT', 'a patient user needs --patient ID');
    if (user.patientId !== undefined && !fhirIdPattern.test(user.patientId))
      throw new VitaltwinError('VT_ERR_INVALID_INPUT', 'patient id is not a FHIR id');
    if (user.role === 'device')
      throw new VitaltwinError('VT_ERR_INVALID_INPUT', 'devices are clients, not users: use `vitaltwin client add --role device`');
    const existing = await this.db.query('SELECT 1 FROM app_user WHERE lower(username) = lower($1)', [user.username]);
    if (existing.length > 0) throw new VitaltwinError('VT_ERR_CONFLICT', `user ${user.username} already exists`);
    const id = randomBytes(9).toString('base64url');
    const now = new Date();
    const rows = await this.db.query<UserRow>(
      `INSERT INTO app_user (id, username, password_hash, role, patient_id, disabled, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, false, $6, $6) RETURNING *`,
      [id, user.username, await hashPassword(user.password), user.role, user.patientId ?? null, now],
    );
    return fromRow(rows[0] as UserRow);
  }

  async list(): Promise<User[]> {
    const rows = await this.db.query<UserRow>('SELECT * FROM app_user ORDER BY lower(username)');
    return rows.map(fromRow);
  }

  async count(): Promise<number> {
    const rows = await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM app_user');
    return rows[0]?.n ?? 0;
  }

  async byId(id: string): Promise<User | undefined> {
    const rows = await this.db.query<UserRow>('SELECT * FROM app_user WHERE id = $1', [id]);
    return rows[0] ? fromRow(rows[0]) : undefined;
  }

  /** Enables or disables a user; disabling also revokes the user's refresh tokens. */
  async setDisabled(username: string, disabled: boolean): Promise<User> {
    const rows = await this.db.query<UserRow>(
      'UPDATE app_user SET disabled = $2, updated_at = $3 WHERE lower(username) = lower($1) RETURNING *',
      [username, disabled, new Date()],
    );
    const row = rows[0];
    if (row === undefined) throw new VitaltwinError('VT_ERR_NOT_FOUND', `no user ${username}`);
    if (disabled)
      await this.db.query('UPDATE refresh_token SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL', [row.id, new Date()]);
    return fromRow(row);
  }

  /**
   * The user whose password matches, or undefined. Unknown users, wrong passwords and disabled
   * users look the same to the caller and take the same time.
   */
  async authenticate(username: string, password: string): Promise<User | undefined> {
    const rows = usernamePattern.test(username)
      ? await this.db.query<UserRow>('SELECT * FROM app_user WHERE lower(username) = lower($1)', [username])
      : [];
    const row = rows[0];
    const ok = await verifyPassword(row?.password_hash, password);
    if (!ok || row === undefined || row.disabled) return undefined;
    return fromRow(row);
  }
}
