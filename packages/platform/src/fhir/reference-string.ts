/**
 * FHIR R4 reference strings (R4 3.3.2 "Literal references"): `Type/id`, `Type/id/_history/n`,
 * absolute URLs, `urn:uuid:`/`urn:oid:` within bundles, `#id` for contained resources, and
 * conditional references `Type?search` (transactions only, R4 3.1.0.11.1 "conditional references").
 */
export interface ReferenceTarget {
  /** Resource type of a relative reference; '' for absolute URLs and URNs. */
  readonly targetType: string;
  /** The id of a relative reference, else the whole URL (without `_history`). */
  readonly targetId: string;
}

const typePattern = /^[A-Z][A-Za-z]+$/;
/** FHIR R4 id datatype: 1-64 of [A-Za-z0-9-.]. */
export const idPattern = /^[A-Za-z0-9\-.]{1,64}$/;

/** `Type/id`, the common form, matched at once (the general path below gives the same result for it). */
const relativePattern = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/;

export function parseReferenceString(reference: string): ReferenceTarget | undefined {
  const relative = relativePattern.exec(reference);
  if (relative) return { targetType: relative[1]!, targetId: relative[2]! };
  if (reference === '' || reference.startsWith('#')) return undefined;
  if (reference.startsWith('urn:')) return { targetType: '', targetId: reference };
  if (isConditionalReference(reference)) return undefined;
  const withoutHistory = reference.replace(/\/_history\/[^/]+$/, '');
  if (/^[a-z][a-z0-9+.-]*:/i.test(withoutHistory)) return { targetType: '', targetId: withoutHistory };
  const parts = withoutHistory.split('/');
  if (parts.length !== 2) return undefined;
  const [type, id] = parts as [string, string];
  if (!typePattern.test(type) || !idPattern.test(id)) return undefined;
  return { targetType: type, targetId: id };
}

/** `Organization?identifier=...`: a reference to be resolved by search within a transaction. */
export function isConditionalReference(reference: string): boolean {
  const q = reference.indexOf('?');
  return q > 0 && typePattern.test(reference.slice(0, q));
}
