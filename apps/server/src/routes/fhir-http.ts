import type { OperationOutcome, Resource } from '@medplum/fhirtypes';
import { VitaltwinError } from '@vitaltwin/core';
import { parseETag } from '@vitaltwin/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * HTTP details of the FHIR REST API (FHIR R4 http.html): content negotiation (`Accept`, `_format`,
 * `_pretty`), the `Prefer` header (return=minimal|representation|OperationOutcome,
 * handling=strict|lenient), versioning headers (ETag, Last-Modified, Location, If-Match) and the
 * base URL. JSON is the only format served: a request for XML or Turtle gets 406.
 */
export const fhirJson = 'application/fhir+json';

export function fhirBaseUrl(request: FastifyRequest): string {
  return `${request.protocol}://${request.headers.host ?? 'localhost'}/fhir`;
}

/** The query string as URLSearchParams, order and repeats kept (Fastify's object loses both). */
export function queryOf(request: FastifyRequest): URLSearchParams {
  const q = request.url.indexOf('?');
  return new URLSearchParams(q < 0 ? '' : request.url.slice(q + 1));
}

/**
 * The response media type, from `_format` first, then `Accept` (RFC 9110 §12.5.1: the acceptable
 * range with the highest q, q=0 meaning "not this"); 406 when only non-JSON is acceptable, or only
 * another FHIR version (R4 versioning.html: `fhirVersion` parameter; this server speaks 4.0).
 * `application/json+fhir` is the DSTU2 name of FHIR JSON that older clients still send.
 */
export function responseType(request: FastifyRequest): string {
  const format = queryOf(request).get('_format');
  if (format !== null) {
    if (['json', 'application/json', 'application/fhir+json', 'fhir+json', 'application/json+fhir'].includes(format))
      return format === 'application/json' ? 'application/json' : fhirJson;
    throw new VitaltwinError('VT_ERR_NOT_ACCEPTABLE', `_format ${format} is not supported; this server speaks application/fhir+json`);
  }
  const accept = request.headers.accept;
  if (!accept) return fhirJson;
  let best: { type: string; q: number } | undefined;
  let otherVersion: string | undefined;
  for (const range of accept.split(',')) {
    const [name = '', ...params] = range.split(';').map((p) => p.trim());
    const type = name.toLowerCase();
    const served = type === 'application/json' ? 'application/json' : jsonRanges.has(type) || type === '' ? fhirJson : undefined;
    if (served === undefined) continue;
    let q = 1;
    let version: string | undefined;
    for (const param of params) {
      const [k = '', v = ''] = param.split('=').map((x) => x.trim().replace(/^"|"$/g, ''));
      if (k.toLowerCase() === 'q') q = Number.parseFloat(v);
      else if (k === 'fhirVersion') version = v;
    }
    if (!(q > 0)) continue;
    if (version !== undefined && version !== '4.0' && !version.startsWith('4.0.')) {
      otherVersion = version;
      continue;
    }
    if (best === undefined || q > best.q) best = { type: served, q };
  }
  if (best !== undefined) return best.type;
  if (otherVersion !== undefined) {
    throw new VitaltwinError('VT_ERR_NOT_ACCEPTABLE', `this server speaks FHIR 4.0 (R4), not fhirVersion ${otherVersion.slice(0, 20)}`);
  }
  throw new VitaltwinError('VT_ERR_NOT_ACCEPTABLE', 'this server produces application/fhir+json only');
}

/** Media ranges answered with FHIR JSON. */
const jsonRanges: ReadonlySet<string> = new Set(['application/fhir+json', 'application/json+fhir', '*/*', 'application/*']);

export interface Prefer {
  readonly return?: 'minimal' | 'representation' | 'OperationOutcome';
  readonly handling?: 'strict' | 'lenient';
}

export function preferOf(request: FastifyRequest): Prefer {
  const header = request.headers.prefer;
  const text = Array.isArray(header) ? header.join(',') : (header ?? '');
  const out: { return?: Prefer['return']; handling?: Prefer['handling'] } = {};
  for (const part of text.split(/[,;]/)) {
    const [k, v] = part.split('=').map((s) => s.trim().replace(/^"|"$/g, ''));
    if (k === 'return' && (v === 'minimal' || v === 'representation' || v === 'OperationOutcome')) out.return = v;
    if (k === 'handling' && (v === 'strict' || v === 'lenient')) out.handling = v;
  }
  return out;
}

export function ifMatchOf(request: FastifyRequest): number | undefined {
  const header = request.headers['if-match'];
  if (header === undefined) return undefined;
  const version = parseETag(String(header));
  if (version === undefined) throw new VitaltwinError('VT_ERR_INVALID_INPUT', 'If-Match must be an ETag like W/"3"');
  return version;
}

/** A body that is JSON text already (stored documents, Bundles built around them): sent as it is. */
export class JsonText {
  constructor(readonly text: string) {}
}

/** Sends a FHIR JSON body with the negotiated type, pretty-printed under `_pretty=true`. */
export function sendFhir(request: FastifyRequest, reply: FastifyReply, status: number, body: unknown): FastifyReply {
  const type = responseType(request);
  const pretty = queryOf(request).get('_pretty') === 'true';
  reply.code(status).type(`${type}; charset=utf-8`);
  if (body instanceof JsonText) return reply.send(pretty ? JSON.stringify(JSON.parse(body.text), null, 2) : body.text);
  return reply.send(body === undefined ? '' : JSON.stringify(body, null, pretty ? 2 : undefined));
}

/** ETag and Last-Modified of a resource version (R4 http.html 3.1.0.5 "Managing Resource Contention"). */
export function versionHeaders(reply: FastifyReply, resource: Pick<Resource, 'meta'>): void {
  const v = resource.meta?.versionId;
  if (v) reply.header('etag', `W/"${v}"`);
  const updated = resource.meta?.lastUpdated;
  if (updated) reply.header('last-modified', new Date(updated).toUTCString());
}

/** Response to a write, shaped by `Prefer: return=` (default representation). */
export function sendWritten(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  resource: Resource | undefined,
  note: string,
): FastifyReply {
  const prefer = preferOf(request).return ?? 'representation';
  if (prefer === 'minimal' || !resource) return sendFhir(request, reply, status, undefined);
  if (prefer === 'OperationOutcome') return sendFhir(request, reply, status, informational(note));
  return sendFhir(request, reply, status, resource);
}

export function informational(text: string): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'information', code: 'informational', diagnostics: text, details: { text } }],
  };
}
