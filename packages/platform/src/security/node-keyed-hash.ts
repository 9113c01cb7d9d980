import { createHmac } from 'node:crypto';
import type { KeyedHash } from '@vitaltwin/core';

/** HMAC-SHA-256 (RFC 2104) through Node's crypto: the same bytes as core's hmacSha256, faster. */
export function nodeHmacSha256(key: Uint8Array): KeyedHash {
  return (message) => createHmac('sha256', key).update(message, 'utf8').digest();
}
