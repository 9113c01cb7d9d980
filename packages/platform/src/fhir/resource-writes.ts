import type { Resource } from '@medplum/fhirtypes';
import { VitaltwinError } from '@vitaltwin/core';
import type { SqlQueryable } from '../store/sql-client.ts';
import { findMatches, lockCriteria } from './conditional-match.ts';
import { applyJsonPatch } from './json-patch.ts';
import { readCurrent } from './resource-reads.ts';
import { validateFhirResource } from './resource-validation.ts';
import { type WriteResult, writeBatch } from './resource-writer.ts';
import type { SearchIndexKeys } from './search-index-keys.ts';

/**
 * Single-resource writes with FHIR R4 REST semantics (http.html): create with a server id,
 * conditional create (If-None-Exist), update with create-on-update, version-aware updates
 * (If-Match), conditional update and delete, and JSON Patch. Each runs inside the caller's
 * transaction and validates the resulting resource before anything is written.
 */
export interface WriteContext {
  readonly tx: SqlQueryable;
  readonly keys: SearchIndexKeys;
  readonly nowMs: number;
  readonly newId: () => string;
}

export interface WriteOutcome {
  readonly result: WriteResult;
  /** False when a conditional create found an existing match (nothing written). */
  readonly written: boolean;
}

const iso = (ms: number) => new Date(ms).toISOString();

export async function createResource(ctx: WriteContext, type: string, body: unknown, ifNoneExist?: string): Promise<WriteOutcome> {
  const resource = validateFhirResource(body, type);
  if (ifNoneExist !== undefined) {
    await lockCriteria(ctx.tx, type, ifNoneExist);
    const matches = await findMatches(ctx.tx, ctx.keys, type, ifNoneExist, ctx.nowMs);
    if (matches.length > 1) throw new VitaltwinError('VT_ERR_MULTIPLE_MATCHES', `If-None-Exist matches more than one ${type}`);
    const match = matches[0];
    if (match) return { result: existingResult(match), written: false };
  }
  const withId = { ...resource, id: ctx.newId() };
  const { results } = await writeBatch(ctx.tx, ctx.keys, [{ kind: 'create', resource: withId }], iso(ctx.nowMs));
  return { result: results[0]!, written: true };
}

export async function updateResource(
  ctx: WriteContext,
  type: string,
  id: string,
  body: unknown,
  ifMatch?: number,
  method: 'PUT' | 'PATCH' = 'PUT',
): Promise<WriteOutcome> {
  const resource = validateFhirResource(body, type);
  if (resource.id === undefined) {
    throw new VitaltwinError('VT_ERR_INVALID_INPUT', 'an update must carry the resource id', [
      { message: 'id is missing', expression: `${type}.id` },
    ]);
  }
  if (resource.id !== id) {
    throw new VitaltwinError('VT_ERR_INVALID_INPUT', `resource id ${resource.id} does not match the URL id ${id}`, [
      { message: 'id differs from the URL', expression: `${type}.id` },
    ]);
  }
  const { results } = await writeBatch(
    ctx.tx,
    ctx.keys,
    [{ kind: 'update', resource: resource as Resource & { id: string }, method, ...(ifMatch !== undefined ? { ifMatch } : {}) }],
    iso(ctx.nowMs),
  );
  return { result: results[0]!, written: true };
}

/** PUT [type]?criteria: no match creates (with the body's id or a new one), one match updates, more fail. */
export async function conditionalUpdate(ctx: WriteContext, type: string, criteria: string, body: unknown): Promise<WriteOutcome> {
  await lockCriteria(ctx.tx, type, criteria);
  const matches = await findMatches(ctx.tx, ctx.keys, type, criteria, ctx.nowMs);
  if (matches.length > 1) throw new VitaltwinError('VT_ERR_MULTIPLE_MATCHES', `the criteria match more than one ${type}`);
  const bodyId = (body as { id?: unknown } | null)?.id;
  const id = matches[0]?.id ?? (typeof bodyId === 'string' ? bodyId : ctx.newId());
  if (matches[0] && typeof bodyId === 'string' && bodyId !== id) {
    throw new VitaltwinError('VT_ERR_INVALID_INPUT', 'the body id differs from the matched resource');
  }
  return updateResource(ctx, type, id, { ...(body as object), id });
}

export async function deleteResource(ctx: WriteContext, type: string, id: string, ifMatch?: number): Promise<WriteResult> {
  const { results } = await writeBatch(
    ctx.tx,
    ctx.keys,
    [{ kind: 'delete', resourceType: type, id, ...(ifMatch !== undefined ? { ifMatch } : {}) }],
    iso(ctx.nowMs),
  );
  return results[0]!;
}

/** DELETE [type]?criteria: deletes the single match (none: nothing to do; several: 412). */
export async function conditionalDelete(ctx: WriteContext, type: string, criteria: string): Promise<WriteResult | undefined> {
  const matches = await findMatches(ctx.tx, ctx.keys, type, criteria, ctx.nowMs);
  if (matches.length > 1) throw new VitaltwinError('VT_ERR_MULTIPLE_MATCHES', `the criteria match more than one ${type}`);
  return matches[0]?.id ? deleteResource(ctx, type, matches[0].id) : undefined;
}

export async function patchResource(ctx: WriteContext, type: string, id: string, patch: unknown, ifMatch?: number): Promise<WriteOutcome> {
  const current = await readCurrent(ctx.tx, type, id);
  if (!current) throw new VitaltwinError('VT_ERR_NOT_FOUND', `${type}/${id} not found`);
  if (current.deleted || !current.content) throw new VitaltwinError('VT_ERR_GONE', `${type}/${id} was deleted`);
  if (ifMatch !== undefined && ifMatch !== current.version_id) {
    throw new VitaltwinError('VT_ERR_VERSION_CONFLICT', `${type}/${id} is at version ${current.version_id}, not ${ifMatch}`);
  }
  const patched = applyJsonPatch(current.content, patch) as Resource;
  if (patched?.resourceType !== type || patched.id !== id) {
    throw new VitaltwinError('VT_ERR_VALIDATION', 'a patch may not change resourceType or id');
  }
  return updateResource(ctx, type, id, patched, current.version_id, 'PATCH');
}

function existingResult(resource: Resource): WriteResult {
  return {
    resourceType: resource.resourceType,
    id: resource.id ?? '',
    versionId: Number(resource.meta?.versionId ?? 1),
    lastUpdated: resource.meta?.lastUpdated ?? '',
    outcome: 'existing',
    resource,
  };
}
