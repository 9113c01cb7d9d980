import type { FastifyRequest } from 'fastify';

/**
 * Conditional read (FHIR R4 http.html "conditional read"; RFC 9110 §13.1.2 If-None-Match, §13.1.3
 * If-Modified-Since, §13.2.2 precedence): whether the client's copy of a resource is current, so
 * the read answers 304 Not Modified without a body. If-None-Match compares entity tags weakly (`W/"3"`
 * matches `"3"`; `*` matches any current version) and, when present, decides alone; otherwise
 * If-Modified-Since holds while the resource has not changed since that HTTP date (second
 * precision: lastUpdated is compared truncated to the second). A date that does not parse is ignored,
 * as RFC 9110 requires.
 */
export function notModified(request: FastifyRequest, meta: { readonly versionId?: string; readonly lastUpdated?: string }): boolean {
  const noneMatch = headerText(request.headers['if-none-match']);
  if (noneMatch !== undefined) {
    if (meta.versionId === undefined) return false;
    return noneMatch.split(',').some((tag) => {
      const t = tag.trim();
      return t === '*' || opaqueTag(t) === meta.versionId;
    });
  }
  const since = headerText(request.headers['if-modified-since']);
  if (since === undefined || meta.lastUpdated === undefined) return false;
  const sinceMs = Date.parse(since);
  const updatedMs = Date.parse(meta.lastUpdated);
  if (Number.isNaN(sinceMs) || Number.isNaN(updatedMs)) return false;
  return Math.floor(updatedMs / 1000) * 1000 <= sinceMs;
}

/** The tag between the quotes of `"3"` or `W/"3"`; undefined for anything else. */
function opaqueTag(tag: string): string | undefined {
  const m = /^(?:W\/)?"([^"]*)"$/.exec(tag);
  return m?.[1];
}

function headerText(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(',') : value;
}
