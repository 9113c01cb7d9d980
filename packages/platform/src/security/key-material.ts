import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { VitaltwinError } from '@vitaltwin/core';
import { calculateJwkThumbprint, exportJWK, type JWK } from 'jose';

/**
 * The server's secrets: the Ed25519 key that signs access tokens (RFC 8037 EdDSA) and the secret
 * that keys de-identification pseudonyms and date shifts. Generated on first start into
 * `<dataDir>/keys/` (directory 0700, files 0600), or given by the operator (PEM / hex text, e.g.
 * from the environment) so that several servers on one PostgreSQL share them. Whoever can read
 * these files can mint tokens: they are the root of trust.
 */
export interface KeyMaterial {
  readonly signingKey: KeyObject;
  readonly verifyKey: KeyObject;
  /** RFC 7638 thumbprint of the public key, used as the JWT `kid`. */
  readonly keyId: string;
  /** The public key as a JWK set, for `/.well-known/jwks.json`. */
  readonly jwks: { readonly keys: readonly JWK[] };
  readonly deidentificationSecret: Uint8Array;
}

export interface KeyMaterialSources {
  /** Directory holding `keys/` (the data directory). */
  readonly dataDir: string;
  /** PKCS#8 PEM of an Ed25519 private key, overriding the file. */
  readonly signingKeyPem?: string;
  /** Hex (at least 32 bytes) overriding the de-identification secret file. */
  readonly deidentificationSecretHex?: string;
}

const signingFile = 'jwt-signing-ed25519.pem';
const secretFile = 'deidentification-secret.hex';

async function readOrCreate(dir: string, file: string, create: () => string): Promise<string> {
  const path = join(dir, file);
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new VitaltwinError('VT_ERR_CONFIG', `cannot read ${path} (${(error as NodeJS.ErrnoException).code}); fix its permissions`);
    }
  }
  const text = create();
  try {
    // 'wx' fails if another process created the file meanwhile; then read theirs.
    await writeFile(path, text, { mode: 0o600, flag: 'wx' });
    await chmod(path, 0o600);
    return text;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readFile(path, 'utf8');
    throw new VitaltwinError(
      'VT_ERR_CONFIG',
      `cannot write ${path} (${(error as NodeJS.ErrnoException).code}); choose a writable --data-dir`,
    );
  }
}

function parseSecret(hex: string, origin: string): Uint8Array {
  const clean = hex.trim();
  if (!/^[0-9a-fA-F]{64,}$/.test(clean) || clean.length % 2 !== 0) {
    throw new VitaltwinError('VT_ERR_CONFIG', `${origin} must be at least 64 hex digits (32 bytes)`);
  }
  return Uint8Array.from(Buffer.from(clean, 'hex'));
}

/** Loads the key material, creating missing files. */
export async function loadKeyMaterial(sources: KeyMaterialSources): Promise<KeyMaterial> {
  const dir = join(sources.dataDir, 'keys');
  const needDir = sources.signingKeyPem === undefined || sources.deidentificationSecretHex === undefined;
  if (needDir) {
    try {
      await mkdir(dir, { recursive: true, mode: 0o700 });
    } catch (error) {
      throw new VitaltwinError(
        'VT_ERR_CONFIG',
        `cannot create ${dir} (${(error as NodeJS.ErrnoException).code}); choose a writable --data-dir`,
      );
    }
  }
  const pem =
    sources.signingKeyPem ??
    (await readOrCreate(dir, signingFile, () =>
      generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    ));
  let signingKey: KeyObject;
  try {
    signingKey = createPrivateKey(pem);
  } catch {
    throw new VitaltwinError('VT_ERR_CONFIG', 'the token signing key is not a valid PKCS#8 PEM private key');
  }
  if (signingKey.asymmetricKeyType !== 'ed25519') throw new VitaltwinError('VT_ERR_CONFIG', 'the token signing key must be an Ed25519 key');
  const verifyKey = createPublicKey(signingKey);
  const jwk = await exportJWK(verifyKey);
  const keyId = await calculateJwkThumbprint(jwk);
  const secretHex = sources.deidentificationSecretHex ?? (await readOrCreate(dir, secretFile, () => randomBytes(32).toString('hex')));
  const deidentificationSecret = parseSecret(
    secretHex,
    sources.deidentificationSecretHex ? 'the de-identification secret' : join(dir, secretFile),
  );
  return {
    signingKey,
    verifyKey,
    keyId,
    jwks: { keys: [{ ...jwk, kid: keyId, alg: 'EdDSA', use: 'sig' }] },
    deidentificationSecret,
  };
}
