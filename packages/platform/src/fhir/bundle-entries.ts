import { type ProblemDetail, VitaltwinError } from '@vitaltwin/core';
import { idPattern } from './reference-string.ts';
import { isFhirResourceType } from './search-parameter-registry.ts';

/**
 * The entries of a batch or transaction Bundle (FHIR R4 http.html 3.1.0.11), read into requests:
 * method, target type, id or criteria, and the conditional headers carried in `entry.request`.
 */
export type EntryMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface BundleRequestEntry {
  readonly index: number;
  readonly method: EntryMethod;
  readonly url: string;
  readonly type: string;
  readonly id?: string;
  readonly versionId?: string;
  /** Query after `?` (search for GET, criteria for conditional PUT/DELETE). */
  readonly query?: string;
  readonly fullUrl?: string;
  readonly resource?: unknown;
  readonly ifNoneExist?: string;
  readonly ifMatch?: number;
}

export interface ParsedBundle {
  readonly type: 'transaction' | 'batch';
  readonly entries: readonly BundleRequestEntry[];
}

const methods: readonly EntryMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** Transaction processing order (R4 3.1.0.11.2): DELETE, POST, PUT/PATCH, then GET/HEAD. */
export const processingRank: Readonly<Record<EntryMethod, number>> = { DELETE: 0, POST: 1, PUT: 2, PATCH: 2, GET: 3, HEAD: 3 };

export function parseBundle(body: unknown, baseUrl?: string): ParsedBundle {
  const bundle = body as { resourceType?: unknown; type?: unknown; entry?: unknown } | null;
  if (typeof bundle !== 'object' || bundle === null || bundle.resourceType !== 'Bundle') {
    throw new VitaltwinError('VT_ERR_INVALID_INPUT', 'expected a Bundle', [
      { message: 'resourceType must be Bundle', expression: 'Bundle' },
    ]);
  }
  if (bundle.type !== 'transaction' && bundle.type !== 'batch') {
    throw new VitaltwinError('VT_ERR_INVALID_INPUT', 'only transaction and batch Bundles can be posted to the base', [
      { message: `Bundle.type is ${JSON.stringify(bundle.type)}, expected transaction or batch`, expression: 'Bundle.type' },
    ]);
  }
  const raw = bundle.entry === undefined ? [] : bundle.entry;
  if (!Array.isArray(raw))
    throw new VitaltwinError('VT_ERR_INVALID_INPUT', 'Bundle.entry must be an array', [
      { message: 'not an array', expression: 'Bundle.entry' },
    ]);
  const problems: ProblemDetail[] = [];
  const entries: BundleRequestEntry[] = [];
  raw.forEach((e: unknown, index) => {
    const parsed = parseEntry(e, index, baseUrl);
    if ('message' in parsed) problems.push(parsed);
    else entries.push(parsed);
  });
  if (problems.length > 0) throw new VitaltwinError('VT_ERR_INVALID_INPUT', 'invalid Bundle entries', problems);
  return { type: bundle.type, entries };
}

function parseEntry(e: unknown, index: number, baseUrl?: string): BundleRequestEntry | ProblemDetail {
  const at = `Bundle.entry[${index}]`;
  const entry = e as {
    fullUrl?: unknown;
    resource?: unknown;
    request?: { method?: unknown; url?: unknown; ifNoneExist?: unknown; ifMatch?: unknown };
  } | null;
  const request = entry?.request;
  if (typeof request !== 'object' || request === null)
    return { message: 'entry.request is required in a batch or transaction', expression: `${at}.request` };
  const method = request.method;
  if (typeof method !== 'string' || !(methods as readonly string[]).includes(method)) {
    return { message: `request.method must be one of ${methods.join(', ')}`, expression: `${at}.request.method` };
  }
  if (typeof request.url !== 'string' || request.url === '') return { message: 'request.url is required', expression: `${at}.request.url` };
  let url = request.url;
  if (baseUrl && url.startsWith(`${baseUrl}/`)) url = url.slice(baseUrl.length + 1);
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const query = q < 0 ? undefined : url.slice(q + 1);
  const segments = path.split('/').filter((s) => s !== '');
  const type = segments[0] ?? '';
  if (!isFhirResourceType(type))
    return { message: `request.url names no resource type (${type || 'empty'})`, expression: `${at}.request.url` };
  const id = segments[1];
  if (id !== undefined && !idPattern.test(id)) return { message: `request.url has an invalid id`, expression: `${at}.request.url` };
  const versionId = segments[2] === '_history' ? segments[3] : undefined;
  if (segments.length > 2 && versionId === undefined)
    return { message: 'request.url form is not supported in bundles', expression: `${at}.request.url` };
  const m = method as EntryMethod;
  if ((m === 'POST' && id !== undefined) || ((m === 'PATCH' || m === 'DELETE' || m === 'PUT') && id === undefined && query === undefined)) {
    return { message: `${m} ${url} is not a valid interaction`, expression: `${at}.request.url` };
  }
  if ((m === 'POST' || m === 'PUT') && (typeof entry?.resource !== 'object' || entry.resource === null)) {
    return { message: `${m} needs entry.resource`, expression: `${at}.resource` };
  }
  let ifMatch: number | undefined;
  if (request.ifMatch !== undefined) {
    const parsed = parseETag(String(request.ifMatch));
    if (parsed === undefined) return { message: 'ifMatch must be an ETag like W/"3"', expression: `${at}.request.ifMatch` };
    ifMatch = parsed;
  }
  return {
    index,
    method: m,
    url,
    type,
    ...(id !== undefined ? { id } : {}),
    ...(versionId !== undefined ? { versionId } : {}),
    ...(query !== undefined ? { query } : {}),
    ...(typeof entry?.fullUrl === 'string' ? { fullUrl: entry.fullUrl } : {}),
    ...(entry?.resource !== undefined ? { resource: entry.resource } : {}),
    ...(typeof request.ifNoneExist === 'string' ? { ifNoneExist: request.ifNoneExist } : {}),
    ...(ifMatch !== undefined ? { ifMatch } : {}),
  };
}

/** `W/"3"` or `"3"` -> 3 (FHIR versions ETags are weak, R4 http.html 3.1.0.5). */
export function parseETag(text: string): number | undefined {
  const m = /^(?:W\/)?"(\d+)"$/.exec(text.trim());
  return m ? Number(m[1]) : undefined;
}
