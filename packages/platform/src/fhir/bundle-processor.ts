import type { Bundle, BundleEntry, BundleEntryResponse, OperationOutcome, Resource } from '@medplum/fhirtypes';
import { type ProblemDetail, toOperationOutcome, VitaltwinError } from '@vitaltwin/core';
import type { SqlQueryable } from '../store/sql-client.ts';
import { type BundleRequestEntry, type ParsedBundle, parseBundle, processingRank } from './bundle-entries.ts';
import { findMatches, lockCriteria } from './conditional-match.ts';
import type { FhirStoreContext } from './fhir-store-context.ts';
import { applyJsonPatch } from './json-patch.ts';
import { matchesPending } from './pending-match.ts';
import { conditionalReferences, ReferenceRewriter } from './reference-rewriter.ts';
import { readCurrent, readResource, readVersion } from './resource-reads.ts';
import { precheckFhirResource, validationError } from './resource-validation.ts';
import { type WriteOp, type WriteResult, writeBatch } from './resource-writer.ts';
import { searchsetBundle } from './search-bundle.ts';
import { executeSearch } from './search-executor.ts';
import { searchModel } from './search-parameter-registry.ts';
import { parseSearchRequest } from './search-request.ts';
import { guarded } from './storage-errors.ts';

/**
 * Batch and transaction Bundles (FHIR R4 http.html 3.1.0.11). A transaction runs in one database
 * transaction: identities are decided first (new ids, conditional creates/updates/deletes), then
 * `urn:uuid:` fullUrls and conditional references are rewritten everywhere, every resource is
 * validated, and all writes go out as one batch; any failure rolls everything back. A batch runs
 * each entry as its own one-entry transaction and reports each outcome.
 */
export interface BundleOptions {
  readonly baseUrl: string;
  /** Prefer: return=representation: put each written resource in its response entry. */
  readonly representation: boolean;
}

export async function processBundle(store: FhirStoreContext, body: unknown, options: BundleOptions): Promise<Bundle> {
  const parsed = parseBundle(body, options.baseUrl);
  if (parsed.type === 'transaction') {
    const entries = await guarded(() => store.db.transaction((tx) => runEntries(store, tx, parsed, options)));
    return { resourceType: 'Bundle', type: 'transaction-response', entry: entries };
  }
  const entries: BundleEntry[] = [];
  for (const entry of parsed.entries) {
    try {
      const [one] = await guarded(() => store.db.transaction((tx) => runEntries(store, tx, { type: 'batch', entries: [entry] }, options)));
      entries.push(one!);
    } catch (error) {
      const { status, outcome } = toOperationOutcome(error);
      entries.push({ response: { status: String(status), outcome: outcome as OperationOutcome } });
    }
  }
  return { resourceType: 'Bundle', type: 'batch-response', entry: entries };
}

interface Identity {
  type: string;
  id: string;
  /** A conditional create matched this existing resource: nothing to write. */
  existing?: Resource;
}

async function runEntries(store: FhirStoreContext, tx: SqlQueryable, bundle: ParsedBundle, options: BundleOptions): Promise<BundleEntry[]> {
  const nowMs = store.now();
  const order = [...bundle.entries].sort((a, b) => processingRank[a.method] - processingRank[b.method] || a.index - b.index);
  const identities = new Map<number, Identity | null>();
  const refMap = new Map<string, string>();
  for (const e of order) {
    const identity = await atEntry(e, () => decideIdentity(store, tx, e, nowMs));
    identities.set(e.index, identity);
    if (identity && e.fullUrl) refMap.set(e.fullUrl, `${identity.type}/${identity.id}`);
  }
  const bodies = order.filter((e) => (e.method === 'POST' || e.method === 'PUT') && !identities.get(e.index)?.existing);
  await resolveConditionalReferences(store, tx, bodies, identities, refMap, nowMs);
  // Prepare every body (references rewritten, patches applied), validate them all in one call
  // (worker threads when available), then build the writes.
  const prepared = new Map<number, { resource: Resource; ifMatch?: number }>();
  const problems: ProblemDetail[] = [];
  let parseLevel = false;
  const rewriter = new ReferenceRewriter(refMap);
  const collect = (e: BundleRequestEntry, error: unknown) => {
    if (!(error instanceof VitaltwinError) || (error.code !== 'VT_ERR_VALIDATION' && error.code !== 'VT_ERR_INVALID_INPUT')) throw error;
    parseLevel ||= error.code === 'VT_ERR_INVALID_INPUT';
    const prefix = `Bundle.entry[${e.index}].resource`;
    const list = error.problems.length > 0 ? error.problems : [{ message: error.message }];
    for (const p of list) problems.push({ ...p, expression: p.expression ? p.expression.replace(/^[A-Za-z]+/, prefix) : prefix });
  };
  for (const e of order) {
    const identity = identities.get(e.index);
    if (!identity || identity.existing) continue;
    try {
      const body = await prepareBody(tx, e, identity, rewriter);
      if (body) prepared.set(e.index, body);
    } catch (error) {
      collect(e, error);
    }
  }
  const list = [...prepared];
  const verdicts = await store.validate(list.map(([, p]) => p.resource));
  verdicts.forEach((found, i) => {
    const [index, p] = list[i]!;
    if (found.length > 0) collect(bundle.entries.find((e) => e.index === index)!, validationError(p.resource.resourceType, found));
  });
  if (problems.length > 0) {
    throw new VitaltwinError(
      parseLevel ? 'VT_ERR_INVALID_INPUT' : 'VT_ERR_VALIDATION',
      `${bundle.type} rejected: invalid resources`,
      problems,
    );
  }
  const ops: WriteOp[] = [];
  const opIndex: number[] = [];
  for (const e of order) {
    const identity = identities.get(e.index);
    if (!identity || identity.existing) continue;
    const op = entryWrite(e, identity, prepared.get(e.index));
    if (op) {
      ops.push(op);
      opIndex.push(e.index);
    }
  }
  const { results } = await writeBatch(tx, store.keys, ops, new Date(nowMs).toISOString());
  const written = new Map<number, WriteResult>();
  results.forEach((r, i) => {
    written.set(opIndex[i]!, r);
  });
  const responses = new Map<number, BundleEntry>();
  for (const e of order) {
    const result = written.get(e.index);
    const identity = identities.get(e.index);
    if (result) responses.set(e.index, writeResponse(result, options.representation));
    else if (identity?.existing) responses.set(e.index, existingResponse(identity.existing, options.representation));
    else if (e.method === 'DELETE') responses.set(e.index, { response: { status: '204 No Content' } });
    else responses.set(e.index, await atEntry(e, () => readEntry(store, tx, e, options, nowMs)));
  }
  return bundle.entries.map((e) => responses.get(e.index)!);
}

async function decideIdentity(store: FhirStoreContext, tx: SqlQueryable, e: BundleRequestEntry, nowMs: number): Promise<Identity | null> {
  const single = async (criteria: string): Promise<Resource | undefined> => {
    const matches = await findMatches(tx, store.keys, e.type, criteria, nowMs);
    if (matches.length > 1)
      throw new VitaltwinError('VT_ERR_MULTIPLE_MATCHES', `${e.method} ${e.url}: the criteria match more than one ${e.type}`);
    return matches[0];
  };
  switch (e.method) {
    case 'GET':
    case 'HEAD':
      return null;
    case 'POST': {
      if (e.ifNoneExist !== undefined) {
        await lockCriteria(tx, e.type, e.ifNoneExist);
        const match = await single(e.ifNoneExist);
        if (match?.id) return { type: e.type, id: match.id, existing: match };
      }
      return { type: e.type, id: store.newId() };
    }
    case 'PUT': {
      if (e.id !== undefined) return { type: e.type, id: e.id };
      const match = await single(e.query ?? '');
      const bodyId = (e.resource as { id?: unknown }).id;
      return { type: e.type, id: match?.id ?? (typeof bodyId === 'string' ? bodyId : store.newId()) };
    }
    case 'PATCH':
    case 'DELETE': {
      if (e.id !== undefined) return { type: e.type, id: e.id };
      const match = await single(e.query ?? '');
      if (!match?.id) {
        if (e.method === 'DELETE') return null;
        throw new VitaltwinError('VT_ERR_NOT_FOUND', `PATCH ${e.url}: no ${e.type} matches`);
      }
      return { type: e.type, id: match.id };
    }
  }
}

/** Each conditional reference must resolve to exactly one resource, stored or created here. */
async function resolveConditionalReferences(
  store: FhirStoreContext,
  tx: SqlQueryable,
  bodies: readonly BundleRequestEntry[],
  identities: ReadonlyMap<number, Identity | null>,
  refMap: Map<string, string>,
  nowMs: number,
): Promise<void> {
  const refs = new Set<string>();
  for (const e of bodies) for (const r of conditionalReferences(e.resource)) refs.add(r);
  for (const ref of refs) {
    const q = ref.indexOf('?');
    const type = ref.slice(0, q);
    const criteria = ref.slice(q + 1);
    if (!searchModel(type)) throw new VitaltwinError('VT_ERR_INVALID_INPUT', `conditional reference ${ref} names an unknown type`);
    const found = new Set<string>();
    for (const r of await findMatches(tx, store.keys, type, criteria, nowMs)) found.add(r.id ?? '');
    for (const e of bodies) {
      const identity = identities.get(e.index);
      if (identity?.type !== type) continue;
      if (matchesPending({ ...(e.resource as Resource), id: identity.id }, criteria)) found.add(identity.id);
    }
    if (found.size === 0) {
      throw new VitaltwinError('VT_ERR_INVALID_INPUT', `conditional reference ${ref} matches no resource`, [
        { message: 'no match', issueCode: 'not-found' },
      ]);
    }
    if (found.size > 1) throw new VitaltwinError('VT_ERR_MULTIPLE_MATCHES', `conditional reference ${ref} matches ${found.size} resources`);
    refMap.set(ref, `${type}/${[...found][0]}`);
  }
}

/** The resource an entry will write, prechecked (the validator runs on all of them afterwards). */
async function prepareBody(
  tx: SqlQueryable,
  e: BundleRequestEntry,
  identity: Identity,
  rewriter: ReferenceRewriter,
): Promise<{ resource: Resource; ifMatch?: number } | undefined> {
  switch (e.method) {
    case 'POST':
    case 'PUT': {
      const body = rewriter.rewrite(e.resource) as Record<string, unknown>;
      const resource = precheckFhirResource({ ...body, id: e.method === 'PUT' ? identity.id : undefined }, e.type);
      return { resource: { ...resource, id: identity.id } };
    }
    case 'PATCH': {
      const current = await readCurrent(tx, e.type, identity.id);
      if (!current?.content || current.deleted)
        throw new VitaltwinError('VT_ERR_NOT_FOUND', `PATCH ${e.url}: ${e.type}/${identity.id} not found`);
      if (e.ifMatch !== undefined && e.ifMatch !== current.version_id) {
        throw new VitaltwinError('VT_ERR_VERSION_CONFLICT', `PATCH ${e.url}: version is ${current.version_id}, not ${e.ifMatch}`);
      }
      const resource = precheckFhirResource(applyJsonPatch(current.content, patchDocument(e)), e.type);
      if (resource.id !== identity.id) throw new VitaltwinError('VT_ERR_VALIDATION', 'a patch may not change the id');
      return { resource, ifMatch: current.version_id };
    }
    case 'DELETE':
    case 'GET':
    case 'HEAD':
      return undefined;
  }
}

function entryWrite(
  e: BundleRequestEntry,
  identity: Identity,
  body: { resource: Resource; ifMatch?: number } | undefined,
): WriteOp | undefined {
  const resource = body?.resource as (Resource & { id: string }) | undefined;
  switch (e.method) {
    case 'POST':
      return resource ? { kind: 'create', resource } : undefined;
    case 'PUT':
      return resource ? { kind: 'update', resource, ...(e.ifMatch !== undefined ? { ifMatch: e.ifMatch } : {}) } : undefined;
    case 'PATCH':
      return resource
        ? { kind: 'update', resource, ...(body?.ifMatch !== undefined ? { ifMatch: body.ifMatch } : {}), method: 'PATCH' }
        : undefined;
    case 'DELETE':
      return { kind: 'delete', resourceType: e.type, id: identity.id, ...(e.ifMatch !== undefined ? { ifMatch: e.ifMatch } : {}) };
    case 'GET':
    case 'HEAD':
      return undefined;
  }
}

/** A PATCH entry carries its JSON Patch as a Binary (contentType application/json-patch+json, base64 data). */
function patchDocument(e: BundleRequestEntry): unknown {
  const binary = e.resource as { resourceType?: string; contentType?: string; data?: string } | undefined;
  if (binary?.resourceType !== 'Binary' || !binary.data || !/json-patch/.test(binary.contentType ?? '')) {
    throw new VitaltwinError(
      'VT_ERR_NOT_SUPPORTED',
      `PATCH ${e.url}: send the JSON Patch as a Binary with contentType application/json-patch+json`,
    );
  }
  try {
    return JSON.parse(Buffer.from(binary.data, 'base64').toString('utf8'));
  } catch {
    throw new VitaltwinError('VT_ERR_INVALID_INPUT', `PATCH ${e.url}: Binary.data is not a base64 JSON document`);
  }
}

async function readEntry(
  store: FhirStoreContext,
  tx: SqlQueryable,
  e: BundleRequestEntry,
  options: BundleOptions,
  nowMs: number,
): Promise<BundleEntry> {
  const ok = (resource: Resource | Bundle): BundleEntry => ({
    ...(e.method === 'GET' ? { resource } : {}),
    response: { status: '200 OK' },
  });
  if (e.id !== undefined) {
    const resource = e.versionId !== undefined ? await readVersion(tx, e.type, e.id, e.versionId) : await readResource(tx, e.type, e.id);
    return ok(resource);
  }
  const query = new URLSearchParams(e.query ?? '');
  const model = searchModel(e.type)!;
  const result = await executeSearch(tx, model, parseSearchRequest(e.type, query), { keys: store.keys, nowMs, baseUrl: options.baseUrl });
  return ok(searchsetBundle(result, { baseUrl: options.baseUrl, query, path: e.type }));
}

function writeResponse(r: WriteResult, representation: boolean): BundleEntry {
  const response: BundleEntryResponse =
    r.outcome === 'not-found'
      ? { status: '204 No Content' }
      : {
          status: r.outcome === 'created' ? '201 Created' : r.outcome === 'deleted' ? '204 No Content' : '200 OK',
          ...(r.outcome !== 'deleted' ? { location: `${r.resourceType}/${r.id}/_history/${r.versionId}` } : {}),
          etag: `W/"${r.versionId}"`,
          lastModified: r.lastUpdated,
        };
  return { ...(representation && r.resource ? { resource: r.resource } : {}), response };
}

function existingResponse(resource: Resource, representation: boolean): BundleEntry {
  const v = resource.meta?.versionId ?? '1';
  return {
    ...(representation ? { resource } : {}),
    response: {
      status: '200 OK',
      location: `${resource.resourceType}/${resource.id}/_history/${v}`,
      etag: `W/"${v}"`,
      ...(resource.meta?.lastUpdated ? { lastModified: resource.meta.lastUpdated } : {}),
    },
  };
}

/** Names the entry in any error raised while processing it. */
async function atEntry<T>(e: BundleRequestEntry, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof VitaltwinError && !error.message.startsWith('Bundle.entry')) {
      throw new VitaltwinError(error.code, `Bundle.entry[${e.index}] (${e.method} ${e.url}): ${error.message}`, error.problems);
    }
    throw error;
  }
}
