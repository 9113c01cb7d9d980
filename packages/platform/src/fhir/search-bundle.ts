import type { Bundle, BundleEntry, BundleLink, OperationOutcome, Resource } from '@medplum/fhirtypes';
import { subsetResource } from './resource-subsetting.ts';
import type { SearchResult } from './search-executor.ts';

/**
 * The searchset Bundle of a search (R4 search 3.1.1.5 and bundle.html): `total`, paging links
 * self/next/previous (offset-based: `_offset` and `_count` in the link), entries with
 * `search.mode` match or include, and one `outcome` entry listing what the search could not honour.
 */
export interface BundleUrls {
  /** FHIR base URL, e.g. http://localhost:8080/fhir. */
  readonly baseUrl: string;
  /** The query as received (links repeat it with their own _offset/_count). */
  readonly query: URLSearchParams;
  /** Path after the base, e.g. `Observation` or `Patient/1/$everything`. */
  readonly path: string;
}

export function searchsetBundle(result: SearchResult, urls: BundleUrls): Bundle {
  const { request } = result;
  const entry: BundleEntry[] = [];
  for (const r of result.matches) entry.push(resourceEntry(urls.baseUrl, subsetResource(r, request.summary, request.elements), 'match'));
  for (const r of result.included) entry.push(resourceEntry(urls.baseUrl, subsetResource(r, request.summary, request.elements), 'include'));
  if (result.warnings.length > 0) entry.push(outcomeEntry(result.warnings));
  return { ...bundleHead(result, urls), ...(entry.length > 0 ? { entry } : {}) };
}

/**
 * The same Bundle as JSON text, with the matches' stored JSON spliced in unparsed when the search
 * read them as text (`matchTexts`) and nothing is to be left out of them (`_summary`, `_elements`):
 * serialising a page of documents costs as much again as parsing them.
 */
export function searchsetBundleText(result: SearchResult, urls: BundleUrls): string {
  const { request } = result;
  const texts = isWhole(request) ? result.matchTexts : undefined;
  if (!texts) return JSON.stringify(searchsetBundle(result, urls));
  const entries: string[] = [];
  for (const m of texts) {
    entries.push(
      `{"fullUrl":${JSON.stringify(`${urls.baseUrl}/${m.resourceType}/${m.id}`)},"resource":${m.text},"search":{"mode":"match"}}`,
    );
  }
  for (const r of result.included) entries.push(JSON.stringify(resourceEntry(urls.baseUrl, r, 'include')));
  if (result.warnings.length > 0) entries.push(JSON.stringify(outcomeEntry(result.warnings)));
  const head = JSON.stringify(bundleHead(result, urls));
  return entries.length === 0 ? head : `${head.slice(0, -1)},"entry":[${entries.join(',')}]}`;
}

function isWhole(request: SearchResult['request']): boolean {
  return (request.summary === undefined || request.summary === 'false') && request.elements === undefined;
}

function bundleHead(result: SearchResult, urls: BundleUrls): Bundle {
  const { request } = result;
  const link = (offset: number): string => {
    const q = new URLSearchParams(urls.query);
    q.delete('_offset');
    q.delete('_count');
    q.set('_count', String(request.count));
    q.set('_offset', String(offset));
    return `${urls.baseUrl}/${urls.path}?${q.toString()}`;
  };
  const links: BundleLink[] = [{ relation: 'self', url: link(request.offset) }];
  if (result.hasNext) links.push({ relation: 'next', url: link(request.offset + request.count) });
  if (request.offset > 0) links.push({ relation: 'previous', url: link(Math.max(0, request.offset - request.count)) });
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    ...(result.total !== undefined ? { total: result.total } : {}),
    link: links,
  };
}

function outcomeEntry(warnings: readonly string[]): BundleEntry {
  return { resource: warningOutcome(warnings), search: { mode: 'outcome' } };
}

function resourceEntry(baseUrl: string, resource: Resource, mode: 'match' | 'include'): BundleEntry {
  return { fullUrl: `${baseUrl}/${resource.resourceType}/${resource.id}`, resource, search: { mode } };
}

export function warningOutcome(messages: readonly string[]): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    issue: messages.map((m) => ({ severity: 'warning', code: 'not-supported', diagnostics: m, details: { text: m } })),
  };
}
