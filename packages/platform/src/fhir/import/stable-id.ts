import { createHash } from 'node:crypto';
import { idPattern } from '../reference-string.ts';

/**
 * Ids that stay the same however often a file is imported, so a second import updates (or skips)
 * what the first one created instead of duplicating it:
 *  1. the resource's own `id`;
 *  2. else the UUID of a `urn:uuid:` fullUrl (Synthea's bundle-local identity, R4 bundle.html#fullUrl);
 *  3. else the id at the end of an absolute fullUrl `.../Type/id` (R4 3.3.2 literal references);
 *  4. else a name-based UUID of the resource content (RFC 4122 §4.3, SHA-1), so identical content
 *     keeps one identity.
 */
const urnUuid = /^urn:uuid:([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$/;

// Namespace of Vitaltwin's import ids (a random UUID fixed once; RFC 4122 §4.3 step 1).
const importNamespace = Buffer.from('3f0e6c4a9d2b4e7f8a1c5b6d7e8f9a0b', 'hex');

export function stableId(resourceType: string, resource: Record<string, unknown>, fullUrl: string | undefined): string {
  const own = resource['id'];
  if (typeof own === 'string') return own;
  if (fullUrl !== undefined) {
    const urn = urnUuid.exec(fullUrl);
    if (urn) return urn[1]!.toLowerCase();
    const m = new RegExp(`/${resourceType}/([^/]+)(?:/_history/[^/]+)?$`).exec(fullUrl);
    if (m && idPattern.test(m[1]!)) return m[1]!;
  }
  return nameBasedUuid(`${resourceType}:${JSON.stringify(resource)}`);
}

/** A version-5 (SHA-1, name-based) UUID of `name` in the import namespace (RFC 4122 §4.3). */
export function nameBasedUuid(name: string): string {
  const hash = createHash('sha1').update(importNamespace).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
