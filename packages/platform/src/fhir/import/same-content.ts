/**
 * Whether a stored resource and an incoming one say the same thing, so a re-import can leave it
 * alone instead of writing a new version. `meta.versionId` and `meta.lastUpdated` are the server's
 * bookkeeping (R4 resource.html#Meta) and are ignored on both sides, as is an empty `meta` left
 * after removing them. Objects compare by keys regardless of order (jsonb reorders keys); arrays
 * compare in order (order is significant in FHIR JSON, R4 json.html).
 */
export function sameContent(stored: unknown, incoming: unknown): boolean {
  if (!isObject(stored) || !isObject(incoming)) return false;
  return equalObjects(stored, incoming, true);
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function metaOf(value: Json): Json | undefined {
  const meta = value['meta'];
  if (!isObject(meta)) return undefined;
  const { versionId: _v, lastUpdated: _l, ...rest } = meta;
  return Object.keys(rest).length === 0 ? undefined : rest;
}

function equalObjects(a: Json, b: Json, root: boolean): boolean {
  let countA = 0;
  for (const key in a) {
    if (a[key] === undefined || (root && key === 'meta')) continue;
    countA++;
    if (!equal(a[key], b[key])) return false;
  }
  let countB = 0;
  for (const key in b) {
    if (b[key] === undefined || (root && key === 'meta')) continue;
    countB++;
  }
  if (countA !== countB) return false;
  if (!root) return true;
  const metaA = metaOf(a);
  const metaB = metaOf(b);
  return metaA === undefined || metaB === undefined ? metaA === metaB : equalObjects(metaA, metaB, false);
}

function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!equal(a[i], b[i])) return false;
    return true;
  }
  if (isObject(a) && isObject(b)) return equalObjects(a, b, false);
  return false;
}
