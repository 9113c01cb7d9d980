/**
 * Who is using the app. With auth on (the `vitaltwin serve` default) the user logs in with
 * POST /auth/login (OAuth 2.0 password-style login, auth-routes.ts) and every call carries the
 * bearer access token (RFC 6750); the token is refreshed with POST /auth/refresh before it expires.
 * With auth off the server treats every request as the local administrator.
 *
 * Tokens live in sessionStorage: they survive a reload but not the tab, and are never written to
 * localStorage or cookies. The role and patient come from the token's claims (at+jwt, RFC 9068),
 * read only to shape the interface: the server enforces access on every request.
 */
export type Role = 'admin' | 'clinician' | 'patient' | 'researcher' | 'device';

export interface Session {
  readonly authOn: boolean;
  readonly user: string;
  readonly role: Role;
  readonly patientId?: string;
  readonly accessToken?: string;
  readonly refreshToken?: string;
  readonly expiresAtMs?: number;
}

const storageKey = 'vitaltwin.session';
const roles: readonly Role[] = ['admin', 'clinician', 'patient', 'researcher', 'device'];

/** The claims of a JWT payload (base64url JSON, RFC 7519 §3), without verifying it. */
export function jwtClaims(token: string): Record<string, unknown> | null {
  const part = token.split('.')[1];
  if (part === undefined) return null;
  try {
    const base64 = part
      .replace(/-/g, '+')
      .replace(/_/g, '/')
      .padEnd(Math.ceil(part.length / 4) * 4, '=');
    const json = new TextDecoder().decode(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
    const claims = JSON.parse(json) as unknown;
    return typeof claims === 'object' && claims !== null && !Array.isArray(claims) ? (claims as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export interface TokenResponse {
  readonly access_token: string;
  readonly refresh_token?: string;
  readonly expires_in: number;
  readonly patient?: string;
}

/** The session a token response opens, or null when the token carries no known role. */
export function sessionFromTokens(username: string, body: TokenResponse, nowMs: number): Session | null {
  const claims = jwtClaims(body.access_token);
  const role = claims?.['role'];
  if (typeof role !== 'string' || !(roles as readonly string[]).includes(role)) return null;
  const patient = typeof claims?.['patient'] === 'string' ? (claims['patient'] as string) : body.patient;
  return {
    authOn: true,
    user: username,
    role: role as Role,
    ...(patient !== undefined ? { patientId: patient } : {}),
    accessToken: body.access_token,
    ...(body.refresh_token !== undefined ? { refreshToken: body.refresh_token } : {}),
    expiresAtMs: nowMs + body.expires_in * 1000,
  };
}

export const localSession: Session = { authOn: false, user: 'local', role: 'admin' };

type Listener = () => void;
const listeners = new Set<Listener>();
let current: Session | null = readStored();

function readStored(): Session | null {
  try {
    const text = globalThis.sessionStorage?.getItem(storageKey);
    return text ? (JSON.parse(text) as Session) : null;
  } catch {
    return null;
  }
}

export function getSession(): Session | null {
  return current;
}

export function setSession(session: Session | null): void {
  current = session;
  try {
    if (session?.authOn) globalThis.sessionStorage?.setItem(storageKey, JSON.stringify(session));
    else globalThis.sessionStorage?.removeItem(storageKey);
  } catch {
    // Storage can be unavailable (private mode quotas): the session then lasts this page only.
  }
  for (const l of listeners) l();
}

export function subscribeSession(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
