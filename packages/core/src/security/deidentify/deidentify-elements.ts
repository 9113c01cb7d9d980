import type { DeidentificationReport } from './deidentification-report.ts';
import type { Pseudonymizer } from './pseudonymizer.ts';
import { safeHarborZip3 } from './safe-harbor-zip.ts';

/**
 * De-identification of single FHIR datatypes (FHIR R4 datatypes.html): Address, HumanName,
 * Reference strings, Attachment. Each returns the replacement, or undefined for "remove".
 */
type Obj = Record<string, unknown>;

export const isObject = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

const humanNameKeys = ['family', 'given', 'text', 'prefix', 'suffix'];

/** A HumanName or HumanName[] (Organization.name, a string, is not one). */
export function isHumanName(v: unknown): boolean {
  const one = (x: unknown) => isObject(x) && humanNameKeys.some((k) => k in x);
  return Array.isArray(v) ? v.length > 0 && v.every(one) : one(v);
}

/** How many entries a one-or-many element holds. */
export const countOf = (v: unknown): number => (Array.isArray(v) ? v.length : 1);

/**
 * Safe Harbor (B): geographic subdivisions smaller than a state go, except the 3-digit ZIP where
 * the area is large enough. Street, city, district (county) and geolocation are removed; state,
 * country, use and type stay.
 */
export function generaliseAddress(address: unknown, report: DeidentificationReport): Obj | undefined {
  if (!isObject(address)) return undefined;
  report.address += 1;
  const out: Obj = {};
  for (const k of ['use', 'type', 'state', 'country'] as const) if (typeof address[k] === 'string') out[k] = address[k];
  if (typeof address.postalCode === 'string') {
    report.postalCode += 1;
    const { zip3, restricted } = safeHarborZip3(address.postalCode);
    if (restricted) report.restrictedZip3 += 1;
    if (zip3 !== undefined) out.postalCode = zip3;
  }
  if (Array.isArray(address.extension)) {
    for (const ext of address.extension) {
      if (isObject(ext) && ext.url === 'http://hl7.org/fhir/StructureDefinition/geolocation') report.geolocation += 1;
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

const typeIdRef = /^(?:.*\/)?([A-Z][A-Za-z]{1,63})\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/;
const uuidRef = /^urn:uuid:([0-9a-fA-F-]{36})$/;
const conditionalRef = /^([A-Z][A-Za-z]{1,63})\?(.+)$/;

/**
 * A reference with its target id replaced by the same pseudonym the target's own id gets, so links
 * between de-identified resources still resolve. Conditional references keep only an `identifier`
 * criterion, pseudonymised like Identifier.value. Anything else (external URLs) is removed.
 */
export function pseudonymiseReference(reference: string, pseudonymizer: Pseudonymizer): string | undefined {
  if (reference.startsWith('#')) return reference;
  const uuid = uuidRef.exec(reference);
  if (uuid) return `urn:uuid:${pseudonymizer.resourceId(uuid[1] as string)}`;
  const typed = typeIdRef.exec(reference);
  if (typed) return `${typed[1]}/${pseudonymizer.resourceId(typed[2] as string)}`;
  const conditional = conditionalRef.exec(reference);
  if (conditional) {
    const criteria = new Map<string, string>();
    for (const part of (conditional[2] as string).split('&')) {
      const eq = part.indexOf('=');
      if (eq > 0) criteria.set(part.slice(0, eq), decodeURIComponentSafe(part.slice(eq + 1)));
    }
    const identifier = criteria.get('identifier');
    if (identifier === undefined || criteria.size !== 1) return undefined;
    const bar = identifier.indexOf('|');
    const system = bar >= 0 ? identifier.slice(0, bar) : undefined;
    const value = bar >= 0 ? identifier.slice(bar + 1) : identifier;
    return `${conditional[1]}?identifier=${system === undefined ? '' : `${system}|`}${pseudonymizer.identifier(system, value)}`;
  }
  return undefined;
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** A Reference (or a logical reference): has `reference`, or a `display` without Coding's code/system. */
export function isReferenceLike(o: Obj): boolean {
  if (typeof o.reference === 'string') return true;
  return !('code' in o) && !('system' in o) && !('value' in o) && !('url' in o) && !('resourceType' in o);
}

/** An Attachment (FHIR R4 datatypes.html#Attachment): its inline data and URL may hold anything. */
export function isAttachment(o: Obj): boolean {
  if ('resourceType' in o) return false;
  return 'contentType' in o || 'data' in o || ('url' in o && ('size' in o || 'hash' in o || 'title' in o || 'creation' in o));
}
