import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

/**
 * Passwords are hashed with argon2id (RFC 9106) at the OWASP Password Storage Cheat Sheet minimum
 * (19 MiB, 2 passes, 1 lane: the @node-rs/argon2 defaults). Generated secrets (client secrets,
 * refresh tokens: 256 random bits) need no slow hash; they are stored as SHA-256 digests and
 * compared in constant time.
 */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

// A real hash of a random password, so that a login for an unknown user costs as much as one for
// a known user and response time does not reveal which usernames exist.
let decoy: Promise<string> | undefined;

export async function verifyPassword(passwordHash: string | undefined, password: string): Promise<boolean> {
  if (passwordHash === undefined) {
    decoy ??= hash(randomBytes(16).toString('hex'));
    await verify(await decoy, password).catch(() => false);
    return false;
  }
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** A random secret for a client or a refresh token: 32 bytes, base64url. */
export function generateSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function digestSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function secretMatches(secret: string, storedDigest: string): boolean {
  const a = Buffer.from(digestSecret(secret), 'hex');
  const b = Buffer.from(storedDigest, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Password rules (NIST SP 800-63B §5.1.1.2): at least 12 characters, at most 256, no other composition rules. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < 12) return 'password must have at least 12 characters';
  if (password.length > 256) return 'password must have at most 256 characters';
  return undefined;
}
