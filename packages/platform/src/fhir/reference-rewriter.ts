import { isConditionalReference } from './reference-string.ts';

/**
 * Rewrites references inside a resource when a transaction assigns identities (FHIR R4
 * http.html 3.1.0.11.2 "Transaction Processing Rules"): every `reference` that names an entry's
 * fullUrl (`urn:uuid:...`, or an absolute URL) becomes that entry's `Type/id`, and so do its
 * occurrences inside narrative XHTML (R4 bundle.html "references in narrative"). Other strings are
 * left alone: an Identifier.value may legitimately hold a urn:uuid. Conditional
 * references (`Type?criteria`) are replaced by what the transaction resolved them to.
 */
export type ReferenceMap = ReadonlyMap<string, string>;

/** Every distinct conditional reference (`Type?criteria`) in `value`, in first-seen order. */
export function conditionalReferences(value: unknown): string[] {
  const found = new Set<string>();
  walk(value, (key, text) => {
    if (key === 'reference' && isConditionalReference(text)) found.add(text);
  });
  return [...found];
}

/** A copy of `value` with references replaced by `map` (keys: fullUrls and conditional references). */
export function rewriteReferences<T>(value: T, map: ReferenceMap): T {
  if (map.size === 0) return value;
  const urns = [...map.keys()].filter((k) => k.startsWith('urn:'));
  return rewrite(value, map, urns) as T;
}

function rewrite(value: unknown, map: ReferenceMap, urns: readonly string[]): unknown {
  if (Array.isArray(value)) return value.map((v) => rewrite(v, map, urns));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (key === 'div' && typeof v === 'string' && urns.length > 0) out[key] = rewriteNarrative(v, map, urns);
    else if (key === 'reference' && typeof v === 'string') out[key] = map.get(stripHistory(v)) ?? map.get(v) ?? v;
    else out[key] = rewrite(v, map, urns);
  }
  return out;
}

function rewriteNarrative(div: string, map: ReferenceMap, urns: readonly string[]): string {
  let text = div;
  for (const urn of urns) if (text.includes(urn)) text = text.split(urn).join(map.get(urn)!);
  return text;
}

function stripHistory(reference: string): string {
  return reference.replace(/\/_history\/[^/]+$/, '');
}

function walk(value: unknown, visit: (key: string, text: string) => void): void {
  if (Array.isArray(value)) {
    for (const v of value) walk(v, visit);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v === 'string') visit(key, v);
    else walk(v, visit);
  }
}
