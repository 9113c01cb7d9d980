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
  return new ReferenceRewriter(map).rewrite(value);
}

/**
 * Rewrites many resources against one map (a Bundle's entries): the map's `urn:` keys are indexed
 * once. Copy on write: what holds nothing to replace is shared with the input, which is never
 * changed, so a resource with no reference to rewrite comes back as itself.
 */
export class ReferenceRewriter {
  /** Distinct lengths of the `urn:` keys, longest first (narrative is scanned for those keys). */
  private readonly urnLengths: readonly number[];

  constructor(private readonly map: ReferenceMap) {
    const lengths = new Set<number>();
    for (const k of map.keys()) if (k.startsWith('urn:')) lengths.add(k.length);
    this.urnLengths = [...lengths].sort((a, b) => b - a);
  }

  rewrite<T>(value: T): T {
    return this.map.size === 0 ? value : (this.value(value) as T);
  }

  private value(value: unknown): unknown {
    if (typeof value !== 'object' || value === null) return value;
    if (Array.isArray(value)) {
      let out: unknown[] | undefined;
      for (let i = 0; i < value.length; i++) {
        const v = value[i];
        const r = this.value(v);
        if (r !== v && out === undefined) out = value.slice(0, i);
        out?.push(r);
      }
      return out ?? value;
    }
    const source = value as Record<string, unknown>;
    let out: Record<string, unknown> | undefined;
    for (const key in source) {
      const v = source[key];
      let r = v;
      if (typeof v === 'string') {
        if (key === 'reference') r = this.map.get(stripHistory(v)) ?? this.map.get(v) ?? v;
        else if (key === 'div' && this.urnLengths.length > 0) r = this.narrative(v);
      } else r = this.value(v);
      if (r !== v) {
        out ??= { ...source };
        out[key] = r;
      }
    }
    return out ?? value;
  }

  /** `div` with each fullUrl (`urn:` key) it contains replaced; the longest key wins at each place. */
  private narrative(div: string): string {
    let from = div.indexOf('urn:');
    if (from < 0) return div;
    let out = '';
    let copied = 0;
    while (from >= 0) {
      let next = from + 4;
      for (const length of this.urnLengths) {
        const target = this.map.get(div.slice(from, from + length));
        if (target === undefined) continue;
        out += div.slice(copied, from) + target;
        copied = next = from + length;
        break;
      }
      from = div.indexOf('urn:', next);
    }
    return copied === 0 ? div : out + div.slice(copied);
  }
}

function stripHistory(reference: string): string {
  const at = reference.indexOf('/_history/');
  return at < 0 ? reference : reference.replace(/\/_history\/[^/]+$/, '');
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
